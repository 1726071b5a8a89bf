package workspace

import "testing"

func TestDropOneNewline(t *testing.T) {
	for in, want := range map[string]string{"s\n": "s", "s\r\n": "s", "s\r": "s\r", "s\n\n": "s\n", "s": "s"} {
		if got := DropOneNewline(in); got != want {
			t.Errorf("DropOneNewline(%q) = %q, want %q", in, got, want)
		}
	}
}
