package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
	"github.com/hmacctl/hmacctl/verify"
	"github.com/spf13/cobra"
)

// VerifyError is a signature that does not match, or a timestamp out of
// range: exit 1.
type VerifyError struct {
	Msg string
}

func (e *VerifyError) Error() string { return e.Msg }

// VerifyOptions are the inputs of `hmacctl verify`.
type VerifyOptions struct {
	IO          *IOStreams
	Factory     *Factory
	Profile     string
	Method      string
	Path        string
	Signature   string
	RequestFile string
	MaxAge      time.Duration
	// MaxAgeGiven says --max-age was given, captured in RunE.
	MaxAgeGiven bool
	Explain     bool
	Compare     string
	Print       string
	Listen      string
	MaxBody     int64
	Reveal      bool
	Request     requestFlags
}

// NewCmdVerify builds `hmacctl verify`.
func NewCmdVerify(f *Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IO, Factory: f}
	c := &cobra.Command{
		Use:   "verify PROFILE [METHOD PATH]",
		Short: "Check a signature, and explain a mismatch",
		Long: `Check a request's signature with a vendor's scheme: sign it again and compare
in constant time. Exit 0 when the signature matches (with --compare alone, when
the strings are identical), 1 when it does not or the request cannot be
verified (no signature where the definition puts it, a timestamp outside
--max-age), 2 on bad input.

Give the request as METHOD PATH with --signature, --timestamp and -d/-f/-F as
for sign, or as a raw HTTP/1.1 request with --request FILE (- for stdin), as
captured by a proxy or 'nc -l': the signature, timestamp and API key are then
read from where the vendor's definition says they travel.

A timestamp read from a request (--request, --listen) must be within
--max-age of this machine's clock (default 5m; 0 disables the check). One you
typed with --timestamp is reported, and checked only when --max-age is given.

--explain searches the plausible misreadings for one that reproduces the
signature (the timestamp's unit, the query's encoding, the path, the body's
serialization, the secret, other variants and vendors) and shows the strings
to sign side by side. Without --signature it prints every reading.`,
		Example: `  hmacctl verify woox GET '/v3/algo/orders?algoType=STOP' --timestamp 1578565539808 --signature fddab579...
  nc -l 8080 > captured.http; hmacctl verify binance --request captured.http --explain
  hmacctl verify bybit POST /v5/order/create -d @body.json --timestamp 1700000000000 --compare @their-origin-string.txt`,
		Args: func(c *cobra.Command, args []string) error {
			if opts.Listen != "" {
				return exactArgs(1, "PROFILE, with --listen")(c, args)
			}
			if opts.RequestFile != "" {
				return exactArgs(1, "PROFILE, with --request")(c, args)
			}
			return exactArgs(3, "PROFILE METHOD PATH")(c, args)
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Profile = args[0]
			opts.Request.DataGiven = c.Flags().Changed("data")
			opts.MaxAgeGiven = c.Flags().Changed("max-age")
			if len(args) == 3 {
				opts.Method, opts.Path = args[1], args[2]
			}
			if opts.Listen != "" {
				if opts.Signature != "" || opts.RequestFile != "" || opts.Request.DataGiven || len(opts.Request.Fields) > 0 || opts.Explain || opts.Compare != "" {
					return usageErrorf("--listen checks the requests it receives; drop --signature, --request, -d, -f, -F, --explain and --compare")
				}
				if runF != nil {
					return runF(opts)
				}
				return listenRun(opts)
			}
			if opts.RequestFile == "" && opts.Signature == "" && !opts.Explain && opts.Compare == "" {
				return usageErrorf("give --signature SIG to check, --explain to list the readings, or --compare TEXT")
			}
			if opts.RequestFile != "" && (opts.Signature != "" || opts.Request.DataGiven || len(opts.Request.Fields) > 0 || opts.Request.Timestamp != "") {
				return usageErrorf("--request takes the signature, timestamp and body from the captured request; drop --signature, --timestamp, -d, -f and -F")
			}
			if opts.Print != "" && opts.Print != "json" {
				return usageErrorf("--print %q: verify prints text or json%s", opts.Print, didYouMean(opts.Print, []string{"json"}, plain))
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	opts.Request.register(f, c)
	fl := c.Flags()
	fl.StringVar(&opts.Signature, "signature", "", "the signature to check")
	fl.StringVar(&opts.RequestFile, "request", "", "a raw HTTP/1.1 request to check: FILE, or - for stdin")
	durationVar(fl, &opts.MaxAge, "max-age", 5*time.Minute, "reject a received timestamp further than this from the clock (default: the vendor's documented bound, else 5m; 0 disables the check; a --timestamp you typed is checked only when this is given)")
	fl.BoolVar(&opts.Explain, "explain", false, "on a mismatch, search the plausible readings for one that reproduces the signature")
	fl.StringVar(&opts.Compare, "compare", "", "a string to sign from elsewhere (TEXT or @FILE), diffed with hmacctl's")
	fl.StringVar(&opts.Print, "print", "", "json for one JSON object")
	_ = c.RegisterFlagCompletionFunc("print", cobra.FixedCompletions([]string{"json\tone JSON object"}, cobra.ShellCompDirectiveNoFileComp))
	fl.StringVar(&opts.Listen, "listen", "", "serve a verifying server on ADDR (host:port; host 127.0.0.1 when empty)")
	fl.Int64Var(&opts.MaxBody, "max-body", 8<<20, "with --listen, the largest request body accepted, in bytes")
	fl.BoolVar(&opts.Reveal, "reveal-expected", false, "with --listen, put the expected signature in a 401 answer (hands out valid signatures: local debugging only)")
	return c
}

// listenRun serves verifications until SIGINT or SIGTERM.
func listenRun(opts *VerifyOptions) error {
	f := opts.Factory
	if opts.MaxBody <= 0 {
		return usageErrorf("--max-body must be positive")
	}
	host, port, err := net.SplitHostPort(opts.Listen)
	if err != nil {
		return usageErrorf("--listen %q is not host:port (e.g. 127.0.0.1:8080 or :8080)", opts.Listen)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	prepared, err := opts.Request.prepare(f, opts.Profile, "GET", "/")
	if err != nil {
		return err
	}
	others := sync.OnceValue(func() []verify.Named { return otherReadings(f, prepared.Scheme)() })
	srv := &verify.Server{
		Scheme:         prepared.Scheme.Scheme,
		Vendor:         prepared.Scheme.Vendor,
		BaseURL:        prepared.Request.BaseURL,
		Credentials:    prepared.Request.Credentials,
		Settings:       prepared.Request.Settings,
		Age:            verify.AgePolicy{MaxAge: opts.maxAge(prepared.Scheme), Enforce: true},
		MaxBody:        opts.MaxBody,
		Now:            f.Now,
		Others:         others,
		RevealExpected: opts.Reveal,
	}
	var logMu sync.Mutex
	srv.Log = func(line string) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintln(f.IO.ErrOut, line)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: listening on %s, not a loopback address: anyone who can reach it can have requests checked against your secret\n", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return usageErrorf("cannot listen on %s: %v", opts.Listen, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The address as given, with the port the system chose for :0 (a
	// wildcard host stays as typed, not Go's "[::]").
	_, actualPort, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(f.IO.Out, "listening on http://%s (verifying %s; base URL %s)\n", net.JoinHostPort(host, actualPort), prepared.Scheme.Vendor, prepared.Request.BaseURL)
	if err := srv.Serve(ctx, ln, verify.DefaultLimits); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.ErrOut, "hmacctl: stopped")
	return nil
}

// maxAge is --max-age when given, else the vendor's documented bound,
// else the flag's default.
func (opts *VerifyOptions) maxAge(s *profiles.VendorScheme) time.Duration {
	if !opts.MaxAgeGiven && s.MaxAge > 0 {
		return s.MaxAge
	}
	return opts.MaxAge
}

func verifyRun(opts *VerifyOptions) error {
	f := opts.Factory
	var in verify.Input
	var prepared *preparedRequest
	var found map[string]string
	var notes []string
	// A timestamp read from a request is judged against the clock; one the
	// user typed is information, judged only when --max-age is given.
	policy := verify.AgePolicy{MaxAge: opts.MaxAge, Enforce: opts.RequestFile != "" || opts.MaxAgeGiven}
	report := verifyReport{}
	if opts.RequestFile != "" {
		o, err := opts.Request.overrides()
		if err != nil {
			return err
		}
		// The scheme first: the request says which API key it carries,
		// and so whose secret checks it.
		r, err := f.Workspace().Scheme(opts.Profile, o)
		if err != nil {
			return workspaceError(err)
		}
		scheme, baseURL := r.Scheme, r.BaseURL
		raw, err := readRequestFile(f, opts.RequestFile)
		if err != nil {
			return err
		}
		parsed, err := verify.ParseRequest(bytes.NewReader(raw), scheme.Scheme, baseURL)
		var notVerifiable *verify.NotVerifiableError
		var outside *verify.PathError
		switch {
		case errors.As(err, &notVerifiable):
			return &VerifyError{Msg: fmt.Sprintf("not verified: %v", err)}
		case errors.As(err, &outside):
			return usageErrorf("--request %s: %v; pass --base-url with the base the request was signed under", opts.RequestFile, err)
		case err != nil:
			return usageErrorf("--request %s: %v", opts.RequestFile, err)
		}
		if key := parsed.Request.Credentials["api_key"]; key != "" && opts.Request.APIKey == "" {
			opts.Request.APIKey = key
		}
		opts.Request.BaseURL = baseURL
		if prepared, err = opts.Request.prepare(f, opts.Profile, parsed.Request.Method, "/"); err != nil {
			return err
		}
		in = parsed.Input
		in.Request.Credentials = prepared.Request.Credentials
		for k, v := range prepared.Request.Settings {
			if _, ok := in.Request.Settings[k]; !ok {
				in.Request.Settings[k] = v
			}
		}
		found, notes = parsed.Found, parsed.Notes
	} else {
		var err error
		if prepared, err = opts.Request.prepare(f, opts.Profile, opts.Method, opts.Path); err != nil {
			return err
		}
		if prepared.Request.Timestamp == "" && prepared.Scheme.TimestampFormat() != sign.NoTimestamp {
			return usageErrorf("--timestamp is required: give the timestamp that was signed (%s signs one)", prepared.Scheme.Vendor)
		}
		// -f/-F fields become the query or body a server would receive,
		// so that every reading sees the same bytes as for -d.
		req, err := prepared.Scheme.PlaceFields(prepared.Request)
		if err != nil {
			return usageErrorf("%v", err)
		}
		in = verify.Input{Request: req}
		if opts.Signature != "" {
			in.Signatures = []string{opts.Signature}
		}
	}

	report.Vendor, report.Variant, report.Found, report.Notes, report.Timestamp = prepared.Scheme.Vendor, prepared.Scheme.Variant, found, notes, in.Request.Timestamp
	var failures []string
	if len(in.Signatures) > 0 {
		res, err := verify.Check(prepared.Scheme.Scheme, in)
		if err != nil {
			return usageErrorf("%v", err)
		}
		report.setCheck(res)
		if !res.Match {
			failures = append(failures, "signature mismatch")
		}
	} else if res, err := prepared.Scheme.Sign(in.Request); err == nil {
		report.Canonical = res.Canonical
		report.Expected = res.Signature
	} else {
		return usageErrorf("%v", err)
	}
	policy.MaxAge = opts.maxAge(prepared.Scheme)
	report.Age = policy.CheckAge(prepared.Scheme.Scheme, prepared.Scheme.Vendor, in.Request.Timestamp, f.Now())
	if report.Age.Failed {
		failures = append(failures, report.Age.Problem())
	}
	if opts.Explain && (len(in.Signatures) == 0 || !report.Match) {
		ex, err := verify.Explain(prepared.Scheme.Scheme, in, otherReadings(f, prepared.Scheme))
		if err != nil {
			return usageErrorf("%v", err)
		}
		report.Explanation = ex
	}
	if opts.Compare != "" {
		text, err := compareText(f, opts.Compare)
		if err != nil {
			return err
		}
		report.Compare = text
		report.HasCompare = true
		if verify.FirstDifference(report.Canonical, text) >= 0 {
			msg := "the strings to sign differ"
			if ws := verify.WhitespaceDifference(report.Canonical, text); ws != "" {
				msg += " only in " + ws
			}
			failures = append(failures, msg)
		}
	}
	report.OK = len(failures) == 0 && (report.Checked || report.HasCompare)
	if opts.Print == "json" {
		if err := writeJSON(opts.IO.Out, report.json()); err != nil {
			return err
		}
	} else if _, err := io.WriteString(opts.IO.Out, report.text(newPalette(opts.IO.ColorEnabled()))); err != nil {
		return err
	}
	if len(failures) > 0 {
		hint := ""
		if report.Explanation == nil && report.Checked && !report.Match {
			hint = "; run with --explain to find what was signed differently"
		}
		if report.Age.Failed && report.Age.ClockProblem() {
			hint += "; if the signer's clock is off, sign with --time-offset or --sync-time"
		}
		return &VerifyError{Msg: strings.Join(failures, "; ") + hint}
	}
	return nil
}

func readRequestFile(f *Factory, name string) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = readLimited(f.IO.In, maxRequestFile)
	} else {
		b, err = f.readFileLimited(name, maxRequestFile)
	}
	switch {
	case errors.Is(err, errTooLarge):
		return nil, usageErrorf("--request %s is over %s; a captured request's body may be %s at most", name, sizeWords(maxRequestFile), sizeWords(verify.MaxBody))
	case err != nil && name == "-":
		return nil, usageErrorf("cannot read the request from stdin: %v", err)
	case err != nil:
		return nil, usageErrorf("cannot read --request %s: %v", name, unwrapPathError(err))
	}
	return b, nil
}

func compareText(f *Factory, arg string) ([]byte, error) {
	if path, ok := strings.CutPrefix(arg, "@"); ok {
		b, err := f.readFileLimited(path, maxCompareFile)
		if errors.Is(err, errTooLarge) {
			return nil, usageErrorf("--compare %s is over %s; give the string to sign the other side printed", path, sizeWords(maxCompareFile))
		}
		if err != nil {
			return nil, usageErrorf("cannot read --compare %s: %v", path, unwrapPathError(err))
		}
		return b, nil
	}
	return []byte(arg), nil
}

// otherReadings lists the vendor's other variants, then every other
// vendor's default scheme, for the explain search.
func otherReadings(f *Factory, current *profiles.VendorScheme) verify.Others {
	return func() []verify.Named {
		var out []verify.Named
		cfg, err := f.Config()
		if err != nil {
			return nil
		}
		if v, err := cfg.Vendor(current.Vendor); err == nil {
			for _, variant := range append([]profiles.Variant{{}}, v.Variants()...) {
				if variant.Name == current.Variant {
					continue
				}
				if s, err := v.Scheme(variant.Name); err == nil {
					name := "variant " + variant.Name
					if variant.Name == "" {
						name = "the default reading of " + current.Vendor
					}
					out = append(out, verify.Named{Name: name + ": " + variant.Description, Scheme: s.Scheme})
				}
			}
		}
		for _, name := range vendorNames(f) {
			if name == current.Vendor {
				continue
			}
			if v, err := cfg.Vendor(name); err == nil {
				if s, err := v.Scheme(""); err == nil {
					out = append(out, verify.Named{Name: "the scheme of vendor " + name, Scheme: s.Scheme})
				}
			}
		}
		return out
	}
}

type verifyReport struct {
	Vendor, Variant string
	Found           map[string]string
	// Notes say how a captured request was read.
	Notes       []string
	Timestamp   string
	Checked     bool
	Match       bool
	Expected    string
	Received    string
	Note        string
	Canonical   []byte
	Age         verify.Age
	Explanation *verify.Explanation
	Compare     []byte
	HasCompare  bool
	// OK is the verdict: exit 0. Only a compared signature or string can
	// make it true.
	OK bool
}

// ageLine says what the timestamp check found, with how to change it.
func (r *verifyReport) ageLine() string {
	problem := r.Age.Problem()
	switch {
	case r.Age.MaxAge <= 0 && !r.Age.Failed:
		return "" // --max-age 0: no talk of clocks
	case problem == "":
		return r.Age.Info()
	case r.Age.Failed:
		return problem + " (--max-age " + r.Age.MaxAge.String() + "; --max-age 0 disables the check)"
	case r.Age.MaxAge > 0:
		return problem + " (not checked for a --timestamp you typed: give --max-age to check it)"
	}
	return problem + " (not checked: --max-age 0)"
}

func (r *verifyReport) setCheck(res *verify.Result) {
	r.Checked, r.Match, r.Expected, r.Received, r.Note, r.Canonical = true, res.Match, res.Expected, res.Received, res.Note, res.Canonical
}

func (r *verifyReport) text(p palette) string {
	var b strings.Builder
	title := r.Vendor
	if r.Variant != "" {
		title += " (variant " + r.Variant + ")"
	}
	switch {
	case r.Checked && r.Match:
		fmt.Fprintf(&b, "%s: %s\n", p.label(title), p.value("signature matches"))
	case r.Checked:
		fmt.Fprintf(&b, "%s: %s\n", p.label(title), p.masked("signature mismatch"))
	default:
		fmt.Fprintf(&b, "%s\n", p.label(title))
	}
	for _, what := range slices.Sorted(maps.Keys(r.Found)) {
		fmt.Fprintf(&b, "%s read from %s\n", what, r.Found[what])
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	writeCanonical(&b, "canonical", r.Canonical, p)
	if r.Expected != "" {
		fmt.Fprintf(&b, "expected:  %s\n", r.Expected)
	}
	if r.Checked {
		fmt.Fprintf(&b, "received:  %s\n", r.Received)
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "note: %s\n", r.Note)
	}
	if line := r.ageLine(); line != "" {
		fmt.Fprintf(&b, "timestamp: %s\n", line)
	}
	if ex := r.Explanation; ex != nil {
		switch {
		case r.Checked && ex.Match != nil:
			fmt.Fprintf(&b, "\nexplain: the signature was made with %s\n", p.label(ex.Match.Name))
			if ex.Match.Encoding != "" {
				fmt.Fprintf(&b, "  and written in %s\n", ex.Match.Encoding)
			}
			writeDiff(&b, r.Canonical, ex.Match.Canonical, "hmacctl", "that reading", p)
		case r.Checked:
			fmt.Fprintf(&b, "\nexplain: no reading reproduces the signature; tried:\n")
			for _, t := range ex.Tried {
				fmt.Fprintf(&b, "  - %s\n", t.Name)
			}
			b.WriteString("Check the secret itself, and compare with the signer's string to sign (--compare).\n")
		default:
			b.WriteString("\nreadings (the string each signs):\n")
			for _, t := range ex.Tried {
				writeCanonical(&b, "- "+t.Name, t.Canonical, p)
			}
		}
	}
	if r.HasCompare {
		b.WriteString("\ncompare:\n")
		if ws := verify.WhitespaceDifference(r.Canonical, r.Compare); ws != "" {
			fmt.Fprintf(&b, "the strings differ only in %s\n", ws)
		}
		writeDiff(&b, r.Canonical, r.Compare, "hmacctl", "given", p)
	}
	return b.String()
}

func writeCanonical(b *strings.Builder, label string, data []byte, p palette) {
	fmt.Fprintf(b, "%s (%d bytes):\n", label, len(data))
	shown := excerptOf(data)
	for _, line := range showInvisible(shown.Shown, p) {
		b.WriteString("  " + line + "\n")
	}
	if note := shown.note(); note != "" {
		b.WriteString("  " + note + "\n")
	}
}

// writeDiff shows two strings to sign, one after the other, and marks
// the first byte where they differ.
func writeDiff(b *strings.Builder, ours, theirs []byte, ourName, theirName string, p palette) {
	at := verify.FirstDifference(ours, theirs)
	if at < 0 {
		fmt.Fprintf(b, "the %s and %s strings are identical (%d bytes)\n", ourName, theirName, len(ours))
		return
	}
	writeCanonical(b, ourName, ours, p)
	writeCanonical(b, theirName, theirs, p)
	fmt.Fprintf(b, "first difference at byte %d: %s has %s, %s has %s\n", at, ourName, describeByte(ours, at), theirName, describeByte(theirs, at))
	fmt.Fprintf(b, "  %s: %s%s\n", ourName, escapedPrefix(ours, at, p), p.masked("▶"+tail(ours, at, p)))
	fmt.Fprintf(b, "  %s: %s%s\n", theirName, escapedPrefix(theirs, at, p), p.masked("▶"+tail(theirs, at, p)))
}

func describeByte(data []byte, at int) string {
	if at >= len(data) {
		return "nothing more (it ends there)"
	}
	r, _ := utf8.DecodeRune(data[at:])
	if r == utf8.RuneError || r < 0x20 || r == 0x7f || r == ' ' {
		return fmt.Sprintf("byte 0x%02x", data[at])
	}
	return fmt.Sprintf("%q", r)
}

// escapedPrefix shows up to 30 bytes before the difference, escaped.
func escapedPrefix(data []byte, at int, p palette) string {
	start := max(0, at-30)
	for start > 0 && !utf8.RuneStart(data[start]) {
		start--
	}
	prefix := strings.Join(showInvisible(data[start:at], newPalette(false)), "")
	if start > 0 {
		prefix = "…" + prefix
	}
	return prefix
}

func tail(data []byte, at int, p palette) string {
	end := min(len(data), at+30)
	for end < len(data) && !utf8.RuneStart(data[end]) {
		end++
	}
	s := strings.Join(showInvisible(data[at:end], newPalette(false)), "")
	if end < len(data) {
		s += "…"
	}
	return s
}

func (r *verifyReport) json() map[string]any {
	out := map[string]any{
		"ok":               r.OK,
		"vendor":           r.Vendor,
		"variant":          nullIfEmpty(r.Variant),
		"timestamp":        r.Timestamp,
		"canonical_base64": base64.StdEncoding.EncodeToString(excerptOf(r.Canonical).Shown),
		"expected":         r.Expected,
	}
	if c := excerptOf(r.Canonical); c.Cut {
		out["canonical_size"], out["canonical_sha256"] = c.Size, c.SHA256
	}
	if shown := excerptOf(r.Canonical).Shown; utf8.Valid(shown) {
		out["canonical"] = string(shown)
	}
	if r.Checked {
		out["match"], out["received"] = r.Match, r.Received
	}
	if r.Note != "" {
		out["note"] = r.Note
	}
	if r.Found != nil {
		out["found"] = r.Found
	}
	if problem := r.Age.Problem(); problem != "" {
		out["timestamp_problem"] = problem
		out["timestamp_checked"] = r.Age.Failed
	}
	if info := r.Age.Info(); info != "" {
		out["timestamp_info"] = info
	}
	if len(r.Notes) > 0 {
		out["notes"] = r.Notes
	}
	if ex := r.Explanation; ex != nil {
		tried := []string{}
		for _, t := range ex.Tried {
			tried = append(tried, t.Name)
		}
		e := map[string]any{"tried": tried}
		if ex.Match != nil && r.Checked {
			m := map[string]any{"reading": ex.Match.Name, "signature": ex.Match.Signature, "canonical_base64": base64.StdEncoding.EncodeToString(ex.Match.Canonical)}
			if utf8.Valid(ex.Match.Canonical) {
				m["canonical"] = string(ex.Match.Canonical)
			}
			if ex.Match.Encoding != "" {
				m["encoding"] = ex.Match.Encoding
			}
			m["first_difference"] = verify.FirstDifference(r.Canonical, ex.Match.Canonical)
			e["match"] = m
		}
		out["explain"] = e
	}
	if r.HasCompare {
		cmp := map[string]any{"first_difference": verify.FirstDifference(r.Canonical, r.Compare), "identical": verify.FirstDifference(r.Canonical, r.Compare) < 0}
		if ws := verify.WhitespaceDifference(r.Canonical, r.Compare); ws != "" {
			cmp["whitespace_only"] = ws
		}
		out["compare"] = cmp
	}
	return out
}
