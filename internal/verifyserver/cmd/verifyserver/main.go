// Command verifyserver runs the signature-verifying test server as its own
// process, for end-to-end tests that drive the hmacctl binary:
//
//	HMACCTL_TEST_API_KEY=k HMACCTL_TEST_API_SECRET=s verifyserver -addr 127.0.0.1:0
//
// Its first line on stdout is "listening on http://ADDR"; send requests
// to http://ADDR/VENDOR/... (hmacctl --base-url http://ADDR/VENDOR). It
// logs one line per request to stderr and stops on SIGINT or SIGTERM.
// Credentials come from HMACCTL_TEST_API_KEY, HMACCTL_TEST_API_SECRET,
// HMACCTL_TEST_API_PASSPHRASE and HMACCTL_TEST_TOKEN.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/hmacctl/hmacctl/internal/verifyserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "verifyserver:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verifyserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	creds := verifyserver.Credentials{
		APIKey:     getenv("HMACCTL_TEST_API_KEY"),
		APISecret:  getenv("HMACCTL_TEST_API_SECRET"),
		Passphrase: getenv("HMACCTL_TEST_API_PASSPHRASE"),
		Token:      getenv("HMACCTL_TEST_TOKEN"),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           logRequests(verifyserver.New(creds), stderr),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// recorder keeps the status and body of a response while writing it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// logRequests writes one line per request to w:
//
//	POST /woox/v3/algo/order 401 woox: signature mismatch: ...
func logRequests(h http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: rw}
		h.ServeHTTP(rec, r)
		var res struct {
			OK     bool   `json:"ok"`
			Vendor string `json:"vendor"`
			Error  string `json:"error"`
		}
		json.Unmarshal(rec.body.Bytes(), &res)
		verdict := "ok"
		if !res.OK {
			verdict = res.Error
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %d %s: %s\n", r.Method, r.RequestURI, rec.status, res.Vendor, verdict)
	})
}
