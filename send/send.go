// Package send sends signed requests over HTTP: exact bytes on the wire,
// timeouts, retries that sign every attempt afresh, and a redirect policy
// that never carries signing headers to another host. It knows nothing
// about signing itself: callers pass a function that builds a freshly
// signed request for a target.
package send

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Request is a signed request, ready to send.
type Request struct {
	Method string
	// URL is the full URL, sent byte for byte: its path and query are not
	// re-escaped or reordered.
	URL     string
	Headers []Header
	Body    []byte
	// Stream, when set, opens a body of Size bytes to send instead of
	// Body; it is opened once per attempt.
	Stream func() (io.ReadCloser, error)
	Size   int64
}

// Header is one request header.
type Header struct {
	Name, Value string
}

// SignFunc builds a freshly signed request for target (a path with an
// optional query, relative to the base URL). It is called once per
// attempt and once per redirect followed; redirected says target came
// from a redirect's Location (so it is complete as it stands).
type SignFunc func(target string, redirected bool) (*Request, error)

// Options configure a Client.
type Options struct {
	// Timeout bounds each attempt: connect, TLS, and reading the whole
	// response. Zero means no limit.
	Timeout time.Duration
	// Retries is how many times to retry after a network error, a 429
	// or a 5xx.
	Retries int
	// RetryAll retries methods that are not idempotent too.
	RetryAll bool
	// CACertFile adds the PEM certificates in this file to the trusted
	// roots.
	CACertFile string
	// Insecure skips TLS certificate verification.
	Insecure bool
	// UserAgent is sent unless the request sets one.
	UserAgent string
	// MaxRedirects bounds same-host GET/HEAD redirects followed.
	MaxRedirects int
	// Sleep waits between attempts; tests replace it.
	Sleep func(context.Context, time.Duration) error
	// Wrote, when set, is told, for each attempt, the request line and
	// every header field as the transport wrote it on the wire (Host,
	// User-Agent, Content-Length and Accept-Encoding included), in order.
	Wrote func(requestLine string, fields []Header)
	// Notify, when set, is told about retries and redirects, one line
	// each, for the user.
	Notify func(string)
	// Transport makes each exchange; nil means a real one, with proxies
	// from the environment, CACertFile, Insecure, and connect and TLS
	// handshake timeouts. When it is set, those are its own business:
	// CACertFile, Insecure and the environment's proxies are not used.
	// Tests set an in-process one (internal/httpmock).
	Transport http.RoundTripper
}

// Client sends signed requests.
type Client struct {
	http *http.Client
	// proxy is the real transport's choice of proxy; nil with an
	// injected Transport.
	proxy func(*http.Request) (*url.URL, error)
	opts  Options
}

// New builds a Client. Unless opts.Transport is set, proxies come from the
// environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
func New(opts Options) (*Client, error) {
	c := &Client{opts: opts}
	if c.opts.Sleep == nil {
		c.opts.Sleep = sleep
	}
	if c.opts.MaxRedirects == 0 {
		c.opts.MaxRedirects = 10
	}
	transport := opts.Transport
	if transport == nil {
		tr, err := newTransport(opts)
		if err != nil {
			return nil, err
		}
		transport, c.proxy = tr, tr.Proxy
	}
	c.http = &http.Client{
		Transport: transport,
		// Redirects are decided in Send, which re-signs or stops.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// newTransport builds the real transport: proxies from the environment,
// the trusted roots, and connect and handshake timeouts.
func newTransport(opts Options) (*http.Transport, error) {
	tlsConfig := &tls.Config{InsecureSkipVerify: opts.Insecure} // #nosec: only with --insecure, which warns
	if opts.CACertFile != "" {
		pem, err := os.ReadFile(opts.CACertFile)
		if err != nil {
			return nil, &CACertError{Path: opts.CACertFile, Err: unwrapPath(err)}
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &CACertError{Path: opts.CACertFile}
		}
		tlsConfig.RootCAs = pool
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}, nil
}

// NoResponseError says that no HTTP response came back: refused, DNS,
// timeout, TLS, reset.
type NoResponseError struct {
	URL string
	// Reason classifies the failure, for callers that say what to do.
	Reason Reason
	// Cause says what happened, in a few words.
	Cause string
	Err   error
}

// Reason is why no response came back.
type Reason int

const (
	// ReasonOther is any failure not named below.
	ReasonOther Reason = iota
	// ReasonTimeout: the attempt took longer than Options.Timeout.
	ReasonTimeout
	// ReasonRefused: nothing listens on the port.
	ReasonRefused
	// ReasonReset: the connection was reset or closed early.
	ReasonReset
	// ReasonDNS: the host name does not resolve.
	ReasonDNS
	// ReasonUntrusted: the server's TLS certificate is not trusted.
	ReasonUntrusted
	// ReasonNoDate: ServerTime got no usable Date header.
	ReasonNoDate
	// ReasonInterrupted: the wait before a retry was interrupted.
	ReasonInterrupted
)

// CACertError is a CA certificate file that cannot be read, or that holds
// no PEM certificate (Err nil).
type CACertError struct {
	Path string
	Err  error
}

func (e *CACertError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s holds no PEM certificate", e.Path)
	}
	return fmt.Sprintf("cannot read the CA certificate file %s: %v", e.Path, e.Err)
}

func (e *CACertError) Unwrap() error { return e.Err }

func (e *NoResponseError) Error() string {
	return fmt.Sprintf("no response from %s: %s", e.URL, e.Cause)
}

func (e *NoResponseError) Unwrap() error { return e.Err }

// Response is what came back, with the request that got it.
type Response struct {
	*http.Response
	// Sent is the last request sent (after retries and redirects).
	Sent *Request
	// cancel releases the attempt's timeout when the body is closed.
	cancel context.CancelFunc
}

// Close closes the body and releases the attempt's resources.
func (r *Response) Close() error {
	err := r.Body.Close()
	if r.cancel != nil {
		r.cancel()
	}
	return err
}

// Send signs target with signFn, sends it, retries as configured (each
// attempt signed afresh, so its timestamp is new), and follows same-host
// GET/HEAD redirects by signing the new target. A redirect it does not
// follow is returned as the response, with a note through Notify.
func (c *Client) Send(ctx context.Context, baseURL, target string, signFn SignFunc) (*Response, error) {
	for redirects := 0; ; redirects++ {
		resp, err := c.sendWithRetries(ctx, target, redirects > 0, signFn)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		next, why := c.redirectTarget(baseURL, resp)
		if why != "" || redirects >= c.opts.MaxRedirects {
			if why == "" {
				why = fmt.Sprintf("more than %d redirects", c.opts.MaxRedirects)
			}
			c.notify(fmt.Sprintf("not following the %d redirect to %s: %s", resp.StatusCode, resp.Header.Get("Location"), why))
			return resp, nil
		}
		c.notify(fmt.Sprintf("following the %d redirect to %s, signed afresh", resp.StatusCode, next))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Close()
		target = next
	}
}

func (c *Client) notify(msg string) {
	if c.opts.Notify != nil {
		c.opts.Notify(msg)
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectTarget decides whether a redirect is followed: only for GET and
// HEAD, only to the same scheme and host, and only below the base URL's
// path, so that it can be signed as a target. It returns the new target,
// or why not.
func (c *Client) redirectTarget(baseURL string, resp *Response) (string, string) {
	method := resp.Sent.Method
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", "it has no Location header"
	}
	if method != http.MethodGet && method != http.MethodHead {
		return "", method + " requests are not redirected (the body would be resent)"
	}
	from, err := url.Parse(resp.Sent.URL)
	if err != nil {
		return "", err.Error()
	}
	to, err := from.Parse(loc)
	if err != nil {
		return "", "its Location is not a URL"
	}
	if to.Scheme != from.Scheme || to.Host != from.Host {
		return "", "it points to another host, and signing headers are never sent there"
	}
	base, err := url.Parse(baseURL)
	if err != nil {
		return "", err.Error()
	}
	basePath := strings.TrimSuffix(base.EscapedPath(), "/")
	path := to.EscapedPath()
	if !strings.HasPrefix(path, basePath+"/") && path != basePath {
		return "", "it leaves the base URL " + baseURL
	}
	target := strings.TrimPrefix(path, basePath)
	if to.RawQuery != "" {
		target += "?" + to.RawQuery
	}
	return target, ""
}

func (c *Client) sendWithRetries(ctx context.Context, target string, redirected bool, signFn SignFunc) (*Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := signFn(target, redirected)
		if err != nil {
			return nil, err
		}
		resp, err := c.once(ctx, req)
		retryable := attempt < c.opts.Retries && (c.opts.RetryAll || Idempotent(req.Method))
		var noResponse *NoResponseError
		var wait time.Duration
		switch {
		case err != nil && (!retryable || !errors.As(err, &noResponse)):
			return nil, err // only network failures are worth another try
		case err != nil:
			wait = backoff(attempt)
			c.notify(fmt.Sprintf("attempt %d failed (%v); retrying in %s", attempt+1, err, wait.Round(time.Millisecond)))
		case retryable && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500):
			wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
			if wait < 0 {
				wait = backoff(attempt)
			}
			c.notify(fmt.Sprintf("attempt %d got %s; retrying in %s", attempt+1, resp.Status, wait.Round(time.Millisecond)))
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Close()
		default:
			return resp, nil
		}
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return nil, &NoResponseError{URL: req.URL, Reason: ReasonInterrupted, Cause: "interrupted while waiting to retry", Err: err}
		}
	}
}

// once sends one request with the attempt's timeout.
func (c *Client) once(ctx context.Context, r *Request) (*Response, error) {
	u, err := exactURL(r.URL)
	if err != nil {
		return nil, err
	}
	attemptCtx, cancel := ctx, context.CancelFunc(func() {})
	if c.opts.Timeout > 0 {
		attemptCtx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
	}
	var body io.Reader
	switch {
	case r.Stream != nil:
		rc, err := r.Stream()
		if err != nil {
			cancel()
			return nil, fmt.Errorf("cannot read the body: %w", err)
		}
		body = rc // closed by the transport
	case r.Body != nil:
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(attemptCtx, r.Method, "http://placeholder", body)
	if err != nil {
		cancel()
		return nil, err
	}
	req.URL = u
	req.Host = u.Host
	if u.Scheme == "http" && c.proxy != nil {
		// A plain-HTTP proxy needs the absolute form on the request line,
		// which net/http writes for an Opaque only when it is "//host/...".
		if proxy, _ := c.proxy(req); proxy != nil {
			u.Opaque = "//" + u.Host + u.Opaque
		}
	}
	switch {
	case r.Stream != nil:
		req.ContentLength = r.Size
	case r.Body != nil:
		req.ContentLength = int64(len(r.Body))
	}
	for _, h := range r.Headers {
		req.Header.Add(h.Name, h.Value)
	}
	if req.Header.Get("User-Agent") == "" && c.opts.UserAgent != "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	if c.opts.Wrote != nil {
		req = c.traceWrites(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		reason, cause := describe(err, c.opts.Timeout)
		return nil, &NoResponseError{URL: r.URL, Reason: reason, Cause: cause, Err: err}
	}
	return &Response{Response: resp, Sent: r, cancel: cancel}, nil
}

// traceWrites hands Options.Wrote the header fields the transport writes
// for req, once they are all written.
func (c *Client) traceWrites(req *http.Request) *http.Request {
	var fields []Header
	target := req.URL.Opaque
	if target == "" {
		target = req.URL.RequestURI()
	}
	if req.URL.RawQuery != "" && req.URL.Opaque != "" {
		target += "?" + req.URL.RawQuery
	}
	trace := &httptrace.ClientTrace{
		WroteHeaderField: func(key string, values []string) {
			for _, v := range values {
				fields = append(fields, Header{Name: key, Value: v})
			}
		},
		WroteHeaders: func() {
			c.opts.Wrote(req.Method+" "+target+" "+req.Proto, fields)
			fields = nil
		},
	}
	return req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
}

// exactURL builds a URL whose request line is the path and query exactly
// as given: Opaque bypasses net/url's re-escaping of the path.
func exactURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("cannot send to %q: %v", raw, err)
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(raw, u.Scheme+"://"), u.Host)
	pathPart, query, _ := strings.Cut(rest, "?")
	if pathPart == "" {
		pathPart = "/"
	}
	// An Opaque that starts with a single "/" is written as is on the
	// request line (origin form); "//host/path" would give the absolute
	// form.
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Opaque: pathPart, RawQuery: query}, nil
}

// Idempotent says whether a method is retried without Options.RetryAll
// (RFC 9110, 9.2.2: repeating it has the effect of doing it once).
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// backoff is exponential with jitter: about 0.5 s, 1 s, 2 s, ... up to 30 s.
func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 6)
	d = min(d, 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), capped
// at 2 minutes; negative when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return -1
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return min(time.Duration(secs)*time.Second, 2*time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), 2*time.Minute)
	}
	return -1
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// describe classifies a failed exchange and names its cause in a few
// words.
func describe(err error, timeout time.Duration) (Reason, string) {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return ReasonTimeout, fmt.Sprintf("timed out after %s", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused, "connection refused (is the server running, and the port right?)"
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return ReasonReset, "the connection was reset or closed before a response"
	case errors.As(err, &dnsErr):
		return ReasonDNS, "cannot resolve host " + dnsErr.Name
	case errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr):
		return ReasonUntrusted, "TLS certificate not trusted"
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return ReasonOther, urlErr.Err.Error()
	}
	return ReasonOther, err.Error()
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ServerTime asks the server for its clock: the Date header of an
// unsigned HEAD request to url (whatever its status).
func (c *Client) ServerTime(ctx context.Context, rawURL string) (time.Time, error) {
	resp, err := c.once(ctx, &Request{Method: http.MethodHead, URL: rawURL})
	if err != nil {
		return time.Time{}, err
	}
	defer resp.Close()
	date := resp.Header.Get("Date")
	t, err := http.ParseTime(date)
	if err != nil {
		return time.Time{}, &NoResponseError{URL: rawURL, Reason: ReasonNoDate, Cause: fmt.Sprintf("the server sent no usable Date header (%q)", date), Err: err}
	}
	// Date has whole seconds: assume the middle of that second.
	return t.Add(500 * time.Millisecond), nil
}

// BodyError is a response body that broke off: reset, closed early, or
// timed out while it was being read.
func BodyError(rawURL string, err error, timeout time.Duration) error {
	reason, cause := describe(err, timeout)
	if reason != ReasonTimeout {
		cause = "the connection broke in the middle of the response: " + cause
	}
	return &NoResponseError{URL: rawURL, Reason: reason, Cause: cause, Err: err}
}
