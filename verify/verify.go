// Package verify checks request signatures with a vendor's scheme and, when
// one does not match, searches the plausible misreadings for the one that
// produces it. It takes a captured HTTP request apart by asking the scheme
// where its signature, timestamp, key and settings travel, so every
// vendor is covered as data.
package verify

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/sign"
)

// Input is a request to verify: what to sign again, and the signatures
// received.
type Input struct {
	// Request is signed again; its Timestamp is the one received.
	Request sign.Request
	// Signatures are the signatures received, as written: usually one;
	// several when a header carries one per secret during a rotation.
	// Any one matching is a match.
	Signatures []string
}

// Result is a verification's outcome.
type Result struct {
	Match    bool
	Expected string
	// Received is the signature that matched or, on a mismatch, the
	// first received.
	Received  string
	Canonical []byte
	// Signed is the request as hmacctl signs it.
	Signed *sign.Result
	// Note says why a received signature could not even be decoded, or
	// how a matching one is written differently.
	Note string
}

// ErrNoSignature says there was no signature to compare: nothing passes
// unless a signature was compared.
var ErrNoSignature = errors.New("no signature to check")

// Check signs the input again with scheme and compares each received
// signature in constant time, on their decoded bytes.
func Check(scheme *sign.Scheme, in Input) (*Result, error) {
	if len(in.Signatures) == 0 {
		return nil, ErrNoSignature
	}
	res, err := scheme.Sign(in.Request)
	if err != nil {
		return nil, err
	}
	out := &Result{Expected: res.Signature, Received: in.Signatures[0], Canonical: res.Canonical, Signed: res}
	want, _ := scheme.DecodeSignature(res.Signature)
	decoded := 0
	for _, sig := range in.Signatures {
		got, err := scheme.DecodeSignature(sig)
		if err != nil {
			continue
		}
		decoded++
		if hmac.Equal(want, got) {
			out.Match, out.Received = true, sig
			break
		}
	}
	switch {
	case decoded == 0:
		out.Note = "the signature received is not in this scheme's encoding"
	case out.Match && out.Received != res.Signature:
		out.Note = "the bytes match, but the signature is not written as the scheme writes it (" + res.Signature + "); a server comparing text would reject it"
	}
	return out, nil
}

// Parsed is a captured request taken apart for a scheme.
type Parsed struct {
	Input
	// Found says where each value was read: "signature" -> "header
	// x-api-signature".
	Found map[string]string
	// Header is the request's headers.
	Header http.Header
	// Notes say how the request was read where it departs from HTTP/1.1
	// (a body without Content-Length read to the end).
	Notes []string
}

// NotVerifiableError says a received request lacks a value its scheme
// needs to be verified, or carries it in a form the definition does not
// declare: it is not verified.
type NotVerifiableError struct {
	// Name is the variable: "signature", "timestamp", "api_key".
	Name string
	// Expected says where the definition puts it.
	Expected []sign.Location
	// Problem, when set, says what was wrong with a value that was
	// there; otherwise the value is missing.
	Problem string
}

func (e *NotVerifiableError) Error() string {
	if e.Problem != "" {
		return e.Problem
	}
	var where []string
	for _, l := range e.Expected {
		w := l.Where()
		if l.Form() != "{"+e.Name+"}" {
			w += " (as " + l.Form() + ")"
		}
		where = append(where, w)
	}
	return fmt.Sprintf("the request has no %s: the definition expects it in %s", e.Name, strings.Join(where, " or "))
}

// MaxBody bounds the body read from a captured request.
const MaxBody = 64 << 20

// ParseRequest reads a raw HTTP/1.1 request as captured (CRLF or LF line
// ends, the final blank line optional, a body by Content-Length, chunked,
// or else to the end of the input) and finds the signature, timestamp,
// API key and settings where the scheme's definition says they are.
// baseURL gives the path prefix to strip from the request's path. A
// request that lacks what the scheme needs is a *NotVerifiableError.
func ParseRequest(r io.Reader, scheme *sign.Scheme, baseURL string) (*Parsed, error) {
	br := bufio.NewReader(withHeaderEnd(r))
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, fmt.Errorf("not an HTTP/1.1 request: %v", err)
	}
	defer req.Body.Close()
	var notes []string
	src := req.Body
	if req.ContentLength <= 0 && len(req.TransferEncoding) == 0 {
		// No length and not chunked: a capture's body runs to its end.
		src = io.NopCloser(br)
	}
	body, err := io.ReadAll(io.LimitReader(src, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request's body: %v", err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("the request's body is over %d MiB", MaxBody>>20)
	}
	if req.ContentLength <= 0 && len(req.TransferEncoding) == 0 && len(body) > 0 {
		note := fmt.Sprintf("the request has no Content-Length: its body was read to the end of the input (%d bytes", len(body))
		if trimmed, ok := cutFinalNewline(body); ok {
			// A file's last line end is an editor's, not the body's.
			body = trimmed
			note = fmt.Sprintf("%s; its final line end dropped, %d bytes kept", note, len(body))
		}
		notes = append(notes, note+")")
	}
	p, err := parseHTTP(req, body, scheme, baseURL)
	if p != nil {
		p.Notes = append(notes, p.Notes...)
	}
	return p, err
}

// cutFinalNewline drops one final LF or CRLF.
func cutFinalNewline(b []byte) ([]byte, bool) {
	if t, ok := bytes.CutSuffix(b, []byte("\r\n")); ok {
		return t, true
	}
	return bytes.CutSuffix(b, []byte("\n"))
}

// withHeaderEnd reads r, adding the blank line that ends the header when
// a capture lacks it (a file that stops after its last header line).
func withHeaderEnd(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if len(bytes.TrimRight(line, "\r\n")) == 0 && len(line) > 0 && len(head) > len(line) {
			return io.MultiReader(bytes.NewReader(head), br)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if !bytes.HasSuffix(head, []byte("\n")) && len(head) > 0 {
				head = append(head, "\r\n"...)
			}
			return bytes.NewReader(append(head, "\r\n"...))
		}
	}
}

// parseHTTP takes a received request apart; body is its body, read.
func parseHTTP(req *http.Request, body []byte, scheme *sign.Scheme, baseURL string) (*Parsed, error) {
	target := req.RequestURI
	if u, err := url.Parse(target); err == nil && u.IsAbs() {
		target = strings.TrimPrefix(target, u.Scheme+"://"+u.Host)
	}
	base, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL %q: %v", baseURL, err)
	}
	if prefix := strings.TrimSuffix(base.EscapedPath(), "/"); prefix != "" {
		rest, ok := strings.CutPrefix(target, prefix)
		if ok && rest != "" && rest[0] != '/' && rest[0] != '?' {
			ok = false // "/v1x" is not under "/v1"
		}
		if !ok {
			return nil, &PathError{Path: target, Prefix: prefix}
		}
		target = rest
	}
	path, query, _ := strings.Cut(target, "?")
	rd := &received{method: req.Method, header: req.Header, query: query, body: string(body), scheme: scheme}
	p := &Parsed{Found: map[string]string{}, Header: req.Header}
	p.Request = sign.Request{Method: req.Method, BaseURL: baseURL, Received: true, Settings: map[string]string{}, Credentials: map[string]string{}}

	values := map[string][]string{}
	problems := map[string]string{}
	for _, loc := range scheme.Locations() {
		raw, place, ok := rd.find(loc)
		if !ok {
			continue
		}
		where := loc.Where()
		if place != "" {
			where = place + " parameter " + loc.Param
		}
		got, err := loc.Read(raw)
		if err != nil {
			for _, name := range loc.Variables() {
				if _, seen := problems[name]; !seen {
					problems[name] = fmt.Sprintf("%s is %q, which does not have the form %s the definition declares (%v)", where, raw, loc.Form(), err)
				}
			}
			continue
		}
		for name, vals := range got {
			if _, seen := values[name]; seen {
				continue
			}
			values[name] = vals
			p.Found[name] = where
			if name == "signature" && loc.Param != "" {
				rd.remove(place, loc.Param)
			}
		}
	}
	for _, name := range scheme.Required() {
		if len(values[name]) > 0 {
			continue
		}
		var expected []sign.Location
		for _, l := range scheme.Locations() {
			if l.Carries(name) {
				expected = append(expected, l)
			}
		}
		return nil, &NotVerifiableError{Name: name, Expected: expected, Problem: problems[name]}
	}
	p.Signatures = values["signature"]
	if ts := values["timestamp"]; len(ts) > 0 {
		p.Request.Timestamp = ts[0]
	}
	if key := values["api_key"]; len(key) > 0 {
		p.Request.Credentials["api_key"] = key[0]
	}
	for name, vals := range values {
		if setting, ok := strings.CutPrefix(name, "settings."); ok {
			p.Request.Settings[setting] = vals[0]
		}
	}
	p.Request.Target = path
	if rd.query != "" {
		p.Request.Target += "?" + rd.query
	}
	p.Request.Body = []byte(rd.body)
	return p, nil
}

// PathError says a received request's path is not under the base URL's
// path, so it cannot be signed relative to it.
type PathError struct {
	Path, Prefix string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("the request's path %s is not under the base URL's path %s", e.Path, e.Prefix)
}

// received is a request being read back.
type received struct {
	method, query, body string
	header              http.Header
	scheme              *sign.Scheme
}

// Places a parameter can be read from.
const (
	inQuery    = "query"
	inFormBody = "body"
	inJSONBody = "JSON body"
)

// find returns a location's value and, for a parameter, the place it was
// found.
func (rd *received) find(loc sign.Location) (value, place string, ok bool) {
	if loc.Header != "" {
		values := rd.header.Values(loc.Header)
		if len(values) == 0 {
			return "", "", false
		}
		return strings.Join(values, ","), "", true
	}
	for _, place := range rd.places(loc) {
		switch place {
		case inQuery:
			value, ok = paramValue(rd.query, loc.Param)
		case inFormBody:
			value, ok = paramValue(rd.body, loc.Param)
		case inJSONBody:
			value, ok = jsonField(rd.body, loc.Param)
		}
		if ok {
			return value, place, true
		}
	}
	return "", "", false
}

// places lists where a parameter may arrive, in the order to look: where
// sign puts it, then where the definition says the vendor also accepts
// it. The body is read as the definition allows: a form, or a JSON
// object's top-level fields (not for a signature, which could not be
// taken out of it again byte for byte).
func (rd *received) places(loc sign.Location) []string {
	var where []sign.Placement
	switch {
	case loc.To == sign.ToQuery || loc.To == sign.ToBody:
		where = []sign.Placement{loc.To}
	case len(rd.scheme.Accepts().Params) > 0:
		where = rd.scheme.Accepts().Params
	case sign.ParamsInQuery(rd.method):
		where = []sign.Placement{sign.ToQuery}
	default:
		where = []sign.Placement{sign.ToBody}
	}
	var out []string
	for _, w := range where {
		if w == sign.ToQuery {
			out = append(out, inQuery)
			continue
		}
		json := looksLikeJSON(rd.body)
		switch {
		case json && rd.accepts(sign.BodyJSON) && !loc.Carries("signature"):
			out = append(out, inJSONBody)
		case !json && rd.accepts(sign.BodyForm):
			out = append(out, inFormBody)
		}
	}
	return out
}

// accepts says whether received bodies may be in format f.
func (rd *received) accepts(f sign.BodyFormat) bool {
	bodies := rd.scheme.Accepts().Bodies
	if len(bodies) == 0 {
		return rd.scheme.BodyFormat() == f
	}
	return slices.Contains(bodies, f)
}

// remove takes a parameter out of the query or form body, keeping the
// other parts byte for byte.
func (rd *received) remove(place, name string) {
	switch place {
	case inQuery:
		rd.query = withoutParam(rd.query, name)
	case inFormBody:
		rd.body = withoutParam(rd.body, name)
	}
}

func looksLikeJSON(body string) bool {
	trimmed := strings.TrimSpace(body)
	return strings.HasPrefix(trimmed, "{") && json.Valid([]byte(trimmed))
}

// jsonField reads a top-level field of a JSON object: a string's value,
// or any other value's JSON text (a number as written).
func jsonField(body, name string) (string, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &fields) != nil {
		return "", false
	}
	raw, ok := fields[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}

// paramValue finds a parameter in an encoded query or form body, decoded.
func paramValue(encoded, name string) (string, bool) {
	for _, p := range sign.ParsePairs(encoded) {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// withoutParam removes a parameter from an encoded query or form body,
// keeping the other parts byte for byte.
func withoutParam(encoded, name string) string {
	var kept []string
	for _, part := range strings.Split(encoded, "&") {
		n, _, _ := strings.Cut(part, "=")
		if sign.Unescape(n) == name {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}
