package verify

import (
	"bytes"
	"fmt"
	"strings"
)

// The kinds of white-space difference WhitespaceDifference looks for, in
// the order it names them.
const (
	wsTrailingNewline = 1 << iota
	wsLineEnds
	wsTrailingSpaces
)

// WhitespaceDifference names a difference between two strings that is only
// in line ends or trailing whitespace: "" when they are identical or
// differ otherwise. It names the fewest kinds that explain the
// difference, joined by " and ": extra newlines at the very end ("a
// trailing newline (theirs ends with \n, ours does not)"), CRLF against LF
// ("line ends: theirs has CRLF where ours has LF"), and spaces or tabs at
// line ends ("trailing spaces (at the end of line 3)").
func WhitespaceDifference(ours, theirs []byte) string {
	if bytes.Equal(ours, theirs) {
		return ""
	}
	n, e, s := wsTrailingNewline, wsLineEnds, wsTrailingSpaces
	for _, kinds := range []int{n, e, s, n | e, n | s, e | s, n | e | s} {
		o, t := ours, theirs
		if kinds&wsLineEnds != 0 {
			o, t = lfOnly(o), lfOnly(t)
		}
		if kinds&wsTrailingSpaces != 0 {
			o, t = trimLineSpaces(o), trimLineSpaces(t)
		}
		var names []string
		if kinds&wsTrailingNewline != 0 {
			name, ok := newlineDifference(o, t)
			if !ok {
				continue
			}
			names = append(names, name)
		} else if !bytes.Equal(o, t) {
			continue
		}
		if kinds&wsLineEnds != 0 {
			names = append(names, lineEndDifference(ours, theirs))
		}
		if kinds&wsTrailingSpaces != 0 {
			names = append(names, fmt.Sprintf("trailing spaces (at the end of line %d)", firstDifferentLine(lfOnly(ours), lfOnly(theirs))))
		}
		return strings.Join(names, " and ")
	}
	return ""
}

// newlineDifference names the difference when o and t differ only in that
// one ends with more "\n" or "\r\n" than the other.
func newlineDifference(o, t []byte) (string, bool) {
	bo, ro := splitNewlineRun(o)
	bt, rt := splitNewlineRun(t)
	if !bytes.Equal(bo, bt) || bytes.Equal(ro, rt) {
		return "", false
	}
	more, fewer, longer, shorter := "theirs", "ours", rt, ro
	if len(ro) > len(rt) {
		more, fewer, longer, shorter = "ours", "theirs", ro, rt
	}
	if !bytes.HasPrefix(longer, shorter) {
		return "", false
	}
	extra := bytes.Count(longer, []byte("\n")) - bytes.Count(shorter, []byte("\n"))
	if len(shorter) == 0 {
		name := "a trailing newline"
		if extra > 1 {
			name = fmt.Sprintf("%d trailing newlines", extra)
		}
		return fmt.Sprintf("%s (%s ends with %s, %s does not)", name, more, escapeNewlines(longer), fewer), true
	}
	name := "an extra trailing newline"
	if extra > 1 {
		name = fmt.Sprintf("%d extra trailing newlines", extra)
	}
	return fmt.Sprintf("%s (%s ends with %s, %s with %s)", name, more, escapeNewlines(longer), fewer, escapeNewlines(shorter)), true
}

// splitNewlineRun splits b before the "\n" and "\r\n" it ends with.
func splitNewlineRun(b []byte) (body, run []byte) {
	i := len(b)
	for i > 0 && b[i-1] == '\n' {
		i--
		if i > 0 && b[i-1] == '\r' {
			i--
		}
	}
	return b[:i], b[i:]
}

func lineEndDifference(ours, theirs []byte) string {
	crlf := []byte("\r\n")
	switch o, t := bytes.Contains(ours, crlf), bytes.Contains(theirs, crlf); {
	case o && t:
		return "line ends: CRLF and LF in different places"
	case o:
		return "line ends: ours has CRLF where theirs has LF"
	}
	return "line ends: theirs has CRLF where ours has LF"
}

func lfOnly(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// trimLineSpaces drops spaces and tabs before each line end, keeping "\r".
func trimLineSpaces(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, line := range lines {
		cr := bytes.HasSuffix(line, []byte("\r"))
		line = bytes.TrimRight(bytes.TrimSuffix(line, []byte("\r")), " \t")
		if cr {
			line = append(line[:len(line):len(line)], '\r')
		}
		lines[i] = line
	}
	return bytes.Join(lines, []byte("\n"))
}

// firstDifferentLine is the 1-based number of the first line that differs.
func firstDifferentLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func escapeNewlines(b []byte) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(string(b))
}
