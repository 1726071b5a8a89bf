package cmd

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/hmacctl/hmacctl/sign"
)

// palette colors the readable view; every function returns its input
// unchanged when color is off.
type palette struct {
	label, invisible, value, masked func(a ...any) string
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) func(a ...any) string {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c.SprintFunc()
	}
	return palette{
		label:     mk(color.Bold),
		invisible: mk(color.FgCyan),
		value:     mk(color.FgGreen),
		masked:    mk(color.FgYellow),
	}
}

// writeReadable prints a signed request for a person: the canonical string
// with its invisible characters shown, the signature, then the headers
// with credential values other than the API key masked.
func writeReadable(io *IOStreams, res *sign.Result, prepared *preparedRequest) error {
	p := newPalette(io.ColorEnabled())
	var b strings.Builder
	title := prepared.Scheme.Vendor
	if prepared.Scheme.Variant != "" {
		title += " (variant " + prepared.Scheme.Variant + ")"
	}
	secrets := secretValues(prepared.Request.Credentials)
	fmt.Fprintf(&b, "%s %s %s\n", p.label(title), res.Method, maskSecrets(res.URL, secrets, p))
	fmt.Fprintf(&b, "%s (%d bytes):\n", p.label("canonical"), prepared.canonicalExcerpt(res).Size)
	canonical := prepared.canonicalExcerpt(res)
	for _, line := range showInvisible(canonical.Shown, p) {
		b.WriteString("  " + line + "\n")
	}
	if note := canonical.note(); note != "" {
		b.WriteString("  " + note + "\n")
	}
	fmt.Fprintf(&b, "%s: %s\n", p.label("signature"), p.value(res.Signature))
	fmt.Fprintf(&b, "%s:\n", p.label("headers"))
	secretHeaders := prepared.Scheme.SecretHeaders()
	for _, h := range allHeaders(res) {
		value := maskHeader(h, secretHeaders, secrets, p)
		if value == h.Value {
			// Escaped as the canonical string is: one way for non-ASCII.
			value = strings.Join(showInvisible([]byte(h.Value), p), `\n`)
		}
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, value)
	}
	if len(res.Body) > 0 && !bytes.Equal(res.Body, prepared.Request.Body) {
		fmt.Fprintf(&b, "%s (%d bytes):\n", p.label("body"), len(res.Body))
		body := excerptOf(res.Body)
		for _, line := range showInvisible(body.Shown, p) {
			b.WriteString("  " + maskSecrets(line, secrets, p) + "\n")
		}
		if note := body.note(); note != "" {
			b.WriteString("  " + note + "\n")
		}
	}
	_, err := io.Out.Write([]byte(b.String()))
	return err
}

// showInvisible renders bytes as lines for a terminal: a newline is shown
// as \n and then breaks the line; a backslash, tab, carriage return, other
// control characters, trailing spaces and non-ASCII are shown escaped, in
// color, so that every escape is unambiguous.
func showInvisible(data []byte, p palette) []string {
	var lines []string
	var line strings.Builder
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\n':
			line.WriteString(p.invisible(`\n`))
			lines = append(lines, line.String())
			line.Reset()
		case r == '\\':
			line.WriteString(p.invisible(`\\`))
		case r == '\t':
			line.WriteString(p.invisible(`\t`))
		case r == '\r':
			line.WriteString(p.invisible(`\r`))
		case r == ' ' && onlySpacesToLineEnd(data[i:]):
			line.WriteString(p.invisible("·"))
		case r == utf8.RuneError && size <= 1:
			line.WriteString(p.invisible(fmt.Sprintf(`\x%02x`, data[i])))
		case r < 0x20 || r == 0x7f:
			line.WriteString(p.invisible(fmt.Sprintf(`\x%02x`, r)))
		case r >= 0x80:
			line.WriteString(p.invisible(fmt.Sprintf(`\u{%x}`, r)))
		default:
			line.WriteRune(r)
		}
		i += size
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

func onlySpacesToLineEnd(rest []byte) bool {
	for _, c := range rest {
		if c == '\n' {
			return true
		}
		if c != ' ' {
			return false
		}
	}
	return true
}

// secretValues are the credential values that must not be shown: all but
// the API key, which is public. Longest first, so that masking one cannot
// leave part of a longer one visible.
func secretValues(creds map[string]string) []string {
	var out []string
	for name, v := range creds {
		if name != "api_key" && v != "" {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// maskHeader shows a header for people: credential values in it masked,
// and a value computed from a secret (an HMAC of a passphrase) masked
// whole.
func maskHeader(h sign.Header, secretHeaders map[string]bool, secrets []string, p palette) string {
	masked := maskSecrets(h.Value, secrets, p)
	secret := secretHeaders[h.Name]
	for name := range secretHeaders {
		// On the wire the name is canonicalized: Kc-Api-Passphrase.
		secret = secret || strings.EqualFold(name, h.Name)
	}
	if secret && masked == h.Value {
		return p.masked("****")
	}
	return masked
}

// maskSecrets hides credential values in s: a value equal to one, or
// containing one of four characters or more (shorter ones would mask
// unrelated text).
func maskSecrets(s string, secrets []string, p palette) string {
	for _, secret := range secrets {
		if s == secret || len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, p.masked("****"))
		}
	}
	return s
}

// canonicalExcerpt is what to show of the string to sign of res.
func (p *preparedRequest) canonicalExcerpt(res *sign.Result) excerpt {
	if p.canonical != nil {
		return *p.canonical
	}
	return excerptOf(res.Canonical)
}
