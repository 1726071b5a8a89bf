package verifyserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testCreds serve every vendor: the secret is valid base64 (kraken and
// coinbase-exchange decode it) and a plain-text secret for the others.
var testCreds = Credentials{
	APIKey:     "test-api-key",
	APISecret:  "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
	Passphrase: "test-passphrase",
	Token:      "test-token",
}

// testSecretBytes is testCreds.APISecret decoded.
const testSecretBytes = "secret-secret-secret-secret-secret"

func mac(h func() hash.Hash, key, msg string) []byte {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func hexSHA256(key, msg string) string { return hex.EncodeToString(mac(sha256.New, key, msg)) }
func b64SHA256(key, msg string) string {
	return base64.StdEncoding.EncodeToString(mac(sha256.New, key, msg))
}
func hexSHA512(key, msg string) string { return hex.EncodeToString(mac(sha512.New, key, msg)) }
func b64SHA512(key, msg string) string {
	return base64.StdEncoding.EncodeToString(mac(sha512.New, key, msg))
}
func b64decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}

func sha256Raw(s string) string { d := sha256.Sum256([]byte(s)); return string(d[:]) }
func sha512Hex(s string) string { d := sha512.Sum512([]byte(s)); return hex.EncodeToString(d[:]) }

// response is the server's JSON answer.
type response struct {
	OK                bool    `json:"ok"`
	Vendor            string  `json:"vendor"`
	Error             string  `json:"error"`
	Canonical         *string `json:"canonical"`
	CanonicalBase64   *string `json:"canonical_base64"`
	ExpectedSignature string  `json:"expected_signature"`
	Signature         string  `json:"signature"`
	Method            string  `json:"method"`
	Path              string  `json:"path"`
	Query             string  `json:"query"`
	Body              string  `json:"body"`
}

func (r *response) canonical() string {
	if r.CanonicalBase64 == nil {
		return ""
	}
	b, _ := base64.StdEncoding.DecodeString(*r.CanonicalBase64)
	return string(b)
}

// send sends a request whose path and query go out byte for byte: the
// request line carries exactly path?query.
func send(t *testing.T, base, method, path, query string, header http.Header, body string) (int, *response) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path
	req.URL.RawQuery = query
	for name, values := range header {
		req.Header[name] = values
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusNotFound {
		if got := resp.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type %q", got)
		}
	}
	var r response
	if method != http.MethodHead {
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s %s?%s: status %d, body %q is not JSON: %v", method, path, query, resp.StatusCode, data, err)
		}
	}
	if method != http.MethodHead && (r.Path != path || r.Query != query) {
		t.Errorf("server saw path %q query %q, sent %q %q", r.Path, r.Query, path, query)
	}
	return resp.StatusCode, &r
}

func newTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// hdr builds a header from name, value pairs, keeping names as written
// (case does not matter to the server).
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}
