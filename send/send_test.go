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
	"sync/atomic"
	"testing"
	"time"
)

// signer returns a SignFunc that counts its calls and puts the count in a
// header, standing in for a fresh timestamp and signature per attempt.
func signer(base string, method string, body []byte) (SignFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(target string, redirected bool) (*Request, error) {
		i := n.Add(1)
		return &Request{
			Method:  method,
			URL:     base + target,
			Headers: []Header{{"X-Api-Signature", fmt.Sprintf("sig-%d", i)}, {"X-Api-Timestamp", fmt.Sprint(1000 + i)}},
			Body:    body,
		}, nil
	}, &n
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
	if !errors.As(err, &nr) || !strings.Contains(nr.Cause, "timed out after 200ms") {
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

// 429 with Retry-After, then 200: the retry waits as told and is signed
// afresh.
func TestRetryAfter429SignsAfresh(t *testing.T) {
	var sigs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sigs = append(sigs, r.Header.Get("X-Api-Signature")+"@"+r.Header.Get("X-Api-Timestamp"))
		if len(sigs) == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	var waited []time.Duration
	c := mustClient(t, Options{Retries: 2, Sleep: func(_ context.Context, d time.Duration) error {
		waited = append(waited, d)
		return nil
	}})
	fn, _ := signer(srv.URL, "GET", nil)
	resp, err := c.Send(context.Background(), srv.URL, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != 200 || len(sigs) != 2 || sigs[0] == sigs[1] {
		t.Errorf("status %d, attempts %v: want 2 attempts with different signatures", resp.StatusCode, sigs)
	}
	if len(waited) != 1 || waited[0] != 3*time.Second {
		t.Errorf("waited %v, want [3s] from Retry-After", waited)
	}
}

func TestRetry503ThenOK(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, r.Header.Get("X-Api-Timestamp"))
	}))
	defer srv.Close()
	fn, calls := signer(srv.URL, "DELETE", nil)
	resp, err := mustClient(t, Options{Retries: 1}).Send(context.Background(), srv.URL, "/order", fn)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || calls.Load() != 2 || string(body) != "1002" {
		t.Errorf("status %d, %d signings, timestamp %q: want 200 after a second, freshly signed attempt", resp.StatusCode, calls.Load(), body)
	}
}

// POST is not idempotent: no retry unless RetryAll; a 5xx is returned.
func TestPostIsNotRetriedUnlessRetryAll(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	for _, all := range []bool{false, true} {
		n.Store(0)
		fn, _ := signer(srv.URL, "POST", []byte("{}"))
		resp, err := mustClient(t, Options{Retries: 2, RetryAll: all}).Send(context.Background(), srv.URL, "/order", fn)
		if err != nil {
			t.Fatal(err)
		}
		resp.Close()
		want := int32(1)
		if all {
			want = 3
		}
		if n.Load() != want || resp.StatusCode != http.StatusBadGateway {
			t.Errorf("RetryAll=%v: %d attempts, status %d; want %d attempts", all, n.Load(), resp.StatusCode, want)
		}
	}
}

// Network errors are retried too: the first connection is reset.
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
	if resp.StatusCode != 200 || calls.Load() != 2 {
		t.Errorf("status %d after %d signings", resp.StatusCode, calls.Load())
	}
}

// A redirect to another host is not followed: the other host receives
// nothing, so the signing headers never reach it.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { otherHits.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	defer srv.Close()
	var notes []string
	c := mustClient(t, Options{Notify: func(s string) { notes = append(notes, s) }})
	fn, _ := signer(srv.URL, "GET", nil)
	resp, err := c.Send(context.Background(), srv.URL, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if otherHits.Load() != 0 {
		t.Fatal("the other host was contacted")
	}
	if resp.StatusCode != http.StatusFound || len(notes) != 1 || !strings.Contains(notes[0], "another host") || !strings.Contains(notes[0], other.URL+"/steal") {
		t.Errorf("status %d, notes %q", resp.StatusCode, notes)
	}
}

// A same-host GET redirect is followed and signed afresh for its new path;
// a POST redirect is not followed.
func TestSameHostRedirect(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.RequestURI+" "+r.Header.Get("X-Api-Signature"))
		if r.URL.Path == "/api/old" {
			http.Redirect(w, r, "/api/new?page=2", http.StatusMovedPermanently)
			return
		}
		fmt.Fprint(w, "moved here")
	}))
	defer srv.Close()
	fn, _ := signer(srv.URL+"/api", "GET", nil)
	resp, err := mustClient(t, Options{}).Send(context.Background(), srv.URL+"/api", "/old", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	want := []string{"GET /api/old sig-1", "GET /api/new?page=2 sig-2"}
	if resp.StatusCode != 200 || strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("status %d, requests %q, want %q", resp.StatusCode, seen, want)
	}

	seen = nil
	fn, _ = signer(srv.URL+"/api", "POST", []byte("{}"))
	resp, err = mustClient(t, Options{}).Send(context.Background(), srv.URL+"/api", "/old", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != http.StatusMovedPermanently || len(seen) != 1 {
		t.Errorf("POST redirect: status %d, requests %q", resp.StatusCode, seen)
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

func TestServerTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			t.Errorf("method %s", r.Method)
		}
		w.Header().Set("Date", "Mon, 23 Nov 2026 12:00:07 GMT")
	}))
	defer srv.Close()
	got, err := mustClient(t, Options{}).ServerTime(context.Background(), srv.URL)
	want := time.Date(2026, 11, 23, 12, 0, 7, 500_000_000, time.UTC)
	if err != nil || !got.Equal(want) {
		t.Errorf("ServerTime = %v, %v; want %v", got, err, want)
	}
}

func TestTLSTrust(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	fn, _ := signer(srv.URL, "GET", nil)

	// Not trusted: no response, with what to do.
	_, err := mustClient(t, Options{}).Send(context.Background(), srv.URL, "/", fn)
	var nr *NoResponseError
	if !errors.As(err, &nr) || !strings.Contains(nr.Cause, "--cacert") {
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
	if _, err := New(Options{CACertFile: certFile}); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("bad --cacert: %v", err)
	}
}
