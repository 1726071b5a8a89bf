package sign_test

// Fuzz tests of the canonicalization code: what Sign signs and sends, the
// name/value pair helpers, and the compile-time split of `+` chains in
// message expressions. Every property is checked against a result computed
// independently in this file (by hand, with crypto/hmac or encoding/json, or
// by the expression generator, which works out each value itself), never against the
// engine itself.
//
// Run one with, for example:
//
//	go test ./sign -run '^$' -fuzz '^FuzzSign$' -fuzztime 90s
//
// Bugs this fuzzing found, now fixed; the seed corpus under testdata/fuzz
// keeps inputs for each as regressions, and a failure names its bug:
//
//   - B1, B2: found in the first engine, which ran expressions in
//     expr-lang/expr and re-printed split operands (losing parentheses) and
//     trusted untyped results (a panic). The engine now compiles Go
//     expressions itself with static types; FuzzExpressionSplit checks it
//     against values the generator works out independently.
//   - B3: JSONObject (json_object) escapes U+2028 and U+2029 as \u2028 and
//     \u2029 (encoding/json does); JSON.stringify, which it documents it
//     matches, writes them as they are.
//   - B4: Result.Headers can alias the caller's Request.Body: a header whose
//     value is `body` (or a substring of it, or a decoded form parameter)
//     changes when the caller reuses the body's bytes after Sign returns.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hmacctl/hmacctl/sign"
)

const (
	fuzzAPIKey    = "AbmyVJGUpN064ks5ELjLfA=="
	fuzzAPISecret = "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"
)

var fuzzClock = time.UnixMilli(1578565539808)

func fuzzCredentials() map[string]string {
	return map[string]string{
		"api_key":        fuzzAPIKey,
		"api_secret":     fuzzAPISecret,
		"api_passphrase": "pass phrase",
		"token":          "tok.en",
	}
}

// fuzzBase is a base URL and its parts, written out by hand.
type fuzzBase struct {
	raw, origin, host, path string
}

var fuzzBases = []fuzzBase{
	{"https://api.woox.io", "https://api.woox.io", "api.woox.io", ""},
	{"https://api.example.com:8443/v1/", "https://api.example.com:8443", "api.example.com:8443", "/v1"},
	{"http://localhost/api/v5", "http://localhost", "localhost", "/api/v5"},
}

func fuzzPickBase(i uint8) fuzzBase { return fuzzBases[int(i)%len(fuzzBases)] }

// fuzzNote is a failure that a known bug explains.
type fuzzNote struct{ id, msg string }

// fuzzKnownBugs fails the input with the fixed bug each note names.
func fuzzKnownBugs(t *testing.T, notes []fuzzNote) {
	t.Helper()
	for _, n := range notes {
		t.Errorf("regression of bug %s: %s", n.id, n.msg)
	}
	if len(notes) > 0 {
		t.FailNow()
	}
}

func fuzzKnownBug(t *testing.T, id, format string, args ...any) {
	t.Helper()
	fuzzKnownBugs(t, []fuzzNote{{id, fmt.Sprintf(format, args...)}})
}

// fuzzSignNoPanic runs Sign and turns a panic into a value.
func fuzzSignNoPanic(s *sign.Scheme, req sign.Request) (res *sign.Result, err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	res, err = s.Sign(req)
	return res, err, nil
}

// fuzzLocation works out, by hand, where a target goes: the leading
// "/" is added when missing, the query is everything after the first "?",
// and a "?" with nothing after it is not sent.
type fuzzLocation struct {
	relPath, query, path, pathQuery, relPathQuery, url string
}

func fuzzExpectLocation(b fuzzBase, target string) fuzzLocation {
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	var l fuzzLocation
	l.relPath, l.query = target, ""
	if i := strings.IndexByte(target, '?'); i >= 0 {
		l.relPath, l.query = target[:i], target[i+1:]
	}
	l.path = b.path + l.relPath
	l.pathQuery, l.relPathQuery = l.path, l.relPath
	if l.query != "" {
		l.pathQuery += "?" + l.query
		l.relPathQuery += "?" + l.query
	}
	l.url = b.origin + l.pathQuery
	return l
}

func fuzzHMACHex(key string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil))
}

// fuzzWooXSpec is WOO X v3's scheme (as in bench_test.go), written out here
// so that this file stands alone.
func fuzzWooXSpec() sign.Spec {
	return sign.Spec{
		Credentials: []string{"api_key", "api_secret"},
		Timestamp:   sign.UnixMillis,
		Hash:        "sha256",
		Message:     "timestamp + method + path_query + body",
		Encoding:    "hex",
		Headers: []sign.Header{
			{Name: "x-api-key", Value: "api_key"},
			{Name: "x-api-timestamp", Value: "timestamp"},
			{Name: "x-api-signature", Value: "signature"},
		},
	}
}

// fuzzEchoSpec sends values read from the body in headers, to check that
// a Result does not share memory with the caller's body.
func fuzzEchoSpec() sign.Spec {
	return sign.Spec{
		Credentials: []string{"api_secret"},
		BodyFormat:  sign.BodyForm,
		Hash:        "sha256",
		Message:     "body",
		Encoding:    "hex",
		Headers: []sign.Header{
			{Name: "X-Body", Value: "body"},
			{Name: "X-Body-Tail", Value: "body[1:]"},
			{Name: "X-Params", Value: `join_pairs(params, "=", "&")`},
		},
	}
}

func fuzzCompile(tb testing.TB, spec sign.Spec) *sign.Scheme {
	tb.Helper()
	s, err := sign.Compile(spec)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// fuzzSplitFields turns a fuzzed string into fields: NUL-separated names and
// values, alternating.
func fuzzSplitFields(s string) []sign.Field {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "\x00")
	var fields []sign.Field
	for i := 0; i < len(parts); i += 2 {
		f := sign.Field{Name: parts[i], Value: ""}
		if i+1 < len(parts) {
			f.Value = parts[i+1]
		}
		fields = append(fields, f)
	}
	return fields
}

// FuzzSign signs requests with WOO X's scheme (timestamp + method +
// path_query + body, HMAC-SHA256, hex) and checks the result against a
// canonical string and HMAC computed here.
func FuzzSign(f *testing.F) {
	f.Add("POST", "/v3/algo/order", []byte(`{"symbol":"PERP_BTC_USDT","side":"BUY","type":"MARKET","quantity":"1"}`), "", uint8(0), "")
	f.Add("GET", "/v3/orders?symbol=SPOT_BTC_USDT&status=INCOMPLETE", []byte(nil), "1578565539808", uint8(0), "")
	f.Add("get", "v3/orders?b=2&a=1&a=0", []byte(nil), "", uint8(1), "")
	f.Add("DELETE", "/v3/order?order_id=13&symbol=SPOT%2FBTC", []byte(nil), "", uint8(2), "")
	f.Add("PUT", "/a b/c+d?q=x y&r=%zz&s=+", []byte("line1\nline2\r\n"), "", uint8(0), "")
	f.Add("post", "/ünï/çødé?名=値", []byte("é\x00\xff"), "2020-12-08T09:08:57.715Z", uint8(1), "")
	f.Add("GET", "/path?", []byte(nil), "", uint8(0), "")
	f.Add("GET", "?only=query", []byte(nil), "", uint8(2), "")
	f.Add("GET", "/f?x=1#frag", []byte(nil), "", uint8(0), "")
	f.Add("GET", "/q", []byte(nil), "", uint8(0), "symbol\x00SPOT_BTC_USDT\x00side\x00BUY\x00side\x00a&b=c")
	f.Add("POST", "/q", []byte(nil), "", uint8(1), "symbol\x00SPOT_BTC_USDT\x00note\x00\"quoted\" <tag> \u2028\x00empty")
	f.Add("POST", "/big", bytes.Repeat([]byte(`{"k":"v"},`), 2000), "", uint8(0), "")
	f.Add("", "", []byte(nil), "", uint8(0), "")

	woox := fuzzCompile(f, fuzzWooXSpec())
	other := fuzzCompile(f, func() sign.Spec {
		s := fuzzWooXSpec()
		s.Key = `api_secret + "-other"`
		return s
	}())
	echo := fuzzCompile(f, fuzzEchoSpec())

	f.Fuzz(func(t *testing.T, method, target string, body []byte, timestamp string, baseIndex uint8, fieldText string) {
		base := fuzzPickBase(baseIndex)
		callerBody := bytes.Clone(body)
		var fields []sign.Field
		if len(body) == 0 {
			fields = fuzzSplitFields(fieldText)
		}
		req := sign.Request{
			Method:      method,
			BaseURL:     base.raw,
			Target:      target,
			Body:        callerBody,
			Fields:      fields,
			Credentials: fuzzCredentials(),
			Time:        fuzzClock,
			Timestamp:   timestamp,
		}
		res, err, p := fuzzSignNoPanic(woox, req)
		if p != nil {
			t.Fatalf("Sign panicked: %v", p)
		}
		if err != nil {
			t.Fatalf("Sign(%q %q, %d-byte body) failed: %v", method, target, len(body), err)
		}

		// What should have been signed and sent, worked out by hand.
		wantMethod := strings.ToUpper(method)
		wantTS := timestamp
		if wantTS == "" {
			wantTS = strconv.FormatInt(fuzzClock.UnixMilli(), 10)
		}
		typed := target
		if !strings.HasPrefix(typed, "/") {
			typed = "/" + typed
		}
		loc := fuzzExpectLocation(base, typed)
		wantBody := body
		if len(fields) > 0 {
			if wantMethod == "GET" || wantMethod == "HEAD" || wantMethod == "DELETE" {
				// Fields join the query, form-encoded, after what was typed.
				var enc []string
				for _, fl := range fields {
					enc = append(enc, fuzzFormEscape(fl.Name)+"="+fuzzFormEscape(fl.Value.(string)))
				}
				q := loc.query
				if q != "" {
					q += "&"
				}
				loc = fuzzExpectLocation(base, loc.relPath+"?"+q+strings.Join(enc, "&"))
				typed = loc.relPath + "?" + loc.query
				wantBody = nil
			} else {
				fuzzCheckJSONFields(t, res.Body, fields)
				wantBody = res.Body
			}
		}
		wantCanonical := wantTS + wantMethod + loc.pathQuery + string(wantBody)

		if res.Method != wantMethod {
			t.Errorf("Method = %q, want %q", res.Method, wantMethod)
		}
		if res.Timestamp != wantTS {
			t.Errorf("Timestamp = %q, want %q", res.Timestamp, wantTS)
		}
		if string(res.Canonical) != wantCanonical {
			t.Fatalf("Canonical = %q\nwant        %q", res.Canonical, wantCanonical)
		}
		if want := fuzzHMACHex(fuzzAPISecret, []byte(wantCanonical)); res.Signature != want {
			t.Errorf("Signature = %s, want %s", res.Signature, want)
		}
		if res.URL != loc.url {
			t.Errorf("URL = %q, want %q", res.URL, loc.url)
		}
		// The target is sent as typed: not re-escaped, not reordered. The
		// one exception is a bare "?" with no query after it.
		if !strings.HasSuffix(res.URL, typed) && !(loc.query == "" && strings.HasSuffix(typed, "?")) {
			t.Errorf("URL %q does not end with the target as typed, %q", res.URL, typed)
		}
		if !bytes.Equal(res.Body, wantBody) {
			t.Errorf("Body = %q, want %q", res.Body, wantBody)
		}
		if wantCT := map[bool]string{true: "application/json", false: ""}[len(wantBody) > 0]; res.ContentType != wantCT {
			t.Errorf("ContentType = %q, want %q", res.ContentType, wantCT)
		}
		if !bytes.Equal(callerBody, body) {
			t.Errorf("Sign changed the caller's body")
		}
		wantHeaders := []sign.Header{
			{Name: "x-api-key", Value: fuzzAPIKey},
			{Name: "x-api-timestamp", Value: wantTS},
			{Name: "x-api-signature", Value: res.Signature},
		}
		if !reflect.DeepEqual(res.Headers, wantHeaders) {
			t.Errorf("Headers = %q, want %q", res.Headers, wantHeaders)
		}

		// Signing is deterministic, also after the same scheme signed
		// with another key.
		if _, err := other.Sign(req); err != nil {
			t.Fatal(err)
		}
		again, err := woox.Sign(req)
		if err != nil {
			t.Fatal(err)
		}
		if again.Signature != res.Signature || !bytes.Equal(again.Canonical, res.Canonical) || again.URL != res.URL {
			t.Errorf("second Sign differs: %q %q %q", again.Signature, again.Canonical, again.URL)
		}

		// The result must not share memory with the caller's body (B4).
		if len(body) == 0 {
			return
		}
		echoReq := req
		echoReq.Fields = nil
		// The echo scheme sends the body in a header, where a control
		// character is refused (HeaderValueError): keep them out.
		echoReq.Body = bytes.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return 'x'
			}
			return r
		}, body)
		echoRes, err, p := fuzzSignNoPanic(echo, echoReq)
		if p != nil || err != nil {
			t.Fatalf("echo scheme: Sign failed: %v %v", err, p)
		}
		before := fmt.Sprintf("%q %q %q", echoRes.Headers, echoRes.Canonical, echoRes.URL)
		for i := range echoReq.Body {
			echoReq.Body[i] ^= 0xff
		}
		if after := fmt.Sprintf("%q %q %q", echoRes.Headers, echoRes.Canonical, echoRes.URL); after != before {
			fuzzKnownBug(t, "B4", "overwriting Request.Body after Sign changed the Result:\nbefore %s\nafter  %s", fuzzShort(before), fuzzShort(after))
		}
	})
}

// fuzzShort cuts s for a message.
func fuzzShort(s string) string {
	if len(s) > 200 {
		return s[:200] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// fuzzFormEscape is form escaping written out by hand: RFC 3986's
// unreserved characters (letters, digits, - . _ ~) as they are, space as
// "+", every other byte as upper-case %XX.
func fuzzFormEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// fuzzCheckJSONFields checks that body is a compact JSON object holding the
// fields in order.
func fuzzCheckJSONFields(t *testing.T, body []byte, fields []sign.Field) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("fields body is not valid JSON: %q", body)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil || !bytes.Equal(compact.Bytes(), body) {
		t.Errorf("fields body is not compact: %q", body)
	}
	var pairs []sign.Pair
	for _, fl := range fields {
		pairs = append(pairs, sign.Pair{Name: fl.Name, Value: fl.Value.(string)})
	}
	fuzzCheckJSONObject(t, string(body), pairs)
}

// fuzzCheckJSONObject decodes a JSON object token by token and checks
// that it holds pairs, in order (invalid UTF-8 reads back as U+FFFD, one
// per bad byte, as encoding/json writes it).
func fuzzCheckJSONObject(t *testing.T, obj string, pairs []sign.Pair) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%q: want an object, got %v %v", obj, tok, err)
	}
	for i, p := range pairs {
		name, err1 := dec.Token()
		value, err2 := dec.Token()
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: pair %d: %v %v", obj, i, err1, err2)
		}
		if name != string([]rune(p.Name)) || value != string([]rune(p.Value)) {
			t.Fatalf("%q: pair %d decodes as %q=%q, want %q=%q", obj, i, name, value, p.Name, p.Value)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		t.Fatalf("%q: want the object to end after %d pairs, got %v %v", obj, len(pairs), tok, err)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("%q: trailing data", obj)
	}
}

// fuzzJSONStringify writes s as ECMAScript's JSON.stringify does
// (QuoteJSONString): \b \t \n \f \r \" \\ short, other controls below
// U+0020 as lower-case \u00xx, everything else as is. s must be valid
// UTF-8. escapeLineSeps also escapes U+2028 and U+2029, as encoding/json
// does (known bug B3).
func fuzzJSONStringify(s string, escapeLineSeps bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if r < 0x20 || (escapeLineSeps && (r == '\u2028' || r == '\u2029')) {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func fuzzJSONStringifyObject(pairs []sign.Pair, escapeLineSeps bool) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(fuzzJSONStringify(p.Name, escapeLineSeps))
		b.WriteByte(':')
		b.WriteString(fuzzJSONStringify(p.Value, escapeLineSeps))
	}
	b.WriteByte('}')
	return b.String()
}

// fuzzStableSort is an insertion sort, stable by construction.
func fuzzStableSort(pairs []sign.Pair) []sign.Pair {
	out := append([]sign.Pair(nil), pairs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func fuzzPairsEqual(a, b []sign.Pair) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// FuzzPairs checks ParsePairs, EncodePairs, SortPairs, JoinPairs and
// JSONObject.
func FuzzPairs(f *testing.F) {
	f.Add("symbol", "SPOT_BTC_USDT", "side", "BUY", "side\x00SELL\x00a\x00", "b=2&a=1&a=0&c")
	f.Add("a/b", "%2F", "", "", "", "path=%2Fv3%2Forders&x=%2f")
	f.Add("sp ace", "a+b c", "+", " ", "plus\x00+\x00pct\x00%", "q=a+b&r=a%20b&s=%zz&t=%&u=%2")
	f.Add("名前", "値 ünï", "emoji", "\U0001F600", "bad\x00\xff\xfe\x00", "%E5%90%8D=%E5%80%A4&%ff=%C3%28")
	f.Add("k", "v", "k", "w", "k\x00x\x00k\x00y", "k=1&k=2&k=3&&&=&==&k")
	f.Add("nl", "line1\nline2", "ctl", "\b\f\r\t\x01\x1f\x7f", "q\x00\"\\", "a=%0A&b=%0D%0A")
	f.Add("sep", "\u2028\u2029", "html", "<a href='x'>&amp;</a>", "", "")
	f.Add("", "", "", "", "", "")
	f.Add(strings.Repeat("n", 300), strings.Repeat("v%", 500), "", "", "", strings.Repeat("a=b&", 400))

	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, more, raw string) {
		pairs := []sign.Pair{{Name: n1, Value: v1}, {Name: n2, Value: v2}, {Name: n1, Value: v2}}
		if more != "" {
			parts := strings.Split(more, "\x00")
			for i := 0; i < len(parts); i += 2 {
				p := sign.Pair{Name: parts[i]}
				if i+1 < len(parts) {
					p.Value = parts[i+1]
				}
				pairs = append(pairs, p)
			}
		}
		orig := append([]sign.Pair(nil), pairs...)

		// Encoding: independent form escaping, joined with & and =.
		enc := sign.EncodePairs(pairs)
		var want []string
		for _, p := range pairs {
			want = append(want, fuzzFormEscape(p.Name)+"="+fuzzFormEscape(p.Value))
		}
		if w := strings.Join(want, "&"); enc != w {
			t.Fatalf("EncodePairs = %q, want %q", enc, w)
		}
		// Round trips: decoding the encoding gives the pairs back, and
		// re-encoding gives the same string.
		if back := sign.ParsePairs(enc); !fuzzPairsEqual(back, pairs) {
			t.Fatalf("ParsePairs(EncodePairs(p)) = %q, want %q", back, pairs)
		}
		if again := sign.EncodePairs(sign.ParsePairs(enc)); again != enc {
			t.Fatalf("EncodePairs(ParsePairs(%q)) = %q", enc, again)
		}

		// ParsePairs on anything: one pair per non-empty &-part, and its
		// encoding is a fixed point.
		parsed := sign.ParsePairs(raw)
		nonEmpty := 0
		for _, part := range strings.Split(raw, "&") {
			if part != "" {
				nonEmpty++
			}
		}
		if len(parsed) != nonEmpty {
			t.Fatalf("ParsePairs(%q) gave %d pairs, want %d", raw, len(parsed), nonEmpty)
		}
		if back := sign.ParsePairs(sign.EncodePairs(parsed)); !fuzzPairsEqual(back, parsed) {
			t.Fatalf("ParsePairs(EncodePairs(ParsePairs(%q))) = %q, want %q", raw, back, parsed)
		}
		// Without escapes, parsing keeps every byte: joining the pairs
		// again undoes it (parts without "=" gain one).
		if !strings.ContainsAny(raw, "%+") {
			var parts []string
			for _, part := range strings.Split(raw, "&") {
				if part == "" {
					continue
				}
				if !strings.Contains(part, "=") {
					part += "="
				}
				parts = append(parts, part)
			}
			if j := sign.JoinPairs(parsed, "=", "&"); j != strings.Join(parts, "&") {
				t.Fatalf("JoinPairs(ParsePairs(%q)) = %q, want %q", raw, j, strings.Join(parts, "&"))
			}
		}

		// SortPairs: a stable sort by name, leaving its input alone.
		sorted := sign.SortPairs(pairs)
		if w := fuzzStableSort(pairs); !fuzzPairsEqual(sorted, w) {
			t.Fatalf("SortPairs = %q, want %q", sorted, w)
		}
		if !slices.IsSortedFunc(sorted, func(a, b sign.Pair) int { return strings.Compare(a.Name, b.Name) }) {
			t.Fatalf("SortPairs not sorted: %q", sorted)
		}
		if !fuzzPairsEqual(pairs, orig) {
			t.Fatalf("SortPairs changed its input")
		}

		// JoinPairs writes undecoded.
		var jb strings.Builder
		for i, p := range pairs {
			if i > 0 {
				jb.WriteString("\n&")
			}
			jb.WriteString(p.Name + ":" + p.Value)
		}
		if j := sign.JoinPairs(pairs, ":", "\n&"); j != jb.String() {
			t.Fatalf("JoinPairs = %q, want %q", j, jb.String())
		}

		// JSONObject: valid JSON that decodes back to the pairs, in order,
		// written as JSON.stringify writes it.
		for _, ps := range [][]sign.Pair{pairs, parsed, sorted} {
			obj := sign.JSONObject(ps)
			if !json.Valid([]byte(obj)) {
				t.Fatalf("JSONObject(%q) = %q is not valid JSON", ps, obj)
			}
			fuzzCheckJSONObject(t, obj, ps)
			valid := true
			for _, p := range ps {
				valid = valid && utf8.ValidString(p.Name) && utf8.ValidString(p.Value)
			}
			if !valid {
				continue // JSON.stringify has no invalid UTF-8 to compare with
			}
			if w := fuzzJSONStringifyObject(ps, false); obj != w {
				if obj == fuzzJSONStringifyObject(ps, true) {
					fuzzKnownBug(t, "B3", "JSONObject = %q, JSON.stringify writes %q", obj, w)
				}
				t.Fatalf("JSONObject = %q\nJSON.stringify writes %q", obj, w)
			}
		}
	})
}

// fuzzExprGen writes a random string-typed expression from fuzzed bytes,
// together with its value, worked out here independently of the engine.
type fuzzExprGen struct {
	data      []byte
	lits      []string
	size, max int
	vars      *sign.Vars
}

func (g *fuzzExprGen) next() int {
	if len(g.data) == 0 {
		return 0
	}
	c := g.data[0]
	g.data = g.data[1:]
	return int(c)
}

var fuzzExprVars = []string{
	"method", "url", "host", "path", "query", "path_query", "rel_path",
	"rel_path_query", "body", "timestamp", "api_key",
	"api_passphrase", "token", "settings.recv_window",
} // (not api_secret: outside the key it may only go through hmac or a digest)

func (g *fuzzExprGen) variable() (string, string) {
	name := fuzzExprVars[g.next()%len(fuzzExprVars)]
	v := g.vars
	values := map[string]string{
		"method": v.Method, "url": v.URL, "host": v.Host, "path": v.Path, "query": v.Query,
		"path_query": v.PathQuery, "rel_path": v.RelPath, "rel_path_query": v.RelPathQuery,
		"body": v.Body, "timestamp": v.Timestamp, "api_key": v.APIKey, "api_secret": v.APISecret,
		"api_passphrase": v.APIPassphrase, "token": v.Token, "settings.recv_window": v.Settings["recv_window"],
	}
	return name, values[name]
}

var fuzzExprLits = []string{"", "?", "&", "=", "%2F", " ", "+", "é", "\n", "\r\n", `"`, `\`, "'", "\u2028", "a=1&b=2", "`"}

func (g *fuzzExprGen) literal() (string, string) {
	var s string
	if n := g.next(); n%3 < 2 && len(g.lits) > 0 {
		s = g.lits[n%len(g.lits)]
	} else {
		s = fuzzExprLits[g.next()%len(fuzzExprLits)]
	}
	if g.next()%2 == 0 && fuzzRawable(s) {
		return "`" + s + "`", s // a raw string literal
	}
	return strconv.Quote(s), s
}

// fuzzRawable reports whether Go source can hold s in a raw string
// literal: valid UTF-8 with no backquote, carriage return, other control
// character than newline and tab, or byte order mark.
func fuzzRawable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '`' || r == '\uFEFF' || r == 0x7f || (r < 0x20 && r != '\n' && r != '\t') {
			return false
		}
	}
	return true
}

// str writes a string expression and its value.
func (g *fuzzExprGen) str(depth int) (string, string) {
	g.size++
	if depth <= 0 || g.size > g.max {
		if g.next()%2 == 0 {
			return g.literal()
		}
		return g.variable()
	}
	d := depth - 1
	switch g.next() % 16 {
	case 0, 1:
		return g.literal()
	case 2, 3:
		return g.variable()
	case 4:
		a, av := g.str(d)
		b, bv := g.str(d)
		return "(" + a + " + " + b + ")", av + bv
	case 5:
		x, xv := g.str(d)
		fns := map[string]func(string) string{
			"upper": strings.ToUpper, "lower": strings.ToLower,
			"hex":       func(s string) string { return hex.EncodeToString([]byte(s)) },
			"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
			"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
		}
		name := []string{"upper", "lower", "hex", "base64", "base64url"}[g.next()%5]
		return name + "(" + x + ")", fns[name](xv)
	case 6:
		x, xv := g.str(d)
		switch g.next() % 3 {
		case 0:
			sum := sha256.Sum256([]byte(xv))
			return "hex(sha256(" + x + "))", hex.EncodeToString(sum[:])
		case 1:
			sum := sha1.Sum([]byte(xv))
			return "hex(sha1(" + x + "))", hex.EncodeToString(sum[:])
		}
		sum := sha512.Sum512([]byte(xv))
		return "hex(sha512(" + x + "))", hex.EncodeToString(sum[:])
	case 7:
		c, cv := g.cond(d)
		a, av := g.str(d)
		b, bv := g.str(d)
		if cv {
			return "ifelse(" + c + ", " + a + ", " + b + ")", av
		}
		return "ifelse(" + c + ", " + a + ", " + b + ")", bv
	case 8:
		x, xv := g.str(d)
		lo, hi := g.next()%6, g.next()%8
		src := "(" + x + ")["
		l, h := lo, len(xv)
		if g.next()%3 != 0 {
			src += strconv.Itoa(lo)
		} else {
			l = 0
		}
		src += ":"
		if g.next()%3 != 0 {
			src += strconv.Itoa(hi)
			h = min(hi, len(xv))
		}
		if l >= h {
			return src + "]", ""
		}
		return src + "]", xv[l:h]
	case 9:
		a, av := g.str(d)
		b, bv := g.str(d)
		return "trim_prefix(" + a + ", " + b + ")", strings.TrimPrefix(av, bv)
	case 10:
		a, av := g.str(d)
		b, bv := g.str(d)
		c, cv := g.str(d)
		return "replace(" + a + ", " + b + ", " + c + ")", strings.ReplaceAll(av, bv, cv)
	case 11:
		p, pv := g.pairs(d)
		a, av := g.str(d)
		b, bv := g.str(d)
		return "join_pairs(" + p + ", " + a + ", " + b + ")", sign.JoinPairs(pv, av, bv)
	case 12:
		p, pv := g.pairs(d)
		if g.next()%2 == 0 {
			return "encode_pairs(" + p + ")", sign.EncodePairs(pv)
		}
		return "json_object(" + p + ")", sign.JSONObject(pv)
	case 13:
		a, av := g.str(d)
		b, bv := g.str(d)
		if av != "" {
			return "or(" + a + ", " + b + ")", av
		}
		return "or(" + a + ", " + b + ")", bv
	case 14:
		x, xv := g.str(d)
		return "b64decode(base64(" + x + "))", xv
	default:
		x, xv := g.str(d)
		return "(" + x + ")", xv
	}
}

func (g *fuzzExprGen) pairs(depth int) (string, []sign.Pair) {
	switch g.next() % 4 {
	case 0:
		x, xv := g.str(depth)
		return "sort_pairs(pairs(" + x + "))", fuzzStableSort(sign.ParsePairs(xv))
	case 1:
		x, xv := g.str(depth)
		return "pairs(" + x + ")", sign.ParsePairs(xv)
	case 2:
		return "params", g.vars.Params
	}
	return "sort_pairs(params)", fuzzStableSort(g.vars.Params)
}

func (g *fuzzExprGen) cond(depth int) (string, bool) {
	d := depth - 1
	switch g.next() % 6 {
	case 0:
		a, av := g.str(d)
		b, bv := g.str(d)
		return a + " == " + b, av == bv
	case 1:
		a, av := g.str(d)
		b, bv := g.str(d)
		return a + " != " + b, av != bv
	case 2:
		c, cv := g.cond(d)
		return "!(" + c + ")", !cv
	case 3:
		a, av := g.cond(d)
		b, bv := g.cond(d)
		return "(" + a + " && " + b + ")", av && bv
	case 4:
		a, av := g.cond(d)
		b, bv := g.cond(d)
		return "(" + a + " || " + b + ")", av || bv
	}
	if g.next()%2 == 0 {
		return "true", true
	}
	return "false", false
}

// message writes a top-level chain of + and its value.
func (g *fuzzExprGen) message() (string, string) {
	n := 1 + g.next()%6
	parts := make([]string, n)
	var value strings.Builder
	for i := range parts {
		var v string
		parts[i], v = g.str(1 + g.next()%3)
		value.WriteString(v)
	}
	return strings.Join(parts, " + "), value.String()
}

// FuzzExpressionSplit checks that a message split at its top-level +
// signs the value the generator worked out for it, and the same bytes as
// the same expression forced into one piece (or(MESSAGE, "")).
func FuzzExpressionSplit(f *testing.F) {
	f.Add([]byte{0, 0, 0}, "GET", "/v3/orders?symbol=SPOT_BTC_USDT", "", "", "")
	f.Add([]byte("timestamp+method+path_query+body"), "POST", "/v3/algo/order", `{"a":"b"}`, "lit", "é")
	f.Add([]byte{5, 3, 2, 9, 11, 4, 200, 7, 1, 12, 3, 3, 3, 30, 40, 50}, "get", "/a%2Fb?k=v w&k=2&x=+", "k=1&z=%zz", "%2F", "a b")
	f.Add([]byte{6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1}, "DELETE", "/x?b=2&a=1&a=0", "line1\nline2", "\r\n", "\u2028")
	f.Add(bytes.Repeat([]byte{4, 7, 9, 1, 2}, 40), "PUT", "/名?値=1", strings.Repeat("body ", 200), "\x00\xff", "'")
	f.Add([]byte{}, "", "", "", "", "")

	f.Fuzz(func(t *testing.T, prog []byte, method, target, body, lit1, lit2 string) {
		if len(prog) > 512 || len(body) > 1<<14 {
			return
		}
		g := &fuzzExprGen{data: prog, lits: []string{lit1, lit2}, max: 40}
		formBody := g.next()%2 == 1
		base := fuzzPickBase(uint8(g.next()))

		spec := func(message string) sign.Spec {
			s := sign.Spec{
				Credentials: []string{"api_key", "api_secret", "api_passphrase", "token"},
				Timestamp:   sign.UnixMillis,
				Settings:    map[string]string{"recv_window": "5000", "x-y": "x y"},
				Hash:        "sha256",
				Message:     message,
				Encoding:    "hex",
			}
			if formBody {
				s.BodyFormat = sign.BodyForm
			}
			return s
		}

		// The variables, worked out by hand.
		loc := fuzzExpectLocation(base, target)
		vars := &sign.Vars{
			Method: strings.ToUpper(method), URL: loc.url, Host: base.host,
			Path: loc.path, Query: loc.query, PathQuery: loc.pathQuery,
			RelPath: loc.relPath, RelPathQuery: loc.relPathQuery, Body: body,
			Params:    sign.ParsePairs(loc.query),
			Timestamp: strconv.FormatInt(fuzzClock.UnixMilli(), 10),
			APIKey:    fuzzAPIKey, APISecret: fuzzAPISecret, APIPassphrase: "pass phrase", Token: "tok.en",
			Settings: map[string]string{"recv_window": "5000", "x-y": "x y"},
		}
		if formBody {
			vars.Params = append(vars.Params, sign.ParsePairs(body)...)
		}
		req := sign.Request{
			Method: method, BaseURL: base.raw, Target: target, Body: []byte(body),
			Credentials: fuzzCredentials(), Time: fuzzClock,
		}
		g.vars = vars
		src, want := g.message()

		// The message as generated (split at its top-level +), then
		// forced into one piece.
		messages := []string{src, "or(" + src + `, "")`}
		signed := make([]*sign.Result, len(messages))
		for i, message := range messages {
			scheme, err := sign.Compile(spec(message))
			if err != nil {
				t.Fatalf("Compile(%q): %v", message, err)
			}
			res, err := scheme.Sign(req)
			if err != nil {
				t.Fatalf("Sign with %q: %v", message, err)
			}
			if string(res.Canonical) != want {
				t.Fatalf("message %q\nsigns %q\nwant  %q", message, fuzzShort(string(res.Canonical)), fuzzShort(want))
			}
			if sig := fuzzHMACHex(fuzzAPISecret, []byte(want)); res.Signature != sig {
				t.Fatalf("message %q: Signature = %s, want %s", message, res.Signature, sig)
			}
			signed[i] = res
		}
		if !bytes.Equal(signed[0].Canonical, signed[1].Canonical) {
			t.Fatalf("split message signs %q, the same message in one piece %q", signed[0].Canonical, signed[1].Canonical)
		}
	})
}
