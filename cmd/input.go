package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
	"github.com/hmacctl/hmacctl/verify"
	"github.com/hmacctl/hmacctl/workspace"
	"github.com/spf13/cobra"
)

// requestFlags are the flags shared by every command that builds a
// signed request (sign, request and verify).
type requestFlags struct {
	Data string
	// DataGiven says -d was given (even empty), captured in RunE.
	DataGiven  bool
	Fields     []fieldArg
	Timestamp  string
	TimeOffset time.Duration
	BaseURL    string
	Variant    string
	APIKey     string
	Settings   []string
	factory    *Factory
	// streaming lets a large -d @FILE or -d @- become a stream (request
	// sets it; the caller then calls streamBody).
	streaming bool
}

func (r *requestFlags) register(f *Factory, c *cobra.Command) {
	r.factory = f
	fl := c.Flags()
	fl.StringVarP(&r.Data, "data", "d", "", "body sent and signed byte for byte: TEXT, @FILE, or @- for stdin")
	fl.VarP(fieldFlag{&r.Fields, false}, "raw-field", "f", "add a string field key=value (JSON body, or query for GET/HEAD/DELETE)")
	fl.VarP(fieldFlag{&r.Fields, true}, "field", "F", "add a typed field key=value: a number, true, false, null, JSON, or @FILE holding JSON")
	fl.StringVar(&r.Timestamp, "timestamp", "", "sign and send exactly this timestamp (in the vendor's own form) instead of the clock")
	durationVar(fl, &r.TimeOffset, "time-offset", 0, "shift the clock by this duration before signing: 200ms, -1.5s, 30 (seconds), 1d")
	fl.StringVar(&r.BaseURL, "base-url", "", "override the vendor's base URL")
	fl.StringVar(&r.Variant, "variant", "", "use a named variant of the vendor's scheme (see docs/vendors.md)")
	fl.StringVar(&r.APIKey, "api-key", "", "the API key (not secret); default $HMACCTL_API_KEY")
	c.ValidArgsFunction = completeRequestArgs(r.factory)
	_ = c.RegisterFlagCompletionFunc("variant", completeVariantOfArg(r.factory))
	fl.StringArrayVar(&r.Settings, "set", nil, "override a vendor setting name=value (e.g. recvWindow=10000)")
	_ = c.RegisterFlagCompletionFunc("set", completeSettingsOfArg(r.factory))
}

// preparedRequest is a request ready to sign, with what the command needs
// to describe it.
type preparedRequest struct {
	Scheme  *profiles.VendorScheme
	Request sign.Request
	Sources []workspace.CredentialSource
	// canonical, when set, is what to show of a string to sign whose
	// body was streamed (res.Canonical leaves it out).
	canonical *excerpt
}

// overrides are the flags that override a profile: --variant,
// --base-url, --api-key and --set.
func (r *requestFlags) overrides() (workspace.Overrides, error) {
	settings, err := parseSettings(r.Settings)
	return workspace.Overrides{Variant: r.Variant, BaseURL: r.BaseURL, APIKey: r.APIKey, Settings: settings}, err
}

// prepare turns a command's arguments and flags into a scheme and a
// sign.Request. Every failure is a UsageError.
func (r *requestFlags) prepare(f *Factory, profileName, method, target string) (*preparedRequest, error) {
	if !validMethod(method) {
		return nil, usageErrorf("%q is not an HTTP method; use GET, POST, PUT, DELETE, PATCH or HEAD", method)
	}
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		return nil, usageErrorf("PATH %q is a full URL; give the path relative to the base URL and use --base-url for the host", target)
	}
	if err := checkTarget(target); err != nil {
		return nil, err
	}
	if r.Timestamp != "" && r.TimeOffset != 0 {
		return nil, usageErrorf("--time-offset shifts the clock, but --timestamp is signed in its place, so the offset would be ignored; drop one of them")
	}
	o, err := r.overrides()
	if err != nil {
		return nil, err
	}
	resolved, err := f.Workspace().Resolve(profileName, o)
	if err != nil {
		return nil, workspaceError(err)
	}
	warnAll(f, resolved.Warnings)
	if err := checkQuery(resolved.Scheme, target); err != nil {
		return nil, err
	}
	req := sign.Request{
		Method:      strings.ToUpper(method),
		BaseURL:     resolved.BaseURL,
		Target:      target,
		Timestamp:   r.Timestamp,
		Time:        f.Now().Add(r.TimeOffset),
		Settings:    resolved.Settings,
		Credentials: resolved.Credentials,
	}
	if r.DataGiven {
		if len(r.Fields) > 0 {
			return nil, usageErrorf("-d/--data and -f/-F fields cannot be combined; put everything in the body or use fields only")
		}
		if !r.streaming || !strings.HasPrefix(r.Data, "@") {
			if req.Body, err = r.body(f); err != nil {
				return nil, err
			}
			warnBodyFormat(f, resolved.Scheme, req.Body)
		}
	} else if req.Fields, err = r.fields(f); err != nil {
		return nil, err
	} else if err := checkFields(resolved.Scheme, req.Method, req.Fields); err != nil {
		return nil, err
	}
	return &preparedRequest{Scheme: resolved.Scheme, Request: req, Sources: resolved.Sources}, nil
}

func (r *requestFlags) body(f *Factory) ([]byte, error) {
	switch {
	case r.Data == "@-":
		b, err := io.ReadAll(f.IO.In)
		if err != nil {
			return nil, usageErrorf("cannot read the body from stdin: %v", err)
		}
		return b, nil
	case strings.HasPrefix(r.Data, "@"):
		b, err := f.ReadFile(r.Data[1:])
		if err != nil {
			return nil, usageErrorf("cannot read the body from %s: %v; check the path", r.Data[1:], unwrapPathError(err))
		}
		return b, nil
	}
	return []byte(r.Data), nil
}

// fields reads -f and -F in the order they were given.
func (r *requestFlags) fields(f *Factory) ([]sign.Field, error) {
	var out []sign.Field
	for _, fl := range r.Fields {
		name, value, ok := strings.Cut(fl.text, "=")
		if !ok || name == "" {
			return nil, usageErrorf("field %q is not key=value", fl.text)
		}
		if !fl.typed {
			out = append(out, sign.Field{Name: name, Value: value})
			continue
		}
		v, err := typedValue(f, name, value)
		if err != nil {
			return nil, err
		}
		out = append(out, sign.Field{Name: name, Value: v})
	}
	return out, nil
}

// fieldArg is one -f or -F as typed.
type fieldArg struct {
	text  string
	typed bool
}

// fieldFlag is the pflag.Value behind -f and -F: both append to one list,
// so the order they were given in survives.
type fieldFlag struct {
	list  *[]fieldArg
	typed bool
}

func (v fieldFlag) String() string { return "" }

func (v fieldFlag) Set(s string) error {
	*v.list = append(*v.list, fieldArg{text: s, typed: v.typed})
	return nil
}

func (v fieldFlag) Type() string { return "key=value" }

func typedValue(f *Factory, name, value string) (any, error) {
	if strings.HasPrefix(value, "@") {
		data, err := f.readFileLimited(value[1:], maxFieldFile)
		if errors.Is(err, errTooLarge) {
			return nil, usageErrorf("field %s: %s is over %s; send a large body with -d @FILE", name, value[1:], sizeWords(maxFieldFile))
		}
		if err != nil {
			return nil, usageErrorf("field %s: cannot read %s: %v", name, value[1:], unwrapPathError(err))
		}
		if !json.Valid(data) {
			return nil, usageErrorf("field %s: %s does not hold valid JSON; use -f for a string", name, value[1:])
		}
		return json.RawMessage(bytes.TrimSpace(data)), nil
	}
	switch value {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if json.Valid([]byte(value)) {
		// A bare number is a number; anything else valid ("123" in quotes,
		// an array) is JSON as written. (json.Number would also take a
		// quoted number.)
		trimmed := strings.TrimSpace(value)
		if c := trimmed[0]; c == '-' || (c >= '0' && c <= '9') {
			return json.Number(trimmed), nil
		}
		return json.RawMessage(value), nil
	}
	return nil, usageErrorf("field %s: %q is not a number, true, false, null, JSON or @FILE; use -f %s=%s for a string", name, value, name, value)
}

// checkTarget rejects a PATH that cannot be sent as typed: the path and
// query are signed byte for byte, so they must already be what goes on
// the wire.
func checkTarget(target string) error {
	if strings.HasPrefix(target, "//") {
		return usageErrorf("PATH %q starts with //, which would be sent as another host's URL; give it with one leading /", target)
	}
	for i := 0; i < len(target); i++ {
		c := target[i]
		var what, fix string
		switch {
		case c == ' ':
			what, fix = "a space", "%20"
		case c == '#':
			what, fix = "a '#'", "%23 (a fragment is never sent)"
		case c < 0x20 || c == 0x7f:
			what, fix = fmt.Sprintf("the control character 0x%02x", c), fmt.Sprintf("%%%02X", c)
		case c >= 0x80:
			what, fix = "a non-ASCII character", "its UTF-8 bytes, e.g. é as %C3%A9"
		default:
			continue
		}
		return usageErrorf("PATH %q has %s at byte %d; percent-encode it as %s, since the path and query are signed exactly as typed", target, what, i+1, fix)
	}
	return nil
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkTimestamp refuses a --timestamp that cannot be in the scheme's
// form (an ISO date for a milliseconds vendor, "abc") and warns about a
// number in another unit: sign and request would send it as given.
func checkTimestamp(f *Factory, scheme *profiles.VendorScheme, ts string) error {
	if ts == "" || scheme.TimestampFormat() == sign.NoTimestamp {
		return nil
	}
	form, want := verify.DetectTimestampForm(ts), verify.ExpectedForm(scheme.TimestampFormat())
	if form == want {
		return nil
	}
	if isUnixForm(form) && isUnixForm(want) {
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: --timestamp %s is %s; %s expects %s (signed and sent as given)\n", ts, form.Phrase(), scheme.Vendor, want)
		return nil
	}
	example, _ := scheme.Timestamp(f.Now(), nil)
	return usageErrorf("--timestamp %q is %s; %s expects %s, such as %s", ts, form.Phrase(), scheme.Vendor, want, example)
}

func isUnixForm(f verify.TimestampForm) bool {
	return f == verify.FormSeconds || f == verify.FormMillis || f == verify.FormMicros || f == verify.FormNanos
}
