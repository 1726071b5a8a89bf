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
	server, line, logs := startListening(t, bin, "127.0.0.1:0", "--max-age", "1h")
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

	stopWithSIGTERM(t, server, logs)
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
	server, line, logs := startListening(t, bin, "0.0.0.0:0")
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
	stopWithSIGTERM(t, server, logs)
	if !strings.HasSuffix(logs.String(), "hmacctl: stopped\n") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// startListening starts hmacctl verify woox --listen addr (with more
// flags) and returns the process, its first line and its log; the process
// is killed at the end of the test.
func startListening(t *testing.T, bin, addr string, flags ...string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	server := exec.Command(bin, append([]string{"verify", "woox", "--listen", addr}, flags...)...)
	server.Env = append(os.Environ(), "HMACCTL_API_KEY="+testKey, "HMACCTL_API_SECRET="+testSecret, "HMACCTL_CONFIG="+t.TempDir()+"/c.toml")
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	server.Stderr = logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Process.Kill() })
	host, _, _ := strings.Cut(addr, ":")
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on http://"+host+":") {
		t.Fatalf("first line %q, %v", line, err)
	}
	return server, line, logs
}

// stopWithSIGTERM stops the server with SIGTERM and wants exit 0 within
// 10 seconds.
func stopWithSIGTERM(t *testing.T, server *exec.Cmd, logs *strings.Builder) {
	t.Helper()
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
}
