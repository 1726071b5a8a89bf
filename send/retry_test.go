package send

// Retries, Retry-After, backoff and status handling, in-process: an
// httpmock.Registry answers instead of a server, so these need no socket.
// Real sockets and real faults are in send_test.go.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/internal/httpmock"
)

// api is the base URL of the stubbed server.
const api = "https://api.example.test"

// waits records what a Client waited between attempts, without waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// mockClient is a Client over reg, waiting through w and noting to notes.
func mockClient(t *testing.T, reg *httpmock.Registry, opts Options, w *waits, notes *[]string) *Client {
	t.Helper()
	opts.Transport = reg
	if w != nil {
		opts.Sleep = w.sleep
	}
	if notes != nil {
		opts.Notify = func(s string) { *notes = append(*notes, s) }
	}
	return mustClient(t, opts)
}

// signatures are the X-Api-Signature@X-Api-Timestamp of each request seen.
func signatures(reg *httpmock.Registry) []string {
	var out []string
	for _, r := range reg.Requests() {
		out = append(out, r.Header.Get("X-Api-Signature")+"@"+r.Header.Get("X-Api-Timestamp"))
	}
	return out
}

// echoTimestamp answers 200 with the request's X-Api-Timestamp as the
// body: which attempt got the answer.
func echoTimestamp(req *http.Request) (*http.Response, error) {
	return httpmock.StringResponse(req.Header.Get("X-Api-Timestamp"))(req)
}

// 429 with Retry-After, then 200: the retry waits as told and is signed
// afresh.
func TestRetryAfter429SignsAfresh(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("GET", "/x"), httpmock.WithHeader(httpmock.StatusStringResponse(http.StatusTooManyRequests, ""), "Retry-After", "3"))
	reg.Register(httpmock.REST("GET", "/x"), httpmock.StringResponse("ok"))
	var w waits
	var notes []string
	fn, _ := signer(api, "GET", nil)
	resp, err := mockClient(t, reg, Options{Retries: 2}, &w, &notes).Send(context.Background(), api, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if sigs := signatures(reg); resp.StatusCode != 200 || strings.Join(sigs, " ") != "sig-1@1001 sig-2@1002" {
		t.Errorf("status %d, attempts %v: want 2 attempts with different signatures", resp.StatusCode, sigs)
	}
	if waited := w.all(); len(waited) != 1 || waited[0] != 3*time.Second {
		t.Errorf("waited %v, want [3s] from Retry-After", waited)
	}
	if len(notes) != 1 || notes[0] != "attempt 1 got 429 Too Many Requests; retrying in 3s" {
		t.Errorf("notes %q", notes)
	}
}

// A 503 is retried, for an idempotent method; the answer is the second,
// freshly signed attempt's.
func TestRetry503ThenOK(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("DELETE", "/order"), httpmock.StatusStringResponse(http.StatusServiceUnavailable, "busy"))
	reg.Register(httpmock.REST("DELETE", "/order"), echoTimestamp)
	fn, calls := signer(api, "DELETE", nil)
	resp, err := mockClient(t, reg, Options{Retries: 1}, nil, nil).Send(context.Background(), api, "/order", fn)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || calls.count() != 2 || string(body) != "1002" {
		t.Errorf("status %d, %d signings, timestamp %q: want 200 after a second, freshly signed attempt", resp.StatusCode, calls.count(), body)
	}
}

// POST and PATCH are not idempotent: no retry unless RetryAll; a 5xx is
// returned. With RetryAll, each attempt carries the whole body again.
func TestPostIsNotRetriedUnlessRetryAll(t *testing.T) {
	for _, method := range []string{"POST", "PATCH"} {
		for _, all := range []bool{false, true} {
			reg := &httpmock.Registry{}
			want := 1
			if all {
				want = 3
			}
			for range want {
				reg.Register(httpmock.REST(method, "/order"), httpmock.StatusStringResponse(http.StatusBadGateway, ""))
			}
			fn, _ := signer(api, method, []byte(`{"id":1}`))
			resp, err := mockClient(t, reg, Options{Retries: 2, RetryAll: all}, &waits{}, nil).Send(context.Background(), api, "/order", fn)
			if err != nil {
				t.Fatalf("%s, RetryAll=%v: %v", method, all, err)
			}
			resp.Close()
			seen := reg.Requests()
			if len(seen) != want || resp.StatusCode != http.StatusBadGateway {
				t.Errorf("%s, RetryAll=%v: %d attempts, status %d; want %d attempts", method, all, len(seen), resp.StatusCode, want)
			}
			for i, r := range seen {
				if string(r.Body) != `{"id":1}` {
					t.Errorf("%s, RetryAll=%v: attempt %d sent body %q", method, all, i+1, r.Body)
				}
			}
			reg.Verify(t)
		}
	}
}

// Without Retry-After, 429 and 5xx wait an exponential backoff with
// jitter (about 0.5s, then 1s); a Retry-After date is read too.
func TestBackoffAndRetryAfterDate(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("GET", "/x"), httpmock.StatusStringResponse(http.StatusTooManyRequests, ""))
	reg.Register(httpmock.REST("GET", "/x"), httpmock.StatusStringResponse(http.StatusInternalServerError, ""))
	date := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	reg.Register(httpmock.REST("GET", "/x"), httpmock.WithHeader(httpmock.StatusStringResponse(http.StatusServiceUnavailable, ""), "Retry-After", date))
	reg.Register(httpmock.REST("GET", "/x"), httpmock.StringResponse("ok"))
	var w waits
	fn, calls := signer(api, "GET", nil)
	resp, err := mockClient(t, reg, Options{Retries: 3}, &w, nil).Send(context.Background(), api, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	waited := w.all()
	if resp.StatusCode != 200 || calls.count() != 4 || len(waited) != 3 {
		t.Fatalf("status %d after %d signings, waits %v", resp.StatusCode, calls.count(), waited)
	}
	if waited[0] < 250*time.Millisecond || waited[0] > 500*time.Millisecond {
		t.Errorf("first backoff %s, want 250ms to 500ms", waited[0])
	}
	if waited[1] < 500*time.Millisecond || waited[1] > time.Second {
		t.Errorf("second backoff %s, want 500ms to 1s", waited[1])
	}
	if waited[2] < 8*time.Second || waited[2] > 10*time.Second {
		t.Errorf("wait for a Retry-After date 10s ahead: %s", waited[2])
	}
}

// Once the retries are used up, the last response is returned as it is;
// a 4xx other than 429 is never retried.
func TestRetriesUsedUpAndClientErrors(t *testing.T) {
	reg := &httpmock.Registry{}
	reg.Register(httpmock.REST("GET", "/busy"), httpmock.StatusStringResponse(http.StatusServiceUnavailable, "first"))
	reg.Register(httpmock.REST("GET", "/busy"), httpmock.StatusStringResponse(http.StatusServiceUnavailable, "last"))
	reg.Register(httpmock.REST("GET", "/missing"), httpmock.StatusStringResponse(http.StatusNotFound, "no"))
	c := mockClient(t, reg, Options{Retries: 1}, &waits{}, nil)
	fn, calls := signer(api, "GET", nil)
	resp, err := c.Send(context.Background(), api, "/busy", fn)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || string(body) != "last" || calls.count() != 2 {
		t.Errorf("status %d, body %q after %d signings; want the second 503", resp.StatusCode, body, calls.count())
	}
	fn, calls = signer(api, "GET", nil)
	resp, err = c.Send(context.Background(), api, "/missing", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	if resp.StatusCode != http.StatusNotFound || calls.count() != 1 {
		t.Errorf("404: status %d after %d signings; want no retry", resp.StatusCode, calls.count())
	}
	reg.Verify(t)
}

// A network error is retried, signed afresh, after a backoff; when the
// retries are used up, or the method is not idempotent, it is the error.
func TestNetworkErrorsAreRetried(t *testing.T) {
	reg := &httpmock.Registry{}
	reg.Register(httpmock.REST("GET", "/x"), httpmock.NetworkError(syscall.ECONNRESET))
	reg.Register(httpmock.REST("GET", "/x"), echoTimestamp)
	var w waits
	var notes []string
	fn, _ := signer(api, "GET", nil)
	resp, err := mockClient(t, reg, Options{Retries: 1}, &w, &notes).Send(context.Background(), api, "/x", fn)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Close()
	if resp.StatusCode != 200 || string(body) != "1002" {
		t.Errorf("status %d, answered attempt %q; want the second attempt's 200", resp.StatusCode, body)
	}
	if waited := w.all(); len(waited) != 1 || waited[0] < 250*time.Millisecond || waited[0] > 500*time.Millisecond {
		t.Errorf("waited %v, want one backoff of 250ms to 500ms", waited)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "attempt 1 failed (no response from "+api+"/x: the connection was reset or closed before a response); retrying in ") {
		t.Errorf("notes %q", notes)
	}
	reg.Verify(t)

	for _, tt := range []struct {
		method   string
		retries  int
		attempts int
	}{
		{"GET", 1, 2},  // used up
		{"POST", 2, 1}, // not idempotent
	} {
		reg := &httpmock.Registry{}
		for range tt.attempts {
			reg.Register(httpmock.REST(tt.method, "/x"), httpmock.NetworkError(syscall.ECONNRESET))
		}
		fn, calls := signer(api, tt.method, nil)
		_, err := mockClient(t, reg, Options{Retries: tt.retries}, &waits{}, nil).Send(context.Background(), api, "/x", fn)
		var nr *NoResponseError
		if !errors.As(err, &nr) || !strings.Contains(nr.Cause, "reset") || calls.count() != tt.attempts {
			t.Errorf("%s with %d retries: got %v after %d signings; want a NoResponseError after %d", tt.method, tt.retries, err, calls.count(), tt.attempts)
		}
		reg.Verify(t)
	}
}

// Interrupted while waiting to retry (Ctrl-C cancels the context): the
// real wait stops at once, with a NoResponseError that says so.
func TestBackoffIsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("GET", "/x"), func(req *http.Request) (*http.Response, error) {
		cancel() // as the user presses Ctrl-C, while the 503 comes back
		return httpmock.WithHeader(httpmock.StatusStringResponse(http.StatusServiceUnavailable, ""), "Retry-After", "60")(req)
	})
	c, err := New(Options{Retries: 3, Transport: reg}) // the real Sleep
	if err != nil {
		t.Fatal(err)
	}
	fn, calls := signer(api, "GET", nil)
	start := time.Now()
	_, err = c.Send(ctx, api, "/x", fn)
	var nr *NoResponseError
	if !errors.As(err, &nr) || nr.Cause != "interrupted while waiting to retry" || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want a NoResponseError: interrupted while waiting to retry", err)
	}
	if d := time.Since(start); d > 5*time.Second || calls.count() != 1 {
		t.Errorf("returned after %s and %d signings; want at once, after one", d, calls.count())
	}
}

// A streamed body is opened once per attempt, and each attempt sends all
// of it with its Content-Length.
func TestStreamedBodyIsReopenedPerAttempt(t *testing.T) {
	const content = "streamed body, sent whole on every attempt"
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("PUT", "/upload"), httpmock.StatusStringResponse(http.StatusServiceUnavailable, ""))
	reg.Register(httpmock.REST("PUT", "/upload"), func(req *http.Request) (*http.Response, error) {
		if req.ContentLength != int64(len(content)) {
			t.Errorf("Content-Length %d, want %d", req.ContentLength, len(content))
		}
		return httpmock.StringResponse("stored")(req)
	})
	var opens int
	fn := func(target string, redirected bool) (*Request, error) {
		return &Request{
			Method: "PUT",
			URL:    api + target,
			Size:   int64(len(content)),
			Stream: func() (io.ReadCloser, error) {
				opens++
				return io.NopCloser(strings.NewReader(content)), nil
			},
		}, nil
	}
	resp, err := mockClient(t, reg, Options{Retries: 1}, &waits{}, nil).Send(context.Background(), api, "/upload", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	seen := reg.Requests()
	if resp.StatusCode != 200 || opens != 2 || len(seen) != 2 || string(seen[0].Body) != content || string(seen[1].Body) != content {
		t.Errorf("status %d, %d opens, %d attempts; want each attempt to send the whole body", resp.StatusCode, opens, len(seen))
	}
}

// The User-Agent is the Client's unless the request sets its own.
func TestUserAgent(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.MatchAny, httpmock.StringResponse(""))
	reg.Register(httpmock.MatchAny, httpmock.StringResponse(""))
	c := mockClient(t, reg, Options{UserAgent: "hmacctl/test"}, nil, nil)
	fn, _ := signer(api, "GET", nil)
	own := func(target string, redirected bool) (*Request, error) {
		return &Request{Method: "GET", URL: api + target, Headers: []Header{{"User-Agent", "mine/1"}}}, nil
	}
	for _, f := range []SignFunc{fn, own} {
		resp, err := c.Send(context.Background(), api, "/", f)
		if err != nil {
			t.Fatal(err)
		}
		resp.Close()
	}
	seen := reg.Requests()
	if seen[0].Header.Get("User-Agent") != "hmacctl/test" || seen[1].Header.Get("User-Agent") != "mine/1" {
		t.Errorf("User-Agent %q, then %q", seen[0].Header.Get("User-Agent"), seen[1].Header.Get("User-Agent"))
	}
}

// ServerTime sends an unsigned HEAD and reads the Date header, taking the
// middle of its second; a response without one is an error that says so.
func TestServerTime(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.URL("HEAD", api+"/base"), httpmock.WithHeader(httpmock.StringResponse(""), "Date", "Mon, 23 Nov 2026 12:00:07 GMT"))
	reg.Register(httpmock.URL("HEAD", api+"/base"), httpmock.StatusStringResponse(http.StatusNotFound, ""))
	c := mockClient(t, reg, Options{}, nil, nil)
	got, err := c.ServerTime(context.Background(), api+"/base")
	want := time.Date(2026, 11, 23, 12, 0, 7, 500_000_000, time.UTC)
	if err != nil || !got.Equal(want) {
		t.Errorf("ServerTime = %v, %v; want %v", got, err, want)
	}
	if r := reg.Requests()[0]; r.Header.Get("X-Api-Signature") != "" || len(r.Body) != 0 {
		t.Errorf("the time request was signed or had a body: %+v", r)
	}
	_, err = c.ServerTime(context.Background(), api+"/base")
	var nr *NoResponseError
	if !errors.As(err, &nr) || !strings.Contains(nr.Cause, "no usable Date header") {
		t.Errorf("without a Date header: %v", err)
	}
}
