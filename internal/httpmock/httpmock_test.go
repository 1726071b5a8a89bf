package httpmock

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// fakeT records what Verify reports.
type fakeT struct{ errors []string }

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// Stubs answer in the order registered, each once; every request is
// recorded exactly as sent, body included, and the responder reads the
// body too.
func TestRegistryAnswersInOrderAndRecords(t *testing.T) {
	reg := &Registry{}
	reg.Register(REST("POST", "/a%2Fb"), WithHeader(StatusStringResponse(http.StatusTooManyRequests, "slow down"), "Retry-After", "3"))
	reg.Register(REST("POST", "/a%2Fb"), func(req *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(req.Body)
		return StringResponse("got " + string(body))(req)
	})
	client := &http.Client{Transport: reg}
	var answers []string
	for range 2 {
		req, _ := http.NewRequest("POST", "http://placeholder", strings.NewReader(`{"a": 1}`))
		// As send builds it: the path exactly as typed, through Opaque.
		req.URL = &url.URL{Scheme: "https", Host: "api.example.test", Opaque: "/a%2Fb", RawQuery: "z=1&a=%41"}
		req.Host = req.URL.Host
		req.Header.Set("X-Api-Signature", "sig")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answers = append(answers, fmt.Sprintf("%s %s %q", resp.Status, resp.Header.Get("Retry-After"), body))
	}
	want := []string{`429 Too Many Requests 3 "slow down"`, `200 OK  "got {\"a\": 1}"`}
	if strings.Join(answers, "|") != strings.Join(want, "|") {
		t.Errorf("answers %q, want %q", answers, want)
	}
	seen := reg.Requests()
	if len(seen) != 2 {
		t.Fatalf("%d requests recorded, want 2", len(seen))
	}
	r := seen[1]
	if r.Method != "POST" || r.URL != "https://api.example.test/a%2Fb?z=1&a=%41" || r.Target != "/a%2Fb?z=1&a=%41" ||
		r.Host != "api.example.test" || r.Header.Get("X-Api-Signature") != "sig" || string(r.Body) != `{"a": 1}` {
		t.Errorf("recorded %+v", r)
	}
	reg.Verify(t)
}

// Verify names the stubs that answered nothing; a request no stub matches
// fails, and is recorded.
func TestVerifyAndUnmatchedRequests(t *testing.T) {
	reg := &Registry{}
	reg.Register(URL("GET", "http://a.test/x?q=1"), StringResponse("ok"))
	reg.Register(MatchAny, StringResponse("never asked"))
	client := &http.Client{Transport: reg}
	resp, err := client.Get("http://a.test/x?q=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ft fakeT
	reg.Verify(&ft)
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "1 of 2 stubs answered no request") || !strings.Contains(ft.errors[0], "httpmock_test.go:") {
		t.Errorf("Verify reported %q", ft.errors)
	}

	reg = &Registry{}
	_, err = (&http.Client{Transport: reg}).Get("http://a.test/nothing")
	if err == nil || !strings.Contains(err.Error(), "no registered stub matches GET http://a.test/nothing") {
		t.Errorf("unmatched request: %v", err)
	}
	if seen := reg.Requests(); len(seen) != 1 || seen[0].URL != "http://a.test/nothing" {
		t.Errorf("recorded %+v", seen)
	}
	ft = fakeT{}
	reg.Verify(&ft)
	if len(ft.errors) != 0 {
		t.Errorf("Verify with no stubs: %q", ft.errors)
	}
}

// The absolute form, as sent to a plain-HTTP proxy, is recorded as it is;
// REST still matches on the path.
func TestAbsoluteFormThroughAProxy(t *testing.T) {
	reg := &Registry{}
	reg.Register(REST("GET", "/echo"), StringResponse("ok"))
	req, _ := http.NewRequest("GET", "http://placeholder", nil)
	req.URL = &url.URL{Scheme: "http", Host: "api.example.test", Opaque: "//api.example.test/echo", RawQuery: "a=%2F"}
	resp, err := reg.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := reg.Requests()[0]; r.URL != "http://api.example.test/echo?a=%2F" || r.Target != "http://api.example.test/echo?a=%2F" {
		t.Errorf("recorded URL %q, target %q", r.URL, r.Target)
	}
	reg.Verify(t)
}

// A network error reaches the client as a failed request whose cause is
// the syscall error.
func TestNetworkError(t *testing.T) {
	reg := &Registry{}
	reg.Register(MatchAny, NetworkError(syscall.ECONNRESET))
	_, err := (&http.Client{Transport: reg}).Get("http://a.test/")
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("got %v, want ECONNRESET", err)
	}
	reg.Verify(t)
}
