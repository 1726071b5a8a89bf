package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// serveWoox serves a woox verifier on a loopback port under limits until
// the returned cancel is called; done yields Serve's result.
func serveWoox(t *testing.T, limits Limits) (addr string, cancel func(), done chan error) {
	t.Helper()
	woox := scheme(t, "woox")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	srv := &Server{Scheme: woox.Scheme, Vendor: "woox", BaseURL: woox.BaseURL, Credentials: testCreds, MaxBody: 64 << 20, Now: time.Now}
	go func() { done <- srv.Serve(ctx, ln, limits) }()
	t.Cleanup(cancel)
	return ln.Addr().String(), cancel, done
}

// A client that sends a header promising a body and then stalls is cut
// off by the body timeout; a shutdown with such a client connected ends
// cleanly (nil) once the grace period is over.
func TestServeCutsStalledClientsAndStopsCleanly(t *testing.T) {
	limits := Limits{HeaderTimeout: time.Second, BodyTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond, WriteTimeout: time.Second, MaxConns: 4, Grace: 200 * time.Millisecond}
	addr, cancel, done := serveWoox(t, limits)

	stalled, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	fmt.Fprintf(stalled, "POST /v3/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n{")
	stalled.SetReadDeadline(time.Now().Add(3 * time.Second))
	start := time.Now()
	got, _ := io.ReadAll(stalled)
	if time.Since(start) > 2*time.Second {
		t.Errorf("a stalled body held the connection for %s (%q)", time.Since(start), got)
	}

	// An idle kept-alive connection is closed after the idle timeout.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /v3/x HTTP/1.1\r\nHost: h\r\n\r\n")
	idle.SetReadDeadline(time.Now().Add(3 * time.Second))
	start = time.Now()
	io.ReadAll(idle)
	if time.Since(start) > 2*time.Second {
		t.Errorf("an idle connection stayed open %s", time.Since(start))
	}

	// Shut down with a client stalled mid-body: a clean stop, soon.
	again, _ := net.Dial("tcp", addr)
	defer again.Close()
	fmt.Fprintf(again, "POST /v3/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n{")
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
}

// Connections beyond MaxConns wait; they are served when one closes.
func TestServeBoundsConnections(t *testing.T) {
	limits := DefaultLimits
	limits.MaxConns = 2
	addr, _, _ := serveWoox(t, limits)
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	time.Sleep(50 * time.Millisecond)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	if _, err := client.Get("http://" + addr + "/v3/x"); err == nil {
		t.Fatal("a third connection was served while two were held")
	}
	held[0].Close()
	client.Timeout = 3 * time.Second
	resp, err := client.Get("http://" + addr + "/v3/x")
	if err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// "OPTIONS *" gets a verdict, not Go's blanket 200.
func TestServeAnswersOptionsStarWithAVerdict(t *testing.T) {
	addr, _, _ := serveWoox(t, DefaultLimits)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "OPTIONS * HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	got, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(got), "HTTP/1.1 401") || !strings.Contains(string(got), `"ok":false`) {
		t.Errorf("OPTIONS *: %q", got)
	}
}

// A large valid body is not echoed whole: the first MaxEcho bytes, its
// size and its SHA-256.
func TestServeEchoesABoundedPrefix(t *testing.T) {
	addr, _, _ := serveWoox(t, DefaultLimits)
	woox := scheme(t, "woox")
	body := `{"a":"` + strings.Repeat("x", 1<<20) + `"}`
	res, err := woox.Sign(sign.Request{Method: "POST", BaseURL: woox.BaseURL, Target: "/v3/big", Body: []byte(body), Credentials: testCreds, Timestamp: "1700000000000"})
	if err != nil {
		t.Fatal(err)
	}
	status, answer := sendSignedWoox(t, "http://"+addr, "POST", "/v3/big", body, "1700000000000")
	var v verdict
	if err := json.Unmarshal(answer, &v); err != nil || !v.OK {
		t.Fatalf("%d %s", status, answer[:min(len(answer), 200)])
	}
	if len(answer) > 4*MaxEcho || v.CanonicalSize != len(res.Canonical) || len(v.CanonicalSHA256) != 64 || len(*v.Canonical) != MaxEcho {
		t.Errorf("answer of %d bytes; size %d sha %q shown %d", len(answer), v.CanonicalSize, v.CanonicalSHA256, len(*v.Canonical))
	}
}
