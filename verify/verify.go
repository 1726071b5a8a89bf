// Package verify checks request signatures with a vendor's scheme and, when
// one does not match, searches the plausible misreadings for the one that
// produces it. It takes a captured HTTP request apart by asking the scheme
// where its signature, timestamp, key and settings travel, so every
// vendor is covered as data.
package verify

import (
	"bufio"
	"crypto/hmac"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// Input is a request to verify: what to sign again, and the signature
// received.
type Input struct {
	// Request is signed again; its Timestamp is the one received.
	Request sign.Request
	// Signature is the signature received, as written.
	Signature string
}

// Result is a verification's outcome.
type Result struct {
	Match     bool
	Expected  string
	Received  string
	Canonical []byte
	// Signed is the request as hmacctl signs it.
	Signed *sign.Result
	// Note says why a received signature could not even be decoded.
	Note string
}

// Check signs the input again with scheme and compares the signatures in
// constant time, on their decoded bytes.
func Check(scheme *profiles.Scheme, in Input) (*Result, error) {
	res, err := scheme.Sign(in.Request)
	if err != nil {
		return nil, err
	}
	out := &Result{Expected: res.Signature, Received: in.Signature, Canonical: res.Canonical, Signed: res}
	want, _ := scheme.DecodeSignature(res.Signature)
	got, err := scheme.DecodeSignature(in.Signature)
	if err != nil {
		out.Note = "the signature received is not in this scheme's encoding"
		return out, nil
	}
	out.Match = hmac.Equal(want, got)
	if out.Match && in.Signature != res.Signature {
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
}

// MaxBody bounds the body read from a captured request.
const MaxBody = 64 << 20

// ParseRequest reads a raw HTTP/1.1 request (CRLF or LF line ends,
// Content-Length or chunked body) and finds the signature, timestamp, API
// key and settings where the scheme puts them. baseURL gives the path
// prefix to strip from the request's path.
func ParseRequest(r io.Reader, scheme *profiles.Scheme, baseURL string) (*Parsed, error) {
	req, err := http.ReadRequest(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("not an HTTP/1.1 request: %v", err)
	}
	defer req.Body.Close()
	body, err := io.ReadAll(io.LimitReader(req.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request's body: %v", err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("the request's body is over %d MiB", MaxBody>>20)
	}
	return parseHTTP(req, body, scheme, baseURL)
}

// parseHTTP takes a received request apart; body is its body, read.
func parseHTTP(req *http.Request, body []byte, scheme *profiles.Scheme, baseURL string) (*Parsed, error) {
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
			return nil, fmt.Errorf("the request's path %s is not under the base URL's path %s; pass --base-url", target, prefix)
		}
		target = rest
	}
	path, query, _ := strings.Cut(target, "?")
	p := &Parsed{Found: map[string]string{}, Header: req.Header}
	p.Request = sign.Request{Method: req.Method, BaseURL: baseURL, Received: true, Settings: map[string]string{}, Credentials: map[string]string{}}

	read := func(name string, remove bool) (string, error) {
		locations := scheme.Locate(name)
		for _, loc := range locations {
			var value, where string
			var ok bool
			if loc.Header != "" {
				value, ok = headerValue(req.Header, loc.Header)
				where = "header " + loc.Header
			} else if inQuery(loc.To, req.Method) {
				if value, ok = paramValue(query, loc.Param); ok {
					where = "query parameter " + loc.Param
					if remove {
						query = withoutParam(query, loc.Param)
					}
				}
			} else if scheme.BodyFormat() == sign.BodyForm {
				if value, ok = paramValue(string(body), loc.Param); ok {
					where = "body parameter " + loc.Param
					if remove {
						body = []byte(withoutParam(string(body), loc.Param))
					}
				}
			}
			if !ok {
				continue
			}
			inner, okPrefix := strings.CutPrefix(value, loc.Prefix)
			inner, okSuffix := strings.CutSuffix(inner, loc.Suffix)
			if !okPrefix || !okSuffix {
				return "", fmt.Errorf("%s is %q, which does not have the form %q", where, value, loc.Prefix+"<"+name+">"+loc.Suffix)
			}
			p.Found[name] = where
			return inner, nil
		}
		if len(locations) == 0 {
			return "", nil
		}
		return "", fmt.Errorf("the request has no %s: %s expects it in %s", name, scheme.Vendor, describe(locations))
	}

	if p.Signature, err = read("signature", true); err != nil {
		return nil, err
	}
	if p.Request.Timestamp, err = read("timestamp", false); err != nil {
		return nil, err
	}
	if key, err := read("api_key", false); err != nil {
		return nil, err
	} else if key != "" {
		p.Request.Credentials["api_key"] = key
	}
	for setting := range scheme.Settings() {
		for _, loc := range scheme.LocateSetting(setting) {
			v, ok := headerValue(req.Header, loc.Header)
			if loc.Header == "" && inQuery(loc.To, req.Method) {
				v, ok = paramValue(query, loc.Param)
			} else if loc.Header == "" && scheme.BodyFormat() == sign.BodyForm {
				v, ok = paramValue(string(body), loc.Param)
			}
			if ok {
				p.Request.Settings[setting] = v
			}
		}
	}
	p.Request.Target = path
	if query != "" {
		p.Request.Target += "?" + query
	}
	p.Request.Body = body
	return p, nil
}

// inQuery says whether a parameter placed at to travels in the query for
// this method (as sign places it).
func inQuery(to sign.Placement, method string) bool {
	switch to {
	case sign.ToQuery:
		return true
	case sign.ToBody:
		return false
	}
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete
}

func describe(locations []sign.Location) string {
	var parts []string
	for _, l := range locations {
		if l.Header != "" {
			parts = append(parts, "header "+l.Header)
		} else {
			parts = append(parts, "parameter "+l.Param)
		}
	}
	return strings.Join(parts, " or ")
}

func headerValue(h http.Header, name string) (string, bool) {
	values := h.Values(name)
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
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
