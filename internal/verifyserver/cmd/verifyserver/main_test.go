package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary run as the command itself, so that the
// process tests below exercise the real main, signals included.
func TestMain(m *testing.M) {
	if os.Getenv("VERIFYSERVER_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var env = map[string]string{
	"HMACCTL_TEST_API_KEY":        "k",
	"HMACCTL_TEST_API_SECRET":     "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
	"HMACCTL_TEST_API_PASSPHRASE": "p",
	"HMACCTL_TEST_TOKEN":          "t",
}

// wooxRequest is a signed WOO X GET to base.
func wooxRequest(t *testing.T, base string, sign bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/woox/v3/algo/orders?algoType=STOP", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, []byte(env["HMACCTL_TEST_API_SECRET"]))
	m.Write([]byte("1578565539808GET/woox/v3/algo/orders?algoType=STOP"))
	req.Header.Set("x-api-key", "k")
	req.Header.Set("x-api-timestamp", "1578565539808")
	if sign {
		req.Header.Set("x-api-signature", hex.EncodeToString(m.Sum(nil)))
	}
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	ch chan struct{}
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.ch <- struct{}{}
	defer func() { <-l.ch }()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.ch <- struct{}{}
	defer func() { <-l.ch }()
	return l.b.String()
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	stderr := &lockedBuffer{ch: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, outW, stderr)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	if status, body := do(t, wooxRequest(t, base, true)); status != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("signed: %d %s", status, body)
	}
	if status, body := do(t, wooxRequest(t, base, false)); status != 401 || !strings.Contains(body, `"error":"missing header x-api-signature"`) {
		t.Errorf("unsigned: %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "GET /woox/v3/algo/orders?algoType=STOP 200 woox: ok\n" +
		"GET /woox/v3/algo/orders?algoType=STOP 401 woox: missing header x-api-signature\n"
	if got := stderr.String(); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunBadFlags(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "extra"}, os.Getenv, io.Discard, &stderr); err == nil {
		t.Error("an extra argument was accepted")
	}
	if err := run(context.Background(), []string{"-nosuch"}, os.Getenv, io.Discard, &stderr); err == nil {
		t.Error("an unknown flag was accepted")
	}
}

// TestProcess runs the command as a process and stops it with SIGTERM.
func TestProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "VERIFYSERVER_TEST_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	base := strings.TrimPrefix(strings.TrimSuffix(line, "\n"), "listening on ")
	if status, body := do(t, wooxRequest(t, base, true)); status != 200 {
		t.Errorf("signed: %d %s", status, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit after SIGTERM")
	}
	if got := stderr.String(); got != "GET /woox/v3/algo/orders?algoType=STOP 200 woox: ok\n" {
		t.Errorf("stderr %q", got)
	}
}
