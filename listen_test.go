package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hmacctl verify --listen as a process: hmacctl request (another process)
// signs against it; a wrong secret gets 401 with an explanation; SIGTERM
// stops it cleanly; it logs one line per request.
func TestVerifyListenServesAndStops(t *testing.T) {
	bin := hmacctlBinary(t)
	server := exec.Command(bin, "verify", "woox", "--listen", "127.0.0.1:0", "--max-age", "1h")
	server.Env = append(os.Environ(), "HMACCTL_API_KEY="+testKey, "HMACCTL_API_SECRET="+testSecret, "HMACCTL_CONFIG="+t.TempDir()+"/c.toml")
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	server.Stderr = &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on http://127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	url := strings.Fields(line)[2]

	var out strings.Builder
	code, stderr, _ := runHmacctl(t, nil, &out, "request", "woox", "POST", "/v3/algo/order", "-f", "symbol=PERP_BTC_USDT", "-F", "quantity=1", "--base-url", url)
	var ok struct {
		OK        bool
		Canonical string
	}
	if err := json.Unmarshal([]byte(out.String()), &ok); code != 0 || err != nil || !ok.OK || !strings.HasSuffix(ok.Canonical, `POST/v3/algo/order{"symbol":"PERP_BTC_USDT","quantity":1}`) {
		t.Fatalf("signed request: exit %d, %q, %s", code, out.String(), stderr)
	}

	bad := exec.Command(bin, "request", "woox", "GET", "/v3/x?a=1", "--base-url", url)
	bad.Env = append(os.Environ(), "HMACCTL_API_KEY="+testKey, "HMACCTL_API_SECRET=wrong-secret", "HMACCTL_CONFIG="+t.TempDir()+"/c.toml")
	body, _ := bad.Output()
	if bad.ProcessState.ExitCode() != 4 || !strings.Contains(string(body), `"error":"signature mismatch"`) || !strings.Contains(string(body), `"tried":[`) {
		t.Fatalf("wrong secret: exit %d, %s", bad.ProcessState.ExitCode(), body)
	}

	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v; log:\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "POST /v3/algo/order -> 200 ok") || !strings.Contains(lines[1], "GET /v3/x?a=1 -> 401 signature mismatch") || lines[2] != "hmacctl: stopped" {
		t.Errorf("log:\n%s", logs.String())
	}
}

// verify --listen on a wildcard address says the address it was given
// (not Go's "[::]"), and SIGTERM stops it with exit 0 while a client is
// connected and idle. (A client stalled mid-body is cut at the end of the
// shutdown's grace period: verify's TestServeCutsStalledClientsAndStopsCleanly,
// in-process, so that this test does not wait the 5 s grace out.)
func TestVerifyListenStopsCleanlyWithAClientConnected(t *testing.T) {
	t.Parallel()
	bin := hmacctlBinary(t)
	server := exec.Command(bin, "verify", "woox", "--listen", "0.0.0.0:0")
	server.Env = append(os.Environ(), "HMACCTL_API_KEY="+testKey, "HMACCTL_API_SECRET="+testSecret, "HMACCTL_CONFIG="+t.TempDir()+"/c.toml")
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	server.Stderr = &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on http://0.0.0.0:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	port := strings.TrimPrefix(strings.Fields(line)[2], "http://0.0.0.0:")
	idle, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	// One request answered, then the connection is kept alive, idle.
	idle.Write([]byte("GET /v3/x HTTP/1.1\r\nHost: h\r\n\r\n"))
	if status, err := bufio.NewReader(idle).ReadString('\n'); err != nil || !strings.HasPrefix(status, "HTTP/1.1 401") {
		t.Fatalf("first answer %q, %v", status, err)
	}
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM with a client connected: %v; log:\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if !strings.HasSuffix(logs.String(), "hmacctl: stopped\n") {
		t.Errorf("log:\n%s", logs.String())
	}
}
