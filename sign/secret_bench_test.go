package sign_test

import (
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// BenchmarkSignSecretShapes times the schemes whose key or headers run the
// secret through functions: a base64-decoded key (Kraken), a header that
// is an HMAC keyed by the secret (KuCoin's passphrase), and a key derived
// by a chain of four HMACs (AWS SigV4). Secret types are checked when a
// scheme compiles; these show that signing is no slower for them.
func BenchmarkSignSecretShapes(b *testing.B) {
	req := sign.Request{
		Method: "POST", BaseURL: "https://api.example.test", Target: "/0/private/AddOrder", Body: []byte(`{"nonce":"1","ordertype":"limit"}`),
		Credentials: map[string]string{"api_key": "k", "api_secret": "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==", "api_passphrase": "pass"},
		Time:        time.UnixMilli(1616492376594),
	}
	for _, tt := range []struct {
		name string
		spec sign.Spec
	}{
		{"kraken-key", sign.Spec{Credentials: []string{"api_key", "api_secret"}, Timestamp: sign.UnixMillis, Hash: "sha512",
			Key: "b64decode(api_secret)", Message: "path + sha256(timestamp + body)", Encoding: "base64"}},
		{"kucoin-header", sign.Spec{Credentials: []string{"api_key", "api_secret", "api_passphrase"}, Timestamp: sign.UnixMillis, Hash: "sha256",
			Message: "timestamp + method + path_query + body", Encoding: "base64",
			Headers: []sign.Header{{Name: "KC-API-PASSPHRASE", Value: `base64(hmac("sha256", api_secret, api_passphrase))`}}}},
		{"aws-key-chain", sign.Spec{Credentials: []string{"api_key", "api_secret"}, Timestamp: sign.UnixMillis, Hash: "sha256",
			Key:     `hmac("sha256", hmac("sha256", hmac("sha256", hmac("sha256", "AWS4" + api_secret, timestamp[0:8]), "us-east-1"), "iam"), "aws4_request")`,
			Message: "method + path + body", Encoding: "hex"}},
	} {
		scheme, err := sign.Compile(tt.spec)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scheme.Sign(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
