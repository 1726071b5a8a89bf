package sign

import (
	"net/url"
	"sort"
	"strings"
)

// Pair is one name/value parameter, decoded.
type Pair struct {
	Name  string
	Value string
}

// ParsePairs decodes an application/x-www-form-urlencoded string (a query
// string or a form body) into its pairs, in order, keeping repeated names.
// A part that does not decode is kept as written.
func ParsePairs(s string) []Pair {
	if s == "" {
		return nil
	}
	pairs := make([]Pair, 0, strings.Count(s, "&")+1)
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		pairs = append(pairs, Pair{Name: Unescape(name), Value: Unescape(value)})
	}
	return pairs
}

// Unescape undoes form encoding as Python's unquote_plus and JavaScript's
// URLSearchParams do: "+" is a space, a valid %XX is its byte, and an
// invalid escape is kept as written.
func Unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// EncodePairs writes pairs as application/x-www-form-urlencoded, in order.
func EncodePairs(pairs []Pair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

// SortPairs returns a copy of pairs sorted by name, keeping the order of
// repeated names.
func SortPairs(pairs []Pair) []Pair {
	sorted := append([]Pair(nil), pairs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	return sorted
}

// JoinPairs writes pairs undecoded: name, nameValueSep, value, joined by
// pairSep.
func JoinPairs(pairs []Pair, nameValueSep, pairSep string) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteString(pairSep)
		}
		b.WriteString(p.Name)
		b.WriteString(nameValueSep)
		b.WriteString(p.Value)
	}
	return b.String()
}

// appendParam adds name=value to an encoded parameter string, first or
// last.
func appendParam(encoded, name, value string, first bool) string {
	name, value = url.QueryEscape(name), url.QueryEscape(value)
	switch {
	case encoded == "":
		return name + "=" + value
	case first:
		return name + "=" + value + "&" + encoded
	default:
		return encoded + "&" + name + "=" + value
	}
}
