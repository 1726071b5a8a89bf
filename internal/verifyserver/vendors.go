package verifyserver

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// vendors holds every vendor's readings by variant name; "" is the
// default reading, the only one written so far. Each rule is written from
// the vendor's documentation, quoted in its comment; docs/vendors.md
// explains where a doc is ambiguous and which reading is the default.
var vendors = map[string]map[string]*reading{
	"sigrex":            {"": sigrex()},
	"fig":               {"": fig()},
	"woox":              {"": woox()},
	"woox-v1":           {"": wooxV1()},
	"tylt":              {"": tylt()},
	"haqqex":            {"": haqqex()},
	"binance":           {"": binance()},
	"okx":               {"": okx()},
	"bybit":             {"": bybit()},
	"kucoin":            {"": kucoin()},
	"gate":              {"": gate()},
	"kraken":            {"": kraken()},
	"bitget":            {"": bitget()},
	"coinbase-exchange": {"": coinbaseExchange()},
	"bitmex":            {"": bitmex()},
}

// concat joins strings into one message.
func concat(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// headerRule is the common shape: signature and timestamp in headers, the
// API key in a header, the secret's text as the key.
func headerRule(vendor, keyHeader, tsHeader, sigHeaderName string, form tsForm) *reading {
	rd := &reading{
		vendor:   vendor,
		hash:     sha256.New,
		key:      secretText,
		encoding: hexLower,
		extract:  sigHeader(sigHeaderName),
		sigWhere: "header " + sigHeaderName,
		tsForm:   form,
	}
	if tsHeader != "" {
		rd.stamp = stampHeader(tsHeader)
		rd.tsWhere = "header " + tsHeader
	}
	if keyHeader != "" {
		rd.auth = []authCheck{apiKey(keyHeader)}
	}
	return rd
}

// sigrex (shared/vendor-docs/sigrex.md): "GET / DELETE requests use:
// METHOD + PATH + TIMESTAMP; POST / PUT requests use: METHOD + PATH + BODY
// + TIMESTAMP", HMAC SHA256, hex; headers api-key, timestamp (Unix
// seconds: Math.floor(Date.now() / 1000)), signature. Both samples sign
// the full path "/api/v2/strategy/llm-session" under the base
// ".../api/v2"; the query is part of the path as requested.
func sigrex() *reading {
	rd := headerRule("sigrex", "api-key", "timestamp", "signature", tsUnixSeconds)
	rd.message = func(in *input, ts string) ([]byte, error) {
		if in.method == "GET" || in.method == "DELETE" {
			return concat(in.method, in.pathQuery(), ts), nil
		}
		return concat(in.method, in.pathQuery(), string(in.body), ts), nil
	}
	return rd
}

// fig (shared/vendor-docs/fig-markets.md): stringToSign =
// `${timestamp}\n${method}\n${uri}\n${body}`, HMAC-SHA256 with the client
// secret, hex; uri is the endpoint relative to the base URL
// (https://api.figmarkets.com/v1 + "/rfq"), with its query. Headers
// X-FIG-Signature, X-FIG-Timestamp (Unix seconds) and Authorization:
// Bearer <JWT>; there is no API key.
func fig() *reading {
	rd := headerRule("fig", "", "X-FIG-Timestamp", "X-FIG-Signature", tsUnixSeconds)
	rd.message = func(in *input, ts string) ([]byte, error) {
		return concat(ts, "\n", in.method, "\n", in.relPathQuery(), "\n", string(in.body)), nil
	}
	rd.auth = []authCheck{func(h http.Header, c Credentials) error {
		if c.Token == "" {
			return misconfigured("no bearer token")
		}
		got, err := header(h, "Authorization")
		if err != nil {
			return err
		}
		if got == "Bearer "+c.Token {
			return nil
		}
		if !strings.HasPrefix(got, "Bearer ") {
			return fmt.Errorf("token mismatch: header Authorization is not \"Bearer <token>\"")
		}
		return fmt.Errorf("token mismatch: header Authorization carries a token that is not the server's")
	}}
	return rd
}

// woox (shared/vendor-docs/woox-v3.md): "timestamp + request_method +
// request_path + request_body", HMAC_SHA256 with api_secret, hex; "Request
// parameters of a GET or DELETE request should be included in the
// request_path in the form of a query string" (GET /v3/algo/orders?algoType=STOP
// normalizes to 1578565539808GET/v3/algo/orders?algoType=STOP). Headers
// x-api-key, x-api-timestamp (ms), x-api-signature.
func woox() *reading {
	rd := headerRule("woox", "x-api-key", "x-api-timestamp", "x-api-signature", tsUnixMillis)
	rd.message = func(in *input, ts string) ([]byte, error) {
		return concat(ts, in.method, in.pathQuery(), string(in.body)), nil
	}
	return rd
}

// woox-v1 (WOO X's legacy v1 "Authentication"; docs/vendors.md#woox-v1):
// the request's parameters (query, then the form body), decoded, sorted by
// name, written name=value joined by "&", then "|" and the millisecond
// timestamp. Method and path are not signed. Same headers as v3.
func wooxV1() *reading {
	rd := headerRule("woox-v1", "x-api-key", "x-api-timestamp", "x-api-signature", tsUnixMillis)
	rd.message = func(in *input, ts string) ([]byte, error) {
		params := append(formPairs(in.query), formPairs(string(in.body))...)
		sorted := make([]pair, len(params))
		copy(sorted, params)
		// a stable insertion sort by name: repeated names keep their order
		for i := 1; i < len(sorted); i++ {
			for j := i; j > 0 && sorted[j].name < sorted[j-1].name; j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		var b strings.Builder
		for i, p := range sorted {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(p.name)
			b.WriteByte('=')
			b.WriteString(p.value)
		}
		b.WriteString("|")
		b.WriteString(ts)
		return []byte(b.String()), nil
	}
	return rd
}

// tylt (shared/vendor-docs/tylt.md): POST signs the raw JSON body string
// ("Use the exact same string for request body and signature
// generation"); GET signs JSON.stringify(params), the query parameters as
// an object (the section's sample, the Node JS and Python tabs; the
// JavaScript tab's query-string reading is a variant in hmacctl). HMAC
// SHA-256, hex; headers X-TLP-APIKEY, X-TLP-SIGNATURE; no time is signed.
func tylt() *reading {
	rd := headerRule("tylt", "X-TLP-APIKEY", "", "X-TLP-SIGNATURE", tsNone)
	rd.message = func(in *input, _ string) ([]byte, error) {
		if in.method == "GET" {
			return []byte(jsonStringify(formPairs(in.query))), nil
		}
		return in.body, nil
	}
	return rd
}

// haqqex (shared/vendor-docs/haqqex.md): generateSign(secret, timestamp,
// JSON.stringify(data)) = HMAC-SHA256 hex of `${timestamp}.${params}`,
// where data defaults to {} (a GET signs "{}"); headers x-api-key,
// x-api-timestamp (ms), x-api-sign. Method, path and query are not signed.
func haqqex() *reading {
	rd := headerRule("haqqex", "x-api-key", "x-api-timestamp", "x-api-sign", tsUnixMillis)
	rd.message = func(in *input, ts string) ([]byte, error) {
		body := string(in.body)
		if body == "" {
			body = "{}"
		}
		return concat(ts, ".", body), nil
	}
	return rd
}

// binance (Spot REST "SIGNED Endpoint security"): "The signature payload
// of your request is the query string concatenated without separator to
// the HTTP body" ("totalParams"); the signature is sent as the parameter
// signature, and "timestamp" is a mandatory parameter (ms or µs). Header
// X-MBX-APIKEY. HMAC SHA256, hex, case-insensitive.
func binance() *reading {
	return &reading{
		vendor:   "binance",
		hash:     sha256.New,
		key:      secretText,
		encoding: hexAny,
		extract:  binanceSignature,
		sigWhere: "parameter signature",
		stamp: func(in *input) (string, error) {
			// "If a parameter is sent in both the query string and the
			// request body, the query string parameter will be used."
			if v, ok := lookup(formPairs(in.query), "timestamp"); ok {
				return v, nil
			}
			if v, ok := lookup(formPairs(string(in.body)), "timestamp"); ok {
				return v, nil
			}
			return "", fmt.Errorf("missing parameter timestamp (in the query or the form body)")
		},
		tsWhere: "parameter timestamp",
		tsForm:  tsMillisOrMicro,
		message: func(in *input, _ string) ([]byte, error) {
			return concat(in.query, string(in.body)), nil
		},
		auth: []authCheck{apiKey("X-MBX-APIKEY")},
	}
}

// binanceSignature takes the signature parameter, the last parameter of
// the body or else of the query, out of the request.
func binanceSignature(in *input) (string, *input, error) {
	if sig, rest, ok := cutLastParam(string(in.body), "signature"); ok {
		signed := *in
		signed.body = []byte(rest)
		return sig, &signed, nil
	}
	if sig, rest, ok := cutLastParam(in.query, "signature"); ok {
		signed := *in
		signed.query = rest
		return sig, &signed, nil
	}
	for _, where := range []string{in.query, string(in.body)} {
		if _, ok := lookup(formPairs(where), "signature"); ok {
			return "", in, fmt.Errorf("parameter signature is not the last parameter of the query or the form body")
		}
	}
	return "", in, fmt.Errorf("missing parameter signature (the last parameter of the query or the form body)")
}

// cutLastParam splits "a=1&name=v" into v and "a=1" when the last
// parameter is name.
func cutLastParam(s, name string) (value, rest string, ok bool) {
	i := strings.LastIndexByte(s, '&')
	last := s[i+1:]
	value, ok = strings.CutPrefix(last, name+"=")
	if !ok {
		return "", s, false
	}
	if i < 0 {
		return formUnescape(value), "", true
	}
	return formUnescape(value), s[:i], true
}

// okx (REST v5 "Signature"): sign = Base64(HMAC SHA256(SecretKey,
// timestamp + method + requestPath + body)); "GET request parameters are
// counted as requestpath, not body"; requestPath is /api/v5/... with
// "?query". OK-ACCESS-TIMESTAMP is ISO 8601 with milliseconds;
// OK-ACCESS-KEY, OK-ACCESS-SIGN, OK-ACCESS-PASSPHRASE (as chosen).
func okx() *reading {
	rd := headerRule("okx", "OK-ACCESS-KEY", "OK-ACCESS-TIMESTAMP", "OK-ACCESS-SIGN", tsISOMillis)
	rd.encoding = base64Std
	rd.auth = append(rd.auth, passphrase("OK-ACCESS-PASSPHRASE"))
	rd.message = func(in *input, ts string) ([]byte, error) {
		return concat(ts, in.method, in.pathQuery(), string(in.body)), nil
	}
	return rd
}

// bybit (v5 guide "Create A Request"): "For GET requests: timestamp + API
// key + recv_window + queryString"; "For POST requests: timestamp + API
// key + recv_window + jsonBodyString"; HMAC_SHA256, lower-case hex.
// Headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms), X-BAPI-RECV-WINDOW,
// X-BAPI-SIGN. The key and window signed are those the headers carry.
func bybit() *reading {
	rd := headerRule("bybit", "X-BAPI-API-KEY", "X-BAPI-TIMESTAMP", "X-BAPI-SIGN", tsUnixMillis)
	rd.message = func(in *input, ts string) ([]byte, error) {
		key, err := header(in.header, "X-BAPI-API-KEY")
		if err != nil {
			return nil, err
		}
		window, err := header(in.header, "X-BAPI-RECV-WINDOW")
		if err != nil {
			return nil, err
		}
		if in.method == "GET" {
			return concat(ts, key, window, in.query), nil
		}
		return concat(ts, key, window, string(in.body)), nil
	}
	return rd
}

// kucoin (docs-new "Authentication", legacy "Signing a Message"): sign =
// base64(HMAC-SHA256(secret, timestamp + method + endpoint + body)); "For
// GET, DELETE request, the endpoint needs to contain the query string";
// "When generating signature, the URL must use the content that has not
// been URL-encoded". KC-API-PASSPHRASE for key version 2 (and 3):
// base64(HMAC-SHA256(secret, passphrase)). KC-API-TIMESTAMP in ms.
func kucoin() *reading {
	rd := headerRule("kucoin", "KC-API-KEY", "KC-API-TIMESTAMP", "KC-API-SIGN", tsUnixMillis)
	rd.encoding = base64Std
	rd.auth = append(rd.auth, kucoinPassphrase)
	rd.message = func(in *input, ts string) ([]byte, error) {
		endpoint := in.path
		if in.query != "" {
			endpoint += "?" + formUnescape(in.query)
		}
		return concat(ts, in.method, endpoint, string(in.body)), nil
	}
	return rd
}

func kucoinPassphrase(h http.Header, c Credentials) error {
	if c.Passphrase == "" {
		return misconfigured("no passphrase")
	}
	version, err := header(h, "KC-API-KEY-VERSION")
	if err != nil {
		return err
	}
	if version != "2" && version != "3" {
		return fmt.Errorf("header KC-API-KEY-VERSION is %q: only key versions 2 and 3 (HMAC'd passphrase) are supported", version)
	}
	got, err := header(h, "KC-API-PASSPHRASE")
	if err != nil {
		return err
	}
	want := base64.StdEncoding.EncodeToString(hmacSum(sha256.New, []byte(c.APISecret), []byte(c.Passphrase)))
	switch got {
	case want:
		return nil
	case c.Passphrase, base64.StdEncoding.EncodeToString([]byte(c.Passphrase)):
		return fmt.Errorf("passphrase mismatch: header KC-API-PASSPHRASE carries the passphrase itself; key version %s wants base64(HMAC-SHA256(secret, passphrase)) = %s", version, want)
	}
	return fmt.Errorf("passphrase mismatch: header KC-API-PASSPHRASE is %q, want base64(HMAC-SHA256(secret, passphrase)) = %s", got, want)
}

// gate (APIv4 "API Signature string generation"): Request Method + "\n" +
// Request URL + "\n" + Query String + "\n" + HexEncode(SHA512(Request
// Payload)) + "\n" + Timestamp, signed with HMAC-SHA512, hex. The URL is
// the path (/api/v4/...) without the query; the query string is "without
// URL encode" (the SDK: unquote_plus); an empty payload hashes "".
// Headers KEY, Timestamp (seconds), SIGN.
func gate() *reading {
	rd := headerRule("gate", "KEY", "Timestamp", "SIGN", tsUnixDecimal)
	rd.hash = sha512.New
	rd.message = func(in *input, ts string) ([]byte, error) {
		sum := sha512.Sum512(in.body)
		return concat(in.method, "\n", in.path, "\n", formUnescape(in.query), "\n", hex.EncodeToString(sum[:]), "\n", ts), nil
	}
	return rd
}

// kraken ("Spot REST Authentication"): API-Sign = base64(HMAC-SHA512 of
// (URI path + SHA256(nonce + POST data)) with the base64-decoded secret);
// the nonce is the form field nonce; POST data is the whole body as sent.
// Header API-Key.
func kraken() *reading {
	return &reading{
		vendor:   "kraken",
		hash:     sha512.New,
		key:      secretBase64,
		encoding: base64Std,
		extract:  sigHeader("API-Sign"),
		sigWhere: "header API-Sign",
		stamp: func(in *input) (string, error) {
			if v, ok := lookup(formPairs(string(in.body)), "nonce"); ok {
				return v, nil
			}
			return "", fmt.Errorf("missing form field nonce in the body")
		},
		tsWhere: "form field nonce",
		tsForm:  tsNonce,
		message: func(in *input, nonce string) ([]byte, error) {
			sum := sha256.Sum256(concat(nonce, string(in.body)))
			return concat(in.path, string(sum[:])), nil
		},
		auth: []authCheck{apiKey("API-Key")},
	}
}

// bitget ("Signature"): timestamp + method.toUpperCase() + requestPath +
// "?" + queryString + body, without "?" + queryString when there is no
// query; HMAC SHA256, base64. requestPath is /api/v2/...; the query is
// signed without percent-encoding (Bitget's SDKs). Headers ACCESS-KEY,
// ACCESS-SIGN, ACCESS-TIMESTAMP (ms), ACCESS-PASSPHRASE (as chosen).
func bitget() *reading {
	rd := headerRule("bitget", "ACCESS-KEY", "ACCESS-TIMESTAMP", "ACCESS-SIGN", tsUnixMillis)
	rd.encoding = base64Std
	rd.auth = append(rd.auth, passphrase("ACCESS-PASSPHRASE"))
	rd.message = func(in *input, ts string) ([]byte, error) {
		requestPath := in.path
		if in.query != "" {
			requestPath += "?" + formUnescape(in.query)
		}
		return concat(ts, in.method, requestPath, string(in.body)), nil
	}
	return rd
}

// coinbase-exchange ("Signing a Message"): "create a sha256 HMAC using the
// base64-decoded secret key on the prehash string timestamp + method +
// requestPath + body ... and base64-encode the output"; requestPath with
// the query as the sample SDK and common clients sign it. Headers
// CB-ACCESS-KEY, CB-ACCESS-SIGN, CB-ACCESS-TIMESTAMP (seconds, decimals
// allowed), CB-ACCESS-PASSPHRASE.
func coinbaseExchange() *reading {
	rd := headerRule("coinbase-exchange", "CB-ACCESS-KEY", "CB-ACCESS-TIMESTAMP", "CB-ACCESS-SIGN", tsUnixDecimal)
	rd.key = secretBase64
	rd.encoding = base64Std
	rd.auth = append(rd.auth, passphrase("CB-ACCESS-PASSPHRASE"))
	rd.message = func(in *input, ts string) ([]byte, error) {
		return concat(ts, in.method, in.pathQuery(), string(in.body)), nil
	}
	return rd
}

// bitmex ("API Keys Usage"): signature = HEX(HMAC_SHA256(apiSecret, verb
// + path + expires + data)), path with the query exactly as sent ("Be
// sure to HMAC *exactly* what is sent on the wire"), data the raw body.
// Headers api-expires (Unix seconds), api-key, api-signature.
func bitmex() *reading {
	rd := headerRule("bitmex", "api-key", "api-expires", "api-signature", tsExpirySeconds)
	rd.message = func(in *input, expires string) ([]byte, error) {
		return concat(in.method, in.pathQuery(), expires, string(in.body)), nil
	}
	return rd
}
