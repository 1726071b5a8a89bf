package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/fatih/color"
	"github.com/itchyny/gojq"
)

// writeBody prints a response body: streamed as it arrives when stdout is
// not a terminal; pretty-printed and colored when it is a terminal and the
// body is JSON; filtered when jq is set. A body that breaks off is an
// error: the caller maps it to "no response".
func writeBody(ios *IOStreams, resp *http.Response, jq *gojq.Code, bodyErr func(error) error) error {
	switch {
	case jq != nil:
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return bodyErr(err)
		}
		err = runJQ(ios, jq, data)
		if errors.Is(err, errNotJSON) {
			// A response that is not JSON (an HTML 502, a plain "ok"): print
			// it as it came, so the status decides the exit code, as
			// without --jq.
			fmt.Fprintln(ios.ErrOut, "hmacctl: --jq: the response is not JSON; printed as it came")
			_, werr := ios.Out.Write(data)
			return werr
		}
		return err
	case ios.IsStdoutTTY() && isJSON(resp.Header.Get("Content-Type")):
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return bodyErr(err)
		}
		var pretty bytes.Buffer
		if json.Indent(&pretty, data, "", "  ") != nil {
			_, err = ios.Out.Write(data) // not valid JSON after all: as is
			return err
		}
		pretty.WriteByte('\n')
		_, err = io.WriteString(ios.Out, colorJSON(pretty.String(), ios.ColorEnabled()))
		return err
	}
	if _, err := io.Copy(ios.Out, resp.Body); err != nil {
		return bodyErr(err)
	}
	return nil
}

func isJSON(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	return err == nil && (media == "application/json" || strings.HasSuffix(media, "+json"))
}

// compileJQ checks a --jq expression before anything is sent.
func compileJQ(expr string) (*gojq.Code, error) {
	if expr == "" {
		return nil, nil
	}
	query, err := gojq.Parse(expr)
	if err != nil {
		return nil, usageErrorf("--jq %q: %v", expr, err)
	}
	code, err := gojq.Compile(query)
	if err != nil {
		return nil, usageErrorf("--jq %q: %v", expr, err)
	}
	return code, nil
}

// errNotJSON says a response given to --jq is not JSON.
var errNotJSON = errors.New("the response is not JSON")

// runJQ filters a JSON document with a jq expression, printing strings
// raw and other values as compact JSON, one a line, as gh api --jq does.
func runJQ(ios *IOStreams, code *gojq.Code, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep large integers (order ids) exact
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return errNotJSON
	}
	iter := code.Run(doc)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			return fmt.Errorf("--jq: %v", err)
		}
		if s, isString := v.(string); isString {
			fmt.Fprintln(ios.Out, s)
			continue
		}
		enc := json.NewEncoder(ios.Out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
}

// colorJSON colors the keys and scalar values of indented JSON.
func colorJSON(s string, on bool) string {
	if !on {
		return s
	}
	key, str, other := color.New(color.FgBlue, color.Bold), color.New(color.FgGreen), color.New(color.FgCyan)
	for _, c := range []*color.Color{key, str, other} {
		c.EnableColor()
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		b.WriteString(line[:len(line)-len(trimmed)])
		if strings.HasPrefix(trimmed, `"`) {
			if end := closingQuote(trimmed); end > 0 && strings.HasPrefix(trimmed[end+1:], ": ") {
				b.WriteString(key.Sprint(trimmed[:end+1]) + ": ")
				trimmed = trimmed[end+3:]
			}
		}
		value := strings.TrimRight(trimmed, ",\n")
		if value == "" || strings.ContainsAny(value[:1], "{}[]") {
			b.WriteString(trimmed)
			continue
		}
		c := other
		if strings.HasPrefix(value, `"`) {
			c = str
		}
		b.WriteString(c.Sprint(value) + trimmed[len(value):])
	}
	return b.String()
}

// closingQuote finds the quote that ends the JSON string starting at s[0].
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
