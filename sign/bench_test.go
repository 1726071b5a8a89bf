package sign_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

func BenchmarkSign(b *testing.B) {
	scheme, err := sign.Compile(fuzzWooXSpec()) // WOO X v3's scheme, written out in fuzz_test.go
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
