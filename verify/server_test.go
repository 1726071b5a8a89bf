package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

func testServer(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	woox := scheme(t, "woox")
	var mu sync.Mutex
	var logs []string
	srv := httptest.NewServer(&Server{
		Scheme: woox.Scheme, Vendor: "woox", BaseURL: woox.BaseURL, Credentials: testCreds, MaxBody: 1 << 20, Now: time.Now,
		Log: func(s string) { mu.Lock(); logs = append(logs, s); mu.Unlock() },
	})
	t.Cleanup(srv.Close)
	return srv, &logs
}

// Hundreds of concurrent requests, half signed right and half not: each
// gets the right verdict.
func TestServerVerdictsUnderConcurrency(t *testing.T) {
	srv, logs := testServer(t)
	woox := scheme(t, "woox")
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"i":%d}`, i)
			res, err := woox.Sign(sign.Request{Method: "POST", BaseURL: woox.BaseURL, Target: fmt.Sprintf("/v3/order?n=%d", i), Body: []byte(body), Credentials: testCreds, Timestamp: "1700000000000"})
			if err != nil {
				errs <- err
				return
			}
			req, _ := http.NewRequest("POST", srv.URL+fmt.Sprintf("/v3/order?n=%d", i), strings.NewReader(body))
			for _, h := range res.Headers {
				req.Header.Set(h.Name, h.Value)
			}
			good := i%2 == 0
			if !good {
				req.Header.Set("x-api-signature", strings.Repeat("0", 64))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			var v verdict
			if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
				errs <- err
				return
			}
			wantStatus := http.StatusOK
			if !good {
				wantStatus = http.StatusUnauthorized
			}
			if resp.StatusCode != wantStatus || v.OK != good || (good && (v.Canonical == nil || !strings.HasSuffix(*v.Canonical, body))) || (!good && (v.Explain == nil || v.Error != "signature mismatch" || v.Expected != "")) {
				errs <- fmt.Errorf("request %d: status %d, verdict %+v", i, resp.StatusCode, v)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(*logs) != n {
		t.Errorf("%d log lines for %d requests", len(*logs), n)
	}
}

// An oversized body is refused with 413, read no further than the cap.
func TestServerCapsTheBody(t *testing.T) {
	srv, _ := testServer(t)
	big := io.LimitReader(zeroReader{}, 64<<20)
	resp, err := http.Post(srv.URL+"/v3/upload", "application/octet-stream", big)
	if err != nil {
		// The server may close the connection while the client still
		// writes: that is a refusal too.
		if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "broken pipe") {
			t.Fatal(err)
		}
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(body, []byte("over the limit of 1048576 bytes")) {
		t.Errorf("status %d, body %s", resp.StatusCode, body)
	}
}

func TestServerNamesWhatIsMissing(t *testing.T) {
	srv, _ := testServer(t)
	resp, err := http.Get(srv.URL + "/v3/x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v verdict
	json.NewDecoder(resp.Body).Decode(&v)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(v.Error, "no signature") {
		t.Errorf("status %d, %+v", resp.StatusCode, v)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// The server judges each timestamp under its age policy: seconds sent to
// a milliseconds vendor are named as the wrong unit before any talk of
// clocks, and a matching signature on a timestamp in the future is refused
// without handing out the expected signature (it would become valid).
func TestServerAgeVerdicts(t *testing.T) {
	woox := scheme(t, "woox")
	now := time.UnixMilli(1700000000000)
	srv := httptest.NewServer(&Server{
		Scheme: woox.Scheme, Vendor: "woox", BaseURL: woox.BaseURL, Credentials: testCreds, MaxBody: 1 << 20,
		Now: func() time.Time { return now }, Age: AgePolicy{MaxAge: 5 * time.Minute, Enforce: true},
	})
	t.Cleanup(srv.Close)
	send := func(ts string) (int, verdict) {
		status, answer := sendSignedWoox(t, srv.URL, "GET", "/v3/x", "", ts)
		var v verdict
		if err := json.Unmarshal(answer, &v); err != nil {
			t.Fatal(err)
		}
		return status, v
	}
	if status, v := send("1700000000000"); status != http.StatusOK || !v.OK {
		t.Errorf("on time: %d %+v", status, v)
	}
	status, v := send("1700000000")
	if status != http.StatusUnauthorized || !strings.HasPrefix(v.Error, "the timestamp is in seconds; woox expects milliseconds") || strings.Contains(v.Error, "clock is") {
		t.Errorf("seconds: %d %+v", status, v)
	}
	status, v = send("1700000600000")
	if status != http.StatusUnauthorized || !strings.HasPrefix(v.Error, "the timestamp is 10 minutes ahead of this machine's clock") || v.Expected != "" {
		t.Errorf("ten minutes ahead: %d %+v", status, v)
	}
}

// sendSignedWoox signs a request with woox's scheme and the test
// credentials, sends it to the server at baseURL, and returns the answer's
// status and body.
func sendSignedWoox(t *testing.T, baseURL, method, target, body, timestamp string) (int, []byte) {
	t.Helper()
	woox := scheme(t, "woox")
	res, err := woox.Sign(sign.Request{Method: method, BaseURL: woox.BaseURL, Target: target, Body: []byte(body), Credentials: testCreds, Timestamp: timestamp})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, baseURL+target, strings.NewReader(body))
	for _, h := range res.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, answer
}
