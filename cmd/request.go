package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/hmacctl/hmacctl/send"
	"github.com/hmacctl/hmacctl/sign"
	"github.com/hmacctl/hmacctl/verify"
	"github.com/spf13/cobra"
)

// RequestOptions are the inputs of `hmacctl request`.
type RequestOptions struct {
	IO       *IOStreams
	Factory  *Factory
	Profile  string
	Method   string
	Path     string
	Request  requestFlags
	Headers  []string
	Include  bool
	Verbose  bool
	JQ       string
	DryRun   bool
	NoFail   bool
	Timeout  time.Duration
	Retries  int
	RetryAll bool
	SyncTime bool
	CACert   string
	Insecure bool
}

// NewCmdRequest builds `hmacctl request`. runF, when not nil, replaces the
// run step so tests can check flag parsing alone.
func NewCmdRequest(f *Factory, runF func(*RequestOptions) error) *cobra.Command {
	opts := &RequestOptions{IO: f.IO, Factory: f}
	c := &cobra.Command{
		Use:   "request PROFILE METHOD PATH",
		Short: "Sign a request, send it, and print the response",
		Long: `Sign a request with a vendor's scheme, send it, and print the response body.

What is sent is exactly what was signed: the same body bytes, and the path
and query exactly as typed. Every retry and every redirect followed is signed
afresh, with a new timestamp.

Exit codes: 0 for 1xx-3xx; 4 for 4xx and 5 for 5xx, with the body printed;
3 when no response came (refused, DNS, timeout, TLS, reset); 2 for bad input.`,
		Example: `  hmacctl request woox GET /v3/algo/orders
  hmacctl request woox POST /v3/algo/order -f symbol=PERP_BTC_USDT -f side=BUY -F quantity=1
  hmacctl request binance GET /api/v3/account --jq '.balances[] | select(.free != "0.00000000")'`,
		Args: exactArgs(3, "PROFILE METHOD PATH"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Profile, opts.Method, opts.Path = args[0], args[1], args[2]
			opts.Request.DataGiven = c.Flags().Changed("data")
			if opts.Retries < 0 {
				return usageErrorf("--retry must be 0 or more, not %d", opts.Retries)
			}
			if opts.Timeout < 0 {
				return usageErrorf("--timeout must be positive, not %s", opts.Timeout)
			}
			if opts.DryRun && (opts.JQ != "" || opts.Include) {
				return usageErrorf("--dry-run sends nothing, so --jq and --include have nothing to read")
			}
			if runF != nil {
				return runF(opts)
			}
			return requestRun(opts)
		},
	}
	fl := c.Flags()
	opts.Request.register(f, c)
	fl.StringArrayVarP(&opts.Headers, "header", "H", nil, "add a header 'Name: value' (repeatable)")
	fl.BoolVarP(&opts.Include, "include", "i", false, "print the status line and response headers before the body")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print on stderr the canonical string, the request line and every header as sent, then the response's status line and headers (secrets masked)")
	fl.StringVar(&opts.JQ, "jq", "", "filter a JSON response with a jq expression")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "sign and print the request without sending it")
	fl.BoolVar(&opts.NoFail, "no-fail", false, "exit 0 whatever the HTTP status")
	durationVar(fl, &opts.Timeout, "timeout", 30*time.Second, "limit for each attempt: connect, TLS and the whole response")
	fl.IntVar(&opts.Retries, "retry", 0, "retry up to N times on network errors, 429 and 5xx (idempotent methods only)")
	fl.BoolVar(&opts.RetryAll, "retry-all", false, "with --retry, retry POST and PATCH too")
	fl.BoolVar(&opts.SyncTime, "sync-time", false, "read the server's Date header first and sign with its clock")
	fl.StringVar(&opts.CACert, "cacert", "", "trust the PEM certificates in FILE too")
	fl.BoolVar(&opts.Insecure, "insecure", false, "skip TLS certificate verification (prints a warning)")
	return c
}

func requestRun(opts *RequestOptions) error {
	jq, err := compileJQ(opts.JQ) // a typo must not cost a sent order
	if err != nil {
		return err
	}
	opts.Request.streaming = !opts.DryRun
	prepared, err := opts.Request.prepare(opts.Factory, opts.Profile, opts.Method, opts.Path)
	if err != nil {
		return err
	}
	if err := checkTimestamp(opts.Factory, prepared.Scheme, prepared.Request.Timestamp); err != nil {
		return err
	}
	var file *bodyFile // a large body, streamed from this file
	if opts.Request.streaming {
		var cleanup func()
		file, cleanup, err = opts.Request.streamBody(opts.Factory, prepared)
		defer cleanup()
		if err != nil {
			return err
		}
	}
	extra, err := parseHeaders(opts.Headers, prepared)
	if err != nil {
		return err
	}
	if opts.DryRun {
		res, err := prepared.Scheme.Sign(prepared.Request)
		if err != nil {
			return usageErrorf("%v", err)
		}
		return writeReadable(opts.IO, res, prepared)
	}
	if opts.Insecure {
		fmt.Fprintln(opts.IO.ErrOut, "hmacctl: warning: --insecure: the server's TLS certificate is not checked")
	}
	client, err := send.New(send.Options{
		Timeout:    opts.Timeout,
		Retries:    opts.Retries,
		RetryAll:   opts.RetryAll,
		CACertFile: opts.CACert,
		Insecure:   opts.Insecure,
		UserAgent:  "hmacctl/" + Version(),
		Notify:     func(msg string) { fmt.Fprintln(opts.IO.ErrOut, "hmacctl: "+msg) },
		Wrote:      wroteFunc(opts, prepared),
	})
	if err != nil {
		return &UsageError{Err: err} // a --cacert that cannot be used
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	now := opts.Factory.Now
	offset := opts.Request.TimeOffset
	if opts.SyncTime && prepared.Request.Timestamp == "" {
		serverNow, err := client.ServerTime(ctx, prepared.Request.BaseURL)
		if err != nil {
			return err
		}
		offset = serverNow.Sub(now())
		fmt.Fprintf(opts.IO.ErrOut, "hmacctl: the server's clock is %s ours (its Date header has whole seconds); signing with it\n", describeOffset(offset))
	}

	signFn := func(target string, redirected bool) (*send.Request, error) {
		req := prepared.Request
		req.Time = now().Add(offset)
		if redirected {
			req.Fields = nil // a redirect's target is complete
		}
		req.Target = target
		var res *sign.Result
		var err error
		if file != nil {
			res, err = file.sign(prepared.Scheme, req)
		} else {
			res, err = prepared.Scheme.Sign(req)
		}
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		out := &send.Request{Method: res.Method, URL: res.URL, Body: res.Body}
		if file != nil {
			out.Size = file.size
			out.Stream = func() (io.ReadCloser, error) {
				r, err := file.open()
				if err != nil {
					return nil, err
				}
				return withProgress(opts.IO, time.Now, "hmacctl: sending", r, file.size), nil
			}
		}
		for _, h := range allHeaders(res) {
			if !hasHeaderArg(extra, h.Name) {
				out.Headers = append(out.Headers, send.Header{Name: h.Name, Value: h.Value})
			}
		}
		out.Headers = append(out.Headers, extra...)
		if opts.Verbose {
			writeStringToSign(opts.IO, res)
		}
		return out, nil
	}
	resp, err := client.Send(ctx, prepared.Request.BaseURL, opts.Path, signFn)
	if err != nil {
		return err
	}
	defer resp.Close()
	if opts.Verbose {
		writeResponseHead(opts.IO, resp.Response)
	}
	if opts.Include {
		writeStatusAndHeaders(opts.IO, resp.Response)
	}
	bodyErr := func(err error) error { return send.BodyError(resp.Sent.URL, err, opts.Timeout) }
	resp.Body = withProgress(opts.IO, time.Now, "hmacctl: receiving", resp.Body, resp.ContentLength)
	if err := writeBody(opts.IO, resp.Response, jq, bodyErr); err != nil {
		return err
	}
	if opts.Retries > 0 && !opts.RetryAll && !send.Idempotent(prepared.Request.Method) && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500) {
		fmt.Fprintf(opts.IO.ErrOut, "hmacctl: %s is not retried without --retry-all (it may have taken effect on the server)\n", prepared.Request.Method)
	}
	if resp.StatusCode >= 400 && !opts.NoFail {
		return &StatusError{Code: resp.StatusCode, Status: resp.Status}
	}
	return nil
}

// parseHeaders reads -H values. A header the signing scheme sets cannot be
// replaced: the request would no longer match its signature.
func parseHeaders(args []string, prepared *preparedRequest) ([]send.Header, error) {
	var out []send.Header
	for _, a := range args {
		name, value, ok := strings.Cut(a, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usageErrorf("-H %q is not 'Name: value'", a)
		}
		for _, h := range prepared.Scheme.HeaderNames() {
			if strings.EqualFold(h, name) {
				return nil, usageErrorf("-H %s: the %s scheme sets this header itself; drop the -H", name, prepared.Scheme.Vendor)
			}
		}
		out = append(out, send.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	return out, nil
}

func hasHeaderArg(headers []send.Header, name string) bool {
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// writeStringToSign prints, for -v, what each attempt signs, on stderr.
func writeStringToSign(io *IOStreams, res *sign.Result) {
	var b strings.Builder
	b.WriteString("* canonical:\n")
	for _, line := range showInvisible(res.Canonical, newPalette(false)) {
		b.WriteString("*   " + line + "\n")
	}
	fmt.Fprint(io.ErrOut, b.String())
}

// wroteFunc is, for -v, what prints each request as curl -v does: the
// request line and every header the transport wrote, secrets masked.
func wroteFunc(opts *RequestOptions, prepared *preparedRequest) func(string, []send.Header) {
	if !opts.Verbose {
		return nil
	}
	p := newPalette(false)
	secrets := secretValues(prepared.Request.Credentials)
	secretHeaders := prepared.Scheme.SecretHeaders()
	return func(requestLine string, fields []send.Header) {
		var b strings.Builder
		var pseudo bool
		var kept []send.Header
		for _, f := range fields {
			if strings.HasPrefix(f.Name, ":") { // HTTP/2's pseudo-headers
				pseudo = true
				continue
			}
			kept = append(kept, f)
		}
		if pseudo {
			requestLine = strings.TrimSuffix(requestLine, " HTTP/1.1") + " HTTP/2"
		}
		b.WriteString("> " + maskSecrets(requestLine, secrets, p) + "\n")
		for _, f := range kept {
			b.WriteString("> " + f.Name + ": " + maskHeader(sign.Header{Name: f.Name, Value: f.Value}, secretHeaders, secrets, p) + "\n")
		}
		b.WriteString(">\n")
		fmt.Fprint(opts.IO.ErrOut, b.String())
	}
}

// writeResponseHead prints, for -v, the response's status line and
// headers on stderr, as curl -v does.
func writeResponseHead(io *IOStreams, resp *http.Response) {
	var b strings.Builder
	fmt.Fprintf(&b, "< %s %s\n", resp.Proto, resp.Status)
	var head strings.Builder
	_ = resp.Header.Write(&head)
	for _, line := range strings.Split(strings.TrimRight(head.String(), "\r\n"), "\r\n") {
		if line != "" {
			b.WriteString("< " + line + "\n")
		}
	}
	b.WriteString("<\n")
	fmt.Fprint(io.ErrOut, b.String())
}

// describeOffset says how far a clock read from a Date header is from
// ours, to the second it can tell: "about 1 hour ahead of", "about 2
// seconds behind", "within a second of".
func describeOffset(d time.Duration) string {
	switch {
	case d.Round(time.Second) == 0:
		return "within a second of"
	case d < 0:
		return "about " + verify.HumanDuration(d.Round(time.Second)) + " behind"
	}
	return "about " + verify.HumanDuration(d.Round(time.Second)) + " ahead of"
}

// writeStatusAndHeaders prints the status line and headers, as curl -i.
func writeStatusAndHeaders(io *IOStreams, resp *http.Response) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, resp.Status)
	_ = resp.Header.Write(&b)
	b.WriteString("\n")
	fmt.Fprint(io.Out, strings.ReplaceAll(b.String(), "\r\n", "\n"))
}
