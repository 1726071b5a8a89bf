// Package verifyserver is a loopback HTTP server that verifies request
// signatures for every built-in hmacctl vendor, independently of hmacctl's
// signing engine. It does not import package sign or package profiles:
// each vendor's rule is written out below in plain Go from the vendor's
// own documentation (shared/vendor-docs for the seed vendors, the
// exchanges' signing pages for the rest, docs/vendors.md for the reading
// hmacctl documents), so that end-to-end tests can check that what
// hmacctl sends over the wire is what the vendor's server would accept,
// byte for byte.
//
// The first path segment names the vendor: a request to
// /woox/v3/algo/orders?x=1 is checked with WOO X's rule, the vendor's base
// URL being http://HOST/woox. Vendors that sign the full URL path sign it
// as received, /woox prefix included; vendors that sign the path relative
// to their base URL (fig) sign it without the prefix.
//
// A valid request gets 200 and a JSON report with the canonical string
// the server computed; an invalid one gets 401 and a JSON report that says
// what is wrong (a missing header, a bad timestamp, a wrong API key, a
// signature mismatch) with the signature the server expected.
package verifyserver

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// MaxBody is the largest request body read for verification; a longer
// body gets 413.
const MaxBody = 8 << 20

// Credentials are the server's view of the client's credentials. One set
// serves every vendor; for kraken and coinbase-exchange APISecret must be
// valid base64 (the vendors decode it), which also works as a plain-text
// secret for the others.
type Credentials struct {
	APIKey, APISecret, Passphrase, Token string
}

// Request is a request as received, for [Verifier.Check].
type Request struct {
	// Method is the HTTP method as sent.
	Method string
	// Path is the URL path exactly as sent, percent-escapes kept, with
	// the base URL's path prefix (if any) included.
	Path string
	// BasePath is the path of the vendor's base URL ("" for a base at the
	// host's root, "/v1" for https://api.figmarkets.com/v1). Path must
	// start with it.
	BasePath string
	// Query is the raw query string as sent, without "?".
	Query string
	// Header holds the request headers.
	Header http.Header
	// Body is the request body as sent.
	Body []byte
}

// Result is the verdict on one request; the server writes it as JSON.
type Result struct {
	OK      bool   `json:"ok"`
	Vendor  string `json:"vendor"`
	Variant string `json:"variant,omitempty"`
	// Error says what is wrong; empty when OK.
	Error string `json:"error,omitempty"`
	// Canonical is the string the server signed, when it got that far
	// (nil when an input it needs, such as the timestamp, is missing).
	// It may be binary (kraken): CanonicalBase64 is exact.
	Canonical       *string `json:"canonical,omitempty"`
	CanonicalBase64 *string `json:"canonical_base64,omitempty"`
	// ExpectedSignature is the signature the server computed, encoded as
	// the vendor encodes it; Signature is the one received.
	ExpectedSignature string `json:"expected_signature,omitempty"`
	Signature         string `json:"signature,omitempty"`
	Method            string `json:"method"`
	Path              string `json:"path"`
	Query             string `json:"query"`
	Body              string `json:"body"`
	// Status is the HTTP status the server answers with.
	Status int `json:"-"`
}

// Verifier checks requests against the vendors' rules. It is an
// http.Handler that routes by the first path segment.
type Verifier struct {
	creds  Credentials
	now    func() time.Time
	maxAge time.Duration
}

// New returns a handler that verifies requests for every vendor with
// creds. Timestamps are checked for form but not for age, so that tests
// can sign with fixed timestamps.
func New(creds Credentials) http.Handler {
	return NewVerifier(creds, nil, 0)
}

// NewWithClock is New with a clock: when maxAge > 0 a request whose
// timestamp is more than maxAge away from now() is refused (for bitmex,
// whose header is an expiry, one that has expired or expires more than
// maxAge from now). Kraken's nonce is never checked against the clock:
// Kraken only requires it to increase.
func NewWithClock(creds Credentials, now func() time.Time, maxAge time.Duration) http.Handler {
	return NewVerifier(creds, now, maxAge)
}

// NewVerifier returns a Verifier; now may be nil (time.Now) and maxAge 0
// (no age check).
func NewVerifier(creds Credentials, now func() time.Time, maxAge time.Duration) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{creds: creds, now: now, maxAge: maxAge}
}

// Vendors lists the vendors the server knows, sorted.
func Vendors() []string {
	names := make([]string, 0, len(vendors))
	for name := range vendors {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Variants lists a vendor's readings other than the default; none are
// implemented yet.
func Variants(vendor string) []string {
	var names []string
	for name := range vendors[vendor] {
		if name != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Check verifies one request with the default reading of vendor's rule.
func (v *Verifier) Check(vendor string, req Request) *Result {
	return v.CheckVariant(vendor, "", req)
}

// CheckVariant verifies one request with a named reading of vendor's rule
// ("" for the default).
func (v *Verifier) CheckVariant(vendor, variant string, req Request) *Result {
	res := &Result{
		Vendor:  vendor,
		Variant: variant,
		Method:  req.Method,
		Path:    req.Path,
		Query:   req.Query,
		Body:    string(req.Body),
	}
	readings, ok := vendors[vendor]
	if !ok {
		return res.fail(http.StatusNotFound, fmt.Sprintf("unknown vendor %q (known: %s)", vendor, strings.Join(Vendors(), ", ")))
	}
	rd, ok := readings[variant]
	if !ok {
		return res.fail(http.StatusNotFound, fmt.Sprintf("vendor %s has no variant %q", vendor, variant))
	}
	relPath, ok := strings.CutPrefix(req.Path, req.BasePath)
	if !ok {
		return res.fail(http.StatusBadRequest, fmt.Sprintf("path %q does not start with the base path %q", req.Path, req.BasePath))
	}
	header := req.Header
	if header == nil {
		header = http.Header{}
	}
	in := &input{
		method:  req.Method,
		path:    req.Path,
		relPath: relPath,
		query:   req.Query,
		header:  header,
		body:    req.Body,
	}
	return v.check(rd, in, res)
}

// ServeHTTP routes by the first path segment and verifies the request.
func (v *Verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, query := rawTarget(r)
	vendor, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	var res *Result
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	switch {
	case err != nil:
		res = (&Result{Vendor: vendor, Method: r.Method, Path: path, Query: query}).fail(http.StatusBadRequest, "reading the body: "+err.Error())
	case len(body) > MaxBody:
		res = (&Result{Vendor: vendor, Method: r.Method, Path: path, Query: query}).fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("body longer than %d bytes", MaxBody))
	default:
		res = v.Check(vendor, Request{
			Method:   r.Method,
			Path:     path,
			BasePath: "/" + vendor,
			Query:    query,
			Header:   r.Header,
			Body:     body,
		})
	}
	writeResult(w, res)
}

// rawTarget returns the path and query exactly as the request line
// carried them (r.URL.Path is decoded, and Go may re-encode RawPath).
func rawTarget(r *http.Request) (path, query string) {
	target := r.RequestURI
	if target == "" { // a request built in-process, not read from the wire
		target = r.URL.RequestURI()
	}
	if i := strings.Index(target, "://"); i >= 0 && !strings.HasPrefix(target, "/") {
		// absolute-form: scheme://host/path?query
		rest := target[i+3:]
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			target = rest[j:]
		} else {
			target = "/"
		}
	}
	path, query, _ = strings.Cut(target, "?")
	return path, query
}

func writeResult(w http.ResponseWriter, res *Result) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.Status)
	io.WriteString(w, b.String())
}

func (res *Result) fail(status int, msg string) *Result {
	res.OK = false
	res.Status = status
	res.Error = msg
	return res
}

func (res *Result) setCanonical(c []byte) {
	s, b := string(c), base64.StdEncoding.EncodeToString(c)
	res.Canonical, res.CanonicalBase64 = &s, &b
}

// check runs one reading's rule. The canonical string and the expected
// signature are computed whenever the inputs allow, so that every report,
// failed or not, shows them; the first problem found is the error.
func (v *Verifier) check(rd *reading, in *input, res *Result) *Result {
	key, err := rd.key(v.creds)
	if err != nil {
		return res.fail(http.StatusInternalServerError, "server misconfigured: "+err.Error())
	}

	sig, signed, sigErr := rd.extract(in)
	res.Signature = sig
	var ts string
	var inputErr error
	if rd.stamp != nil {
		ts, inputErr = rd.stamp(signed)
	}
	if inputErr == nil {
		var msg []byte
		if msg, inputErr = rd.message(signed, ts); inputErr == nil {
			res.setCanonical(msg)
			res.ExpectedSignature = rd.encoding.encode(hmacSum(rd.hash, key, msg))
		}
	}

	for _, c := range rd.auth {
		if err := c(in.header, v.creds); err != nil {
			if errors.Is(err, errMisconfigured) {
				return res.fail(http.StatusInternalServerError, err.Error())
			}
			return res.fail(http.StatusUnauthorized, err.Error())
		}
	}
	if inputErr != nil {
		return res.fail(http.StatusUnauthorized, inputErr.Error())
	}
	if sigErr != nil {
		return res.fail(http.StatusUnauthorized, sigErr.Error())
	}
	if err := rd.tsForm.check(rd.tsWhere, ts, v.now, v.maxAge); err != nil {
		return res.fail(http.StatusUnauthorized, err.Error())
	}
	if err := rd.encoding.compare(rd.sigWhere, sig, res.ExpectedSignature); err != nil {
		return res.fail(http.StatusUnauthorized, err.Error())
	}
	res.OK = true
	res.Status = http.StatusOK
	return res
}
