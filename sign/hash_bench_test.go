package sign_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// hashBenchSize is the streamed body's size: large enough that the two
// extra HMAC blocks and the per-request work are lost in the noise.
const hashBenchSize = 64 << 20

// BenchmarkSignStream times how fast the engine hashes a large streamed
// body: WOO X's scheme (HMAC-SHA256 over timestamp + method + path_query +
// body, hex) with Request.Stream over 64 MiB held in memory, so that no
// disk or network is timed. Compare its MB/s with
// `openssl speed -evp sha256 -bytes 16384`.
//
//   - woox-64MiB: the reader hands the whole body to the HMAC in one Write
//     (bytes.Reader implements io.WriterTo);
//   - woox-64MiB-32KiB-reads: the body comes in 32 KiB reads, as from a
//     file through io.Copy, which is what `hmacctl request -d @FILE` does;
//   - sha256-stdlib: crypto/sha256 over the same bytes with no engine and
//     no HMAC, the floor the engine can reach.
func BenchmarkSignStream(b *testing.B) {
	scheme, err := sign.Compile(fuzzWooXSpec()) // WOO X v3's scheme, written out in fuzz_test.go
	if err != nil {
		b.Fatal(err)
	}
	body := make([]byte, hashBenchSize)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(body)

	const secret = "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("1578565539808POST/v3/upload"))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))

	// Each Sign reads its body once: every call gets a fresh reader.
	request := func(r io.Reader) sign.Request {
		return sign.Request{
			Method: "POST", BaseURL: "https://api.woox.io", Target: "/v3/upload",
			Stream:      &sign.BodyStream{Size: int64(len(body)), Reader: r},
			Credentials: map[string]string{"api_key": "AbmyVJGUpN064ks5ELjLfA==", "api_secret": secret},
			Time:        time.UnixMilli(1578565539808),
		}
	}
	whole := func() sign.Request { return request(bytes.NewReader(body)) }
	chunked := func() sign.Request {
		// Hide bytes.Reader's WriteTo so that io.Copy reads through its
		// own 32 KiB buffer, as it does from an *os.File.
		return request(struct{ io.Reader }{bytes.NewReader(body)})
	}

	for _, bc := range []struct {
		name string
		req  func() sign.Request
	}{{"woox-64MiB", whole}, {"woox-64MiB-32KiB-reads", chunked}} {
		b.Run(bc.name, func(b *testing.B) {
			res, err := scheme.Sign(bc.req())
			if err != nil {
				b.Fatal(err)
			}
			if res.Signature != want {
				b.Fatalf("signature %s, want %s", res.Signature, want)
			}
			b.SetBytes(hashBenchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scheme.Sign(bc.req()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("sha256-stdlib", func(b *testing.B) {
		b.SetBytes(hashBenchSize)
		b.ReportAllocs()
		for b.Loop() {
			sha256.Sum256(body)
		}
	})
}
