package sign

import (
	"errors"
	"fmt"
	"go/ast"
	"io"
)

// BodyStream is a body read from a reader rather than held in memory: a
// file too large to hold, say. Sign reads it once, to its end, when the
// scheme signs the body, and does not close it; the caller reads the body
// again from its start to send it (it opens the file again).
type BodyStream struct {
	// Size is the body's length in bytes; Sign fails when Reader holds
	// another number of bytes.
	Size int64
	// Reader reads the body from its first byte.
	Reader io.Reader
}

// ErrNotStreamable says that a scheme needs the whole body in memory: it
// reads the body other than as a whole piece of the message or of a
// digest, or more than once, or it adds parameters to the body.
var ErrNotStreamable = errors.New("this scheme reads the body in a way that needs it whole in memory")

// CanStream reports whether the scheme can sign a BodyStream for method:
// the body enters the message at most once and only as a whole (as one
// piece of the message, or hashed whole), and nothing is added to it.
func (s *Scheme) CanStream(method string) bool {
	if ParamsInQuery(method) {
		return s.streams.withQueryParams
	}
	return s.streams.withBodyParams
}

// streaming says, for the two places a method's parameters go, whether
// the body can be streamed (see CanStream); worked out at compile time.
type streaming struct {
	withQueryParams, withBodyParams bool
}

// streaming works out whether the body can be streamed when parameters
// go in the query and when they go in the body: the body is read whole
// (see streamable), and no parameter is added to it.
func (c *compiler) streaming(messages []ast.Expr, others []*stringExpr, form bool, params []compiledParam) streaming {
	if !c.streamable(messages, others, form) {
		return streaming{}
	}
	st := streaming{withQueryParams: true, withBodyParams: true}
	for _, p := range params {
		if p.to == ToBody {
			st.withQueryParams = false
		}
		if p.to == ToBody || p.to == ToParams {
			st.withBodyParams = false
		}
	}
	return st
}

// streamable works out at compile time whether the body can be streamed:
// each message reads it at most once, as a top-level piece or a whole
// operand of a digest, so that one pass over a reader serves it; no
// header, parameter or key reads it; and a form body's parameters are not
// read.
func (c *compiler) streamable(messages []ast.Expr, others []*stringExpr, form bool) bool {
	for _, e := range others {
		if e.usesBody() {
			return false
		}
	}
	if form && c.uses["params"] {
		return false
	}
	for _, m := range messages {
		if n := countBody(m); n > 1 || n != wholeBodyUses(m, true) {
			return false
		}
	}
	return true
}

// countBody counts the uses of the body variable in n.
func countBody(n ast.Expr) int {
	count := 0
	ast.Inspect(n, func(node ast.Node) bool {
		if id, ok := node.(*ast.Ident); ok && id.Name == "body" {
			count++
		}
		return true
	})
	return count
}

// wholeBodyUses counts the uses of body that read it whole: as a top-level
// operand of the message's + chain, or of a digest's argument chain.
func wholeBodyUses(n ast.Expr, top bool) int {
	count := 0
	for _, operand := range concatOperands(n) {
		switch o := unparen(operand).(type) {
		case *ast.Ident:
			if o.Name == "body" && top {
				count++
			}
		case *ast.CallExpr:
			if name, ok := o.Fun.(*ast.Ident); ok && len(o.Args) == 1 {
				if _, isDigest := hashByName(name.Name); isDigest {
					count += wholeBodyUses(o.Args[0], true)
					continue
				}
			}
			for _, a := range o.Args {
				count += wholeBodyUses(a, false)
			}
		}
	}
	return count
}

func unparen(n ast.Expr) ast.Expr {
	for {
		p, ok := n.(*ast.ParenExpr)
		if !ok {
			return n
		}
		n = p.X
	}
}

// copyBody writes the streamed body into w: the one read of the
// request's reader (see streamable).
func copyBody(w io.Writer, vars *Vars) error {
	n, err := io.Copy(w, vars.stream.Reader)
	if err != nil {
		return fmt.Errorf("cannot read the body: %w", err)
	}
	if n != vars.stream.Size {
		return fmt.Errorf("the body changed while it was read: %d bytes, expected %d", n, vars.stream.Size)
	}
	return nil
}
