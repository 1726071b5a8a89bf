package verify

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

var testCreds = map[string]string{
	"api_key":        "test-key",
	"api_secret":     "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
	"api_passphrase": "test passphrase",
	"token":          "jwt",
}

// raw writes a signed request as it goes on the wire.
func raw(res *sign.Result, crlf bool) string {
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	var b strings.Builder
	u := res.URL[strings.Index(res.URL, "://")+3:]
	host, target, _ := strings.Cut(u, "/")
	fmt.Fprintf(&b, "%s /%s HTTP/1.1%sHost: %s%s", res.Method, target, nl, host, nl)
	for _, h := range res.Headers {
		fmt.Fprintf(&b, "%s: %s%s", h.Name, h.Value, nl)
	}
	if len(res.Body) > 0 {
		fmt.Fprintf(&b, "Content-Type: %s%sContent-Length: %d%s", res.ContentType, nl, len(res.Body), nl)
	}
	b.WriteString(nl)
	b.Write(res.Body)
	return b.String()
}

func scheme(t *testing.T, name string) *profiles.VendorScheme {
	t.Helper()
	v, err := profiles.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Scheme("")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every vendor: a request signed by the engine, written out raw, parsed
// back and verified, matches; a one-byte change in what the vendor signs
// does not.
func TestCapturedRequestsOfEveryVendor(t *testing.T) {
	for _, name := range profiles.BuiltinNames() {
		s := scheme(t, name)
		for _, tc := range []struct {
			method, target string
			fields         []sign.Field
		}{
			{"GET", "/api/orders?symbol=BTC-USDT&limit=5", nil},
			{"POST", "/api/order", []sign.Field{{Name: "symbol", Value: "BTC-USDT"}, {Name: "qty", Value: "1.5"}}},
		} {
			res, err := s.Sign(sign.Request{Method: tc.method, BaseURL: s.BaseURL, Target: tc.target, Fields: tc.fields, Credentials: testCreds, Timestamp: timestampFor(s)})
			if err != nil {
				t.Fatal(err)
			}
			for _, crlf := range []bool{true, false} {
				p, err := ParseRequest(strings.NewReader(raw(res, crlf)), s.Scheme, s.BaseURL)
				if err != nil {
					t.Fatalf("%s %s: %v\n%s", name, tc.method, err, raw(res, crlf))
				}
				in := p.Input
				for k, v := range testCreds {
					if _, ok := in.Request.Credentials[k]; !ok {
						in.Request.Credentials[k] = v
					}
				}
				got, err := Check(s.Scheme, in)
				if err != nil {
					t.Fatalf("%s %s: %v", name, tc.method, err)
				}
				if !got.Match {
					t.Errorf("%s %s: mismatch\n got canonical %q\nexpected %s, received %s", name, tc.method, got.Canonical, got.Expected, got.Received)
				}
				if !bytes.Equal(got.Canonical, res.Canonical) {
					t.Errorf("%s %s: canonical %q, signed %q", name, tc.method, got.Canonical, res.Canonical)
				}
				// One byte changed in the signature, the timestamp, or the
				// query: no match.
				flip := func(s string) string {
					if s == "" {
						return s
					}
					c := s[len(s)-1]
					if c == '0' {
						c = '1'
					} else {
						c = '0'
					}
					return s[:len(s)-1] + string(c)
				}
				bad := in
				bad.Signatures = []string{flip(in.Signatures[0])}
				if r, err := Check(s.Scheme, bad); err != nil || r.Match {
					t.Errorf("%s %s: a changed signature matched (%v)", name, tc.method, err)
				}
				// One byte changed in the body, the path or the query: a
				// mismatch whenever the vendor signs that part.
				for what, change := range map[string]func(*sign.Request){
					"body":  func(r *sign.Request) { r.Body = []byte(flip(string(r.Body))) },
					"path":  func(r *sign.Request) { r.Target = "/apx" + strings.TrimPrefix(r.Target, "/api") },
					"query": func(r *sign.Request) { r.Target = strings.Replace(r.Target, "limit=5", "limit=6", 1) },
				} {
					bad = in
					bad.Request.Credentials = testCreds
					change(&bad.Request)
					changed, err := s.Sign(bad.Request)
					if err != nil || bytes.Equal(changed.Canonical, got.Canonical) {
						continue // the vendor does not sign that part, or it was not there
					}
					if r, err := Check(s.Scheme, bad); err != nil || r.Match {
						t.Errorf("%s %s: a changed %s matched", name, tc.method, what)
					}
				}
				// (A timestamp carried as a parameter is signed where it
				// is in the request; only a header's copy is checked here.)
				if strings.HasPrefix(p.Found["timestamp"], "header") && s.TimestampFormat() != sign.ISO8601Millis {
					bad = in
					bad.Request.Timestamp = flip(in.Request.Timestamp)
					if r, err := Check(s.Scheme, bad); err == nil && r.Match {
						t.Errorf("%s %s: a changed timestamp matched", name, tc.method)
					}
				}
			}
		}
	}
}

func timestampFor(s *profiles.VendorScheme) string {
	switch s.TimestampFormat() {
	case sign.UnixSeconds:
		return "1700000000"
	case sign.UnixMillis:
		return "1700000000123"
	case sign.ISO8601Millis:
		return "2023-11-14T22:13:20.123Z"
	}
	return ""
}

// Chunked bodies are read as the body they carry.
func TestChunkedBody(t *testing.T) {
	s := scheme(t, "woox")
	res, err := s.Sign(sign.Request{Method: "POST", BaseURL: s.BaseURL, Target: "/v3/o", Body: []byte(`{"a":1}`), Credentials: testCreds, Timestamp: "1"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("POST /v3/o HTTP/1.1\r\nHost: api.woox.io\r\nTransfer-Encoding: chunked\r\n")
	for _, h := range res.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	b.WriteString("\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n")
	p, err := ParseRequest(strings.NewReader(b.String()), s.Scheme, s.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	p.Request.Credentials = testCreds
	got, err := Check(s.Scheme, p.Input)
	if err != nil || !got.Match {
		t.Fatalf("chunked: %v, %+v", err, got)
	}
}

func TestMissingOrMalformedHeadersAreNamed(t *testing.T) {
	s := scheme(t, "woox")
	_, err := ParseRequest(strings.NewReader("GET /v3/x HTTP/1.1\r\nHost: h\r\nx-api-timestamp: 1\r\n\r\n"), s.Scheme, s.BaseURL)
	var notVerifiable *NotVerifiableError
	if !errors.As(err, &notVerifiable) || err.Error() != "the request has no signature: the definition expects it in header x-api-signature" {
		t.Errorf("missing signature: %v", err)
	}
	_, err = ParseRequest(strings.NewReader("not http\r\n\r\n"), s.Scheme, s.BaseURL)
	if err == nil || !strings.Contains(err.Error(), "not an HTTP/1.1 request") {
		t.Errorf("garbage: %v", err)
	}
	fig := scheme(t, "fig")
	_, err = ParseRequest(strings.NewReader("GET /v1x/rfq HTTP/1.1\r\nHost: h\r\nX-FIG-Signature: ab\r\nX-FIG-Timestamp: 1\r\n\r\n"), fig.Scheme, fig.BaseURL)
	if err == nil || !strings.Contains(err.Error(), "not under the base URL's path /v1") {
		t.Errorf("/v1x under /v1: %v", err)
	}
	sig := scheme(t, "sigrex")
	_, err = ParseRequest(strings.NewReader("GET /other/x HTTP/1.1\r\nHost: h\r\nsignature: ab\r\ntimestamp: 1\r\napi-key: k\r\n\r\n"), sig.Scheme, sig.BaseURL)
	if err == nil || !strings.Contains(err.Error(), "not under the base URL's path /api/v2") {
		t.Errorf("path outside the base: %v", err)
	}
}

func TestCheckRejectsUndecodableSignature(t *testing.T) {
	s := scheme(t, "woox")
	got, err := Check(s.Scheme, Input{Request: sign.Request{Method: "GET", BaseURL: s.BaseURL, Target: "/x", Credentials: testCreds, Timestamp: "1"}, Signatures: []string{"not-hex!"}})
	if err != nil || got.Match || got.Note == "" {
		t.Errorf("got %+v, %v", got, err)
	}
}
