package verifyserver

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	tsSec = "1700000000"
	tsMs  = "1700000000123"
	tsISO = "2023-11-14T22:13:20.123Z"
	// a JSON body for the JSON vendors
	jsonBody = `{"symbol":"BTC-USDT","qty":"1.5"}`
)

// wireCase is a request built by hand over HTTP, under the /VENDOR
// routing prefix, with the string to sign written out literally.
type wireCase struct {
	name                string
	method, path, query string // path includes /VENDOR
	body                string
	header              http.Header // everything but the signature
	// sigHeader carries the signature; "" for binance (the last body
	// parameter).
	sigHeader string
	// tsHeader carries the timestamp; "" when it travels in the body
	// (binance, kraken: ts is then replaced there) or there is none.
	tsHeader, ts string
	canonical    string
	sign         func(string) string
	// signed lists the parts a one-byte change must break: "body",
	// "path", "query", "timestamp". The others are not signed by the
	// vendor and must still verify.
	signed string
}

func (c wireCase) vendor() string {
	v, _, _ := strings.Cut(strings.TrimPrefix(c.path, "/"), "/")
	return v
}

var (
	secret    = testCreds.APISecret
	hexS      = func(m string) string { return hexSHA256(secret, m) }
	b64S      = func(m string) string { return b64SHA256(secret, m) }
	kcPass    = b64SHA256(secret, testCreds.Passphrase)
	testKey   = testCreds.APIKey
	binanceQS = "symbol=BTCUSDT&limit=5"
	binanceBd = "quantity=1&price=0.1&recvWindow=5000&timestamp=" + tsMs
	krakenBd  = "nonce=" + tsMs + "&pair=XBTUSD&volume=1.25"
)

func wireCases() []wireCase {
	return []wireCase{
		{
			name: "sigrex POST", method: "POST", path: "/sigrex/api/v2/strategy/order", query: "limit=5", body: jsonBody,
			header: hdr("api-key", testKey, "timestamp", tsSec), sigHeader: "signature", tsHeader: "timestamp", ts: tsSec,
			canonical: "POST/sigrex/api/v2/strategy/order?limit=5" + jsonBody + tsSec,
			sign:      hexS, signed: "body path query timestamp",
		},
		{
			name: "sigrex DELETE", method: "DELETE", path: "/sigrex/api/v2/strategy/order", query: "id=5", body: jsonBody,
			header: hdr("api-key", testKey, "timestamp", tsSec), sigHeader: "signature", tsHeader: "timestamp", ts: tsSec,
			canonical: "DELETE/sigrex/api/v2/strategy/order?id=5" + tsSec,
			sign:      hexS, signed: "path query timestamp", // "GET / DELETE requests use: METHOD + PATH + TIMESTAMP"
		},
		{
			name: "fig POST", method: "POST", path: "/fig/rfq/quote", query: "limit=5", body: jsonBody,
			header: hdr("X-FIG-Timestamp", tsSec, "Authorization", "Bearer "+testCreds.Token), sigHeader: "X-FIG-Signature", tsHeader: "X-FIG-Timestamp", ts: tsSec,
			canonical: tsSec + "\nPOST\n/rfq/quote?limit=5\n" + jsonBody, // relative to the base http://HOST/fig
			sign:      hexS, signed: "body path query timestamp",
		},
		{
			name: "fig GET", method: "GET", path: "/fig/rfq/12345",
			header: hdr("X-FIG-Timestamp", tsSec, "Authorization", "Bearer "+testCreds.Token), sigHeader: "X-FIG-Signature", tsHeader: "X-FIG-Timestamp", ts: tsSec,
			canonical: tsSec + "\nGET\n/rfq/12345\n",
			sign:      hexS, signed: "path timestamp",
		},
		{
			name: "woox POST", method: "POST", path: "/woox/v3/algo/order", query: "limit=5", body: jsonBody,
			header: hdr("x-api-key", testKey, "x-api-timestamp", tsMs), sigHeader: "x-api-signature", tsHeader: "x-api-timestamp", ts: tsMs,
			canonical: tsMs + "POST/woox/v3/algo/order?limit=5" + jsonBody,
			sign:      hexS, signed: "body path query timestamp",
		},
		{
			name: "woox GET", method: "GET", path: "/woox/v3/algo/orders", query: "algoType=STOP",
			header: hdr("x-api-key", testKey, "x-api-timestamp", tsMs), sigHeader: "x-api-signature", tsHeader: "x-api-timestamp", ts: tsMs,
			canonical: tsMs + "GET/woox/v3/algo/orders?algoType=STOP",
			sign:      hexS, signed: "path query timestamp",
		},
		{
			name: "woox-v1 POST", method: "POST", path: "/woox-v1/v1/order", query: "limit=5", body: "symbol=SPOT_BTC_USDT&side=BUY&order_quantity=0.11",
			header: hdr("x-api-key", testKey, "x-api-timestamp", tsMs), sigHeader: "x-api-signature", tsHeader: "x-api-timestamp", ts: tsMs,
			canonical: "limit=5&order_quantity=0.11&side=BUY&symbol=SPOT_BTC_USDT|" + tsMs,
			sign:      hexS, signed: "body query timestamp",
		},
		{
			name: "tylt POST", method: "POST", path: "/tylt/path", query: "limit=5", body: `{"orderId":"UUID-order-id"}`,
			header: hdr("X-TLP-APIKEY", testKey), sigHeader: "X-TLP-SIGNATURE",
			canonical: `{"orderId":"UUID-order-id"}`,
			sign:      hexS, signed: "body",
		},
		{
			name: "tylt GET", method: "GET", path: "/tylt/path", query: "orderId=UUID-order-id&note=a+b%26c&limit=5",
			header: hdr("X-TLP-APIKEY", testKey), sigHeader: "X-TLP-SIGNATURE",
			canonical: `{"orderId":"UUID-order-id","note":"a b&c","limit":"5"}`,
			sign:      hexS, signed: "query",
		},
		{
			name: "haqqex POST", method: "POST", path: "/haqqex/trading/api/v1/order", query: "limit=5", body: jsonBody,
			header: hdr("x-api-key", testKey, "x-api-timestamp", tsMs), sigHeader: "x-api-sign", tsHeader: "x-api-timestamp", ts: tsMs,
			canonical: tsMs + "." + jsonBody,
			sign:      hexS, signed: "body timestamp",
		},
		{
			name: "haqqex GET", method: "GET", path: "/haqqex/trading/api/v1/trades/my", query: "limit=5",
			header: hdr("x-api-key", testKey, "x-api-timestamp", tsMs), sigHeader: "x-api-sign", tsHeader: "x-api-timestamp", ts: tsMs,
			canonical: tsMs + ".{}",
			sign:      hexS, signed: "timestamp",
		},
		{
			name: "binance POST", method: "POST", path: "/binance/api/v3/order", query: binanceQS, body: binanceBd,
			header: hdr("X-MBX-APIKEY", testKey, "Content-Type", "application/x-www-form-urlencoded"), ts: tsMs,
			canonical: binanceQS + binanceBd,
			sign:      hexS, signed: "body query timestamp",
		},
		{
			name: "okx POST", method: "POST", path: "/okx/api/v5/trade/order", query: "limit=5", body: jsonBody,
			header:    hdr("OK-ACCESS-KEY", testKey, "OK-ACCESS-TIMESTAMP", tsISO, "OK-ACCESS-PASSPHRASE", testCreds.Passphrase),
			sigHeader: "OK-ACCESS-SIGN", tsHeader: "OK-ACCESS-TIMESTAMP", ts: tsISO,
			canonical: tsISO + "POST/okx/api/v5/trade/order?limit=5" + jsonBody,
			sign:      b64S, signed: "body path query timestamp",
		},
		{
			name: "bybit POST", method: "POST", path: "/bybit/v5/order/create", query: "limit=5", body: jsonBody,
			header:    hdr("X-BAPI-API-KEY", testKey, "X-BAPI-TIMESTAMP", tsMs, "X-BAPI-RECV-WINDOW", "5000"),
			sigHeader: "X-BAPI-SIGN", tsHeader: "X-BAPI-TIMESTAMP", ts: tsMs,
			canonical: tsMs + testKey + "5000" + jsonBody,
			sign:      hexS, signed: "body timestamp",
		},
		{
			name: "bybit GET", method: "GET", path: "/bybit/v5/order/realtime", query: "category=spot&limit=5",
			header:    hdr("X-BAPI-API-KEY", testKey, "X-BAPI-TIMESTAMP", tsMs, "X-BAPI-RECV-WINDOW", "5000"),
			sigHeader: "X-BAPI-SIGN", tsHeader: "X-BAPI-TIMESTAMP", ts: tsMs,
			canonical: tsMs + testKey + "5000" + "category=spot&limit=5",
			sign:      hexS, signed: "query timestamp",
		},
		{
			name: "kucoin POST", method: "POST", path: "/kucoin/api/v1/orders", query: "limit=5", body: jsonBody,
			header:    hdr("KC-API-KEY", testKey, "KC-API-TIMESTAMP", tsMs, "KC-API-PASSPHRASE", kcPass, "KC-API-KEY-VERSION", "2"),
			sigHeader: "KC-API-SIGN", tsHeader: "KC-API-TIMESTAMP", ts: tsMs,
			canonical: tsMs + "POST/kucoin/api/v1/orders?limit=5" + jsonBody,
			sign:      b64S, signed: "body path query timestamp",
		},
		{
			// docs-new: "passphrase=abc%21%40%2311" is signed decoded
			name: "kucoin GET decoded query", method: "GET", path: "/kucoin/api/v1/x", query: "passphrase=abc%21%40%2311",
			header:    hdr("KC-API-KEY", testKey, "KC-API-TIMESTAMP", tsMs, "KC-API-PASSPHRASE", kcPass, "KC-API-KEY-VERSION", "3"),
			sigHeader: "KC-API-SIGN", tsHeader: "KC-API-TIMESTAMP", ts: tsMs,
			canonical: tsMs + "GET/kucoin/api/v1/x?passphrase=abc!@#11",
			sign:      b64S, signed: "path query timestamp",
		},
		{
			name: "gate POST", method: "POST", path: "/gate/api/v4/spot/orders", query: "limit=5", body: jsonBody,
			header: hdr("KEY", testKey, "Timestamp", tsSec), sigHeader: "SIGN", tsHeader: "Timestamp", ts: tsSec,
			canonical: "POST\n/gate/api/v4/spot/orders\nlimit=5\n" + sha512Hex(jsonBody) + "\n" + tsSec,
			sign:      func(m string) string { return hexSHA512(secret, m) }, signed: "body path query timestamp",
		},
		{
			// "?text=t%2Da%20b signs text=t-a b"
			name: "gate GET decoded query", method: "GET", path: "/gate/api/v4/spot/orders", query: "text=t%2Da%20b",
			header: hdr("KEY", testKey, "Timestamp", tsSec), sigHeader: "SIGN", tsHeader: "Timestamp", ts: tsSec,
			canonical: "GET\n/gate/api/v4/spot/orders\ntext=t-a b\n" + sha512Hex("") + "\n" + tsSec,
			sign:      func(m string) string { return hexSHA512(secret, m) }, signed: "path query timestamp",
		},
		{
			name: "kraken POST", method: "POST", path: "/kraken/0/private/AddOrder", query: "limit=5", body: krakenBd,
			header: hdr("API-Key", testKey, "Content-Type", "application/x-www-form-urlencoded"), sigHeader: "API-Sign", ts: tsMs,
			canonical: "/kraken/0/private/AddOrder" + sha256Raw(tsMs+krakenBd),
			sign:      func(m string) string { return b64SHA512(testSecretBytes, m) }, signed: "body path timestamp",
		},
		{
			name: "bitget POST", method: "POST", path: "/bitget/api/v2/spot/trade/place-order", query: "limit=5", body: jsonBody,
			header:    hdr("ACCESS-KEY", testKey, "ACCESS-TIMESTAMP", tsMs, "ACCESS-PASSPHRASE", testCreds.Passphrase),
			sigHeader: "ACCESS-SIGN", tsHeader: "ACCESS-TIMESTAMP", ts: tsMs,
			canonical: tsMs + "POST/bitget/api/v2/spot/trade/place-order?limit=5" + jsonBody,
			sign:      b64S, signed: "body path query timestamp",
		},
		{
			// "?coin=US%24T signs ?coin=US$T"
			name: "bitget GET decoded query", method: "GET", path: "/bitget/api/v2/spot/account/assets", query: "coin=US%24T",
			header:    hdr("ACCESS-KEY", testKey, "ACCESS-TIMESTAMP", tsMs, "ACCESS-PASSPHRASE", testCreds.Passphrase),
			sigHeader: "ACCESS-SIGN", tsHeader: "ACCESS-TIMESTAMP", ts: tsMs,
			canonical: tsMs + "GET/bitget/api/v2/spot/account/assets?coin=US$T",
			sign:      b64S, signed: "path query timestamp",
		},
		{
			name: "coinbase-exchange POST", method: "POST", path: "/coinbase-exchange/orders", query: "limit=5", body: jsonBody,
			header:    hdr("CB-ACCESS-KEY", testKey, "CB-ACCESS-TIMESTAMP", tsSec, "CB-ACCESS-PASSPHRASE", testCreds.Passphrase),
			sigHeader: "CB-ACCESS-SIGN", tsHeader: "CB-ACCESS-TIMESTAMP", ts: tsSec,
			canonical: tsSec + "POST/coinbase-exchange/orders?limit=5" + jsonBody,
			sign:      func(m string) string { return b64SHA256(testSecretBytes, m) }, signed: "body path query timestamp",
		},
		{
			name: "bitmex POST", method: "POST", path: "/bitmex/api/v1/order", query: "limit=5", body: jsonBody,
			header: hdr("api-key", testKey, "api-expires", tsSec), sigHeader: "api-signature", tsHeader: "api-expires", ts: tsSec,
			canonical: "POST/bitmex/api/v1/order?limit=5" + tsSec + jsonBody,
			sign:      hexS, signed: "body path query timestamp",
		},
	}
}

// build returns the header and body to send with signature sig.
func (c wireCase) build(sig string) (http.Header, string) {
	h := c.header.Clone()
	if c.sigHeader == "" {
		return h, c.body + "&signature=" + sig
	}
	h.Set(c.sigHeader, sig)
	return h, c.body
}

// rotate changes the byte at i to another of its kind: a digit to the
// next digit, a hex letter to the next hex letter, another letter to the
// next letter, anything else to the next byte.
func rotate(s string, i int) string {
	c := s[i]
	switch {
	case c >= '0' && c <= '8', c >= 'a' && c <= 'e', c >= 'A' && c <= 'E', c > 'f' && c < 'z', c > 'F' && c < 'Z':
		c++
	case c == '9':
		c = '0'
	case c == 'f':
		c = 'a'
	case c == 'F':
		c = 'A'
	case c == 'z':
		c = 'g'
	case c == 'Z':
		c = 'G'
	default:
		c++
	}
	return s[:i] + string(c) + s[i+1:]
}

// rotateLastDigit changes the last digit of s.
func rotateLastDigit(s string) string {
	i := strings.LastIndexAny(s, "0123456789")
	return rotate(s, i)
}

// TestWire sends each hand-built request over HTTP: it verifies, and a
// one-byte change in the body, path, query, timestamp or signature is
// refused with a signature mismatch exactly when the vendor signs that
// part.
func TestWire(t *testing.T) {
	base := newTestServer(t, New(testCreds))
	seen := map[string]bool{}
	for _, c := range wireCases() {
		t.Run(c.name, func(t *testing.T) {
			seen[c.vendor()] = true
			sig := c.sign(c.canonical)
			h, body := c.build(sig)
			status, r := send(t, base, c.method, c.path, c.query, h, body)
			if status != http.StatusOK || !r.OK {
				t.Fatalf("refused: %d %s\n  canonical %q\n  want      %q", status, r.Error, r.canonical(), c.canonical)
			}
			if r.canonical() != c.canonical {
				t.Errorf("canonical %q, want %q", r.canonical(), c.canonical)
			}
			if r.Vendor != c.vendor() || r.Method != c.method || r.Body != body || r.ExpectedSignature != sig {
				t.Errorf("report %+v", r)
			}

			type mutation struct {
				part             string
				path, query, bdy string
				h                http.Header
			}
			var muts []mutation
			if body != "" {
				i := len(c.body) - 1
				if c.vendor() == "binance" {
					i = 0 // the body ends in the signature parameter
				}
				muts = append(muts, mutation{part: "body", path: c.path, query: c.query, bdy: rotate(body, i), h: h})
			}
			muts = append(muts, mutation{part: "path", path: rotate(c.path, len(c.path)-1), query: c.query, bdy: body, h: h})
			if c.query != "" {
				muts = append(muts, mutation{part: "query", path: c.path, query: rotate(c.query, len(c.query)-1), bdy: body, h: h})
			}
			switch {
			case c.tsHeader != "":
				h2 := h.Clone()
				h2.Set(c.tsHeader, rotateLastDigit(c.ts))
				muts = append(muts, mutation{part: "timestamp", path: c.path, query: c.query, bdy: body, h: h2})
			case c.ts != "": // in the body
				muts = append(muts, mutation{part: "timestamp", path: c.path, query: c.query, bdy: strings.Replace(body, c.ts, rotateLastDigit(c.ts), 1), h: h})
			}
			for _, m := range muts {
				status, r := send(t, base, c.method, m.path, m.query, m.h, m.bdy)
				if strings.Contains(c.signed, m.part) {
					if status != http.StatusUnauthorized || !strings.HasPrefix(r.Error, "signature mismatch: ") || r.ExpectedSignature == "" || r.Canonical == nil {
						t.Errorf("%s changed: %d %q, want 401 signature mismatch", m.part, status, r.Error)
					}
				} else if status != http.StatusOK {
					t.Errorf("%s changed (not signed by %s): %d %q, want 200", m.part, c.vendor(), status, r.Error)
				}
			}

			// The signature changed.
			bad := rotate(sig, 0)
			h2, body2 := c.build(bad)
			status, r = send(t, base, c.method, c.path, c.query, h2, body2)
			want := fmt.Sprintf("signature mismatch: %s is %s, the server computed %s", r.sigWhere(c), bad, sig)
			if status != http.StatusUnauthorized || r.Error != want || r.canonical() != c.canonical {
				t.Errorf("signature changed: %d %q\n  want %q", status, r.Error, want)
			}
		})
	}
	for _, name := range Vendors() {
		if !seen[name] {
			t.Errorf("no wire case for %s", name)
		}
	}
}

func (r *response) sigWhere(c wireCase) string {
	if c.sigHeader == "" {
		return "parameter signature"
	}
	return "header " + c.sigHeader
}

// TestWireErrors: each way a request can be incomplete or carry the wrong
// credentials gets 401 with an error that says which.
func TestWireErrors(t *testing.T) {
	base := newTestServer(t, New(testCreds))
	for _, c := range wireCases() {
		t.Run(c.name, func(t *testing.T) {
			sig := c.sign(c.canonical)
			h, body := c.build(sig)
			expect := func(what string, status int, r *response, wantErr string) {
				t.Helper()
				if status != http.StatusUnauthorized || r.OK || !strings.HasPrefix(r.Error, wantErr) {
					t.Errorf("%s: %d %q, want 401 %q", what, status, r.Error, wantErr)
				}
			}

			// no signature
			h2, body2 := h.Clone(), body
			want := "missing header " + c.sigHeader
			if c.sigHeader == "" {
				body2, want = c.body, "missing parameter signature (the last parameter of the query or the form body)"
			} else {
				h2.Del(c.sigHeader)
			}
			status, r := send(t, base, c.method, c.path, c.query, h2, body2)
			expect("no signature", status, r, want)
			if r.ExpectedSignature != sig || r.canonical() != c.canonical {
				t.Errorf("no signature: the report should still give the expected signature and canonical: %+v", r)
			}

			// no timestamp, and a malformed one
			switch {
			case c.tsHeader != "":
				h2 := h.Clone()
				h2.Del(c.tsHeader)
				status, r = send(t, base, c.method, c.path, c.query, h2, body)
				expect("no timestamp", status, r, "missing header "+c.tsHeader)
				if r.Canonical != nil {
					t.Errorf("no timestamp: canonical %q reported", *r.Canonical)
				}
				h2.Set(c.tsHeader, "x"+c.ts)
				status, r = send(t, base, c.method, c.path, c.query, h2, body)
				expect("bad timestamp", status, r, fmt.Sprintf("bad timestamp: header %s is %q, not ", c.tsHeader, "x"+c.ts))
			case c.vendor() == "binance":
				noTS := strings.Replace(body, "&timestamp="+c.ts, "", 1)
				status, r = send(t, base, c.method, c.path, c.query, h, noTS)
				expect("no timestamp", status, r, "missing parameter timestamp")
				status, r = send(t, base, c.method, c.path, c.query, h, strings.Replace(body, c.ts, "x"+c.ts, 1))
				expect("bad timestamp", status, r, "bad timestamp: parameter timestamp is \"x"+c.ts+"\"")
			case c.vendor() == "kraken":
				noNonce := strings.Replace(body, "nonce="+c.ts+"&", "", 1)
				status, r = send(t, base, c.method, c.path, c.query, h, noNonce)
				expect("no nonce", status, r, "missing form field nonce")
				status, r = send(t, base, c.method, c.path, c.query, h, strings.Replace(body, c.ts, "x"+c.ts, 1))
				expect("bad nonce", status, r, "bad timestamp: form field nonce is \"x"+c.ts+"\", not an unsigned integer nonce")
			}

			// the wrong API key (or token), and none
			keyHeader := map[string]string{
				"sigrex": "api-key", "woox": "x-api-key", "woox-v1": "x-api-key", "tylt": "X-TLP-APIKEY",
				"haqqex": "x-api-key", "binance": "X-MBX-APIKEY", "okx": "OK-ACCESS-KEY", "bybit": "X-BAPI-API-KEY",
				"kucoin": "KC-API-KEY", "gate": "KEY", "kraken": "API-Key", "bitget": "ACCESS-KEY",
				"coinbase-exchange": "CB-ACCESS-KEY", "bitmex": "api-key", "fig": "Authorization",
			}[c.vendor()]
			h2 = h.Clone()
			h2.Set(keyHeader, "other")
			status, r = send(t, base, c.method, c.path, c.query, h2, body)
			if c.vendor() == "fig" {
				expect("no bearer", status, r, `token mismatch: header Authorization is not "Bearer <token>"`)
				h2.Set(keyHeader, "Bearer other")
				status, r = send(t, base, c.method, c.path, c.query, h2, body)
				expect("wrong token", status, r, "token mismatch: header Authorization carries a token that is not the server's")
			} else {
				expect("wrong key", status, r, fmt.Sprintf("API key mismatch: header %s is \"other\", the server's API key is %q", keyHeader, testKey))
			}
			h2.Del(keyHeader)
			status, r = send(t, base, c.method, c.path, c.query, h2, body)
			expect("no key", status, r, "missing header "+keyHeader)
		})
	}
}

// TestPassphrases: vendors with a passphrase refuse a wrong one; KuCoin
// wants the v2 HMAC of it and says so when it gets the passphrase itself.
func TestPassphrases(t *testing.T) {
	base := newTestServer(t, New(testCreds))
	for _, c := range wireCases() {
		header := map[string]string{"okx": "OK-ACCESS-PASSPHRASE", "bitget": "ACCESS-PASSPHRASE", "coinbase-exchange": "CB-ACCESS-PASSPHRASE", "kucoin": "KC-API-PASSPHRASE"}[c.vendor()]
		if header == "" || c.method != "POST" {
			continue
		}
		h, body := c.build(c.sign(c.canonical))
		for _, p := range []string{"other", testCreds.Passphrase, base64.StdEncoding.EncodeToString([]byte(testCreds.Passphrase)), ""} {
			if p == testCreds.Passphrase && c.vendor() != "kucoin" {
				continue
			}
			h2 := h.Clone()
			h2.Set(header, p)
			if p == "" {
				h2.Del(header)
			}
			status, r := send(t, base, c.method, c.path, c.query, h2, body)
			want := "passphrase mismatch: header " + header
			switch {
			case p == "":
				want = "missing header " + header
			case c.vendor() == "kucoin" && p != "other":
				want = "passphrase mismatch: header KC-API-PASSPHRASE carries the passphrase itself; key version 2 wants base64(HMAC-SHA256(secret, passphrase)) = " + kcPass
			}
			if status != http.StatusUnauthorized || !strings.HasPrefix(r.Error, want) {
				t.Errorf("%s passphrase %q: %d %q, want %q", c.vendor(), p, status, r.Error, want)
			}
		}
		if c.vendor() == "kucoin" {
			for version, want := range map[string]string{"1": `header KC-API-KEY-VERSION is "1": only key versions 2 and 3`, "": "missing header KC-API-KEY-VERSION"} {
				h2 := h.Clone()
				h2.Set("KC-API-KEY-VERSION", version)
				if version == "" {
					h2.Del("KC-API-KEY-VERSION")
				}
				status, r := send(t, base, c.method, c.path, c.query, h2, body)
				if status != http.StatusUnauthorized || !strings.HasPrefix(r.Error, want) {
					t.Errorf("kucoin version %q: %d %q, want %q", version, status, r.Error, want)
				}
			}
		}
	}
}

func findCase(t *testing.T, name string) wireCase {
	for _, c := range wireCases() {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no case %q", name)
	return wireCase{}
}

// TestSignatureForms: letter case and malformed signatures.
func TestSignatureForms(t *testing.T) {
	base := newTestServer(t, New(testCreds))

	c := findCase(t, "woox POST")
	sig := c.sign(c.canonical)
	h, body := c.build(strings.ToUpper(sig))
	status, r := send(t, base, c.method, c.path, c.query, h, body)
	if want := "signature mismatch: header x-api-signature is the expected signature in the wrong letter case (the vendor writes lower-case hex)"; status != 401 || r.Error != want {
		t.Errorf("upper-case hex for woox: %d %q", status, r.Error)
	}
	h, body = c.build(sig[:10])
	status, r = send(t, base, c.method, c.path, c.query, h, body)
	if want := fmt.Sprintf("malformed signature: header x-api-signature is %q (10 characters), not 64 hex digits", sig[:10]); status != 401 || r.Error != want {
		t.Errorf("short hex: %d %q", status, r.Error)
	}

	// Binance treats HMAC signatures case-insensitively.
	c = findCase(t, "binance POST")
	h, body = c.build(strings.ToUpper(c.sign(c.canonical)))
	if status, r := send(t, base, c.method, c.path, c.query, h, body); status != 200 {
		t.Errorf("upper-case hex for binance: %d %q", status, r.Error)
	}
	// ... and the signature must be the last parameter.
	sig = c.sign(c.canonical)
	status, r = send(t, base, c.method, c.path, c.query, h, "signature="+sig+"&"+c.body)
	if want := "parameter signature is not the last parameter of the query or the form body"; status != 401 || r.Error != want {
		t.Errorf("binance signature first: %d %q", status, r.Error)
	}
	// A GET carries it last in the query.
	q := "symbol=BTCUSDT&recvWindow=5000&timestamp=" + tsMs
	status, r = send(t, base, "GET", "/binance/api/v3/openOrders", q+"&signature="+hexS(q), hdr("X-MBX-APIKEY", testKey), "")
	if status != 200 || r.canonical() != q {
		t.Errorf("binance GET: %d %q %q", status, r.Error, r.canonical())
	}

	c = findCase(t, "okx POST")
	h, body = c.build("not base64!")
	status, r = send(t, base, c.method, c.path, c.query, h, body)
	if want := `malformed signature: header OK-ACCESS-SIGN is "not base64!", not the standard base64 of 32 bytes (44 characters)`; status != 401 || r.Error != want {
		t.Errorf("okx malformed: %d %q", status, r.Error)
	}

	// Bybit signs the receive window the header carries.
	c = findCase(t, "bybit POST")
	h, body = c.build(c.sign(c.canonical))
	h.Del("X-BAPI-RECV-WINDOW")
	if status, r := send(t, base, c.method, c.path, c.query, h, body); status != 401 || r.Error != "missing header X-BAPI-RECV-WINDOW" {
		t.Errorf("bybit without a window: %d %q", status, r.Error)
	}
	h.Set("X-BAPI-RECV-WINDOW", "10000")
	if status, r := send(t, base, c.method, c.path, c.query, h, body); status != 401 || !strings.HasPrefix(r.Error, "signature mismatch") || !strings.Contains(r.canonical(), testKey+"10000") {
		t.Errorf("bybit with another window: %d %q", status, r.Error)
	}
}

// TestFigRelativePath: fig signs the path relative to its base URL, so a
// client that signs the full path (/fig/rfq) is refused, and the report
// shows the relative string the server signed.
func TestFigRelativePath(t *testing.T) {
	base := newTestServer(t, New(testCreds))
	full := tsSec + "\nGET\n/fig/rfq/12345\n"
	h := hdr("X-FIG-Timestamp", tsSec, "Authorization", "Bearer "+testCreds.Token, "X-FIG-Signature", hexS(full))
	status, r := send(t, base, "GET", "/fig/rfq/12345", "", h, "")
	if status != 401 || !strings.HasPrefix(r.Error, "signature mismatch") || r.canonical() != tsSec+"\nGET\n/rfq/12345\n" {
		t.Errorf("%d %q %q", status, r.Error, r.canonical())
	}
}

// TestRouting: unknown vendors get 404, with a JSON report.
func TestRouting(t *testing.T) {
	base := newTestServer(t, New(testCreds))
	for _, path := range []string{"/", "/nosuch/x", "/WOOX/v3/x", "/woox%2Fv3"} {
		status, r := send(t, base, "GET", path, "", nil, "")
		if status != http.StatusNotFound || r.OK || !strings.HasPrefix(r.Error, "unknown vendor ") {
			t.Errorf("%s: %d %q", path, status, r.Error)
		}
	}
}

// TestBodyLimit: a body over MaxBody gets 413; one of exactly MaxBody is
// read whole and verified.
func TestBodyLimit(t *testing.T) {
	h := New(testCreds)
	big := strings.Repeat("a", MaxBody)
	canonical := tsMs + "." + big
	for _, tc := range []struct {
		body   string
		status int
	}{{big, 200}, {big + "a", 413}} {
		req := httptest.NewRequest("POST", "/haqqex/x", strings.NewReader(tc.body))
		req.Header.Set("x-api-key", testKey)
		req.Header.Set("x-api-timestamp", tsMs)
		req.Header.Set("x-api-sign", hexS(canonical))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("body of %d bytes: %d, want %d: %.200s", len(tc.body), rec.Code, tc.status, rec.Body)
		}
	}
}

// TestMisconfigured: a server secret kraken cannot decode is the
// server's fault: 500, and a missing credential likewise.
func TestMisconfigured(t *testing.T) {
	creds := testCreds
	creds.APISecret = "not base64!"
	base := newTestServer(t, New(creds))
	c := findCase(t, "kraken POST")
	h, body := c.build(c.sign(c.canonical))
	status, r := send(t, base, c.method, c.path, c.query, h, body)
	if status != 500 || !strings.Contains(r.Error, "the API secret is not base64") {
		t.Errorf("kraken: %d %q", status, r.Error)
	}
	base = newTestServer(t, New(Credentials{APISecret: "s"}))
	c = findCase(t, "okx POST")
	h, body = c.build(c.sign(c.canonical))
	if status, r := send(t, base, c.method, c.path, c.query, h, body); status != 500 || !strings.Contains(r.Error, "no API key") {
		t.Errorf("okx without a key: %d %q", status, r.Error)
	}
}

// TestClock: with NewWithClock and maxAge > 0 the timestamp must be
// within maxAge of the clock; BitMEX's expiry must not have passed.
func TestClock(t *testing.T) {
	now := time.Unix(1700000000, 123e6)
	const window = 30 * time.Second
	base := newTestServer(t, NewWithClock(testCreds, func() time.Time { return now }, window))
	stamp := func(c wireCase, d time.Duration) string {
		t := now.Add(d)
		switch c.ts {
		case tsSec:
			return fmt.Sprint(t.Unix())
		case tsMs:
			return fmt.Sprint(t.UnixMilli())
		case tsISO:
			return t.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		panic(c.ts)
	}
	for _, c := range wireCases() {
		if c.ts == "" {
			continue
		}
		for _, tc := range []struct {
			d    time.Duration
			want string
		}{
			{0, ""},
			{-29 * time.Second, ""},
			{29 * time.Second, ""},
			{-31 * time.Second, "timestamp too old: "},
			{31 * time.Second, "timestamp in the future: "},
		} {
			ts := stamp(c, tc.d)
			want := tc.want
			switch c.vendor() {
			case "kraken":
				want = "" // a nonce, not a time
			case "bitmex":
				// the expiry: whole seconds, so now+0 is already 123 ms past
				want = map[time.Duration]string{-29 * time.Second: "request expired: ", 0: "request expired: ", 29 * time.Second: "", -31 * time.Second: "request expired: ", 31 * time.Second: "expiry too far ahead: "}[tc.d]
			}
			cc := c
			cc.canonical = strings.Replace(c.canonical, c.ts, ts, 1)
			if c.vendor() == "kraken" {
				cc.canonical = strings.TrimSuffix(c.canonical, sha256Raw(c.ts+krakenBd)) + sha256Raw(ts+strings.Replace(krakenBd, c.ts, ts, 1))
			}
			cc.body = strings.Replace(c.body, c.ts, ts, 1)
			cc.header = c.header.Clone()
			if c.tsHeader != "" {
				cc.header.Set(c.tsHeader, ts)
			}
			h, body := cc.build(cc.sign(cc.canonical))
			status, r := send(t, base, c.method, c.path, c.query, h, body)
			if want == "" && status != 200 || want != "" && (status != 401 || !strings.HasPrefix(r.Error, want)) {
				t.Errorf("%s at now%+v: %d %q, want %q", c.name, tc.d, status, r.Error, want)
			}
		}
	}
}
