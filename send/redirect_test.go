package send

// Redirects, in-process: which are followed, re-signed for their new
// target, and which are returned as they came. An httpmock.Registry
// answers instead of servers, and records every request, so that a request
// to another host would show.

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/internal/httpmock"
)

// redirect answers code with a Location header.
func redirect(code int, location string) httpmock.Responder {
	return httpmock.WithHeader(httpmock.StatusStringResponse(code, ""), "Location", location)
}

// sent lists each request seen as "METHOD URL X-Api-Signature".
func sent(reg *httpmock.Registry) []string {
	var out []string
	for _, r := range reg.Requests() {
		out = append(out, r.Method+" "+r.URL+" "+r.Header.Get("X-Api-Signature"))
	}
	return out
}

// A same-host GET redirect is followed and signed afresh for its new
// target, relative to the base URL; so is HEAD, and every redirect status.
func TestSameHostRedirect(t *testing.T) {
	for _, tt := range []struct {
		method   string
		code     int
		location string
		// target is what is signed for the second request, relative to
		// the base URL.
		target string
	}{
		{"GET", http.StatusMovedPermanently, "/api/new?page=2", "/new?page=2"},
		{"GET", http.StatusFound, api + "/api/new?page=2", "/new?page=2"},
		{"GET", http.StatusSeeOther, "new?page=2", "/new?page=2"}, // relative to /api/old
		{"GET", http.StatusTemporaryRedirect, "/api/a%2Fb?x=%41", "/a%2Fb?x=%41"},
		{"HEAD", http.StatusPermanentRedirect, "/api/new", "/new"},
	} {
		reg := &httpmock.Registry{}
		reg.Register(httpmock.URL(tt.method, api+"/api/old"), redirect(tt.code, tt.location))
		reg.Register(httpmock.URL(tt.method, api+"/api"+tt.target), httpmock.StringResponse("moved here"))
		var notes []string
		fn, calls := signer(api+"/api", tt.method, nil)
		resp, err := mockClient(t, reg, Options{}, nil, &notes).Send(context.Background(), api+"/api", "/old", fn)
		if err != nil {
			t.Fatalf("%s %d to %s: %v", tt.method, tt.code, tt.location, err)
		}
		resp.Close()
		want := []string{tt.method + " " + api + "/api/old sig-1", tt.method + " " + api + "/api" + tt.target + " sig-2"}
		if resp.StatusCode != 200 || strings.Join(sent(reg), "|") != strings.Join(want, "|") {
			t.Errorf("%s %d to %s: status %d, requests %q, want %q", tt.method, tt.code, tt.location, resp.StatusCode, sent(reg), want)
		}
		if got := strings.Join(calls.targets(), "|"); got != "/old|"+tt.target+" (redirected)" {
			t.Errorf("%s %d to %s: signed %q", tt.method, tt.code, tt.location, got)
		}
		if len(notes) != 1 || notes[0] != "following the "+strconv.Itoa(tt.code)+" redirect to "+tt.target+", signed afresh" {
			t.Errorf("%s %d to %s: notes %q", tt.method, tt.code, tt.location, notes)
		}
		reg.Verify(t)
	}
}

// A redirect that is not followed is returned as the response, with a
// note saying why, and nothing more is sent: not to another host (the
// signing headers never reach it), not for a method with a body, not out
// of the base URL, not without a Location.
func TestRedirectsNotFollowed(t *testing.T) {
	for _, tt := range []struct {
		name, method, location, why string
	}{
		{"another host", "GET", "https://other.example.test/steal", "it points to another host, and signing headers are never sent there"},
		{"another port", "GET", "https://api.example.test:8443/api/x", "it points to another host"},
		{"plain HTTP", "GET", "http://api.example.test/api/x", "it points to another host"},
		{"POST", "POST", "/api/new", "POST requests are not redirected (the body would be resent)"},
		{"DELETE", "DELETE", "/api/new", "DELETE requests are not redirected"},
		{"out of the base URL", "GET", "/other/x", "it leaves the base URL " + api + "/api"},
		{"no Location", "GET", "", "it has no Location header"},
	} {
		reg := &httpmock.Registry{}
		respond := redirect(http.StatusFound, tt.location)
		if tt.location == "" {
			respond = httpmock.StatusStringResponse(http.StatusFound, "")
		}
		reg.Register(httpmock.URL(tt.method, api+"/api/old"), respond)
		var notes []string
		fn, _ := signer(api+"/api", tt.method, []byte("{}"))
		resp, err := mockClient(t, reg, Options{}, nil, &notes).Send(context.Background(), api+"/api", "/old", fn)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		resp.Close()
		if resp.StatusCode != http.StatusFound || len(reg.Requests()) != 1 {
			t.Errorf("%s: status %d, requests %q; want the 302 back and nothing more sent", tt.name, resp.StatusCode, sent(reg))
		}
		if len(notes) != 1 || !strings.HasPrefix(notes[0], "not following the 302 redirect to "+tt.location+": ") || !strings.Contains(notes[0], tt.why) {
			t.Errorf("%s: notes %q, want one saying %q", tt.name, notes, tt.why)
		}
		reg.Verify(t)
	}
}

// A redirect loop stops after MaxRedirects, each hop signed afresh, and the
// last redirect is returned.
func TestRedirectLimit(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	for range 3 {
		reg.Register(httpmock.REST("GET", "/loop"), redirect(http.StatusFound, "/loop"))
	}
	var notes []string
	fn, calls := signer(api, "GET", nil)
	resp, err := mockClient(t, reg, Options{MaxRedirects: 2}, nil, &notes).Send(context.Background(), api, "/loop", fn)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Close()
	if resp.StatusCode != http.StatusFound || calls.count() != 3 || len(notes) != 3 || notes[2] != "not following the 302 redirect to /loop: more than 2 redirects" {
		t.Errorf("status %d after %d signings, notes %q", resp.StatusCode, calls.count(), notes)
	}
}

// Each redirect followed gets its own retries, each signed afresh.
func TestRetriesAfterARedirect(t *testing.T) {
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.REST("GET", "/old"), redirect(http.StatusFound, "/new"))
	reg.Register(httpmock.REST("GET", "/new"), httpmock.StatusStringResponse(http.StatusServiceUnavailable, ""))
	reg.Register(httpmock.REST("GET", "/new"), httpmock.StringResponse("ok"))
	fn, calls := signer(api, "GET", nil)
	resp, err := mockClient(t, reg, Options{Retries: 1}, &waits{}, nil).Send(context.Background(), api, "/old", fn)
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	want := []string{"GET " + api + "/old sig-1", "GET " + api + "/new sig-2", "GET " + api + "/new sig-3"}
	if resp.StatusCode != 200 || strings.Join(sent(reg), "|") != strings.Join(want, "|") {
		t.Errorf("status %d, requests %q, want %q", resp.StatusCode, sent(reg), want)
	}
	if got := strings.Join(calls.targets(), "|"); got != "/old|/new (redirected)|/new (redirected)" {
		t.Errorf("signed %q", got)
	}
}
