package verifyserver

import (
	"crypto/hmac"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// input is a request as the rules see it.
type input struct {
	method  string
	path    string // the full URL path as sent, base path included
	relPath string // path without the base path
	query   string // raw query, without "?"
	header  http.Header
	body    []byte
}

// pathQuery is the full path, then "?" and the query when there is one.
func (in *input) pathQuery() string {
	if in.query == "" {
		return in.path
	}
	return in.path + "?" + in.query
}

// relPathQuery is the path relative to the base URL, then "?" and the
// query when there is one.
func (in *input) relPathQuery() string {
	if in.query == "" {
		return in.relPath
	}
	return in.relPath + "?" + in.query
}

// reading is one reading of a vendor's rule: the default, or a named
// variant. A variant is another reading value under the same vendor in
// the vendors table.
type reading struct {
	vendor, variant string
	hash            func() hash.Hash
	// key derives the HMAC key from the server's credentials.
	key func(Credentials) ([]byte, error)
	// encoding is how the signature is written.
	encoding sigEncoding
	// extract finds the signature and returns the request as signed
	// (for binance, without its signature parameter).
	extract  func(*input) (sig string, signed *input, err error)
	sigWhere string
	// stamp finds the timestamp (nonce, expiry) in the signed request;
	// nil when the vendor signs none.
	stamp   func(*input) (string, error)
	tsWhere string
	tsForm  tsForm
	// message builds the canonical string.
	message func(in *input, ts string) ([]byte, error)
	// auth checks the credentials the request carries besides the
	// signature (API key, passphrase, token).
	auth []authCheck
}

type authCheck func(h http.Header, c Credentials) error

// errMisconfigured marks errors in the server's own credentials.
var errMisconfigured = errors.New("server misconfigured")

func misconfigured(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMisconfigured, fmt.Sprintf(format, args...))
}

func hmacSum(h func() hash.Hash, key, msg []byte) []byte {
	m := hmac.New(h, key)
	m.Write(msg)
	return m.Sum(nil)
}

// --- keys

// secretText is the secret's text as the HMAC key.
func secretText(c Credentials) ([]byte, error) {
	if c.APISecret == "" {
		return nil, misconfigured("no API secret")
	}
	return []byte(c.APISecret), nil
}

// secretBase64 is the base64-decoded secret (kraken, coinbase-exchange).
func secretBase64(c Credentials) ([]byte, error) {
	if c.APISecret == "" {
		return nil, misconfigured("no API secret")
	}
	k, err := base64.StdEncoding.DecodeString(c.APISecret)
	if err != nil {
		k, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(c.APISecret, "="))
	}
	if err != nil {
		return nil, misconfigured("the API secret is not base64, and this vendor decodes it")
	}
	return k, nil
}

// --- where things travel

// header returns a header's value, or a "missing header" error.
func header(h http.Header, name string) (string, error) {
	v := h.Get(name)
	if v == "" {
		if _, present := h[http.CanonicalHeaderKey(name)]; present {
			return "", fmt.Errorf("header %s is empty", name)
		}
		return "", fmt.Errorf("missing header %s", name)
	}
	return v, nil
}

// sigHeader finds the signature in a header.
func sigHeader(name string) func(*input) (string, *input, error) {
	return func(in *input) (string, *input, error) {
		v, err := header(in.header, name)
		return v, in, err
	}
}

// stampHeader finds the timestamp in a header.
func stampHeader(name string) func(*input) (string, error) {
	return func(in *input) (string, error) { return header(in.header, name) }
}

// apiKey checks that a header carries the server's API key.
func apiKey(name string) authCheck {
	return func(h http.Header, c Credentials) error {
		if c.APIKey == "" {
			return misconfigured("no API key")
		}
		got, err := header(h, name)
		if err != nil {
			return err
		}
		if got != c.APIKey {
			return fmt.Errorf("API key mismatch: header %s is %q, the server's API key is %q", name, got, c.APIKey)
		}
		return nil
	}
}

// passphrase checks that a header carries the passphrase as is.
func passphrase(name string) authCheck {
	return func(h http.Header, c Credentials) error {
		if c.Passphrase == "" {
			return misconfigured("no passphrase")
		}
		got, err := header(h, name)
		if err != nil {
			return err
		}
		if got != c.Passphrase {
			return fmt.Errorf("passphrase mismatch: header %s is not the server's passphrase", name)
		}
		return nil
	}
}

// --- timestamps

type tsForm int

const (
	tsNone          tsForm = iota
	tsUnixSeconds          // whole seconds: "1700000000"
	tsUnixDecimal          // seconds, a fraction allowed: "1541993715.25"
	tsUnixMillis           // whole milliseconds: "1700000000123"
	tsMillisOrMicro        // binance: milliseconds, or microseconds (16+ digits)
	tsISOMillis            // "2020-12-08T09:08:57.715Z"
	tsNonce                // kraken: an increasing integer, not a time
	tsExpirySeconds        // bitmex: whole seconds, an expiry
)

var tsFormNames = map[tsForm]string{
	tsUnixSeconds:   "a whole number of Unix seconds",
	tsUnixDecimal:   "a number of Unix seconds",
	tsUnixMillis:    "a whole number of Unix milliseconds",
	tsMillisOrMicro: "a whole number of Unix milliseconds (or microseconds)",
	tsISOMillis:     "an ISO 8601 UTC time with milliseconds like 2020-12-08T09:08:57.715Z",
	tsNonce:         "an unsigned integer nonce",
	tsExpirySeconds: "a whole number of Unix seconds (an expiry)",
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parse reads a timestamp; the time is zero for a nonce.
func (f tsForm) parse(s string) (time.Time, bool) {
	switch f {
	case tsUnixSeconds, tsExpirySeconds, tsUnixMillis, tsMillisOrMicro, tsNonce:
		if !allDigits(s) {
			return time.Time{}, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, f == tsNonce && len(s) <= 20 // up to uint64
		}
		switch f {
		case tsUnixSeconds, tsExpirySeconds:
			return time.Unix(n, 0), true
		case tsUnixMillis:
			return time.UnixMilli(n), true
		case tsMillisOrMicro:
			if len(s) >= 16 {
				return time.UnixMicro(n), true
			}
			return time.UnixMilli(n), true
		}
		return time.Time{}, true
	case tsUnixDecimal:
		whole, frac, hasFrac := strings.Cut(s, ".")
		if !allDigits(whole) || (hasFrac && !allDigits(frac)) {
			return time.Time{}, false
		}
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(int64(secs * 1000)), true
	case tsISOMillis:
		t, err := time.Parse("2006-01-02T15:04:05.000Z", s)
		return t, err == nil
	}
	return time.Time{}, true
}

// check checks a timestamp's form and, when maxAge > 0, its age.
func (f tsForm) check(where, ts string, now func() time.Time, maxAge time.Duration) error {
	if f == tsNone {
		return nil
	}
	t, ok := f.parse(ts)
	if !ok {
		return fmt.Errorf("bad timestamp: %s is %q, not %s", where, ts, tsFormNames[f])
	}
	if maxAge <= 0 || f == tsNonce {
		return nil
	}
	d := now().Sub(t)
	if f == tsExpirySeconds {
		switch {
		case d > 0:
			return fmt.Errorf("request expired: %s %s was %s ago", where, ts, d.Round(time.Millisecond))
		case -d > maxAge:
			return fmt.Errorf("expiry too far ahead: %s %s is %s from now, more than %s", where, ts, (-d).Round(time.Millisecond), maxAge)
		}
		return nil
	}
	switch {
	case d > maxAge:
		return fmt.Errorf("timestamp too old: %s %s is %s before the server's clock, more than %s", where, ts, d.Round(time.Millisecond), maxAge)
	case -d > maxAge:
		return fmt.Errorf("timestamp in the future: %s %s is %s after the server's clock, more than %s", where, ts, (-d).Round(time.Millisecond), maxAge)
	}
	return nil
}

// --- signature encodings

type sigEncoding struct {
	name   string
	encode func([]byte) string
	// anyCase accepts hex in either case (binance).
	anyCase bool
	hex     bool
}

var (
	hexLower  = sigEncoding{name: "lower-case hex", encode: hex.EncodeToString, hex: true}
	hexAny    = sigEncoding{name: "hex", encode: hex.EncodeToString, hex: true, anyCase: true}
	base64Std = sigEncoding{name: "base64", encode: base64.StdEncoding.EncodeToString}
)

// compare checks the received signature against the expected one and
// says how they differ.
func (e sigEncoding) compare(where, got, want string) error {
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return nil
	}
	if e.hex && strings.EqualFold(got, want) {
		if e.anyCase {
			return nil
		}
		return fmt.Errorf("signature mismatch: %s is the expected signature in the wrong letter case (the vendor writes %s)", where, e.name)
	}
	if e.hex {
		if len(got) != len(want) || !isHex(got) {
			return fmt.Errorf("malformed signature: %s is %q (%d characters), not %d hex digits", where, got, len(got), len(want))
		}
	} else {
		d, err := base64.StdEncoding.DecodeString(got)
		w, _ := base64.StdEncoding.DecodeString(want)
		if err != nil || len(d) != len(w) {
			return fmt.Errorf("malformed signature: %s is %q, not the standard base64 of %d bytes (%d characters)", where, got, len(w), len(want))
		}
	}
	return fmt.Errorf("signature mismatch: %s is %s, the server computed %s", where, got, want)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// --- query and form decoding

// formUnescape decodes application/x-www-form-urlencoded text as a
// server does: "+" is a space, %XX is the byte XX, and a "%" not followed
// by two hex digits is kept as written (as URLSearchParams and Python's
// unquote_plus keep it).
func formUnescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1:i+3]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

type pair struct{ name, value string }

// formPairs splits a query string or form body into decoded pairs, in
// order, as URLSearchParams does: empty parts are skipped and a part
// without "=" is a name with an empty value.
func formPairs(s string) []pair {
	var pairs []pair
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{formUnescape(name), formUnescape(value)})
	}
	return pairs
}

// lookup returns the first value of name.
func lookup(pairs []pair, name string) (string, bool) {
	for _, p := range pairs {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// jsonStringify writes pairs as JavaScript's
// JSON.stringify(Object.fromEntries(pairs)) does: a compact object of
// strings; a repeated name keeps its first position and takes its last
// value; only the quote, the backslash and control characters are
// escaped; invalid UTF-8 becomes U+FFFD, as URLSearchParams decodes it.
func jsonStringify(pairs []pair) string {
	var names []string
	values := map[string]string{}
	for _, p := range pairs {
		if _, seen := values[p.name]; !seen {
			names = append(names, p.name)
		}
		values[p.name] = p.value
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSString(&b, name)
		b.WriteByte(':')
		writeJSString(&b, values[name])
	}
	b.WriteByte('}')
	return b.String()
}

func writeJSString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s { // an invalid byte reads as utf8.RuneError
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
