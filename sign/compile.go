package sign

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// FieldError is a problem with one field of a Spec. Field names the field
// as a definition file spells it ("signature.message", "headers.X-Sign").
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// Scheme is a compiled, checked signing scheme, safe for concurrent use.
type Scheme struct {
	credentials     []string
	bodyFormat      BodyFormat
	timestamp       TimestampFormat
	timestampOffset string
	settings        map[string]string
	newHash         hashFunc
	key             *stringExpr
	message         *stringExpr
	messageByMethod map[string]*stringExpr
	encode          func([]byte) string
	decode          func(string) ([]byte, error)
	headers         []compiledHeader
	preParams       []compiledParam
	postParams      []compiledParam
	// usesVM says whether any expression needs the expr virtual machine.
	usesVM bool
	// uses holds every variable some expression reads; signing skips
	// computing the others (decoded parameters, URL forms).
	uses map[string]bool
	// bodyEscapes says whether a header or a parameter added after
	// signing uses the body, so that the body must be copied rather than
	// viewed.
	bodyEscapes bool
	// macs pools keyed HMACs (*macState) for reuse.
	macs sync.Pool
	// keyCredentials are the credentials the key expression reads, when
	// it reads nothing else (so its value can be cached per credentials).
	keyCredentials []string
	// lastBase is the last base URL split.
	lastBase atomic.Pointer[baseURL]
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
	if s.newHash, ok = hashByName(spec.Hash); !ok {
		return nil, fieldErr("signature.hash", "unknown hash %q (use sha1, sha256, sha384 or sha512)", spec.Hash)
	}
	if s.encode, s.decode, ok = encodingByName(spec.Encoding); !ok {
		return nil, fieldErr("signature.encoding", "unknown encoding %q (use hex, hex-upper, base64 or base64url)", spec.Encoding)
	}

	c := &compiler{settings: spec.Settings, credentials: spec.Credentials}
	var err error
	keySrc := spec.Key
	if keySrc == "" {
		keySrc = "api_secret"
	}
	if s.key, err = c.compile("signature.key", keySrc, false); err != nil {
		return nil, err
	}
	s.keyCredentials = credentialsOnly(s.key.identifiers)
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
	for _, h := range spec.Headers {
		field := "headers." + h.Name
		if !validHeaderName(h.Name) {
			return nil, fieldErr(field, "%q is not a valid header name", h.Name)
		}
		v, err := c.compile(field, h.Value, true)
		if err != nil {
			return nil, err
		}
		s.headers = append(s.headers, compiledHeader{name: h.Name, value: v})
		s.bodyEscapes = s.bodyEscapes || v.usesBody()
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
		if v.usesSignature {
			s.postParams = append(s.postParams, cp)
			s.bodyEscapes = s.bodyEscapes || v.usesBody()
		} else {
			s.preParams = append(s.preParams, cp)
		}
	}
	s.usesVM, s.uses = c.usesVM, c.uses
	return s, nil
}

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
// chain of `+`, each a literal, a plain variable, or a program for the
// expr virtual machine.
type stringExpr struct {
	source        string
	pieces        []piece
	usesSignature bool
	identifiers   []string
}

type piece struct {
	literal  string
	variable func(*Vars) string
	// call is one of the engine's own string functions, evaluated
	// natively on args.
	call    func(args []string) (string, error)
	args    []*stringExpr
	program *vm.Program
}

type compiler struct {
	settings    map[string]string
	credentials []string
	usesVM      bool
	uses        map[string]bool
	exprOptions []expr.Option
}

func (c *compiler) options() []expr.Option {
	if c.exprOptions == nil {
		c.exprOptions = append([]expr.Option{expr.Env(Vars{}), expr.AsKind(reflect.String)}, exprFunctions()...)
	}
	return c.exprOptions
}

func (c *compiler) compile(field, src string, signatureAllowed bool) (*stringExpr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, fieldErr(field, "is empty: it needs an expression")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, &FieldError{Field: field, Err: fmt.Errorf("invalid expression %q: %v", src, oneLine(err))}
	}
	// Type-check the whole expression once, so errors name the field and
	// quote the source as written. A chain of string variables and
	// literals is a string by construction: skipping expr's compiler for
	// it keeps start-up fast (most headers and many messages are such
	// chains).
	if !plainConcat(tree.Node) {
		if _, err := expr.Compile(src, c.options()...); err != nil {
			return nil, &FieldError{Field: field, Err: fmt.Errorf("invalid expression %q: %v", src, oneLine(err))}
		}
	}
	e := &stringExpr{source: src}
	ast.Walk(&tree.Node, &identifierCollector{seen: &e.identifiers})
	if c.uses == nil {
		c.uses = map[string]bool{}
	}
	for _, id := range e.identifiers {
		c.uses[id] = true
	}
	for _, id := range e.identifiers {
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
	if err := c.checkSettings(field, tree.Node); err != nil {
		return nil, err
	}
	// Split the + chain into pieces evaluated without the virtual machine
	// when every operand allows it; otherwise run the source as written,
	// as one program (re-printing a sub-expression from its syntax tree
	// can lose the parentheses it needs).
	for _, operand := range concatOperands(tree.Node) {
		p, ok := c.piece(operand)
		if !ok {
			e.pieces = nil
			break
		}
		e.pieces = append(e.pieces, p)
	}
	if e.pieces == nil {
		program, err := expr.Compile(src, c.options()...)
		if err != nil {
			return nil, &FieldError{Field: field, Err: fmt.Errorf("invalid expression %q: %v", src, oneLine(err))}
		}
		c.usesVM = true
		e.pieces = []piece{{program: program}}
	}
	return e, nil
}

// credentialsOnly returns identifiers when all of them are credentials,
// and nil otherwise.
func credentialsOnly(identifiers []string) []string {
	var creds []string
	for _, id := range identifiers {
		switch {
		case slices.Contains(credentialNames(), id):
			creds = append(creds, id)
		case isFunction(id):
			// the engine's pure functions keep the key a function of
			// the credentials
		default:
			return nil
		}
	}
	return creds
}

func isFunction(name string) bool {
	for _, f := range Functions() {
		if f.Name == name {
			return true
		}
	}
	return false
}

// usesBody reports whether the expression reads the body, directly or
// through its decoded parameters.
func (e *stringExpr) usesBody() bool {
	return slices.Contains(e.identifiers, "body") || slices.Contains(e.identifiers, "params")
}

// plainConcat reports whether n is string literals and plain string
// variables joined by +.
func plainConcat(n ast.Node) bool {
	for _, operand := range concatOperands(n) {
		switch o := operand.(type) {
		case *ast.StringNode:
		case *ast.IdentifierNode:
			if _, ok := stringVarGetter(o.Value); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// checkSettings rejects settings.NAME for names the definition does not
// declare, which would otherwise silently evaluate to "".
func (c *compiler) checkSettings(field string, root ast.Node) error {
	var missing string
	ast.Walk(&root, visitorFunc(func(n *ast.Node) {
		m, ok := (*n).(*ast.MemberNode)
		if !ok {
			return
		}
		if id, ok := m.Node.(*ast.IdentifierNode); !ok || id.Value != "settings" {
			return
		}
		if name, ok := m.Property.(*ast.StringNode); ok {
			if _, declared := c.settings[name.Value]; !declared && missing == "" {
				missing = name.Value
			}
		}
	}))
	if missing != "" {
		return fieldErr(field, "uses settings.%s, which the definition does not declare under [settings]", missing)
	}
	return nil
}

// piece compiles one operand of a + chain to run without the virtual
// machine: a literal, a plain variable, or a native call; false otherwise.
func (c *compiler) piece(n ast.Node) (piece, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return piece{literal: n.Value}, true
	case *ast.IdentifierNode:
		if get, ok := stringVarGetter(n.Value); ok {
			return piece{variable: get}, true
		}
	case *ast.CallNode:
		return c.nativeCall(n)
	}
	return piece{}, false
}

// nativeCall compiles a call of one of the engine's string functions whose
// arguments are themselves literals, variables, native calls or `+` chains
// of them, so that it runs without the virtual machine. The expression is
// already type-checked: every argument is a string.
func (c *compiler) nativeCall(n *ast.CallNode) (piece, bool) {
	callee, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return piece{}, false
	}
	fn, ok := nativeFunction(callee.Value, len(n.Arguments))
	if !ok {
		return piece{}, false
	}
	p := piece{call: fn}
	for _, arg := range n.Arguments {
		e := &stringExpr{source: arg.String()}
		for _, operand := range concatOperands(arg) {
			sub, ok := c.piece(operand)
			if !ok {
				return piece{}, false
			}
			e.pieces = append(e.pieces, sub)
		}
		p.args = append(p.args, e)
	}
	return p, true
}

// concatOperands flattens a top-level chain of string `+` into its
// operands. The whole expression is already known to be a string, so every
// operand of a top-level `+` is a string too.
func concatOperands(n ast.Node) []ast.Node {
	if b, ok := n.(*ast.BinaryNode); ok && b.Operator == "+" {
		return append(concatOperands(b.Left), concatOperands(b.Right)...)
	}
	return []ast.Node{n}
}

type identifierCollector struct{ seen *[]string }

func (v *identifierCollector) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && !slices.Contains(*v.seen, id.Value) {
		*v.seen = append(*v.seen, id.Value)
	}
}

type visitorFunc func(*ast.Node)

func (f visitorFunc) Visit(n *ast.Node) { f(n) }

func oneLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}
