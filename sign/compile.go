package sign

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// FieldError is a problem with one field of a Spec. Field names the field
// as a definition file spells it ("signature.message", "headers.X-Sign").
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// Scheme is a compiled, checked signing scheme. It is not changed after
// Compile, so it is safe for concurrent use.
type Scheme struct {
	credentials     []string
	bodyFormat      BodyFormat
	timestamp       TimestampFormat
	timestampOffset string
	settings        map[string]string
	hash            hashAlg
	key             *stringExpr
	message         *stringExpr
	messageByMethod map[string]*stringExpr
	encoding        encoding
	headers         []compiledHeader
	preParams       []compiledParam
	postParams      []compiledParam
	// reads says which derived variables some expression reads; signing
	// skips computing the others.
	reads derivedReads
	// streams says when a body can be streamed (see CanStream).
	streams streaming
	// locations are the headers and parameters read back from a
	// received request; required are the variables one must carry.
	locations []Location
	required  []string
	// accepts is where received requests may carry parameters.
	accepts Accepts
}

// derivedReads lists the variables, worked out from others, that signing
// computes only when some expression reads them.
type derivedReads struct {
	pathQuery, relPathQuery, url, params bool
}

type compiledHeader struct {
	name  string
	value *stringExpr
}

type compiledParam struct {
	name  string
	value *stringExpr
	to    Placement
	first bool
}

// Compile checks a Spec and compiles its expressions. Errors are
// *FieldError values naming the field at fault.
func Compile(spec Spec) (*Scheme, error) {
	s := &Scheme{
		bodyFormat:      spec.BodyFormat,
		timestamp:       spec.Timestamp,
		timestampOffset: spec.TimestampOffsetSetting,
		settings:        spec.Settings,
		messageByMethod: map[string]*stringExpr{},
	}
	if s.bodyFormat == "" {
		s.bodyFormat = BodyJSON
	}
	if s.bodyFormat != BodyJSON && s.bodyFormat != BodyForm {
		return nil, fieldErr("body_format", "unknown body format %q (use json or form)", spec.BodyFormat)
	}
	if s.timestamp == "" {
		s.timestamp = NoTimestamp
	}
	if !s.timestamp.valid() {
		return nil, fieldErr("timestamp.format", "unknown timestamp format %q (use one of %v)", spec.Timestamp, TimestampFormats())
	}
	if o := s.timestampOffset; o != "" {
		if _, ok := s.settings[o]; !ok {
			return nil, fieldErr("timestamp.offset", "names setting %q, which the definition does not declare", o)
		}
	}
	for _, c := range spec.Credentials {
		if !slices.Contains(credentialNames(), c) {
			return nil, fieldErr("credentials", "unknown credential %q (use %s)", c, strings.Join(credentialNames(), ", "))
		}
	}
	s.credentials = spec.Credentials

	var ok bool
	if s.hash, ok = hashByName(spec.Hash); !ok {
		return nil, fieldErr("signature.hash", "unknown hash %q (use sha1, sha256, sha384 or sha512)", spec.Hash)
	}
	if s.encoding, ok = encodingByName(spec.Encoding); !ok {
		return nil, fieldErr("signature.encoding", "unknown encoding %q (use hex, hex-upper, base64 or base64url)", spec.Encoding)
	}

	c := &compiler{settings: spec.Settings, credentials: spec.Credentials}
	var err error
	keySrc := spec.Key
	if keySrc == "" {
		keySrc = "api_secret"
	}
	if s.key, err = c.compileKey("signature.key", keySrc); err != nil {
		return nil, err
	}
	if spec.Message == "" {
		return nil, fieldErr("signature.message", "is missing: say what string is signed")
	}
	if s.message, err = c.compile("signature.message", spec.Message, false); err != nil {
		return nil, err
	}
	for method, src := range spec.MessageByMethod {
		if method != strings.ToUpper(method) {
			return nil, fieldErr("signature.message_by_method."+method, "method names are upper case")
		}
		if s.messageByMethod[method], err = c.compile("signature.message_by_method."+method, src, false); err != nil {
			return nil, err
		}
	}
	for i, h := range spec.Headers {
		field := fmt.Sprintf("headers[%d]", i)
		if !validHeaderName(h.Name) {
			return nil, fieldErr(field+".name", "%q is not a valid header name", h.Name)
		}
		v, err := c.compile(field+".value", h.Value, true)
		if err != nil {
			return nil, err
		}
		s.headers = append(s.headers, compiledHeader{name: h.Name, value: v})
		loc, err := compileReadback(field, h.Read, v, spec.Settings)
		if err != nil {
			return nil, err
		}
		if loc != nil {
			loc.Header = h.Name
			s.locations = append(s.locations, *loc)
		}
	}
	for i, p := range spec.Params {
		field := fmt.Sprintf("params[%d]", i)
		if p.Name == "" {
			return nil, fieldErr(field+".name", "is missing")
		}
		to := p.To
		if to == "" {
			to = ToParams
		}
		if to != ToParams && to != ToQuery && to != ToBody {
			return nil, fieldErr(field+".to", "unknown placement %q (use params, query or body)", p.To)
		}
		if to != ToQuery && s.bodyFormat != BodyForm {
			return nil, fieldErr(field+".to", "a parameter can go in the body only when body_format is form")
		}
		v, err := c.compile(field+".value", p.Value, true)
		if err != nil {
			return nil, err
		}
		cp := compiledParam{name: p.Name, value: v, to: to, first: p.First}
		loc, err := compileReadback(field, p.Read, v, spec.Settings)
		if err != nil {
			return nil, err
		}
		if loc != nil {
			loc.Param, loc.To = p.Name, to
			s.locations = append(s.locations, *loc)
		}
		if v.usesSignature {
			s.postParams = append(s.postParams, cp)
		} else {
			s.preParams = append(s.preParams, cp)
		}
	}
	s.reads = derivedReads{
		pathQuery:    c.uses["path_query"],
		relPathQuery: c.uses["rel_path_query"],
		url:          c.uses["url"],
		params:       c.uses["params"],
	}
	if err := s.setAccepts(spec.Accepts); err != nil {
		return nil, err
	}
	messages := []ast.Expr{s.message.tree}
	for _, m := range s.messageByMethod {
		messages = append(messages, m.tree)
	}
	others := []*stringExpr{s.key}
	for _, h := range s.headers {
		others = append(others, h.value)
	}
	params := s.allParams()
	for _, p := range params {
		others = append(others, p.value)
	}
	s.streams = c.streaming(messages, others, s.bodyFormat == BodyForm, params)
	return s, nil
}

// setAccepts checks and records where received requests may carry
// parameters, and lists the variables one must carry.
func (s *Scheme) setAccepts(accepts Accepts) error {
	for i, to := range accepts.Params {
		if to != ToQuery && to != ToBody {
			return fieldErr(fmt.Sprintf("accepts.params[%d]", i), "unknown place %q (use query or body)", to)
		}
		if to == ToBody && s.bodyFormat != BodyForm && !slices.Contains(accepts.Bodies, BodyForm) {
			return fieldErr(fmt.Sprintf("accepts.params[%d]", i), "parameters can arrive in the body only when a form body is accepted")
		}
	}
	for i, f := range accepts.Bodies {
		if f != BodyJSON && f != BodyForm {
			return fieldErr(fmt.Sprintf("accepts.bodies[%d]", i), "unknown body format %q (use json or form)", f)
		}
	}
	s.accepts = accepts
	signed := []*stringExpr{s.message, s.key}
	for _, m := range s.messageByMethod {
		signed = append(signed, m)
	}
	s.required = []string{"signature"}
	for _, name := range []string{"timestamp", "api_key"} {
		for _, e := range signed {
			if slices.Contains(e.identifiers, name) && (name != "timestamp" || s.timestamp != NoTimestamp) {
				s.required = append(s.required, name)
				break
			}
		}
	}
	return nil
}

// Verifiable checks that a verifier can read back, from a received
// request, the signature and every input the string to sign or the key
// takes from it (see Required): a scheme for signing alone need not be,
// a vendor definition must. The error is a *FieldError.
func (s *Scheme) Verifiable() error {
	for _, name := range s.required {
		found := false
		for _, l := range s.locations {
			found = found || l.Carries(name)
		}
		if found {
			continue
		}
		if name == "signature" {
			return fieldErr("headers", "no header or parameter sends the signature: add one whose value uses signature")
		}
		return fieldErr("signature.message", "signs %s, but no header or parameter sends it in a form that can be read back (literal text around %s, or a declared read pattern)", name, name)
	}
	return nil
}

// Accepts says where received requests may carry their parameters.
func (s *Scheme) Accepts() Accepts { return s.accepts }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return false
		}
	}
	return true
}

// stringExpr is a compiled string expression: the pieces of a top-level
// chain of +, each a literal, a plain variable, or a compiled closure.
type stringExpr struct {
	source        string
	tree          ast.Expr
	pieces        []piece
	usesSignature bool
	identifiers   []string
}

type piece struct {
	// isBody marks the body variable, which a streamed body or one read
	// whole from the caller's bytes replaces (see Vars.wholeBody).
	isBody bool
	// name is the variable's name, for a variable piece.
	name     string
	literal  string
	variable func(*Vars) string
	closure  func(*Vars) (string, error)
}

type compiler struct {
	settings    map[string]string
	credentials []string
	uses        map[string]bool
	functions   map[string]function
}

// compile compiles an expression whose value is sent or printed (the
// message, a header, a parameter), which therefore cannot be a secret.
func (c *compiler) compile(field, src string, signatureAllowed bool) (*stringExpr, error) {
	return c.compileExpr(field, src, signatureAllowed, false)
}

// compileKey compiles the HMAC key, the one expression whose value may be
// a secret (see typeSecret in lang.go).
func (c *compiler) compileKey(field, src string) (*stringExpr, error) {
	return c.compileExpr(field, src, false, true)
}

func (c *compiler) compileExpr(field, src string, signatureAllowed, secretAllowed bool) (*stringExpr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, fieldErr(field, "is empty: it needs an expression")
	}
	invalid := func(err error) error {
		return &FieldError{Field: field, Err: fmt.Errorf("invalid expression %q: %v", src, oneLine(err))}
	}
	tree, err := parser.ParseExpr(src)
	if err != nil {
		return nil, invalid(err)
	}
	e := &stringExpr{source: src, tree: tree, identifiers: variablesOf(tree)}
	if c.uses == nil {
		c.uses = map[string]bool{}
	}
	for _, id := range e.identifiers {
		c.uses[id] = true
		switch {
		case id == "signature":
			if !signatureAllowed {
				return nil, fieldErr(field, "uses signature, which is not known until the message is signed")
			}
			e.usesSignature = true
		case slices.Contains(credentialNames(), id) && !slices.Contains(c.credentials, id):
			return nil, fieldErr(field, "uses %s, which is not in the definition's credentials list", id)
		}
	}
	if c.functions == nil {
		c.functions = functionTable()
	}
	// Each operand of a top-level + chain becomes a piece: literals and
	// plain variables are copied straight into the result; anything else
	// is a type-checked closure. Outside the key, none may be a secret.
	for _, operand := range concatOperands(tree) {
		p, err := c.piece(operand, secretAllowed)
		if err != nil {
			return nil, invalid(err)
		}
		e.pieces = append(e.pieces, p)
	}
	return e, nil
}

// usesBody reports whether the expression reads the body, directly or
// through its decoded parameters.
func (e *stringExpr) usesBody() bool {
	return slices.Contains(e.identifiers, "body") || slices.Contains(e.identifiers, "params")
}

// piece compiles one operand of a + chain, which may be a secret only
// when secretAllowed.
func (c *compiler) piece(n ast.Expr, secretAllowed bool) (piece, error) {
	for {
		paren, ok := n.(*ast.ParenExpr)
		if !ok {
			break
		}
		n = paren.X
	}
	x, err := c.text(n)
	if err != nil {
		return piece{}, err
	}
	if x.typ == typeSecret && !secretAllowed {
		return piece{}, errAt(n, "a secret cannot be sent or printed (a header, a parameter, the signed message): %s", secretRule)
	}
	switch n := n.(type) {
	case *ast.BasicLit:
		s, _ := x.str(nil)
		return piece{literal: s}, nil
	case *ast.Ident:
		if get, ok := stringVarGetter(n.Name); ok {
			return piece{variable: get, name: n.Name, isBody: n.Name == "body"}, nil
		}
	}
	return piece{closure: x.str}, nil
}

// concatOperands flattens a top-level chain of + into its operands.
func concatOperands(n ast.Expr) []ast.Expr {
	switch b := n.(type) {
	case *ast.BinaryExpr:
		if b.Op == token.ADD {
			return append(concatOperands(b.X), concatOperands(b.Y)...)
		}
	case *ast.ParenExpr:
		return concatOperands(b.X)
	}
	return []ast.Expr{n}
}

// variablesOf lists the variables an expression reads, in order of first
// use: identifiers that are not function names, selector names, true or
// false.
func variablesOf(n ast.Expr) []string {
	var seen []string
	ast.Inspect(n, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.CallExpr:
			for _, a := range node.Args {
				for _, v := range variablesOf(a) {
					if !slices.Contains(seen, v) {
						seen = append(seen, v)
					}
				}
			}
			return false // the function's name is not a variable
		case *ast.SelectorExpr:
			if id, ok := node.X.(*ast.Ident); ok && !slices.Contains(seen, id.Name) {
				seen = append(seen, id.Name)
			}
			return false
		case *ast.Ident:
			if node.Name != "true" && node.Name != "false" && !slices.Contains(seen, node.Name) {
				seen = append(seen, node.Name)
			}
		}
		return true
	})
	return seen
}

func oneLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}
