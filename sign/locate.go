package sign

import "go/ast"

// Location is where a scheme puts one value in a request: a header, or a
// parameter in the query or a form body, possibly between literal text
// ("sha256=" + signature).
type Location struct {
	// Header is the header name, or "" for a parameter.
	Header string
	// Param is the parameter name, or "" for a header.
	Param string
	// To is where a parameter goes (ToParams, ToQuery or ToBody).
	To Placement
	// Prefix and Suffix are the literal text around the value.
	Prefix, Suffix string
}

// Locate lists where the scheme sends the variable called name
// ("signature", "timestamp", "api_key", ...): the headers and parameters
// whose value is that variable, alone or between literals.
func (s *Scheme) Locate(name string) []Location {
	var out []Location
	for _, h := range s.headers {
		if prefix, suffix, ok := h.value.around(name); ok {
			out = append(out, Location{Header: h.name, Prefix: prefix, Suffix: suffix})
		}
	}
	for _, p := range s.params() {
		if prefix, suffix, ok := p.value.around(name); ok {
			out = append(out, Location{Param: p.name, To: p.to, Prefix: prefix, Suffix: suffix})
		}
	}
	return out
}

// LocateSetting lists the headers and parameters whose value is exactly
// settings.NAME, so that a received request can give the setting's value.
func (s *Scheme) LocateSetting(name string) []Location {
	var out []Location
	for _, h := range s.headers {
		if got, ok := settingOf(h.value.tree); ok && got == name {
			out = append(out, Location{Header: h.name})
		}
	}
	for _, p := range s.params() {
		if got, ok := settingOf(p.value.tree); ok && got == name {
			out = append(out, Location{Param: p.name, To: p.to})
		}
	}
	return out
}

// params lists every parameter the scheme adds, before and after signing.
func (s *Scheme) params() []compiledParam {
	return append(append([]compiledParam(nil), s.preParams...), s.postParams...)
}

// around reports whether the expression is literals around one use of the
// variable name, and the literals.
func (e *stringExpr) around(name string) (prefix, suffix string, ok bool) {
	seen := false
	for _, p := range e.pieces {
		switch {
		case p.variable != nil && p.name == name && !seen:
			seen = true
		case p.variable == nil && p.closure == nil:
			if seen {
				suffix += p.literal
			} else {
				prefix += p.literal
			}
		default:
			return "", "", false
		}
	}
	return prefix, suffix, seen
}

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
