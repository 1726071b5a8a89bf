package cmd

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// streamThreshold is the body size from which request streams a body from
// its file instead of holding it in memory.
const streamThreshold = 8 << 20

// inMemoryLimit is the largest body read into memory for a scheme that
// cannot stream.
const inMemoryLimit = 256 << 20

// streamBody makes -d @FILE or -d @- a file to stream when the body is
// large and the scheme can stream it, so that `request` sends a body of any
// size in constant memory; a smaller body goes into p.Request.Body. Stdin
// is spooled to a private temporary file first: the body is read twice,
// once to sign and once to send. It returns the file (nil when the body is
// in memory) and a cleanup function to call when the request is done.
func (r *requestFlags) streamBody(f *Factory, p *preparedRequest) (*bodyFile, func(), error) {
	none := func() {}
	if len(r.Data) < 2 || r.Data[0] != '@' {
		return nil, none, nil
	}
	canStream := p.Scheme.CanStream(p.Request.Method)
	in, name := f.IO.In, "stdin"
	if r.Data != "@-" {
		path := r.Data[1:]
		info, err := os.Stat(path)
		if err != nil {
			return nil, none, usageErrorf("cannot read the body from %s: %v; check the path", path, unwrapPathError(err))
		}
		if info.Mode().IsRegular() {
			return r.fileBody(f, p, path, info.Size(), canStream)
		}
		// A pipe or device: read once, as stdin is.
		file, err := os.Open(path)
		if err != nil {
			return nil, none, usageErrorf("cannot read the body from %s: %v", path, unwrapPathError(err))
		}
		defer file.Close()
		in, name = file, path
	}
	// One exactly sized buffer: io.ReadAll would grow its buffer to
	// twice the threshold.
	head := make([]byte, streamThreshold+1)
	n, err := io.ReadFull(in, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, none, usageErrorf("cannot read the body from %s: %v", name, err)
	}
	head = head[:n]
	if len(head) <= streamThreshold {
		p.Request.Body = head
		return nil, none, nil
	}
	if !canStream {
		rest, err := io.ReadAll(io.LimitReader(in, inMemoryLimit))
		if err != nil {
			return nil, none, usageErrorf("cannot read the body from %s: %v", name, err)
		}
		p.Request.Body = append(head, rest...)
		return nil, none, checkInMemory(p, int64(len(p.Request.Body)))
	}
	path, size, err := spool(io.MultiReader(bytes.NewReader(head), in))
	if err != nil {
		return nil, none, err
	}
	return &bodyFile{path: path, size: size}, func() { os.Remove(path) }, nil
}

// fileBody signs and sends a regular file's body: from memory when it is
// small or the scheme cannot stream, else streamed from the file.
func (r *requestFlags) fileBody(f *Factory, p *preparedRequest, path string, size int64, canStream bool) (*bodyFile, func(), error) {
	none := func() {}
	if size > streamThreshold && canStream {
		return &bodyFile{path: path, size: size}, none, nil
	}
	if size > streamThreshold {
		if err := checkInMemory(p, size); err != nil {
			return nil, none, err
		}
	}
	data, err := f.ReadFile(path)
	if err != nil {
		return nil, none, usageErrorf("cannot read the body from %s: %v; check the path", path, unwrapPathError(err))
	}
	p.Request.Body = data
	return nil, none, nil
}

func checkInMemory(p *preparedRequest, size int64) error {
	if size >= inMemoryLimit {
		return usageErrorf("the body is %d MiB or more, and %s signs it in a way that needs it whole in memory; send a body under %d MiB", inMemoryLimit>>20, p.Scheme.Vendor, inMemoryLimit>>20)
	}
	return nil
}

// bodyFile is a body streamed from a file of size bytes. Each attempt
// reads it twice: once to sign it, once to send it.
type bodyFile struct {
	path string
	size int64
}

// sign signs req with its body read from the file, opened for this
// signing alone: Sign reads a stream once, to its end.
func (b *bodyFile) sign(scheme *profiles.VendorScheme, req sign.Request) (*sign.Result, error) {
	file, err := os.Open(b.path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the body: %w", err)
	}
	defer file.Close()
	req.Stream = &sign.BodyStream{Size: b.size, Reader: file}
	return scheme.Sign(req)
}

// open opens the body from its first byte, to send it.
func (b *bodyFile) open() (io.ReadCloser, error) { return os.Open(b.path) }

// canonical reads the whole string to sign of res, signed with this body
// streamed in: res.Canonical with the body's bytes at each of res.BodyAt.
func (b *bodyFile) canonical(res *sign.Result) (io.Reader, func(), error) {
	var parts []io.Reader
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	prev := 0
	for _, at := range res.BodyAt {
		file, err := os.Open(b.path)
		if err != nil {
			closeAll()
			return nil, func() {}, fmt.Errorf("cannot read the body: %w", err)
		}
		files = append(files, file)
		parts = append(parts, bytes.NewReader(res.Canonical[prev:at]), file)
		prev = at
	}
	parts = append(parts, bytes.NewReader(res.Canonical[prev:]))
	return io.MultiReader(parts...), closeAll, nil
}

// spool copies r into a new private temporary file (mode 0600) and
// returns its path and size.
func spool(r io.Reader) (string, int64, error) {
	tmp, err := os.CreateTemp("", "hmacctl-body-*")
	if err != nil {
		return "", 0, fmt.Errorf("cannot spool the body from stdin to a temporary file: %w", err)
	}
	n, err := io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", 0, fmt.Errorf("cannot spool the body from stdin to %s: %w", tmp.Name(), err)
	}
	return tmp.Name(), n, nil
}
