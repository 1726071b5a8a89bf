package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/cmd"
	"github.com/hmacctl/hmacctl/keystore"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the real hmacctl entry point as the
// "hmacctl" command inside scripts.
func TestMain(m *testing.M) {
	defer func() {
		if verifyServerBin != "" {
			os.RemoveAll(filepath.Dir(verifyServerBin))
		}
	}()
	testscript.Main(m, map[string]func(){
		"hmacctl": func() {
			f := cmd.NewFactory()
			// Test code only: scripts keep keyring items in files so that
			// they survive from one exec to the next. The shipped binary
			// has no such backend and no such switch.
			if dir := os.Getenv("HMACCTL_TEST_KEYSTORE_DIR"); dir != "" {
				f.Keystore = func() keystore.Store { return fileStore(dir) }
			}
			os.Exit(cmd.Main(f))
		},
	})
}

// TestScripts runs the end-to-end scenarios in testdata/script, one per
// file, against the built binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts start with no credentials and no color settings
			// from the developer's environment.
			for _, name := range []string{"HMACCTL_API_KEY", "HMACCTL_API_SECRET", "HMACCTL_API_PASSPHRASE", "HMACCTL_TOKEN", "NO_COLOR"} {
				env.Setenv(name, "")
				env.Setenv(name+"_FILE", "")
			}
			env.Setenv("HMACCTL_CONFIG", filepath.Join(env.WorkDir, "config", "config.toml"))
			env.Setenv("HMACCTL_TEST_KEYSTORE_DIR", filepath.Join(env.WorkDir, "keystore"))
			srv := httptest.NewServer(echoHandler())
			env.Defer(srv.Close)
			env.Setenv("SERVER", srv.URL)
			closed, err := closedAddress()
			if err != nil {
				return err
			}
			env.Setenv("CLOSED", closed)
			verify, stop, err := startVerifyServer(env.WorkDir)
			if err != nil {
				return err
			}
			env.Defer(stop)
			env.Setenv("VERIFY", verify)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
	})
}

// echoHandler is the loopback server scripts talk to as $SERVER:
//
//	/echo...       200, the request as JSON (line, headers, body)
//	/status/NNN    status NNN with a JSON body
//	/slow          answers after 3 seconds
//	/redirect      302 to /echo/redirected
//	/skew/...      as /echo, with a Date header an hour ahead
//	/cut           a response that breaks off in the middle of its body
func echoHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/echo/", echo)
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"status":%d}`+"\n", code)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	})
	skewed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		echo(w, r)
	}
	mux.HandleFunc("/skew", skewed)
	mux.HandleFunc("/skew/", skewed)
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/html404", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html>not found</html>")
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		// Promise 1000 bytes, send 7, and drop the connection.
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
		buf.Flush()
		conn.Close()
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo/redirected", http.StatusFound)
	})
	return mux
}

func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	headers := map[string]string{}
	for name := range r.Header {
		headers[strings.ToLower(name)] = r.Header.Get(name)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"line": r.Method + " " + r.RequestURI, "headers": headers, "body": string(body)})
}

// closedAddress is a loopback address where nothing listens.
func closedAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr, nil
}

// verifyServerCreds are the credentials the verifying server expects;
// scripts sign with the same ones. The secret is valid base64, as Kraken
// and Coinbase Exchange need, and works as text for the others.
var verifyServerCreds = map[string]string{
	"API_KEY":        "test-api-key",
	"API_SECRET":     "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
	"API_PASSPHRASE": "test passphrase",
	"TOKEN":          "test.jwt.token",
}

var (
	verifyServerOnce sync.Once
	verifyServerBin  string
	verifyServerErr  error
)

// startVerifyServer runs internal/verifyserver as its own process, which
// checks every built-in vendor's signature by rules written from the
// vendors' docs, independently of sign/. It returns its URL.
func startVerifyServer(dir string) (string, func(), error) {
	verifyServerOnce.Do(func() {
		bin, err := os.MkdirTemp("", "hmacctl-verifyserver-")
		if err != nil {
			verifyServerErr = err
			return
		}
		verifyServerBin = filepath.Join(bin, "verifyserver")
		out, err := exec.Command("go", "build", "-o", verifyServerBin, "./internal/verifyserver/cmd/verifyserver").CombinedOutput()
		if err != nil {
			verifyServerErr = fmt.Errorf("building verifyserver: %v\n%s", err, out)
		}
	})
	if verifyServerErr != nil {
		return "", nil, verifyServerErr
	}
	cmd := exec.Command(verifyServerBin, "-addr", "127.0.0.1:0")
	cmd.Env = os.Environ()
	for name, value := range verifyServerCreds {
		cmd.Env = append(cmd.Env, "HMACCTL_TEST_"+name+"="+value)
	}
	logFile, err := os.Create(filepath.Join(dir, "verifyserver.log"))
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		logFile.Close()
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		stop()
		return "", nil, fmt.Errorf("verifyserver did not start: %q, %v", line, err)
	}
	return url, stop, nil
}

// fileStore is a keystore.Store that keeps each item in a file of its own
// under a directory: for scripts only.
type fileStore string

func (d fileStore) path(service, account string) string {
	return filepath.Join(string(d), hex.EncodeToString([]byte(service+"/"+account)))
}

func (d fileStore) Get(service, account string) (string, error) {
	data, err := os.ReadFile(d.path(service, account))
	if errors.Is(err, os.ErrNotExist) {
		return "", keystore.ErrNotFound
	}
	return string(data), err
}

func (d fileStore) Set(service, account, secret string) error {
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return err
	}
	return os.WriteFile(d.path(service, account), []byte(secret), 0o600)
}

func (d fileStore) Delete(service, account string) error {
	err := os.Remove(d.path(service, account))
	if errors.Is(err, os.ErrNotExist) {
		return keystore.ErrNotFound
	}
	return err
}

// cmdExits runs a program and checks its exit code:
//
//	exits 2 hmacctl sign nosuchvendor GET /
//
// Its stdout and stderr are kept for the stdout and stderr commands.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit code", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
