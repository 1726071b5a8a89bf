package send

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this file need real sockets on 127.0.0.1: exact bytes on
// the wire, and real faults (a closed port, a server that hangs, one that
// resets the connection, TLS trust). Retries, status handling and
// redirects are tested in-process, in retry_test.go and redirect_test.go.

// signLog records each call of a signer's SignFunc.
type signLog struct {
	mu    sync.Mutex
	calls []string // each target, with " (redirected)" when it came from a redirect
}

func (l *signLog) add(target string, redirected bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if redirected {
		target += " (redirected)"
	}
	l.calls = append(l.calls, target)
	return len(l.calls)
}

// count is how many requests were signed.
func (l *signLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

// targets are the targets signed, in order.
func (l *signLog) targets() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...)
}

// signer returns a SignFunc that counts its calls and puts the count in
// headers, standing in for a fresh timestamp and signature per attempt:
// the Nth request signed carries X-Api-Signature sig-N and
// X-Api-Timestamp 1000+N.
func signer(base string, method string, body []byte) (SignFunc, *signLog) {
	log := &signLog{}
	return func(target string, redirected bool) (*Request, error) {
		i := log.add(target, redirected)
		return &Request{
			Method:  method,
			URL:     base + target,
			Headers: []Header{{"X-Api-Signature", fmt.Sprintf("sig-%d", i)}, {"X-Api-Timestamp", fmt.Sprint(1000 + i)}},
			Body:    body,
		}, nil
	}, log
}

func noSleep(context.Context, time.Duration) error { return nil }

func mustClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.Sleep == nil {
		opts.Sleep = noSleep
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The path and query reach the server byte for byte, including escapes Go
// would otherwise normalise, repeated keys, + and a base path.
func TestExactBytesOnTheWire(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.RequestURI)
		body, _ := io.ReadAll(r.Body)
		got = append(got, string(body))
	}))
	defer srv.Close()
	c := mustClient(t, Options{})
	for _, target := range []string{
		"/a%2Fb/c%20d?x=%41&x=%2f&sp=a+b&u=%C3%A9&empty=&=v&k",
		"/v3/orders?z=1&a=2&a=1",
		"/p;matrix=1/(x)!*'",
	} {
		got = nil
		fn, _ := signer(srv.URL+"/base", "POST", []byte(`{"a": 1}`))
		resp, err := c.Send(context.Background(), srv.URL+"/base", target, fn)
		if err != nil {
			t.Fatal(err)
		}
		resp.Close()
		if got[0] != "/base"+target || got[1] != `{"a": 1}` {
			t.Errorf("sent %q with body %q, want %q", got[0], got[1], "/base"+target)
		}
	}
}

// Options.Wrote sees the request line and every header field as written
// on the wire, those the transport adds included.
func TestWroteSeesTheHeadersOnTheWire(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var line string
	var fields []Header
	c := mustClient(t, Options{UserAgent: "hmacctl/test", Wrote: func(l string, f []Header) { line, fields = l, f }})
	fn, _ := signer(srv.URL, "POST", []byte(`{"a": 1}`))
	resp, err := c.Send(context.Background(), srv.URL, "/v3/x?a=%41", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	names := map[string]string{}
	for _, f := range fields {
		names[f.Name] = f.Value
	}
	if line != "POST /v3/x?a=%41 HTTP/1.1" || names["Host"] != strings.TrimPrefix(srv.URL, "http://") || names["User-Agent"] != "hmacctl/test" || names["Content-Length"] != "8" || names["Accept-Encoding"] != "gzip" || names["X-Api-Signature"] != "sig-1" {
		t.Errorf("line %q, fields %v", line, fields)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	fn, _ := signer("http://"+addr, "GET", nil)
	_, err = mustClient(t, Options{}).Send(context.Background(), "http://"+addr, "/x", fn)
	var nr *NoResponseError
	if !errors.As(err, &nr) || !strings.Contains(nr.Cause, "connection refused") {
		t.Fatalf("got %v, want a NoResponseError naming the refused connection", err)
	}
}

func TestTimeoutCoversASlowServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	fn, _ := signer(srv.URL, "GET", nil)
	start := time.Now()
	_, err := mustClient(t, Options{Timeout: 200 * time.Millisecond}).Send(context.Background(), srv.URL, "/slow", fn)
	var nr *NoResponseError
	if !errors.As(err, &nr) || nr.Reason != ReasonTimeout || !strings.Contains(nr.Cause, "timed out after 200ms") {
		t.Fatalf("got %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
}

// A server that sends headers and then closes in the middle of the body:
// the client sees the response, and reading the body fails.
func TestServerClosesMidResponse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 4096)
		_, _ = conn.Read(buf)
		_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
		conn.Close()
	}()
	base := "http://" + ln.Addr().String()
	fn, _ := signer(base, "GET", nil)
	resp, err := mustClient(t, Options{}).Send(context.Background(), base, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	_, err = io.ReadAll(resp.Body)
	if err == nil {
		t.Fatal("reading a cut body succeeded")
	}
	var nr *NoResponseError
	if be := BodyError(base, err, 0); !errors.As(be, &nr) || !strings.Contains(nr.Cause, "broke in the middle") {
		t.Errorf("BodyError = %v", be)
	}
}

// A real connection reset before any response is a network error, and
// is retried (retry_test.go tests the retry logic itself in-process).
func TestRetryAfterAReset(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_, _ = conn.Read(buf)
			if i == 0 {
				conn.(*net.TCPConn).SetLinger(0) // RST
				conn.Close()
				continue
			}
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			conn.Close()
			return
		}
	}()
	base := "http://" + ln.Addr().String()
	fn, calls := signer(base, "GET", nil)
	resp, err := mustClient(t, Options{Retries: 1}).Send(context.Background(), base, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	wg.Wait()
	if resp.StatusCode != 200 || calls.count() != 2 {
		t.Errorf("status %d after %d signings", resp.StatusCode, calls.count())
	}
}

func TestRetryAfterHeaderForms(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              -1,
		"5":                             5 * time.Second,
		"100000":                        2 * time.Minute,
		"soon":                          -1,
		"Mon, 23 Nov 2026 12:00:07 GMT": 7 * time.Second,
		"Mon, 23 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestTLSTrust(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	fn, _ := signer(srv.URL, "GET", nil)

	// Not trusted: no response, with what to do.
	_, err := mustClient(t, Options{}).Send(context.Background(), srv.URL, "/", fn)
	var nr *NoResponseError
	if !errors.As(err, &nr) || nr.Reason != ReasonUntrusted || !strings.Contains(nr.Cause, "not trusted") {
		t.Fatalf("untrusted certificate: got %v", err)
	}

	// Trusted through --cacert.
	certFile := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := mustClient(t, Options{CACertFile: certFile}).Send(context.Background(), srv.URL, "/", fn)
	if err != nil {
		t.Fatalf("with --cacert: %v", err)
	}
	resp.Close()

	// Not checked with --insecure.
	resp, err = mustClient(t, Options{Insecure: true}).Send(context.Background(), srv.URL, "/", fn)
	if err != nil {
		t.Fatalf("with --insecure: %v", err)
	}
	resp.Close()

	// A --cacert that holds no certificate is bad input.
	if err := os.WriteFile(certFile, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	var caErr *CACertError
	if _, err := New(Options{CACertFile: certFile}); !errors.As(err, &caErr) || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("bad --cacert: %v", err)
	}
}
