package sign

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Expressions are Go expressions, parsed by the standard library's
// go/parser and compiled here into closures over *Vars with their types
// checked. The subset: string literals (with Go's escapes), variables,
// settings.NAME, + on strings, == and != on strings, &&, || and ! on
// booleans, true and false, s[i:j] with constant bounds, parentheses, and
// calls of the functions in Functions.

type valueType int

const (
	typeString valueType = iota
	typeBool
	typePairs
)

func (t valueType) String() string {
	return [...]string{"string", "bool", "pairs"}[t]
}

// compiled is one type-checked expression node; the function for its type
// is set.
type compiled struct {
	typ   valueType
	str   func(*Vars) (string, error)
	bool  func(*Vars) (bool, error)
	pairs func(*Vars) ([]Pair, error)
}

// function is one function expressions can call. strings, when set, is
// the same function for string arguments and result, called without
// boxing them.
type function struct {
	args    []valueType
	ret     valueType
	call    func(args []any) (any, error)
	strings func(args []string) (string, error)
}

func functionTable() map[string]function {
	str1 := func(fn func(string) string) function {
		return function{args: []valueType{typeString}, ret: typeString, strings: func(a []string) (string, error) { return fn(a[0]), nil }}
	}
	strN := func(n int, fn func(a []string) (string, error)) function {
		args := make([]valueType, n)
		return function{args: args, ret: typeString, strings: fn} // typeString is 0
	}
	return map[string]function{
		"hex":         str1(func(s string) string { return hex.EncodeToString([]byte(s)) }),
		"base64":      str1(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
		"base64url":   str1(func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }),
		"b64decode":   strN(1, func(a []string) (string, error) { return decodeBase64(a[0]) }),
		"sha1":        str1(func(s string) string { return digest("sha1", s) }),
		"sha256":      str1(func(s string) string { return digest("sha256", s) }),
		"sha384":      str1(func(s string) string { return digest("sha384", s) }),
		"sha512":      str1(func(s string) string { return digest("sha512", s) }),
		"hmac":        strN(3, func(a []string) (string, error) { return hmacString(a[0], a[1], a[2]) }),
		"unescape":    str1(Unescape),
		"upper":       str1(strings.ToUpper),
		"lower":       str1(strings.ToLower),
		"trim_prefix": strN(2, func(a []string) (string, error) { return strings.TrimPrefix(a[0], a[1]), nil }),
		"replace":     strN(3, func(a []string) (string, error) { return strings.ReplaceAll(a[0], a[1], a[2]), nil }),
		"or": strN(2, func(a []string) (string, error) {
			if a[0] != "" {
				return a[0], nil
			}
			return a[1], nil
		}),
		"ifelse": {args: []valueType{typeBool, typeString, typeString}, ret: typeString, call: func(a []any) (any, error) {
			if a[0].(bool) {
				return a[1], nil
			}
			return a[2], nil
		}},
		"pairs":        {args: []valueType{typeString}, ret: typePairs, call: func(a []any) (any, error) { return ParsePairs(a[0].(string)), nil }},
		"sort_pairs":   {args: []valueType{typePairs}, ret: typePairs, call: func(a []any) (any, error) { return SortPairs(a[0].([]Pair)), nil }},
		"encode_pairs": {args: []valueType{typePairs}, ret: typeString, call: func(a []any) (any, error) { return EncodePairs(a[0].([]Pair)), nil }},
		"json_object":  {args: []valueType{typePairs}, ret: typeString, call: func(a []any) (any, error) { return JSONObject(a[0].([]Pair)), nil }},
		"join_pairs": {args: []valueType{typePairs, typeString, typeString}, ret: typeString, call: func(a []any) (any, error) {
			return JoinPairs(a[0].([]Pair), a[1].(string), a[2].(string)), nil
		}},
	}
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
	return compiled{typ: typeString, str: func(v *Vars) (string, error) { return get(v), nil }}, nil
}

func (c *compiler) compileBinary(n *ast.BinaryExpr) (compiled, error) {
	switch n.Op {
	case token.ADD:
		x, y, err := c.operands(n, typeString)
		if err != nil {
			return compiled{}, err
		}
		return compiled{typ: typeString, str: func(v *Vars) (string, error) {
			a, err := x.str(v)
			if err != nil {
				return "", err
			}
			b, err := y.str(v)
			return a + b, err
		}}, nil
	case token.EQL, token.NEQ:
		x, y, err := c.operands(n, typeString)
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
		x, y, err := c.operands(n, typeBool)
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

// operands compiles both sides of a binary expression, each of type want.
func (c *compiler) operands(n *ast.BinaryExpr, want valueType) (compiled, compiled, error) {
	x, err := c.expect(n.X, want)
	if err != nil {
		return compiled{}, compiled{}, err
	}
	y, err := c.expect(n.Y, want)
	return x, y, err
}

func (c *compiler) compileSlice(n *ast.SliceExpr) (compiled, error) {
	x, err := c.expect(n.X, typeString)
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
	if lit, ok := n.Args[0].(*ast.BasicLit); ok && name.Name == "hmac" {
		if h, err := strconv.Unquote(lit.Value); err == nil {
			if _, known := hashByName(h); !known {
				return compiled{}, errAt(lit, "hmac: unknown hash %q (use sha1, sha256, sha384 or sha512)", h)
			}
		}
	}
	if newHash, ok := hashByName(name.Name); ok && len(n.Args) == 1 {
		if operands := concatOperands(n.Args[0]); len(operands) > 1 || isBodyIdent(operands[0]) {
			return c.streamedDigest(newHash, operands)
		}
	}
	args := make([]compiled, len(n.Args))
	for i, a := range n.Args {
		var err error
		if args[i], err = c.expect(a, fn.args[i]); err != nil {
			return compiled{}, err
		}
	}
	if fn.strings != nil {
		return compiled{typ: typeString, str: func(v *Vars) (string, error) {
			var buf [3]string
			vals := buf[:0]
			for _, a := range args {
				val, err := a.str(v)
				if err != nil {
					return "", err
				}
				vals = append(vals, val)
			}
			return fn.strings(vals)
		}}, nil
	}
	eval := func(v *Vars) (any, error) {
		var buf [3]any
		vals := buf[:0]
		for _, a := range args {
			val, err := a.value(v)
			if err != nil {
				return nil, err
			}
			vals = append(vals, val)
		}
		return fn.call(vals)
	}
	out := compiled{typ: fn.ret}
	switch fn.ret {
	case typeString:
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

// streamedDigest compiles a digest of a + chain that writes each operand
// into the hash in turn, so the operands (a body, say) are never copied
// into one string first. Hashers are pooled.
func (c *compiler) streamedDigest(newHash func() hash.Hash, operands []ast.Expr) (compiled, error) {
	parts := make([]compiled, len(operands))
	isBody := make([]bool, len(operands))
	for i, o := range operands {
		var err error
		if parts[i], err = c.expect(o, typeString); err != nil {
			return compiled{}, err
		}
		isBody[i] = isBodyIdent(o)
	}
	pool := &sync.Pool{New: func() any { return newHash() }}
	return compiled{typ: typeString, str: func(v *Vars) (string, error) {
		h := pool.Get().(hash.Hash)
		defer pool.Put(h)
		h.Reset()
		for i, p := range parts {
			if isBody[i] && v.stream != nil {
				if err := copyBody(h, v.stream); err != nil {
					return "", err
				}
				continue
			}
			s, err := p.str(v)
			if err != nil {
				return "", err
			}
			io.WriteString(h, s)
		}
		var sum [64]byte
		return string(h.Sum(sum[:0])), nil
	}}, nil
}

func isBodyIdent(n ast.Expr) bool {
	id, ok := unparen(n).(*ast.Ident)
	return ok && id.Name == "body"
}

// expect compiles n and checks its type.
func (c *compiler) expect(n ast.Expr, want valueType) (compiled, error) {
	x, err := c.compileNode(n)
	if err != nil {
		return compiled{}, err
	}
	if x.typ != want {
		return compiled{}, errAt(n, "expected a %s here, not a %s", want, x.typ)
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
