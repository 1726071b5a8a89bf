package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// peakMemoryLimit is the bound on resident memory for a 1 GiB
// body or response.
const peakMemoryLimit = 32 << 20

const (
	testKey    = "AbmyVJGUpN064ks5ELjLfA=="
	testSecret = "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"
)

// hmacctlBinary links the test binary as "hmacctl", which TestMain runs
// as the real command (testscript dispatches on the program's name).
func hmacctlBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hmacctl")
	if err := os.Symlink(self, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// runHmacctl runs hmacctl as a process and returns its exit code, stderr
// and peak resident memory.
func runHmacctl(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) (int, string, peakRSS) {
	t.Helper()
	cmd := exec.Command(hmacctlBinary(t), args...)
	// Its own empty config: a developer's saved profile named woox must not
	// change the result.
	cmd.Env = append(os.Environ(), "HMACCTL_API_KEY="+testKey, "HMACCTL_API_SECRET="+testSecret, "HMACCTL_CONFIG="+filepath.Join(t.TempDir(), "config.toml"))
	cmd.Stdin, cmd.Stdout = stdin, stdout
	var stderr strings.Builder
	cmd.Stderr = &stderr
	rss, err := runMeasuringPeakRSS(cmd)
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stderr.String(), rss
}

// wooxVerifier checks a WOO X v3 signature over the streamed body, as the
// doc defines it (timestamp + method + path + body), without holding the
// body, and reports how many body bytes arrived.
func wooxVerifier(t *testing.T, received *int64) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mac := hmac.New(sha256.New, []byte(testSecret))
		io.WriteString(mac, r.Header.Get("x-api-timestamp")+r.Method+r.RequestURI)
		n, err := io.Copy(mac, r.Body)
		*received = n
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if got := r.Header.Get("x-api-signature"); got != hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "signature mismatch", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"received":%d}`, n)
	}))
}

func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "body.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLargeUploadFromAFileStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 1 GiB")
	}
	var received int64
	srv := wooxVerifier(t, &received)
	defer srv.Close()
	body := sparseFile(t, 1<<30)
	var out strings.Builder
	code, stderr, rss := runHmacctl(t, nil, &out, "request", "woox", "POST", "/v3/upload", "-d", "@"+body, "--base-url", srv.URL, "--timeout", "5m")
	if code != 0 || received != 1<<30 || out.String() != `{"received":1073741824}` {
		t.Fatalf("exit %d, server got %d bytes, stdout %q, stderr %q", code, received, out.String(), stderr)
	}
	checkPeakRSS(t, "1 GiB upload", rss)
}

// A large body on stdin is spooled to a temporary file, not held.
func TestLargeUploadFromStdinIsSpooled(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 256 MiB")
	}
	var received int64
	srv := wooxVerifier(t, &received)
	defer srv.Close()
	in, err := os.Open(sparseFile(t, 256<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	code, stderr, rss := runHmacctl(t, in, io.Discard, "request", "woox", "POST", "/v3/upload", "-d", "@-", "--base-url", srv.URL, "--timeout", "5m")
	if code != 0 || received != 256<<20 {
		t.Fatalf("exit %d, server got %d bytes, stderr %q", code, received, stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spool files left behind: %v", left)
	}
	checkPeakRSS(t, "256 MiB from stdin", rss)
}

func TestLargeResponseStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("receives 1 GiB")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.CopyN(w, zeros{}, 1<<30)
	}))
	defer srv.Close()
	var got countingWriter
	code, stderr, rss := runHmacctl(t, nil, &got, "request", "woox", "GET", "/v3/download", "--base-url", srv.URL, "--timeout", "5m")
	if code != 0 || got != 1<<30 {
		t.Fatalf("exit %d, stdout %d bytes, stderr %q", code, got, stderr)
	}
	checkPeakRSS(t, "1 GiB download", rss)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// sign streams a large -d @FILE as request does: 1 GiB signed in bounded
// memory, the signature the one openssl computes over the same bytes:
// { printf '1700000000000POST/v3/up'; head -c 1073741824 /dev/zero; } |
// openssl dgst -sha256 -hmac "$testSecret".
func TestLargeBodySignsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("signs 1 GiB")
	}
	t.Parallel()
	body := sparseFile(t, 1<<30)
	var out strings.Builder
	code, stderr, rss := runHmacctl(t, nil, &out, "sign", "woox", "POST", "/v3/up", "-d", "@"+body, "--timestamp", "1700000000000", "--print", "signature")
	if code != 0 || out.String() != "0aef0a74c53cf9a7f4349cf00d4deb65943ceca570496cfca71865c89ec258ed\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), stderr)
	}
	checkPeakRSS(t, "1 GiB signed", rss)
}
