package verify

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// Each case signs a request the way a client got it wrong; Explain must
// name that misreading.
func TestExplainFindsTheMisreading(t *testing.T) {
	woox := scheme(t, "woox")
	base := sign.Request{Method: "POST", BaseURL: woox.BaseURL, Target: "/v3/orders?z=2&a=b%20c", Body: []byte(`{"symbol":"BTC","qty":1}`), Credentials: testCreds, Timestamp: "1700000000123"}
	signWith := func(change func(*sign.Request)) string {
		r := base
		r.Credentials = cloneMap(base.Credentials)
		change(&r)
		res, err := woox.Sign(r)
		if err != nil {
			t.Fatal(err)
		}
		return res.Signature
	}
	for _, tt := range []struct {
		want string
		sig  string
	}{
		{"the default reading", signWith(func(r *sign.Request) {})},
		{"the timestamp in seconds where milliseconds are expected", signWith(func(r *sign.Request) { r.Timestamp = "1700000000" })},
		{"the query decoded", signWith(func(r *sign.Request) { r.Target = "/v3/orders?z=2&a=b c" })},
		{"the query parameters sorted by name", signWith(func(r *sign.Request) { r.Target = "/v3/orders?a=b c&z=2" })},
		{"the path signed without the query string", signWith(func(r *sign.Request) { r.Target = "/v3/orders" })},
		{"Python's json.dumps default", signWith(func(r *sign.Request) { r.Body = []byte(`{"symbol": "BTC", "qty": 1}`) })},
		{"the body left out", signWith(func(r *sign.Request) { r.Body = nil })},
		{"the body with a trailing newline", signWith(func(r *sign.Request) { r.Body = append(r.Body, '\n') })},
		{"the secret with a trailing newline", signWith(func(r *sign.Request) { r.Credentials["api_secret"] += "\n" })},
		{"the secret base64-decoded", signWith(func(r *sign.Request) {
			d, _ := base64.StdEncoding.DecodeString(r.Credentials["api_secret"])
			r.Credentials["api_secret"] = string(d)
		})},
		{"the passphrase used in place of the secret", signWith(func(r *sign.Request) { r.Credentials["api_secret"] = r.Credentials["api_passphrase"] })},
	} {
		ex, err := Explain(woox.Scheme, Input{Request: base, Signatures: []string{tt.sig}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Match == nil || !strings.Contains(ex.Match.Name, tt.want) {
			got := "nothing"
			if ex.Match != nil {
				got = ex.Match.Name
			}
			t.Errorf("want %q, found %s (tried %d readings)", tt.want, got, len(ex.Tried))
		}
	}
}

// A signature written in another encoding is found, and named.
func TestExplainFindsAnotherEncoding(t *testing.T) {
	woox := scheme(t, "woox")
	req := sign.Request{Method: "GET", BaseURL: woox.BaseURL, Target: "/v3/x", Credentials: testCreds, Timestamp: "1"}
	res, _ := woox.Sign(req)
	raw, _ := hex.DecodeString(res.Signature)
	ex, err := Explain(woox.Scheme, Input{Request: req, Signatures: []string{base64.StdEncoding.EncodeToString(raw)}}, nil)
	if err != nil || ex.Match == nil || ex.Match.Encoding != "base64" {
		t.Fatalf("got %+v, %v", ex.Match, err)
	}
}

// A variant's or another vendor's scheme is tried through Others.
func TestExplainTriesVariantsAndOtherVendors(t *testing.T) {
	fig, _ := profiles.Builtin("fig")
	def, _ := fig.Scheme("")
	noTS, _ := fig.Scheme("no-timestamp")
	req := sign.Request{Method: "GET", BaseURL: def.BaseURL, Target: "/rfq/12345", Credentials: testCreds, Timestamp: "1703123456"}
	res, _ := noTS.Sign(req)
	others := func() []Named {
		var out []Named
		for _, v := range fig.Variants() {
			s, _ := fig.Scheme(v.Name)
			out = append(out, Named{"variant " + v.Name, s.Scheme})
		}
		return out
	}
	ex, err := Explain(def.Scheme, Input{Request: req, Signatures: []string{res.Signature}}, others)
	if err != nil || ex.Match == nil || ex.Match.Name != "variant no-timestamp" {
		t.Fatalf("got %+v, %v", ex.Match, err)
	}
	if !strings.HasPrefix(string(ex.Match.Canonical), "GET\n/rfq/12345\n") {
		t.Errorf("the matching reading's canonical: %q", ex.Match.Canonical)
	}
}

func TestExplainSaysWhenNothingMatches(t *testing.T) {
	woox := scheme(t, "woox")
	req := sign.Request{Method: "GET", BaseURL: woox.BaseURL, Target: "/v3/x?a=1", Body: nil, Credentials: testCreds, Timestamp: "1700000000123"}
	ex, err := Explain(woox.Scheme, Input{Request: req, Signatures: []string{strings.Repeat("ab", 32)}}, nil)
	if err != nil || ex.Match != nil || len(ex.Tried) < 8 {
		t.Fatalf("match %+v, %d tried, %v", ex.Match, len(ex.Tried), err)
	}
}

func TestFirstDifference(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"abc", "abc", -1}, {"abc", "abd", 2}, {"ab", "abc", 2}, {"", "x", 0}} {
		if got := FirstDifference([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("FirstDifference(%q, %q) = %d", tt.a, tt.b, got)
		}
	}
}

// For every vendor and every misreading that changes its string to sign:
// a client that signed that way is found, within the search's time.
func TestExplainFindsEveryMisreadingForEveryVendor(t *testing.T) {
	for _, name := range profiles.BuiltinNames() {
		s := scheme(t, name)
		base := sign.Request{Method: "POST", BaseURL: s.BaseURL + "/base", Target: "/orders?z=a%20b&a=1", Body: []byte(`{"b":1,"a":"x y"}`), Credentials: testCreds, Timestamp: timestampFor(s)}
		if s.BodyFormat() == sign.BodyForm {
			base.Body = []byte("b=1&a=x+y")
		}
		def, err := s.Sign(base)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, c := range misreadings(s.Scheme, Input{Request: base}) {
			misread, err := c.scheme.Sign(c.req)
			if err != nil || misread.Signature == def.Signature {
				continue // not applicable to this vendor, or the same string
			}
			start := time.Now()
			ex, err := Explain(s.Scheme, Input{Request: base, Signatures: []string{misread.Signature}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Match == nil || ex.Match.Signature != misread.Signature {
				t.Errorf("%s: a signer who used %q was not found", name, c.name)
			}
			if d := time.Since(start); d > 900*time.Millisecond { // "well under a second", on a loaded machine
				t.Errorf("%s: explain took %s", name, d)
			}
		}
	}
}

// On a large body the search holds one copy of it, not one per reading:
// readings that did not match keep a bounded prefix and their size; the
// body's re-serialized forms are skipped, and the skip is said.
func TestExplainBoundsALargeBody(t *testing.T) {
	woox := scheme(t, "woox")
	body := []byte(`{"a":"` + strings.Repeat("x", MaxExplainBody) + `"}`)
	req := sign.Request{Method: "POST", BaseURL: woox.BaseURL, Target: "/v3/x", Body: body, Credentials: testCreds, Timestamp: "1700000000123"}
	ex, err := Explain(woox.Scheme, Input{Request: req, Signatures: []string{strings.Repeat("ab", 32)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Skipped) != 1 || !strings.Contains(ex.Skipped[0], "over 8 MiB") {
		t.Errorf("skipped %q", ex.Skipped)
	}
	for _, r := range ex.Tried {
		if len(r.Canonical) > MaxEcho || r.Size < len(body) && strings.Contains(r.Name, "default") {
			t.Errorf("%s: kept %d bytes of %d", r.Name, len(r.Canonical), r.Size)
		}
		if strings.Contains(r.Name, "re-serialized") {
			t.Errorf("tried %q on a body over the limit", r.Name)
		}
	}
}
