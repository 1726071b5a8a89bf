package verify

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// Every built-in vendor and variant: a capture with its signature header
// or parameter removed is not verifiable, never a pass, and the error
// names where the definition expects the signature.
func TestMissingSignatureIsNotVerifiedForEveryVendor(t *testing.T) {
	for _, name := range profiles.BuiltinNames() {
		v, err := profiles.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range append([]profiles.Variant{{}}, v.Variants()...) {
			s, err := v.Scheme(variant.Name)
			if err != nil {
				t.Fatal(err)
			}
			for _, method := range []string{"GET", "POST"} {
				req := sign.Request{Method: method, BaseURL: s.BaseURL, Target: "/api/x?a=1", Credentials: testCreds, Timestamp: timestampFor(s)}
				if method == "POST" {
					req.Target = "/api/x"
					req.Fields = []sign.Field{{Name: "a", Value: "1"}}
				}
				res, err := s.Sign(req)
				if err != nil {
					t.Fatal(err)
				}
				capture := withoutSignature(t, s, raw(res, true))
				_, err = ParseRequest(strings.NewReader(capture), s.Scheme, s.BaseURL)
				var nv *NotVerifiableError
				if !errors.As(err, &nv) || nv.Name != "signature" || !strings.HasPrefix(err.Error(), "the request has no signature: the definition expects it in ") {
					t.Errorf("%s %s %s: got %v for\n%s", name, variant.Name, method, err, capture)
				}
				// And without an input the string to sign takes from the
				// request, such as the timestamp.
				for _, input := range s.Required()[1:] {
					capture := withoutCarrierOf(t, s, raw(res, true), input)
					if _, err := ParseRequest(strings.NewReader(capture), s.Scheme, s.BaseURL); !errors.As(err, &nv) || nv.Name != input {
						t.Errorf("%s %s %s without %s: got %v", name, variant.Name, method, input, err)
					}
				}
			}
		}
	}
}

// withoutSignature removes the header or parameter carrying the signature
// from a raw request.
func withoutSignature(t *testing.T, s *profiles.VendorScheme, capture string) string {
	return withoutCarrierOf(t, s, capture, "signature")
}

// withoutCarrierOf removes every header or parameter carrying the variable
// name from a raw request (a parameter's Content-Length is left stale:
// the body is then read to its declared length or less).
func withoutCarrierOf(t *testing.T, s *profiles.VendorScheme, capture, name string) string {
	t.Helper()
	head, body, _ := strings.Cut(capture, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	for _, loc := range s.Locations() {
		if !loc.Carries(name) {
			continue
		}
		if loc.Header != "" {
			var kept []string
			for _, l := range lines {
				if !strings.HasPrefix(strings.ToLower(l), strings.ToLower(loc.Header)+":") {
					kept = append(kept, l)
				}
			}
			lines = kept
			continue
		}
		inQuery := regexp.MustCompile(`([?&])` + regexp.QuoteMeta(loc.Param) + `=[^& ]*&?`)
		lines[0] = inQuery.ReplaceAllString(lines[0], "$1")
		inBody := regexp.MustCompile(`(^|&)` + regexp.QuoteMeta(loc.Param) + `=[^&]*`)
		body = strings.TrimPrefix(inBody.ReplaceAllString(body, ""), "&")
	}
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Content-Length:") {
			continue
		}
		out = append(out, l)
	}
	if body != "" {
		out = append(out, "Content-Length: "+strconv.Itoa(len(body)))
	}
	return strings.Join(out, "\r\n") + "\r\n\r\n" + body
}

// A user's vendor with Stripe's header shape, "t=TS,v1=SIG": the
// signature and timestamp are read by the declared pattern; a header
// whose v1 is wrong is a mismatch, one without v1 or without t is not
// verified, and several v1 values match when any one does.
func TestDeclaredReadbackFailsClosed(t *testing.T) {
	const def = `name = "hooks"
base_url = "https://hooks.example"
credentials = ["api_secret"]

[timestamp]
format = "unix"

[signature]
hash = "sha256"
message = 'timestamp + "." + body'
encoding = "hex"

[[headers]]
name = "Hook-Signature"
value = '"t=" + timestamp + ",v1=" + signature'
read = ["t={timestamp}", "v1={signature}"]
split = ","
`
	v, err := profiles.ParseDefinition("hooks.toml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Scheme("")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"evt_1"}`
	res, err := s.Sign(sign.Request{Method: "POST", BaseURL: s.BaseURL, Target: "/hook", Body: []byte(body), Credentials: testCreds, Timestamp: "1700000000"})
	if err != nil {
		t.Fatal(err)
	}
	good := res.Headers[0].Value
	sig := strings.TrimPrefix(good, "t=1700000000,v1=")
	capture := func(header string) string {
		return "POST /hook HTTP/1.1\r\nHost: hooks.example\r\nHook-Signature: " + header + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	check := func(header string) (*Result, error) {
		p, err := ParseRequest(strings.NewReader(capture(header)), s.Scheme, s.BaseURL)
		if err != nil {
			return nil, err
		}
		p.Request.Credentials = testCreds
		return Check(s.Scheme, p.Input)
	}
	for _, tc := range []struct {
		header string
		match  bool
		err    string
	}{
		{good, true, ""},
		{"t=1700000000,v1=" + strings.Repeat("0", 64), false, ""},
		{"t=1700000000,v1=0000", false, ""},
		{"t=1700000000,v1=" + strings.Repeat("0", 64) + ",v1=" + sig, true, ""},
		{"v1=" + sig + ", t=1700000000, v0=abc", true, ""},
		{"t=1700000001,v1=" + sig, false, ""},
		{"t=1700000000", false, "the request has no signature: the definition expects it in header Hook-Signature (as t={timestamp},v1={signature} (parts separated by \",\"))"},
		{"v1=" + sig, false, "the request has no timestamp"},
		{"sig=" + sig, false, `header Hook-Signature is "sig=` + sig + `", which does not have the form`},
		{"t=1,t=2,v1=" + sig, false, "timestamp appears twice with different values"},
	} {
		got, err := check(tc.header)
		switch {
		case tc.err != "":
			var nv *NotVerifiableError
			if !errors.As(err, &nv) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got %+v, %v; want not verifiable: %s", tc.header, got, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.header, err)
		case got.Match != tc.match:
			t.Errorf("%q: match %v, want %v", tc.header, got.Match, tc.match)
		}
	}
}

// Check never passes without a signature to compare.
func TestCheckWithoutSignatureFails(t *testing.T) {
	s := scheme(t, "woox")
	_, err := Check(s.Scheme, Input{Request: sign.Request{Method: "GET", BaseURL: s.BaseURL, Target: "/x", Credentials: testCreds, Timestamp: "1"}})
	if !errors.Is(err, ErrNoSignature) {
		t.Fatalf("got %v, want ErrNoSignature", err)
	}
}
