package cmd

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func response(contentType, body string) *http.Response {
	return &http.Response{Header: http.Header{"Content-Type": {contentType}}, Body: io.NopCloser(strings.NewReader(body))}
}

func TestWriteBodyOnATerminalPrettyPrintsJSON(t *testing.T) {
	var out bytes.Buffer
	ios := &IOStreams{Out: &out}
	ios.SetStdoutTTY(true)
	if err := writeBody(ios, response("application/json; charset=utf-8", `{"a":[1,"x"],"b":{"c":null}}`), nil, nil); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}

	out.Reset()
	ios.SetColorEnabled(true)
	if err := writeBody(ios, response("application/json", `{"k":"v","n":2}`), nil, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[") || stripANSI(out.String()) != "{\n  \"k\": \"v\",\n  \"n\": 2\n}\n" {
		t.Errorf("colored output %q", out.String())
	}
}

func TestWriteBodyOffATerminalIsVerbatim(t *testing.T) {
	var out bytes.Buffer
	body := `{"a":1}` + "\n  trailing junk"
	if err := writeBody(&IOStreams{Out: &out}, response("application/json", body), nil, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != body {
		t.Errorf("got %q", out.String())
	}
}

func TestJQKeepsLargeNumbersAndPrintsStringsRaw(t *testing.T) {
	var out bytes.Buffer
	code, err := compileJQ(".orders[] | .id, .s, {s}")
	if err != nil {
		t.Fatal(err)
	}
	err = writeBody(&IOStreams{Out: &out}, response("application/json", `{"orders":[{"id":12345678901234567890,"s":"BTC"}]}`), code, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "12345678901234567890\nBTC\n{\"s\":\"BTC\"}\n" {
		t.Errorf("got %q", out.String())
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
