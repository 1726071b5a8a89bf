package sign

import (
	"bytes"
	"crypto/hmac"
	"reflect"
	"strings"
	"testing"
)

// hashAlg.mac is HMAC written out so that it allocates nothing: it must
// agree with crypto/hmac for every hash, for keys shorter than, as long
// as and longer than a block, and for messages around block boundaries.
func TestMACMatchesCryptoHMAC(t *testing.T) {
	for _, name := range []string{"sha1", "sha256", "sha384", "sha512"} {
		alg, ok := hashByName(name)
		if !ok {
			t.Fatalf("hashByName(%q) failed", name)
		}
		bs := alg.blockSize()
		for _, keyLen := range []int{0, 1, 20, bs - 1, bs, bs + 1, 3 * bs} {
			for _, msgLen := range []int{0, 1, bs - 9, bs - 8, bs, 2*bs + 7, 1000} {
				key := strings.Repeat("k\x00\xff", keyLen)[:keyLen]
				msg := bytes.Repeat([]byte("m\n\x80"), msgLen)[:msgLen]
				ref := hmac.New(alg.new, []byte(key))
				ref.Write(msg)
				want := ref.Sum(nil)
				sum, n := alg.mac(key, msg)
				if !bytes.Equal(sum[:n], want) {
					t.Errorf("%s, %d-byte key, %d-byte message: %x, crypto/hmac %x", name, keyLen, msgLen, sum[:n], want)
				}
				if got := alg.macString(key, string(msg)); got != string(want) {
					t.Errorf("%s macString, %d-byte key, %d-byte message: %x, crypto/hmac %x", name, keyLen, msgLen, got, want)
				}
				d := alg.new()
				d.Write(msg)
				if got := alg.digest(string(msg)); got != string(d.Sum(nil)) {
					t.Errorf("%s digest of %d bytes differs from its hash.Hash", name, msgLen)
				}
			}
		}
	}
}

// Sign allocates its variables and result as one object with pointers;
// above 512 bytes the runtime adds a header to such an allocation, which
// costs the per-request budget measurably.
func TestSignStateStaysSmall(t *testing.T) {
	if size := reflect.TypeFor[signState]().Size(); size > 512 {
		t.Errorf("signState is %d bytes, over 512", size)
	}
}

// A function's arguments are passed in an array of maxArgs.
func TestBuiltinsFitMaxArgs(t *testing.T) {
	for _, f := range builtins() {
		if len(f.args) > maxArgs {
			t.Errorf("%s takes %d arguments, more than maxArgs (%d)", f.name, len(f.args), maxArgs)
		}
	}
}
