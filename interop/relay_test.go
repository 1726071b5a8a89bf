package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A relay is a TCP pass-through in front of hmacctl's listener: the bytes go
// to hmacctl untouched, and a copy of what each client sent is parsed as
// HTTP/1.1 requests, so a failure can show exactly what the client library
// put on the wire (the listener's log line has the method and the target
// only).
type relay struct {
	ln       net.Listener
	upstream string

	// current is the call under way (clients.js's seq): each request is
	// put down to the call that was under way when it arrived.
	current atomic.Int64

	mu    sync.Mutex
	reqs  []*captured
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// captured is one request as a client sent it.
type captured struct {
	Call   int64 // relay.current when it arrived
	Method string
	URI    string // the request target, exactly as sent
	Host   string
	Header http.Header
	Body   []byte
}

func startRelay(upstream string) (*relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &relay{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go r.serve()
	return r, nil
}

func (r *relay) URL() string { return "http://" + r.ln.Addr().String() }

func (r *relay) serve() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go r.handle(c)
	}
}

func (r *relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conns == nil {
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *relay) handle(client net.Conn) {
	defer r.wg.Done()
	defer client.Close()
	if !r.track(client) {
		return
	}
	up, err := net.DialTimeout("tcp", r.upstream, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	if !r.track(up) {
		return
	}
	pr, pw := io.Pipe()
	var inner sync.WaitGroup
	inner.Add(2)
	go func() {
		defer inner.Done()
		r.parse(pr)
	}()
	go func() {
		defer inner.Done()
		_, _ = io.Copy(client, up)
		_ = client.Close()
	}()
	_, _ = io.Copy(up, io.TeeReader(client, pw))
	_ = pw.Close()
	if tc, ok := up.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	inner.Wait()
}

// parse reads the client's side of one connection as a sequence of requests,
// and drains whatever it cannot parse so the pass-through never stalls.
func (r *relay) parse(src io.Reader) {
	br := bufio.NewReader(src)
	defer func() { _, _ = io.Copy(io.Discard, br) }()
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, &captured{Call: r.current.Load(), Method: req.Method, URI: req.RequestURI, Host: req.Host, Header: req.Header, Body: body})
		r.mu.Unlock()
	}
}

// Close stops the relay, closes every connection and waits for them.
func (r *relay) Close() {
	_ = r.ln.Close()
	r.mu.Lock()
	for c := range r.conns {
		_ = c.Close()
	}
	r.conns = nil
	r.mu.Unlock()
	r.wg.Wait()
}

// forCall returns the requests that arrived while call seq was under way,
// in order.
func (r *relay) forCall(seq int64) []*captured {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*captured
	for _, c := range r.reqs {
		if c.Call == seq {
			out = append(out, c)
		}
	}
	return out
}

// raw is the request as HTTP/1.1 text, for `hmacctl verify --request`: the
// request line and body exactly as sent, the headers as the server saw them
// (in canonical form, sorted), a chunked body given its length.
func (c *captured) raw() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", c.Method, c.URI, c.Host)
	for _, name := range slices.Sorted(maps.Keys(c.Header)) {
		if name == "Content-Length" || name == "Transfer-Encoding" {
			continue
		}
		for _, v := range c.Header[name] {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	if len(c.Body) > 0 || c.Method == "POST" || c.Method == "PUT" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(c.Body))
	}
	b.WriteString("\r\n")
	b.Write(c.Body)
	return b.Bytes()
}

// shape is a one-line description of the request: target, content type and
// body.
func (c *captured) shape() string {
	ct := c.Header.Get("Content-Type")
	if ct == "" {
		ct = "none"
	}
	body := "empty body"
	if len(c.Body) > 0 {
		s := string(c.Body)
		if len(s) > 400 {
			s = s[:400] + "..."
		}
		body = fmt.Sprintf("body (%d bytes) %s", len(c.Body), strconv.Quote(s))
	}
	return fmt.Sprintf("%s %s, Content-Type %s, %s", c.Method, c.URI, ct, body)
}

// logEntry is one line of `hmacctl verify --listen`'s log (verify/server.go):
// "REMOTE METHOD TARGET -> STATUS OUTCOME (DURATION)", OUTCOME "ok" or the
// reason for the rejection.
type logEntry struct {
	Method, URI string
	Status      int
	Outcome     string
	Line        string
}

var logLineRE = regexp.MustCompile(`^\S+ (\S+) (\S+) -> (\d{3}) (.*) \(([^()]*)\)$`)

func parseLogLine(line string) (logEntry, bool) {
	m := logLineRE.FindStringSubmatch(line)
	if m == nil {
		return logEntry{}, false
	}
	status, _ := strconv.Atoi(m[3])
	return logEntry{Method: m[1], URI: m[2], Status: status, Outcome: m[4], Line: line}, true
}

// valid is hmacctl's verdict that the request is correctly signed.
func (e logEntry) valid() bool { return e.Status == http.StatusOK && e.Outcome == "ok" }

func (e logEntry) verdict() string {
	if e.valid() {
		return "valid"
	}
	return fmt.Sprintf("rejected (%d %s)", e.Status, e.Outcome)
}

// targetPath is a request target without its query.
func targetPath(uri string) string {
	p, _, _ := strings.Cut(uri, "?")
	return p
}

// These run without HMACCTL_INTEROP: they check the plumbing offline.

func TestParseLogLine(t *testing.T) {
	for _, tc := range []struct {
		line    string
		ok      bool
		want    logEntry
		isValid bool
	}{
		{line: "127.0.0.1:40512 GET /api/v3/openOrders?symbol=BTCUSDT&signature=ab -> 200 ok (654µs)", ok: true,
			want: logEntry{Method: "GET", URI: "/api/v3/openOrders?symbol=BTCUSDT&signature=ab", Status: 200, Outcome: "ok"}, isValid: true},
		{line: "127.0.0.1:1 POST /0/private/AddOrderBatch -> 401 the request has no timestamp: kraken expects it in parameter nonce (169µs)", ok: true,
			want: logEntry{Method: "POST", URI: "/0/private/AddOrderBatch", Status: 401, Outcome: "the request has no timestamp: kraken expects it in parameter nonce"}},
		{line: "[::1]:9 GET /x -> 401 the timestamp is 6m0s behind (--max-age 5m0s): sign again (1.2ms)", ok: true,
			want: logEntry{Method: "GET", URI: "/x", Status: 401, Outcome: "the timestamp is 6m0s behind (--max-age 5m0s): sign again"}},
		{line: "hmacctl: stopped"},
		{line: "hmacctl: warning: listening on 0.0.0.0, not a loopback address"},
	} {
		got, ok := parseLogLine(tc.line)
		if ok != tc.ok {
			t.Errorf("parseLogLine(%q) ok = %v", tc.line, ok)
			continue
		}
		if !ok {
			continue
		}
		got.Line = ""
		if got != tc.want {
			t.Errorf("parseLogLine(%q) = %+v, want %+v", tc.line, got, tc.want)
		}
		if got.valid() != tc.isValid {
			t.Errorf("parseLogLine(%q).valid() = %v", tc.line, got.valid())
		}
	}
}

func TestRelayPassesBytesAndCapturesRequests(t *testing.T) {
	var seen [][]byte
	var mu sync.Mutex
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		seen = append(seen, append([]byte(req.RequestURI+" "), b...))
		mu.Unlock()
		_, _ = io.WriteString(w, "fine")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	r, err := startRelay(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for i, body := range []string{"", "a=1&b=%2C", `{"x":[1,2]}`} {
		r.current.Store(int64(i + 1))
		method := "GET"
		if body != "" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, r.URL()+fmt.Sprintf("/p/%d?q=%%2C&z=a,b", i), strings.NewReader(body))
		req.Header.Set("X-Sig", "s")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "fine" {
			t.Fatalf("answer %q", got)
		}
	}
	r.Close()
	if len(r.reqs) != 3 || len(seen) != 3 {
		t.Fatalf("captured %d, server saw %d", len(r.reqs), len(seen))
	}
	for i, c := range r.reqs {
		if want := fmt.Sprintf("/p/%d?q=%%2C&z=a,b", i); c.URI != want {
			t.Errorf("captured target %q, want %q", c.URI, want)
		}
		if string(seen[i]) != c.URI+" "+string(c.Body) {
			t.Errorf("server saw %q, relay captured %q %q", seen[i], c.URI, c.Body)
		}
		if c.Header.Get("X-Sig") != "s" {
			t.Errorf("header lost: %v", c.Header)
		}
	}
	if got := r.forCall(3); len(got) != 1 || got[0].URI != "/p/2?q=%2C&z=a,b" || string(got[0].Body) != `{"x":[1,2]}` {
		t.Errorf("forCall(3): %+v", got)
	}
	if got := r.forCall(4); len(got) != 0 {
		t.Errorf("forCall(4): %+v", got)
	}
	raw := string(r.reqs[1].raw())
	if !strings.HasPrefix(raw, "POST /p/1?q=%2C&z=a,b HTTP/1.1\r\n") || !strings.HasSuffix(raw, "\r\nContent-Length: 9\r\n\r\na=1&b=%2C") {
		t.Errorf("raw:\n%s", raw)
	}
}
