package sign

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"hash"
)

// hashAlg is one of the hash functions a scheme or an expression names.
// Its methods switch on it rather than call through a function value, so
// that the compiler sees the concrete hash and keeps its state, and the
// buffers handed to it, on the stack.
type hashAlg uint8

const (
	noHash hashAlg = iota
	hashSHA1
	hashSHA256
	hashSHA384
	hashSHA512
)

// maxBlockSize and maxSize are the largest block and digest sizes of the
// hashes, SHA-512's.
const (
	maxBlockSize = sha512.BlockSize
	maxSize      = sha512.Size
)

func hashByName(name string) (hashAlg, bool) {
	switch name {
	case "sha1":
		return hashSHA1, true
	case "sha256":
		return hashSHA256, true
	case "sha384":
		return hashSHA384, true
	case "sha512":
		return hashSHA512, true
	}
	return noHash, false
}

// new returns a hash.Hash that computes h, for input written piece by
// piece (a streamed body).
func (h hashAlg) new() hash.Hash {
	switch h {
	case hashSHA1:
		return sha1.New()
	case hashSHA256:
		return sha256.New()
	case hashSHA384:
		return sha512.New384()
	}
	return sha512.New()
}

// size is the length of h's digests in bytes.
func (h hashAlg) size() int {
	switch h {
	case hashSHA1:
		return sha1.Size
	case hashSHA256:
		return sha256.Size
	case hashSHA384:
		return sha512.Size384
	}
	return sha512.Size
}

// blockSize is h's block size in bytes: the length of an HMAC key pad.
func (h hashAlg) blockSize() int {
	if h == hashSHA384 || h == hashSHA512 {
		return sha512.BlockSize
	}
	return sha256.BlockSize
}

// sum returns h's digest of the concatenation of parts in the first n
// bytes of out. The hash state is a local of concrete type: it stays on
// the stack.
func (h hashAlg) sum(parts ...[]byte) (out [maxSize]byte, n int) {
	switch h {
	case hashSHA1:
		d := sha1.New()
		for _, p := range parts {
			d.Write(p)
		}
		n = len(d.Sum(out[:0]))
	case hashSHA256:
		d := sha256.New()
		for _, p := range parts {
			d.Write(p)
		}
		n = len(d.Sum(out[:0]))
	case hashSHA384:
		d := sha512.New384()
		for _, p := range parts {
			d.Write(p)
		}
		n = len(d.Sum(out[:0]))
	default:
		d := sha512.New()
		for _, p := range parts {
			d.Write(p)
		}
		n = len(d.Sum(out[:0]))
	}
	return out, n
}

// digest is h's digest of s, as a string of raw bytes.
func (h hashAlg) digest(s string) string {
	d, n := h.sum([]byte(s))
	return string(d[:n])
}

// mac computes the HMAC (RFC 2104) of message under key, into the first n
// bytes of out, as crypto/hmac does but with no allocation: a scheme's
// key changes with each request's credentials, so the keyed state cannot
// be kept from one request to the next, and crypto/hmac.New allocates
// five objects every time.
func (h hashAlg) mac(key string, message []byte) (out [maxSize]byte, n int) {
	bs := h.blockSize()
	var k [maxBlockSize]byte // the key, hashed when longer than a block
	if len(key) > bs {
		d, n := h.sum([]byte(key))
		copy(k[:], d[:n])
	} else {
		copy(k[:], key)
	}
	var pad [maxBlockSize]byte
	xorPad(&pad, &k, 0x36)
	inner, n := h.sum(pad[:bs], message)
	xorPad(&pad, &k, 0x5c)
	return h.sum(pad[:bs], inner[:n])
}

// xorPad sets pad to key with each byte XORed with b, eight bytes at a
// time.
func xorPad(pad, key *[maxBlockSize]byte, b byte) {
	x := uint64(b) * 0x0101010101010101
	for i := 0; i < maxBlockSize; i += 8 {
		binary.LittleEndian.PutUint64(pad[i:], binary.LittleEndian.Uint64(key[i:])^x)
	}
}

// macString is the HMAC under key of message, as a string of raw bytes.
func (h hashAlg) macString(key, message string) string {
	sum, n := h.mac(key, []byte(message))
	return string(sum[:n])
}
