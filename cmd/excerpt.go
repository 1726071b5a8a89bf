package cmd

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// maxShown bounds what of a string to sign or a body is printed for a
// person or in JSON; more is summed up by its size and SHA-256, and
// --print canonical still gives every byte.
const maxShown = 64 << 10

// excerpt is what of some bytes is shown.
type excerpt struct {
	// Shown are the bytes to print: all of them, or the first maxShown.
	Shown []byte
	// Size and SHA256 describe all of them when Cut.
	Size   int
	SHA256 string
	Cut    bool
}

// excerptOf cuts data to maxShown.
func excerptOf(data []byte) excerpt {
	if len(data) <= maxShown {
		return excerpt{Shown: data, Size: len(data)}
	}
	sum := sha256.Sum256(data)
	return excerpt{Shown: data[:maxShown], Size: len(data), SHA256: hex.EncodeToString(sum[:]), Cut: true}
}

// note says, for a cut excerpt, what was left out; "" when nothing was.
func (e excerpt) note() string {
	if !e.Cut {
		return ""
	}
	return fmt.Sprintf("… the first %d of %d bytes; SHA-256 of all of them %s (--print canonical gives every byte)", len(e.Shown), e.Size, e.SHA256)
}

// excerptFrom reads r to its end, keeping the first maxShown bytes and
// hashing all of them: an excerpt of a string too large to hold.
func excerptFrom(r io.Reader) (excerpt, error) {
	var head bytes.Buffer
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(h, &limitedWriter{w: &head, n: maxShown}), r)
	if err != nil {
		return excerpt{}, err
	}
	e := excerpt{Shown: head.Bytes(), Size: int(n), Cut: n > maxShown}
	if e.Cut {
		e.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return e, nil
}

// limitedWriter keeps the first n bytes written and discards the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if keep := min(len(p), l.n); keep > 0 {
		l.w.Write(p[:keep])
		l.n -= keep
	}
	return len(p), nil
}
