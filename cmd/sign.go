package cmd

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hmacctl/hmacctl/sign"
	"github.com/spf13/cobra"
)

// SignOptions are the inputs of `hmacctl sign`.
type SignOptions struct {
	IO      *IOStreams
	Factory *Factory
	Now     func() time.Time
	Profile string
	Method  string
	Path    string
	Print   string
	Request requestFlags
}

// printModes are the values --print accepts.
func printModes() []string { return []string{"canonical", "signature", "headers", "curl", "json"} }

// NewCmdSign builds `hmacctl sign`. runF, when not nil, replaces the run
// step so tests can check flag parsing alone.
func NewCmdSign(f *Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{IO: f.IO, Factory: f, Now: f.Now}
	c := &cobra.Command{
		Use:   "sign PROFILE METHOD PATH",
		Short: "Sign a request and print what was signed",
		Long: `Sign a request with a vendor's scheme and print the exact bytes signed, the
signature, or the headers, without sending anything.

PATH is relative to the vendor's base URL and may carry a query string, which
is signed exactly as typed. PROFILE is a saved profile (see 'hmacctl profile'),
a vendor of your own in the config, or a built-in vendor.`,
		Example: `  # WOO X's documented example request
  HMACCTL_API_KEY=AbmyVJGUpN064ks5ELjLfA== HMACCTL_API_SECRET_FILE=secret.txt \
    hmacctl sign woox GET '/v3/algo/orders?algoType=STOP' --timestamp 1578565539808 --print canonical

  # check the signature with openssl
  hmacctl sign woox GET /v3/algo/orders --print canonical | openssl dgst -sha256 -hmac "$SECRET"`,
		Args: exactArgs(3, "PROFILE METHOD PATH"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Profile, opts.Method, opts.Path = args[0], args[1], args[2]
			opts.Request.DataGiven = c.Flags().Changed("data")
			if opts.Print != "" && !contains(printModes(), opts.Print) {
				return usageErrorf("--print %q is not one of %s%s", opts.Print, strings.Join(printModes(), ", "), didYouMean(opts.Print, printModes(), plain))
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	c.Flags().StringVar(&opts.Print, "print", "", "what to print: "+strings.Join(printModes(), "|")+" (default: a readable view)")
	_ = c.RegisterFlagCompletionFunc("print", cobra.FixedCompletions([]string{
		"canonical\tthe exact bytes signed",
		"signature\tthe signature",
		"headers\tone Name: value a line",
		"curl\ta runnable curl command",
		"json\tone JSON object",
	}, cobra.ShellCompDirectiveNoFileComp))
	opts.Request.register(f, c)
	return c
}

func signRun(opts *SignOptions) error {
	opts.Request.streaming = true
	prepared, err := opts.Request.prepare(opts.Factory, opts.Profile, opts.Method, opts.Path)
	if err != nil {
		return err
	}
	if err := checkTimestamp(opts.Factory, prepared.Scheme, prepared.Request.Timestamp); err != nil {
		return err
	}
	// A large -d @FILE (or stdin) is streamed, as request does: memory
	// stays bounded whatever the body's size.
	file, cleanup, err := opts.Request.streamBody(opts.Factory, prepared)
	defer cleanup()
	if err != nil {
		return err
	}
	var res *sign.Result
	if file != nil {
		res, err = file.sign(prepared.Scheme, prepared.Request)
	} else {
		res, err = prepared.Scheme.Sign(prepared.Request)
	}
	if err != nil {
		return usageErrorf("%v", err) // the engine rejects only what the user gave
	}
	if file != nil && opts.Print != "signature" && opts.Print != "headers" {
		if opts.Print == "curl" {
			if opts.Request.Data == "@-" {
				return usageErrorf("--print curl: the body came from stdin and is over %d MiB; write it to a file and give -d @FILE", streamThreshold>>20)
			}
			res.Body = nil
			_, err = fmt.Fprintln(opts.IO.Out, curlCommand(res)+" \\\n  --data-binary "+shellQuote(opts.Request.Data))
			return err
		}
		full, done, err := file.canonical(res)
		if err != nil {
			return usageErrorf("%v", err)
		}
		defer done()
		if opts.Print == "canonical" {
			_, err = io.Copy(opts.IO.Out, full)
			return err
		}
		shown, err := excerptFrom(full)
		if err != nil {
			return usageErrorf("cannot read the body: %v", err)
		}
		prepared.canonical = &shown
	}
	out := opts.IO.Out
	switch opts.Print {
	case "canonical":
		_, err = out.Write(res.Canonical)
		if err == nil && opts.IO.IsStdoutTTY() {
			_, err = fmt.Fprintln(out)
		}
	case "signature":
		_, err = fmt.Fprintln(out, res.Signature)
	case "headers":
		for _, h := range allHeaders(res) {
			if _, err = fmt.Fprintf(out, "%s: %s\n", h.Name, h.Value); err != nil {
				break
			}
		}
	case "curl":
		_, err = fmt.Fprintln(out, curlCommand(res))
	case "json":
		err = writeJSON(out, signJSON(res, prepared))
	default:
		err = writeReadable(opts.IO, res, prepared)
	}
	return err
}

// allHeaders is the scheme's headers plus Content-Type when there is a
// body: what a client must send.
func allHeaders(res *sign.Result) []sign.Header {
	headers := res.Headers
	if res.ContentType != "" && !hasHeader(headers, "Content-Type") {
		headers = append(append([]sign.Header(nil), headers...), sign.Header{Name: "Content-Type", Value: res.ContentType})
	}
	return headers
}

func hasHeader(headers []sign.Header, name string) bool {
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// curlCommand writes a runnable curl command for a signed request.
func curlCommand(res *sign.Result) string {
	var b strings.Builder
	b.WriteString("curl")
	if res.Method != "GET" || len(res.Body) > 0 {
		b.WriteString(" -X " + res.Method)
	}
	b.WriteString(" " + shellQuote(res.URL))
	for _, h := range allHeaders(res) {
		b.WriteString(" \\\n  -H " + shellQuote(h.Name+": "+h.Value))
	}
	if len(res.Body) > 0 {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(res.Body)))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

type signOutput struct {
	Vendor          string  `json:"vendor"`
	Variant         *string `json:"variant"`
	Method          string  `json:"method"`
	URL             string  `json:"url"`
	Body            *string `json:"body"`
	BodyBase64      string  `json:"body_base64,omitempty"`
	Timestamp       string  `json:"timestamp,omitempty"`
	Canonical       *string `json:"canonical"`
	CanonicalBase64 string  `json:"canonical_base64"`
	// CanonicalSize and CanonicalSHA256 describe a string to sign too
	// long to give whole (Canonical then has its first bytes); likewise
	// BodySize and BodySHA256.
	CanonicalSize   int                `json:"canonical_size,omitempty"`
	CanonicalSHA256 string             `json:"canonical_sha256,omitempty"`
	BodySize        int                `json:"body_size,omitempty"`
	BodySHA256      string             `json:"body_sha256,omitempty"`
	Signature       string             `json:"signature"`
	Headers         map[string]string  `json:"headers"`
	HeaderOrder     []string           `json:"header_order"`
	Credentials     []credentialSource `json:"credentials"`
}

func signJSON(res *sign.Result, prepared *preparedRequest) signOutput {
	o := signOutput{
		Vendor:          prepared.Scheme.Vendor,
		Variant:         nullIfEmpty(prepared.Scheme.Variant),
		Method:          res.Method,
		URL:             res.URL,
		Timestamp:       res.Timestamp,
		CanonicalBase64: base64.StdEncoding.EncodeToString(prepared.canonicalExcerpt(res).Shown),
		Signature:       res.Signature,
		Headers:         map[string]string{},
		Credentials:     describeSources(prepared.Sources),
	}
	// Text that is not valid UTF-8 (Kraken's nested hash) cannot be a
	// JSON string without loss: it is then null, and only the base64
	// form is given.
	canonical := prepared.canonicalExcerpt(res)
	if canonical.Cut {
		o.CanonicalSize, o.CanonicalSHA256 = canonical.Size, canonical.SHA256
	}
	if utf8.Valid(canonical.Shown) {
		s := string(canonical.Shown)
		o.Canonical = &s
	}
	if res.Body != nil {
		body := excerptOf(res.Body)
		if body.Cut {
			o.BodySize, o.BodySHA256 = body.Size, body.SHA256
		}
		if utf8.Valid(body.Shown) {
			s := string(body.Shown)
			o.Body = &s
		} else {
			o.BodyBase64 = base64.StdEncoding.EncodeToString(body.Shown)
		}
	}
	for _, h := range allHeaders(res) {
		o.Headers[h.Name] = h.Value
		o.HeaderOrder = append(o.HeaderOrder, h.Name)
	}
	return o
}

// nullIfEmpty is s for JSON, null when it is empty: a field that is
// always there, null when there is nothing to say.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
