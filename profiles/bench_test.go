package profiles_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// builtinBenchCases are typical requests for the built-in vendors. The
// credentials are the vendors' own documentation examples (Kraken's secret
// must be valid base64: its key is b64decode(api_secret)).
func builtinBenchCases() []struct {
	name, vendor string
	req          sign.Request
} {
	wooxCreds := map[string]string{"api_key": "AbmyVJGUpN064ks5ELjLfA==", "api_secret": "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"}
	krakenCreds := map[string]string{
		"api_key":    "HbqXfTKtJr2yQNzUsHcW1lQmHgRQmQ4Iu5PTcZ5dPu5ZHOYzmY4mM4T0",
		"api_secret": "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
	}
	binanceCreds := map[string]string{
		"api_key":    "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
		"api_secret": "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
	}
	// 200 bytes, the size of a typical order.
	wooxBody := []byte(`{"symbol":"PERP_BTC_USDT","side":"BUY","reduceOnly":false,"type":"MARKET","quantity":"1","algoType":"TRAILING_STOP","callbackRate":"0.012","clientOrderId":"` + strings.Repeat("a", 42) + `"}`)
	return []struct {
		name, vendor string
		req          sign.Request
	}{
		{"woox-200B", "woox", sign.Request{
			Method: "POST", BaseURL: "https://api.woox.io", Target: "/v3/algo/order", Body: wooxBody,
			Credentials: wooxCreds, Time: time.UnixMilli(1578565539808),
		}},
		// Kraken's AddOrder example: HMAC-SHA512 over path + SHA256(nonce + body).
		{"kraken-AddOrder", "kraken", sign.Request{
			Method: "POST", BaseURL: "https://api.kraken.com", Target: "/0/private/AddOrder",
			Body:        []byte("ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"),
			Credentials: krakenCreds, Time: time.UnixMilli(1616492376594),
		}},
		{"binance-GET", "binance", sign.Request{
			Method: "GET", BaseURL: "https://api.binance.com", Target: "/api/v3/order?symbol=LTCBTC&orderId=28457",
			Credentials: binanceCreds, Time: time.UnixMilli(1499827319559),
		}},
		{"binance-POST-form", "binance", sign.Request{
			Method: "POST", BaseURL: "https://api.binance.com", Target: "/api/v3/order",
			Body:        []byte("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"),
			Credentials: binanceCreds, Time: time.UnixMilli(1499827319559),
		}},
	}
}

// BenchmarkBuiltinSign signs one request with a built-in vendor's compiled
// scheme: the per-request cost once the definition is loaded.
func BenchmarkBuiltinSign(b *testing.B) {
	for _, c := range builtinBenchCases() {
		b.Run(c.name, func(b *testing.B) {
			v, err := profiles.Builtin(c.vendor)
			if err != nil {
				b.Fatal(err)
			}
			scheme, err := v.Scheme("")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := scheme.Sign(c.req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scheme.Sign(c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBuiltinBenchRequests checks that the benchmarked requests sign what
// the vendors document, so that the benchmark measures real work.
func TestBuiltinBenchRequests(t *testing.T) {
	for _, c := range builtinBenchCases() {
		v, err := profiles.Builtin(c.vendor)
		if err != nil {
			t.Fatal(err)
		}
		scheme, err := v.Scheme("")
		if err != nil {
			t.Fatal(err)
		}
		res, err := scheme.Sign(c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.name == "woox-200B" && len(c.req.Body) != 200 {
			t.Errorf("woox body is %d bytes, want 200", len(c.req.Body))
		}
		// Kraken's documented example ("Examples" table of its
		// spot-rest-auth guide).
		if c.vendor == "kraken" {
			const want = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
			if res.Signature != want {
				t.Errorf("kraken signature %s, want %s (body %q)", res.Signature, want, res.Body)
			}
		}
		if c.vendor == "binance" && !strings.Contains(res.URL+string(res.Body), "signature="+res.Signature) {
			t.Errorf("%s: signature not sent: %s %s", c.name, res.URL, res.Body)
		}
	}
}

// BenchmarkBuiltinLoad is what the CLI does once per process before it
// signs: parse the embedded TOML definition and compile its default scheme.
func BenchmarkBuiltinLoad(b *testing.B) {
	for _, name := range []string{"woox", "kraken", "binance"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := profiles.Builtin(name)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.Scheme(""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
