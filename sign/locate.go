package sign

import (
	"errors"
	"fmt"
	"go/ast"
	"slices"
	"strings"
)

// Location is where a scheme sends values a verifier reads back: a
// header, or a parameter in the query or a body, and how its text carries
// them.
type Location struct {
	// Header is the header name, or "" for a parameter.
	Header string
	// Param is the parameter name, or "" for a header.
	Param string
	// To is where a parameter goes (ToParams, ToQuery or ToBody).
	To Placement
	// Patterns read the value; see Readback.
	Patterns []Pattern
	// Split cuts the value into parts first; see Readback.
	Split string
	// Field is the definition field that declares it ("headers[2]").
	Field string
}

// Pattern is a compiled read-back template: literal text and
// placeholders, alternating.
type Pattern struct {
	source string
	// literals has one more element than names: the text before each
	// placeholder, then the text after the last.
	literals []string
	names    []string
}

// String is the pattern as a definition writes it.
func (p Pattern) String() string { return p.source }

// Variables lists the variables a location carries, each once, in
// pattern order.
func (l Location) Variables() []string {
	var out []string
	for _, p := range l.Patterns {
		for _, n := range p.names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// Carries reports whether the location carries the variable name.
func (l Location) Carries(name string) bool { return slices.Contains(l.Variables(), name) }

// Where names the location for people: "header Stripe-Signature",
// "parameter signature".
func (l Location) Where() string {
	if l.Header != "" {
		return "header " + l.Header
	}
	return "parameter " + l.Param
}

// Form describes the text the location expects, for messages:
// "t={timestamp},v1={signature}", or parts joined by the separator.
func (l Location) Form() string {
	forms := make([]string, len(l.Patterns))
	for i, p := range l.Patterns {
		forms[i] = p.source
	}
	if l.Split != "" {
		return strings.Join(forms, l.Split) + " (parts separated by " + fmt.Sprintf("%q", l.Split) + ")"
	}
	return strings.Join(forms, "")
}

// ErrNoMatch says a received value does not have the form a location
// declares.
var ErrNoMatch = errors.New("the value does not have the declared form")

// Read takes a received value apart: the values of its variables, by
// name. Only signature may have several values (parts of a split value);
// a variable read twice with different values is an error, and so is a
// value, or a split value's every part, that no pattern matches.
func (l Location) Read(value string) (map[string][]string, error) {
	out := map[string][]string{}
	if l.Split == "" {
		got, ok := l.Patterns[0].match(value)
		if !ok {
			return nil, ErrNoMatch
		}
		for i, n := range l.Patterns[0].names {
			out[n] = append(out[n], got[i])
		}
		return out, nil
	}
	matched := false
	for _, part := range strings.Split(value, l.Split) {
		part = strings.TrimSpace(part)
		for _, p := range l.Patterns {
			got, ok := p.match(part)
			if !ok {
				continue
			}
			matched = true
			for i, n := range p.names {
				if n != "signature" && len(out[n]) > 0 && out[n][0] != got[i] {
					return nil, fmt.Errorf("%s appears twice with different values", n)
				}
				if n == "signature" || len(out[n]) == 0 {
					out[n] = append(out[n], got[i])
				}
			}
			break
		}
	}
	if !matched {
		return nil, ErrNoMatch
	}
	return out, nil
}

// match reads the placeholders' values from s, each up to the first
// occurrence of the literal after it.
func (p Pattern) match(s string) ([]string, bool) {
	rest, ok := strings.CutPrefix(s, p.literals[0])
	if !ok {
		return nil, false
	}
	values := make([]string, len(p.names))
	for i := range p.names {
		next := p.literals[i+1]
		if i == len(p.names)-1 {
			v, ok := strings.CutSuffix(rest, next)
			if !ok {
				return nil, false
			}
			values[i] = v
			return values, true
		}
		at := strings.Index(rest, next)
		if at < 0 {
			return nil, false
		}
		values[i], rest = rest[:at], rest[at+len(next):]
	}
	return values, rest == ""
}

// compilePattern parses a read-back template. Placeholders name
// variables a request carries; two must be separated by literal text.
func compilePattern(src string, settings map[string]string) (Pattern, error) {
	p := Pattern{source: src}
	var lit strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '{' && strings.HasPrefix(src[i:], "{{"):
			lit.WriteByte('{')
			i++
		case c == '}' && strings.HasPrefix(src[i:], "}}"):
			lit.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return Pattern{}, fmt.Errorf("read pattern %q: unclosed {", src)
			}
			name := src[i+1 : i+end]
			if err := readableVariable(name, settings); err != nil {
				return Pattern{}, fmt.Errorf("read pattern %q: %v", src, err)
			}
			if len(p.names) > 0 && lit.Len() == 0 {
				return Pattern{}, fmt.Errorf("read pattern %q: {%s} follows another placeholder with no text between them, so the two cannot be told apart", src, name)
			}
			p.literals = append(p.literals, lit.String())
			p.names = append(p.names, name)
			lit.Reset()
			i += end
		case c == '}':
			return Pattern{}, fmt.Errorf("read pattern %q: a lone } (write }} for a literal brace)", src)
		default:
			lit.WriteByte(c)
		}
	}
	if len(p.names) == 0 {
		return Pattern{}, fmt.Errorf("read pattern %q has no placeholder such as {signature}", src)
	}
	p.literals = append(p.literals, lit.String())
	return p, nil
}

// readableVariable checks that a placeholder names a variable a received
// request can carry.
func readableVariable(name string, settings map[string]string) error {
	if setting, ok := strings.CutPrefix(name, "settings."); ok {
		if _, declared := settings[setting]; !declared {
			return fmt.Errorf("{%s}: the definition declares no setting %s", name, setting)
		}
		return nil
	}
	if slices.Contains(readableVariables(), name) {
		return nil
	}
	return fmt.Errorf("{%s} is not a variable a request carries (use %s or settings.NAME)", name, strings.Join(readableVariables(), ", "))
}

// readableVariables are the variables a received request carries and a
// read-back pattern may name.
func readableVariables() []string {
	return []string{"signature", "timestamp", "api_key"}
}

// compileReadback compiles a header's or parameter's read-back, declared
// or derived from its value. It returns no location for a value that
// carries no readable variable (a constant, a derived passphrase); a
// value that uses signature must be readable.
func compileReadback(field string, rb Readback, value *stringExpr, settings map[string]string) (*Location, error) {
	loc := &Location{Split: rb.Split, Field: field}
	if len(rb.Patterns) == 0 {
		if rb.Split != "" {
			return nil, fieldErr(field+".split", "needs read patterns to match the parts against")
		}
		src, ok := derivedPattern(value)
		if !ok {
			if value.usesSignature {
				return nil, fieldErr(field+".value", "uses signature in a shape that cannot be read back from a request; declare how, such as read = \"sha256={signature}\" (see docs/format.md, Reading back)")
			}
			return nil, nil
		}
		p, err := compilePattern(src, settings)
		if err != nil {
			return nil, fieldErr(field+".value", "%v", err)
		}
		loc.Patterns = []Pattern{p}
		return loc, nil
	}
	if len(rb.Patterns) > 1 && rb.Split == "" {
		return nil, fieldErr(field+".read", "several patterns need split, the separator between the parts")
	}
	for _, src := range rb.Patterns {
		p, err := compilePattern(src, settings)
		if err != nil {
			return nil, fieldErr(field+".read", "%v", err)
		}
		for _, n := range p.names {
			if !slices.Contains(value.identifiers, n) && !(strings.HasPrefix(n, "settings.") && slices.Contains(value.identifiers, "settings")) {
				return nil, fieldErr(field+".read", "pattern %q reads {%s}, which the value does not use", src, n)
			}
		}
		loc.Patterns = append(loc.Patterns, p)
	}
	if value.usesSignature && !loc.Carries("signature") {
		return nil, fieldErr(field+".read", "the value uses signature but no pattern reads {signature}")
	}
	return loc, nil
}

// derivedPattern writes the read-back pattern of a value that is literal
// text around one readable variable or setting, doubling braces.
func derivedPattern(e *stringExpr) (string, bool) {
	var b strings.Builder
	seen := false
	for _, p := range e.pieces {
		switch {
		case p.variable != nil && slices.Contains(readableVariables(), p.name) && !seen:
			seen = true
			b.WriteString("{" + p.name + "}")
		case p.variable == nil && p.closure == nil:
			b.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(p.literal))
		case len(e.pieces) == 1:
			name, ok := settingOf(e.tree)
			if !ok {
				return "", false
			}
			return "{settings." + name + "}", true
		default:
			return "", false
		}
	}
	return b.String(), seen
}

// Locations lists the headers and parameters a verifier reads back, in
// the order the scheme sends them.
func (s *Scheme) Locations() []Location { return s.locations }

// Required lists the variables a received request must carry to be
// verified: signature, and timestamp and api_key when the string to sign
// or the key uses them.
func (s *Scheme) Required() []string { return s.required }

// settingOf reports whether an expression is exactly settings.NAME.
func settingOf(n ast.Expr) (string, bool) {
	sel, ok := unparen(n).(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	if x, ok := sel.X.(*ast.Ident); ok && x.Name == "settings" {
		return sel.Sel.Name, true
	}
	return "", false
}

// SecretHeaders lists the headers whose value is computed from a secret
// credential (the API secret, a passphrase, a token) other than through
// the signature, such as KuCoin's HMAC of the passphrase: displays for
// people mask them.
func (s *Scheme) SecretHeaders() map[string]bool {
	out := map[string]bool{}
	for _, h := range s.headers {
		for _, id := range h.value.identifiers {
			if id == "api_secret" || id == "api_passphrase" || id == "token" {
				out[h.name] = true
			}
		}
	}
	return out
}

// DecodesQuery reports whether the string to sign takes the query with
// its escapes undone (unescape(query)), as Gate, KuCoin and Bitget sign
// it, rather than as sent.
func (s *Scheme) DecodesQuery() bool {
	messages := []*stringExpr{s.message}
	for _, m := range s.messageByMethod {
		messages = append(messages, m)
	}
	for _, m := range messages {
		found := false
		ast.Inspect(m.tree, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if name, ok := call.Fun.(*ast.Ident); ok && name.Name == "unescape" && slices.Contains(variablesOf(call), "query") {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// ParamNames lists the names of the parameters the scheme adds to every
// request (to the query or a form body): those added before signing, then
// those added after.
func (s *Scheme) ParamNames() []string {
	var names []string
	for _, p := range s.allParams() {
		names = append(names, p.name)
	}
	return names
}

// allParams lists every parameter the scheme adds, before and after
// signing.
func (s *Scheme) allParams() []compiledParam {
	return append(append([]compiledParam(nil), s.preParams...), s.postParams...)
}
