package sign_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// wooxLike is WOO X v3's scheme (shared/vendor-docs/woox-v3.md), written
// out here so that the engine's benchmark does not depend on profiles.
func wooxLike() sign.Spec {
	return sign.Spec{
		Credentials: []string{"api_key", "api_secret"},
		Timestamp:   sign.UnixMillis,
		Hash:        "sha256",
		Message:     "timestamp + method + path_query + body",
		Encoding:    "hex",
		Headers: []sign.Header{
			{Name: "x-api-key", Value: "api_key"},
			{Name: "x-api-timestamp", Value: "timestamp"},
			{Name: "x-api-signature", Value: "signature"},
		},
	}
}

func BenchmarkSign(b *testing.B) {
	scheme, err := sign.Compile(wooxLike())
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"symbol":"PERP_BTC_USDT","side":"BUY","reduceOnly":false,"type":"MARKET","quantity":"1","algoType":"TRAILING_STOP","callbackRate":"0.012","clientOrderId":"` + strings.Repeat("a", 40) + `"}`)
	req := sign.Request{
		Method: "POST", BaseURL: "https://api.woox.io", Target: "/v3/algo/order", Body: body,
		Credentials: map[string]string{"api_key": "AbmyVJGUpN064ks5ELjLfA==", "api_secret": "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"},
		Time:        time.UnixMilli(1578565539808),
	}
	b.Run("woox-200B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := scheme.Sign(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
