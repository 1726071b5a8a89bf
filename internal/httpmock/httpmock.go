// Package httpmock answers HTTP requests in-process, for tests of code that
// takes an http.RoundTripper: retries, redirects, re-signing per attempt and
// status handling need no socket. It is modelled on GitHub CLI's
// pkg/httpmock.
//
// A Registry holds stubs, each a Matcher and a Responder. Each request is
// answered by the first stub, in the order registered, that matches it and
// has not answered yet, so that stubs registered one after the other for the
// same request answer its successive attempts. The Registry records every
// request it sees, exactly as sent; Verify fails the test when a stub was
// never used.
//
//	reg := &httpmock.Registry{}
//	defer reg.Verify(t)
//	reg.Register(httpmock.REST("GET", "/v3/orders"),
//		httpmock.WithHeader(httpmock.StatusStringResponse(429, ""), "Retry-After", "1"))
//	reg.Register(httpmock.REST("GET", "/v3/orders"), httpmock.StringResponse(`{"ok":true}`))
//	client := &http.Client{Transport: reg}
//
// Real sockets and real faults (a closed port, a server that hangs, a
// connection reset in the middle of a body, TLS) are tested with
// net/http/httptest instead.
package httpmock

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
)

// Matcher says whether a stub answers a request.
type Matcher func(req *http.Request) bool

// Responder answers a request: a response, or the error a transport
// returns when no response came.
type Responder func(req *http.Request) (*http.Response, error)

// Request is a request as the Registry saw it.
type Request struct {
	// Method is the request method.
	Method string
	// URL is the URL exactly as sent: the scheme and host, then the
	// request target byte for byte as it goes on the request line (or
	// the absolute form, when the request line carries one).
	URL string
	// Target is the request target as it goes on the request line: the
	// path and query, escapes and order untouched.
	Target string
	// Host is the Host header sent.
	Host string
	// Header holds the request's headers.
	Header http.Header
	// Body is the whole request body; nil when there was none.
	Body []byte
}

// Registry is an http.RoundTripper that answers from registered stubs and
// records each request. Its zero value is ready to use; it is safe for
// concurrent use.
type Registry struct {
	mu       sync.Mutex
	stubs    []*stub
	requests []Request
}

type stub struct {
	matcher   Matcher
	responder Responder
	// at is where the stub was registered, for Verify's message.
	at   string
	used bool
}

// Register adds a stub that answers one request matching m with r.
func (reg *Registry) Register(m Matcher, r Responder) {
	at := "?"
	if _, file, line, ok := runtime.Caller(1); ok {
		at = fmt.Sprintf("%s:%d", file[strings.LastIndexByte(file, '/')+1:], line)
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.stubs = append(reg.stubs, &stub{matcher: m, responder: r, at: at})
}

// Testing is the part of testing.TB that Verify uses.
type Testing interface {
	Helper()
	Errorf(format string, args ...any)
}

// Verify fails the test when a registered stub answered no request, naming
// where each was registered.
func (reg *Registry) Verify(t Testing) {
	t.Helper()
	reg.mu.Lock()
	defer reg.mu.Unlock()
	var unused []string
	for _, s := range reg.stubs {
		if !s.used {
			unused = append(unused, s.at)
		}
	}
	if len(unused) > 0 {
		t.Errorf("httpmock: %d of %d stubs answered no request (registered at %s); requests seen: %s",
			len(unused), len(reg.stubs), strings.Join(unused, ", "), describe(reg.requests))
	}
}

// Requests returns the requests seen so far, in order, including those no
// stub matched.
func (reg *Registry) Requests() []Request {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return append([]Request(nil), reg.requests...)
}

// RoundTrip records req and answers it from the first unused stub that
// matches; with none, it returns an error, which an http.Client reports as
// a failed request.
func (reg *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	seen := Request{
		Method: req.Method,
		URL:    sentURL(req.URL),
		Target: req.URL.RequestURI(),
		Host:   req.Host,
		Header: req.Header.Clone(),
	}
	if seen.Host == "" {
		seen.Host = req.URL.Host
	}
	if req.Body != nil && req.Body != http.NoBody {
		// A RoundTripper must close the body, whatever happens.
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("httpmock: reading the request body: %w", err)
		}
		seen.Body = body
		// The responder sees the body too, on a copy of the request.
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	reg.mu.Lock()
	reg.requests = append(reg.requests, seen)
	var found *stub
	for _, s := range reg.stubs {
		if !s.used && s.matcher(req) {
			found = s
			found.used = true
			break
		}
	}
	reg.mu.Unlock()
	if found == nil {
		return nil, fmt.Errorf("httpmock: no registered stub matches %s %s", seen.Method, seen.URL)
	}
	return found.responder(req)
}

// sentURL is the URL as it goes out: the request target, as on the request
// line, after the scheme and host.
func sentURL(u *url.URL) string {
	target := u.RequestURI()
	if strings.HasPrefix(u.Opaque, "//") {
		return target // already the absolute form, scheme and host included
	}
	return u.Scheme + "://" + u.Host + target
}

func describe(requests []Request) string {
	if len(requests) == 0 {
		return "none"
	}
	var lines []string
	for _, r := range requests {
		lines = append(lines, r.Method+" "+r.URL)
	}
	return strings.Join(lines, ", ")
}

// MatchAny matches every request.
func MatchAny(*http.Request) bool { return true }

// REST matches a request by its method (any case) and its path exactly as
// sent, escapes included, whatever its host and query.
func REST(method, path string) Matcher {
	return func(req *http.Request) bool {
		sentPath, _, _ := strings.Cut(requestTarget(req.URL), "?")
		return strings.EqualFold(req.Method, method) && sentPath == path
	}
}

// URL matches a request by its method (any case) and its whole URL exactly
// as sent: scheme, host, path and query.
func URL(method, rawURL string) Matcher {
	return func(req *http.Request) bool {
		return strings.EqualFold(req.Method, method) && sentURL(req.URL) == rawURL
	}
}

// requestTarget is the path and query as on the request line, in origin
// form even when the request line carries the absolute form.
func requestTarget(u *url.URL) string {
	target := u.RequestURI()
	if strings.HasPrefix(u.Opaque, "//") {
		target = strings.TrimPrefix(target, u.Scheme+"://"+u.Host)
	}
	return target
}

// StringResponse answers 200 OK with body.
func StringResponse(body string) Responder {
	return StatusStringResponse(http.StatusOK, body)
}

// StatusStringResponse answers with the status code and body.
func StatusStringResponse(code int, body string) Responder {
	return func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			Status:        fmt.Sprintf("%d %s", code, http.StatusText(code)),
			StatusCode:    code,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        http.Header{},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
			Request:       req,
		}, nil
	}
}

// WithHeader adds a response header to what r answers.
func WithHeader(r Responder, name, value string) Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp, err := r(req)
		if err == nil {
			resp.Header.Add(name, value)
		}
		return resp, err
	}
}

// NetworkError answers with no response: the transport fails with err, as
// a read on a TCP connection would (a *net.OpError wrapping err, so that
// errors.Is finds a syscall error such as ECONNRESET).
func NetworkError(err error) Responder {
	return func(req *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: err}
	}
}
