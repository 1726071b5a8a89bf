package cmd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
