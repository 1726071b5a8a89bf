package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hmacctl/hmacctl/verify"
)

// Caps on the inputs whose size the user controls: a FIFO or /dev/zero
// named by mistake must end in a one-line error, not in memory
// exhaustion.
const (
	// maxSecretFile bounds a credential file: a secret is short.
	maxSecretFile = 64 << 10
	// maxFieldFile bounds a -F name=@FILE value, held in memory.
	maxFieldFile = 64 << 20
	// maxCompareFile bounds a --compare @FILE string to sign.
	maxCompareFile = verify.MaxBody + 1<<20
	// maxRequestFile bounds a --request capture: a body of at most
	// verify.MaxBody and its header.
	maxRequestFile = verify.MaxBody + 1<<20
)

// errTooLarge says an input is over its cap.
var errTooLarge = errors.New("too large")

// readLimited reads at most limit bytes from r: errTooLarge if there are
// more.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// readFileLimited reads a file of at most limit bytes, through the
// factory's Open.
func (f *Factory) readFileLimited(path string, limit int64) ([]byte, error) {
	open := f.Open
	if open == nil {
		open = func(name string) (io.ReadCloser, error) { return os.Open(name) }
	}
	r, err := open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readLimited(r, limit)
}

// sizeWords writes a cap for people: "64 KiB", "65 MiB".
func sizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
