package sign

import (
	"errors"
	"fmt"
	"go/ast"
	"io"
)

// BodyStream is a body too large to hold in memory: a file, or stdin
// spooled to one. The engine opens it once to hash it; the sender opens it
// again to send it.
type BodyStream struct {
	// Size is the body's length in bytes.
	Size int64
	// Open returns the body from its first byte.
	Open func() (io.ReadCloser, error)
}

// ErrNotStreamable says that a scheme needs the whole body in memory: it
// reads the body other than as a whole piece of the message or of a
// digest, or it adds parameters to the body.
var ErrNotStreamable = errors.New("this scheme reads the body in a way that needs it whole in memory")

// CanStream reports whether the scheme can sign a BodyStream for method:
// the body enters the message only as a whole (as one piece of the
// message, or hashed whole), and nothing is added to it.
func (s *Scheme) CanStream(method string) bool {
	if !s.streamable {
		return false
	}
	for _, p := range s.params() {
		if p.to == ToBody || (p.to == ToParams && !ParamsInQuery(method)) {
			return false
		}
	}
	return true
}

// streamable works out at compile time whether the body can be streamed:
// every use of it in a message is a top-level piece or a whole operand of
// a digest, no header, parameter or key reads it, and a form body's
// parameters are not read.
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
		if countBody(m) != wholeBodyUses(m, true) {
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

// copyBody writes the streamed body into w.
func copyBody(w io.Writer, stream *BodyStream) error {
	r, err := stream.Open()
	if err != nil {
		return fmt.Errorf("cannot read the body: %w", err)
	}
	defer r.Close()
	n, err := io.Copy(w, r)
	if err != nil {
		return fmt.Errorf("cannot read the body: %w", err)
	}
	if n != stream.Size {
		return fmt.Errorf("the body changed while it was read: %d bytes, expected %d", n, stream.Size)
	}
	return nil
}
