package verify

import "testing"

func TestWhitespaceDifference(t *testing.T) {
	const line45 = "GET\n/v1/orders\n1578565539808\nsymbol=SPOT_NEAR" // 45 bytes
	if len(line45) != 45 {
		t.Fatalf("line45 is %d bytes", len(line45))
	}
	for _, c := range []struct {
		name, ours, theirs, want string
	}{
		{"identical", line45, line45, ""},
		{"both empty", "", "", ""},
		{"editor-added newline", line45, line45 + "\n", `a trailing newline (theirs ends with \n, ours does not)`},
		{"ours has the newline", line45 + "\n", line45, `a trailing newline (ours ends with \n, theirs does not)`},
		{"CRLF newline at the end", "a", "a\r\n", `a trailing newline (theirs ends with \r\n, ours does not)`},
		{"two newlines", "a", "a\n\n", `2 trailing newlines (theirs ends with \n\n, ours does not)`},
		{"one more newline", "a\n", "a\n\n", `an extra trailing newline (theirs ends with \n\n, ours with \n)`},
		{"CRLF throughout", "a\nb\nc", "a\r\nb\r\nc", "line ends: theirs has CRLF where ours has LF"},
		{"CRLF in ours", "a\r\nb", "a\nb", "line ends: ours has CRLF where theirs has LF"},
		{"last line end only", "a\r\n", "a\n", "line ends: ours has CRLF where theirs has LF"},
		{"mixed line ends", "a\r\nb\nc", "a\nb\r\nc", "line ends: CRLF and LF in different places"},
		{"trailing space", "a\nb\nc", "a\nb \nc", "trailing spaces (at the end of line 2)"},
		{"trailing tab on last line", "a\nb\nc\t", "a\nb\nc", "trailing spaces (at the end of line 3)"},
		{"spaces before CRLF", "a \r\nb", "a\r\nb", "trailing spaces (at the end of line 1)"},
		{"CRLF and newline", "a\nb", "a\r\nb\r\n", `a trailing newline (theirs ends with \n, ours does not) and line ends: theirs has CRLF where ours has LF`},
		{"newline and spaces", "a \nb", "a\nb\n", `a trailing newline (theirs ends with \n, ours does not) and trailing spaces (at the end of line 1)`},
		{"CRLF and spaces", "a  \nb", "a\r\nb", "line ends: theirs has CRLF where ours has LF and trailing spaces (at the end of line 1)"},
		{"all three", "a\nb \nc", "a\r\nb\r\nc\r\n", `a trailing newline (theirs ends with \n, ours does not) and line ends: theirs has CRLF where ours has LF and trailing spaces (at the end of line 2)`},
		{"different text", "a\nb", "a\nc", ""},
		{"different text and newline", "a", "b\n", ""},
		{"leading space", "a", " a", ""},
		{"space inside a line", "a b", "a  b", ""},
		{"blank line inside", "a\nb", "a\n\nb", ""},
		{"bare CR", "a\r", "a\r\n", ""},
	} {
		if got := WhitespaceDifference([]byte(c.ours), []byte(c.theirs)); got != c.want {
			t.Errorf("%s: WhitespaceDifference(%q, %q) =\n  %q, want\n  %q", c.name, c.ours, c.theirs, got, c.want)
		}
	}
}
