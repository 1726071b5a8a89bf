package sign

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"strconv"
	"strings"
)

// Expressions are Go expressions, parsed by the standard library's
// go/parser and compiled here into closures over *Vars with their types
// checked. The subset: string literals (with Go's escapes), variables,
// settings.NAME, + on strings, == and != on strings, &&, || and ! on
// booleans, true and false, s[i:j] with constant bounds, parentheses, and
// calls of the functions in builtins.
//
// Secrets are a type of their own: api_secret is a secret, and so is any
// value made from one (see typeSecret). The type check keeps a secret
// from reaching anything that is sent, printed or compared, so that a
// definition, which is data a user may have copied from anywhere, cannot
// read the secret back out.

type valueType int

const (
	typeString valueType = iota
	typeBool
	typePairs
	// typeSecret is the API secret or a value made from it. At run time
	// it is a Go string like any other; at compile time it may only flow
	// into the HMAC key: the whole signature.key, or hmac's key argument
	// (whose result, a MAC, is a plain string). On the way it may go
	// through b64decode, hexdecode, + with strings or secrets, and a
	// branch of ifelse or or; the result of each is a secret. It cannot be
	// sliced, compared, passed to any other function, or be a header, a
	// parameter or the signed message.
	typeSecret
)

func (t valueType) String() string {
	return [...]string{"string", "bool", "pairs", "secret"}[t]
}

// secretRule says where a secret may go, for the errors that refuse one
// anywhere else.
const secretRule = "a secret (api_secret or a value made from it) may only be the HMAC key: " +
	"signature.key, or hmac()'s key argument as in base64(hmac(\"sha256\", api_secret, api_passphrase)), " +
	"reached through b64decode(), hexdecode(), + with strings, ifelse() or or()"

// compiled is one type-checked expression node; the function for its type
// is set (str for a string or a secret).
type compiled struct {
	typ   valueType
	str   func(*Vars) (string, error)
	bool  func(*Vars) (bool, error)
	pairs func(*Vars) ([]Pair, error)
}

// function is one function expressions can call: a row of builtins, the
// one table that is both what the engine runs and what Functions
// documents.
type function struct {
	name string
	// signature and doc document the function (see Function).
	signature, doc string
	// args are the argument types; an argument of type secret takes a
	// string or a secret.
	args []valueType
	// ret is the result type; secret means a secret when an argument of
	// type secret is given one, and a string otherwise.
	ret valueType
	// strings, when set, is the function for string arguments and
	// result, called without boxing them; call is the function otherwise.
	// The arguments come in an array, passed by value so that it stays
	// on the caller's stack; those past len(args) are zero.
	strings func(args [maxArgs]string) (string, error)
	call    func(args [maxArgs]any) (any, error)
	// mac, when set, is the function of a keyed hash (hmac): its first
	// argument must be a quoted hash name, checked and resolved when the
	// expression is compiled, and mac is called with the hash and the
	// other two arguments.
	mac func(h hashAlg, key, message string) string
}

// maxArgs is the most arguments a function takes (checked by
// TestBuiltinsFitMaxArgs).
const maxArgs = 3

// builtins lists the functions expressions can call, in the order they
// are documented. Hashes return raw bytes; wrap them in hex() or base64()
// for text.
func builtins() []function {
	str1 := func(name, signature, doc string, fn func(string) string) function {
		return function{name: name, signature: signature, doc: doc, args: []valueType{typeString}, ret: typeString,
			strings: func(a [maxArgs]string) (string, error) { return fn(a[0]), nil }}
	}
	return []function{
		str1("hex", "hex(s) string", "lower-case hex of the bytes of s", func(s string) string { return hex.EncodeToString([]byte(s)) }),
		str1("base64", "base64(s) string", "standard base64 with padding", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
		str1("base64url", "base64url(s) string", "URL-safe base64 without padding", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }),
		{name: "b64decode", signature: "b64decode(s) string", doc: "decodes standard base64 (padded or not); an error if s is not base64; a secret when s is one (a key given in base64)",
			args: []valueType{typeSecret}, ret: typeSecret, strings: func(a [maxArgs]string) (string, error) { return decodeBase64(a[0]) }},
		{name: "hexdecode", signature: "hexdecode(s) string", doc: "decodes hex (either case); an error if s is not hex; a secret when s is one (a key given in hex)",
			args: []valueType{typeSecret}, ret: typeSecret, strings: func(a [maxArgs]string) (string, error) { return decodeHex(a[0]) }},
		str1("sha1", "sha1(s) string", "SHA-1 digest, raw bytes", hashSHA1.digest),
		str1("sha256", "sha256(s) string", "SHA-256 digest, raw bytes", hashSHA256.digest),
		str1("sha384", "sha384(s) string", "SHA-384 digest, raw bytes", hashSHA384.digest),
		str1("sha512", "sha512(s) string", "SHA-512 digest, raw bytes", hashSHA512.digest),
		{name: "hmac", signature: "hmac(hash, key, message) string", doc: "HMAC, raw bytes; hash is a quoted \"sha1\", \"sha256\", \"sha384\" or \"sha512\"; key may be a secret (the result is not one)",
			args: []valueType{typeString, typeSecret, typeString}, ret: typeString, mac: hashAlg.macString},
		str1("unescape", "unescape(s) string", "undoes form encoding: + is a space, %XX its byte, an invalid escape kept (Python's unquote_plus)", Unescape),
		str1("upper", "upper(s) string", "upper case", strings.ToUpper),
		str1("lower", "lower(s) string", "lower case", strings.ToLower),
		{name: "trim_prefix", signature: "trim_prefix(s, prefix) string", doc: "s without prefix, when it starts with it",
			args: []valueType{typeString, typeString}, ret: typeString, strings: func(a [maxArgs]string) (string, error) { return strings.TrimPrefix(a[0], a[1]), nil }},
		{name: "replace", signature: "replace(s, old, new) string", doc: "every old in s replaced by new",
			args: []valueType{typeString, typeString, typeString}, ret: typeString, strings: func(a [maxArgs]string) (string, error) { return strings.ReplaceAll(a[0], a[1], a[2]), nil }},
		{name: "or", signature: "or(a, b) string", doc: "a when it is not empty, else b; a secret when a or b is one",
			args: []valueType{typeSecret, typeSecret}, ret: typeSecret, strings: func(a [maxArgs]string) (string, error) {
				if a[0] != "" {
					return a[0], nil
				}
				return a[1], nil
			}},
		{name: "ifelse", signature: "ifelse(cond, a, b) string", doc: "a when cond is true, else b (both are evaluated); a secret when a or b is one",
			args: []valueType{typeBool, typeSecret, typeSecret}, ret: typeSecret, call: func(a [maxArgs]any) (any, error) {
				if a[0].(bool) {
					return a[1], nil
				}
				return a[2], nil
			}},
		{name: "pairs", signature: "pairs(s) pairs", doc: "decodes a query string or form body into name/value pairs",
			args: []valueType{typeString}, ret: typePairs, call: func(a [maxArgs]any) (any, error) { return ParsePairs(a[0].(string)), nil }},
		{name: "sort_pairs", signature: "sort_pairs(p) pairs", doc: "pairs sorted by name (stable)",
			args: []valueType{typePairs}, ret: typePairs, call: func(a [maxArgs]any) (any, error) { return SortPairs(a[0].([]Pair)), nil }},
		{name: "join_pairs", signature: "join_pairs(p, nameValueSep, pairSep) string", doc: "pairs written undecoded, e.g. join_pairs(p, \"=\", \"&\")",
			args: []valueType{typePairs, typeString, typeString}, ret: typeString, call: func(a [maxArgs]any) (any, error) {
				return JoinPairs(a[0].([]Pair), a[1].(string), a[2].(string)), nil
			}},
		{name: "encode_pairs", signature: "encode_pairs(p) string", doc: "pairs written form-urlencoded",
			args: []valueType{typePairs}, ret: typeString, call: func(a [maxArgs]any) (any, error) { return EncodePairs(a[0].([]Pair)), nil }},
		{name: "json_object", signature: "json_object(p) string", doc: "pairs as a compact JSON object of strings, in order, as JSON.stringify writes it",
			args: []valueType{typePairs}, ret: typeString, call: func(a [maxArgs]any) (any, error) { return JSONObject(a[0].([]Pair)), nil }},
	}
}

// functionTable is builtins by name.
func functionTable() map[string]function {
	table := map[string]function{}
	for _, f := range builtins() {
		table[f.name] = f
	}
	return table
}

// refuseSecret is the error for a secret given as argument i of fn.
func (fn function) refuseSecret(n ast.Node, i int) error {
	if len(fn.args) == 1 {
		return errAt(n, "%s() cannot take a secret: %s", fn.name, secretRule)
	}
	params := fn.signature[strings.IndexByte(fn.signature, '(')+1 : strings.IndexByte(fn.signature, ')')]
	return errAt(n, "%s()'s %s (argument %d) cannot be a secret: %s", fn.name, strings.Split(params, ", ")[i], i+1, secretRule)
}

// exprError is a compile error at a position in the expression.
type exprError struct {
	pos token.Pos
	msg string
}

func (e *exprError) Error() string {
	if e.pos.IsValid() {
		return fmt.Sprintf("column %d: %s", int(e.pos), e.msg)
	}
	return e.msg
}

func errAt(n ast.Node, format string, args ...any) error {
	return &exprError{pos: n.Pos(), msg: fmt.Sprintf(format, args...)}
}

// compileNode type-checks an expression node and turns it into a closure.
func (c *compiler) compileNode(n ast.Expr) (compiled, error) {
	switch n := n.(type) {
	case *ast.ParenExpr:
		return c.compileNode(n.X)
	case *ast.BasicLit:
		if n.Kind != token.STRING {
			return compiled{}, errAt(n, "%s is not a string: quote it (\"...\")", n.Value)
		}
		s, err := strconv.Unquote(n.Value)
		if err != nil {
			return compiled{}, errAt(n, "bad string literal %s", n.Value)
		}
		return constString(s), nil
	case *ast.Ident:
		return c.compileIdent(n)
	case *ast.SelectorExpr:
		x, ok := n.X.(*ast.Ident)
		if !ok || x.Name != "settings" {
			return compiled{}, errAt(n, "only settings.NAME can use a dot")
		}
		name := n.Sel.Name
		if _, declared := c.settings[name]; !declared {
			return compiled{}, errAt(n, "uses settings.%s, which the definition does not declare under [settings]", name)
		}
		return compiled{typ: typeString, str: func(v *Vars) (string, error) { return v.Settings[name], nil }}, nil
	case *ast.BinaryExpr:
		return c.compileBinary(n)
	case *ast.UnaryExpr:
		if n.Op != token.NOT {
			return compiled{}, errAt(n, "operator %s is not supported", n.Op)
		}
		x, err := c.expect(n.X, typeBool)
		if err != nil {
			return compiled{}, err
		}
		return compiled{typ: typeBool, bool: func(v *Vars) (bool, error) {
			b, err := x.bool(v)
			return !b, err
		}}, nil
	case *ast.SliceExpr:
		return c.compileSlice(n)
	case *ast.CallExpr:
		return c.compileCall(n)
	}
	return compiled{}, errAt(n, "this kind of expression is not supported")
}

func constString(s string) compiled {
	return compiled{typ: typeString, str: func(*Vars) (string, error) { return s, nil }}
}

func (c *compiler) compileIdent(n *ast.Ident) (compiled, error) {
	switch n.Name {
	case "true", "false":
		b := n.Name == "true"
		return compiled{typ: typeBool, bool: func(*Vars) (bool, error) { return b, nil }}, nil
	case "params":
		return compiled{typ: typePairs, pairs: func(v *Vars) ([]Pair, error) { return v.Params, nil }}, nil
	case "settings":
		return compiled{}, errAt(n, "settings needs a name: settings.NAME")
	}
	get, ok := stringVarGetter(n.Name)
	if !ok {
		if _, isFunc := c.functions[n.Name]; isFunc {
			return compiled{}, errAt(n, "%s is a function: call it, %s(...)", n.Name, n.Name)
		}
		return compiled{}, errAt(n, "unknown variable %s", n.Name)
	}
	typ := typeString
	if isSecretVar(n.Name) {
		typ = typeSecret
	}
	return compiled{typ: typ, str: func(v *Vars) (string, error) { return get(v), nil }}, nil
}

func (c *compiler) compileBinary(n *ast.BinaryExpr) (compiled, error) {
	switch n.Op {
	case token.ADD:
		x, err := c.text(n.X)
		if err != nil {
			return compiled{}, err
		}
		y, err := c.text(n.Y)
		if err != nil {
			return compiled{}, err
		}
		return compiled{typ: joinType(x.typ, y.typ), str: func(v *Vars) (string, error) {
			a, err := x.str(v)
			if err != nil {
				return "", err
			}
			b, err := y.str(v)
			return a + b, err
		}}, nil
	case token.EQL, token.NEQ:
		x, err := c.plain(n.X, "a secret cannot be compared")
		if err != nil {
			return compiled{}, err
		}
		y, err := c.plain(n.Y, "a secret cannot be compared")
		if err != nil {
			return compiled{}, err
		}
		equal := n.Op == token.EQL
		return compiled{typ: typeBool, bool: func(v *Vars) (bool, error) {
			a, err := x.str(v)
			if err != nil {
				return false, err
			}
			b, err := y.str(v)
			return (a == b) == equal, err
		}}, nil
	case token.LAND, token.LOR:
		x, err := c.expect(n.X, typeBool)
		if err != nil {
			return compiled{}, err
		}
		y, err := c.expect(n.Y, typeBool)
		if err != nil {
			return compiled{}, err
		}
		and := n.Op == token.LAND
		return compiled{typ: typeBool, bool: func(v *Vars) (bool, error) {
			a, err := x.bool(v)
			if err != nil || a != and {
				return a, err
			}
			return y.bool(v)
		}}, nil
	}
	return compiled{}, errAt(n, "operator %s is not supported (use +, ==, !=, &&, ||, !)", n.Op)
}

// joinType is the type of a value made from a and b, strings or
// secrets: a secret when either is one.
func joinType(a, b valueType) valueType {
	if a == typeSecret || b == typeSecret {
		return typeSecret
	}
	return typeString
}

func (c *compiler) compileSlice(n *ast.SliceExpr) (compiled, error) {
	x, err := c.plain(n.X, "a secret cannot be sliced")
	if err != nil {
		return compiled{}, err
	}
	if n.Slice3 {
		return compiled{}, errAt(n, "a 3-index slice is not supported")
	}
	bound := func(e ast.Expr, absent int) (int, error) {
		if e == nil {
			return absent, nil
		}
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return 0, errAt(e, "a slice bound must be a whole number")
		}
		return strconv.Atoi(lit.Value)
	}
	lo, err := bound(n.Low, 0)
	if err != nil {
		return compiled{}, err
	}
	hi, err := bound(n.High, -1)
	if err != nil {
		return compiled{}, err
	}
	return compiled{typ: typeString, str: func(v *Vars) (string, error) {
		s, err := x.str(v)
		if err != nil {
			return "", err
		}
		h := hi
		if h < 0 || h > len(s) {
			h = len(s)
		}
		if lo >= h {
			return "", nil
		}
		return s[lo:h], nil
	}}, nil
}

func (c *compiler) compileCall(n *ast.CallExpr) (compiled, error) {
	name, ok := n.Fun.(*ast.Ident)
	if !ok {
		return compiled{}, errAt(n, "only named functions can be called")
	}
	fn, ok := c.functions[name.Name]
	if !ok {
		return compiled{}, errAt(n, "unknown function %s (see docs/format.md)", name.Name)
	}
	if len(n.Args) != len(fn.args) || n.Ellipsis.IsValid() {
		return compiled{}, errAt(n, "%s takes %d arguments, not %d", name.Name, len(fn.args), len(n.Args))
	}
	if alg, ok := hashByName(name.Name); ok && len(n.Args) == 1 {
		if operands := concatOperands(n.Args[0]); len(operands) > 1 || isBodyIdent(operands[0]) {
			return c.streamedDigest(fn, alg, operands)
		}
	}
	var alg hashAlg
	if fn.mac != nil {
		var err error
		if alg, err = literalHash(fn.name, n.Args[0]); err != nil {
			return compiled{}, err
		}
	}
	args := make([]compiled, len(n.Args))
	ret := fn.ret
	secretIn := false
	for i, a := range n.Args {
		if fn.mac != nil && i == 0 {
			continue // the hash, resolved above
		}
		var err error
		switch fn.args[i] {
		case typeSecret:
			args[i], err = c.text(a)
			secretIn = secretIn || args[i].typ == typeSecret
		case typeString:
			args[i], err = c.compileNode(a)
			if err == nil && args[i].typ == typeSecret {
				err = fn.refuseSecret(a, i)
			} else if err == nil && args[i].typ != typeString {
				err = errAt(a, "expected a string here, not a %s", args[i].typ)
			}
		default:
			args[i], err = c.expect(a, fn.args[i])
		}
		if err != nil {
			return compiled{}, err
		}
	}
	if ret == typeSecret && !secretIn {
		ret = typeString
	}
	if mac := fn.mac; mac != nil {
		key, message := args[1], args[2]
		return compiled{typ: ret, str: func(v *Vars) (string, error) {
			k, err := key.str(v)
			if err != nil {
				return "", err
			}
			m, err := message.str(v)
			if err != nil {
				return "", err
			}
			return mac(alg, k, m), nil
		}}, nil
	}
	if fn.strings != nil {
		// A failure names the function and what its arguments are made
		// of (api_secret), never their value.
		inputs := variablesOf(n)
		return compiled{typ: ret, str: func(v *Vars) (string, error) {
			var vals [maxArgs]string
			for i, a := range args {
				val, err := a.str(v)
				if err != nil {
					return "", err
				}
				vals[i] = val
			}
			out, err := fn.strings(vals)
			if err != nil {
				return "", &CallError{Function: fn.name, Inputs: inputs, Err: err}
			}
			return out, nil
		}}, nil
	}
	eval := func(v *Vars) (any, error) {
		var vals [maxArgs]any
		for i, a := range args {
			val, err := a.value(v)
			if err != nil {
				return nil, err
			}
			vals[i] = val
		}
		return fn.call(vals)
	}
	out := compiled{typ: ret}
	switch ret {
	case typeString, typeSecret:
		out.str = func(v *Vars) (string, error) {
			r, err := eval(v)
			if err != nil {
				return "", err
			}
			return r.(string), nil
		}
	case typePairs:
		out.pairs = func(v *Vars) ([]Pair, error) {
			r, err := eval(v)
			if err != nil {
				return nil, err
			}
			return r.([]Pair), nil
		}
	}
	return out, nil
}

// literalHash resolves a keyed hash's first argument, which must be a
// quoted hash name, when the expression is compiled.
func literalHash(fn string, n ast.Expr) (hashAlg, error) {
	const names = `"sha1", "sha256", "sha384" or "sha512"`
	lit, ok := unparen(n).(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return noHash, errAt(n, "%s's hash must be a quoted hash name, one of %s", fn, names)
	}
	h, err := strconv.Unquote(lit.Value)
	if err != nil {
		return noHash, errAt(lit, "bad string literal %s", lit.Value)
	}
	alg, known := hashByName(h)
	if !known {
		return noHash, errAt(lit, "%s: unknown hash %q (use %s)", fn, h, names)
	}
	return alg, nil
}

// streamedDigest compiles a digest of a + chain that writes each operand
// into the hash in turn, so that the operands are never joined into one
// string first and a body read whole (see Vars.wholeBody) or streamed is
// not copied.
func (c *compiler) streamedDigest(fn function, alg hashAlg, operands []ast.Expr) (compiled, error) {
	parts := make([]compiled, len(operands))
	isBody := make([]bool, len(operands))
	for i, o := range operands {
		var err error
		if parts[i], err = c.compileNode(o); err != nil {
			return compiled{}, err
		}
		switch parts[i].typ {
		case typeString:
		case typeSecret:
			return compiled{}, fn.refuseSecret(o, 0)
		default:
			return compiled{}, errAt(o, "expected a string here, not a %s", parts[i].typ)
		}
		isBody[i] = isBodyIdent(o)
	}
	return compiled{typ: typeString, str: func(v *Vars) (string, error) {
		if v.stream != nil || len(parts) > maxPieces {
			return digestWriting(alg, parts, isBody, v)
		}
		return digestParts(alg, parts, isBody, v)
	}}, nil
}

// digestParts is a digest of at most maxPieces operands, held on the
// stack: the body is hashed from the caller's bytes, the other operands
// from one buffer they are copied into.
func digestParts(alg hashAlg, parts []compiled, isBody []bool, v *Vars) (string, error) {
	var textStack [256]byte
	text := textStack[:0]
	var bufs [maxPieces][]byte
	for i, p := range parts {
		if isBody[i] && v.wholeBody != nil {
			bufs[i] = v.wholeBody
			continue
		}
		s, err := p.str(v)
		if err != nil {
			return "", err
		}
		start := len(text)
		text = append(text, s...)
		bufs[i] = text[start:]
	}
	d, n := alg.sum(bufs[:len(parts)]...)
	return string(d[:n]), nil
}

// digestWriting is a digest whose operands are written into a hash.Hash
// in turn: the streamed body among them, or too many of them to hold on
// the stack.
func digestWriting(alg hashAlg, parts []compiled, isBody []bool, v *Vars) (string, error) {
	h := alg.new()
	for i, p := range parts {
		switch {
		case isBody[i] && v.stream != nil:
			if err := copyBody(h, v); err != nil {
				return "", err
			}
		case isBody[i] && v.wholeBody != nil:
			h.Write(v.wholeBody)
		default:
			s, err := p.str(v)
			if err != nil {
				return "", err
			}
			io.WriteString(h, s)
		}
	}
	var sum [maxSize]byte
	return string(h.Sum(sum[:0])), nil
}

func isBodyIdent(n ast.Expr) bool {
	id, ok := unparen(n).(*ast.Ident)
	return ok && id.Name == "body"
}

// expect compiles n and checks its type. A secret is refused where a
// string is wanted: callers that take one use text.
func (c *compiler) expect(n ast.Expr, want valueType) (compiled, error) {
	x, err := c.compileNode(n)
	if err != nil {
		return compiled{}, err
	}
	if x.typ == typeSecret && want == typeString {
		return compiled{}, errAt(n, "a secret cannot be used here: %s", secretRule)
	}
	if x.typ != want {
		return compiled{}, errAt(n, "expected a %s here, not a %s", want, x.typ)
	}
	return x, nil
}

// plain compiles n, which must be a string and not a secret; refusal
// says why a secret is not, and the error goes on to say where one may go.
func (c *compiler) plain(n ast.Expr, refusal string) (compiled, error) {
	x, err := c.compileNode(n)
	if err != nil {
		return compiled{}, err
	}
	if x.typ == typeSecret {
		return compiled{}, errAt(n, "%s: %s", refusal, secretRule)
	}
	if x.typ != typeString {
		return compiled{}, errAt(n, "expected a string here, not a %s", x.typ)
	}
	return x, nil
}

// text compiles n, which must be a string or a secret.
func (c *compiler) text(n ast.Expr) (compiled, error) {
	x, err := c.compileNode(n)
	if err != nil {
		return compiled{}, err
	}
	if x.typ != typeString && x.typ != typeSecret {
		return compiled{}, errAt(n, "expected a string here, not a %s", x.typ)
	}
	return x, nil
}

func (x compiled) value(v *Vars) (any, error) {
	switch x.typ {
	case typeBool:
		return x.bool(v)
	case typePairs:
		return x.pairs(v)
	}
	return x.str(v)
}

// CallError is a function that failed on the values it was given, such as
// b64decode on a secret that is not base64. It names the function and the
// variables its arguments are made of; the values stay out of it, since
// they may be secrets.
type CallError struct {
	Function string
	// Inputs are the variables the arguments are made of.
	Inputs []string
	Err    error
}

func (e *CallError) Error() string { return e.Err.Error() }

func (e *CallError) Unwrap() error { return e.Err }
