package sign_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

func mustCompile(t *testing.T, spec sign.Spec) *sign.Scheme {
	t.Helper()
	s, err := sign.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var creds = map[string]string{"api_key": "key", "api_secret": "secret", "api_passphrase": "pass", "token": "tok"}

func TestTimestampFormatsAndOffset(t *testing.T) {
	at := time.Date(2020, 12, 8, 9, 8, 57, 715_000_000, time.UTC)
	for _, tt := range []struct {
		format sign.TimestampFormat
		offset string
		want   string
	}{
		{sign.UnixSeconds, "", "1607418537"},
		{sign.UnixMillis, "", "1607418537715"},
		{sign.ISO8601Millis, "", "2020-12-08T09:08:57.715Z"},
		{sign.NoTimestamp, "", ""},
		{sign.UnixSeconds, "expires", "1607418597"},
	} {
		spec := sign.Spec{Credentials: []string{"api_secret"}, Timestamp: tt.format, Hash: "sha256", Message: "timestamp", Encoding: "hex"}
		if tt.offset != "" {
			spec.TimestampOffsetSetting = tt.offset
			spec.Settings = map[string]string{"expires": "60"}
		}
		res, err := mustCompile(t, spec).Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: creds, Time: at})
		if err != nil {
			t.Fatal(err)
		}
		if res.Timestamp != tt.want || string(res.Canonical) != tt.want {
			t.Errorf("%s offset %q: timestamp %q, want %q", tt.format, tt.offset, res.Timestamp, tt.want)
		}
		if tt.format != sign.NoTimestamp && tt.offset == "" {
			back, err := tt.format.Parse(res.Timestamp)
			if err != nil || !back.Equal(at.Truncate(map[sign.TimestampFormat]time.Duration{sign.UnixSeconds: time.Second}[tt.format])) {
				t.Errorf("%s: Parse(%q) = %v, %v", tt.format, res.Timestamp, back, err)
			}
		}
	}
}

// A Binance-style scheme: timestamp added as a parameter before signing,
// the signature added as the last parameter after; GET in the query, POST
// in the form body.
func TestParamsBeforeAndAfterSigning(t *testing.T) {
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_key", "api_secret"},
		BodyFormat:  sign.BodyForm,
		Timestamp:   sign.UnixMillis,
		Settings:    map[string]string{"recvWindow": "5000"},
		Hash:        "sha256",
		Message:     "query + body",
		Encoding:    "hex",
		Headers:     []sign.Header{{Name: "X-MBX-APIKEY", Value: "api_key"}},
		Params: []sign.Param{
			{Name: "timestamp", Value: "timestamp"},
			{Name: "recvWindow", Value: "settings.recvWindow"},
			{Name: "signature", Value: "signature"},
		},
	})
	get, err := s.Sign(sign.Request{Method: "get", BaseURL: "https://api.binance.com", Target: "/api/v3/account?omit=true", Credentials: creds, Time: time.UnixMilli(1700000000123), Settings: map[string]string{"recvWindow": "10000"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(get.Canonical) != "omit=true&timestamp=1700000000123&recvWindow=10000" {
		t.Errorf("GET canonical %q", get.Canonical)
	}
	if get.URL != "https://api.binance.com/api/v3/account?omit=true&timestamp=1700000000123&recvWindow=10000&signature="+get.Signature || get.Body != nil {
		t.Errorf("GET url %q body %q", get.URL, get.Body)
	}
	post, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://api.binance.com", Target: "/api/v3/order", Fields: []sign.Field{{Name: "symbol", Value: "BTCUSDT"}, {Name: "quantity", Value: json.Number("1")}}, Credentials: creds, Time: time.UnixMilli(1700000000123)})
	if err != nil {
		t.Fatal(err)
	}
	if string(post.Canonical) != "symbol=BTCUSDT&quantity=1&timestamp=1700000000123&recvWindow=5000" {
		t.Errorf("POST canonical %q", post.Canonical)
	}
	if string(post.Body) != string(post.Canonical)+"&signature="+post.Signature || post.ContentType != "application/x-www-form-urlencoded" || strings.Contains(post.URL, "?") {
		t.Errorf("POST body %q url %q type %q", post.Body, post.URL, post.ContentType)
	}
}

// A Kraken-style nested hash: key base64-decoded, nonce first in the body,
// message = path + raw SHA-256(nonce + body), HMAC-SHA512, base64.
func TestNestedHashWithBinaryMessage(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_secret"}, BodyFormat: sign.BodyForm, Timestamp: sign.UnixMillis,
		Hash: "sha512", Key: "b64decode(api_secret)", Message: "path + sha256(timestamp + body)", Encoding: "base64",
		Params: []sign.Param{{Name: "nonce", Value: "timestamp", To: sign.ToBody, First: true}},
	})
	res, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://api.kraken.com", Target: "/0/private/Balance", Body: []byte("asset=XBT"), Credentials: map[string]string{"api_secret": secret}, Timestamp: "1616492376594"})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Body) != "nonce=1616492376594&asset=XBT" {
		t.Errorf("body %q", res.Body)
	}
	inner := sha256Sum("1616492376594" + "nonce=1616492376594&asset=XBT")
	want := "/0/private/Balance" + string(inner[:])
	if string(res.Canonical) != want {
		t.Errorf("canonical %x, want %x", res.Canonical, want)
	}
	mac := hmac.New(sha512.New, []byte("0123456789abcdef0123456789abcdef"))
	mac.Write([]byte(want))
	if res.Signature != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature %s", res.Signature)
	}
}

func TestEncodingsAndMessageByMethod(t *testing.T) {
	base := sign.Spec{Credentials: []string{"api_secret"}, Hash: "sha256", Message: `"other"`, MessageByMethod: map[string]string{"GET": `"get"`}}
	for _, enc := range []string{"hex", "hex-upper", "base64", "base64url"} {
		spec := base
		spec.Encoding = enc
		s := mustCompile(t, spec)
		get, _ := s.Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: creds})
		post, _ := s.Sign(sign.Request{Method: "POST", BaseURL: "https://x.test", Target: "/", Credentials: creds})
		if string(get.Canonical) != "get" || string(post.Canonical) != "other" {
			t.Errorf("message_by_method: %q, %q", get.Canonical, post.Canonical)
		}
		raw, err := s.DecodeSignature(get.Signature)
		if err != nil {
			t.Fatalf("%s: decode %q: %v", enc, get.Signature, err)
		}
		m := hmac.New(sha256New, []byte("secret"))
		m.Write([]byte("get"))
		if !hmac.Equal(raw, m.Sum(nil)) {
			t.Errorf("%s: %s does not decode to the HMAC", enc, get.Signature)
		}
		if enc == "hex-upper" && get.Signature != strings.ToUpper(get.Signature) {
			t.Errorf("hex-upper gave %s", get.Signature)
		}
	}
}

func TestSignErrors(t *testing.T) {
	s := mustCompile(t, sign.Spec{Credentials: []string{"api_key", "api_secret"}, Hash: "sha256", Message: "body", Encoding: "hex", Settings: map[string]string{"w": "1"}})
	_, err := s.Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: map[string]string{"api_key": "k"}})
	var missing *sign.MissingCredentialError
	if !errors.As(err, &missing) || missing.Name != "api_secret" {
		t.Errorf("missing secret: %v", err)
	}
	for _, base := range []string{"ftp://x", "x.test", "https://", "https:///path", "https://x.test/a?b"} {
		if _, err := s.Sign(sign.Request{Method: "GET", BaseURL: base, Target: "/", Credentials: creds}); err == nil {
			t.Errorf("base URL %q accepted", base)
		}
	}
	if _, err := s.Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: creds, Settings: map[string]string{"nope": "1"}}); err == nil {
		t.Error("unknown setting accepted")
	}
	if _, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://x.test", Target: "/", Body: []byte("x"), Fields: []sign.Field{{Name: "a", Value: "b"}}, Credentials: creds}); err == nil {
		t.Error("body and fields together accepted")
	}
	bad := mustCompile(t, sign.Spec{Credentials: []string{"api_secret"}, Hash: "sha256", Key: "b64decode(api_secret)", Message: "body", Encoding: "hex"})
	if _, err := bad.Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: map[string]string{"api_secret": "not base64!"}}); err == nil || !strings.Contains(err.Error(), "not valid base64") {
		t.Errorf("bad base64 secret: %v", err)
	}
}

func TestCompileErrorsNameTheField(t *testing.T) {
	ok := sign.Spec{Credentials: []string{"api_secret"}, Hash: "sha256", Message: "body", Encoding: "hex"}
	for _, tt := range []struct {
		change func(*sign.Spec)
		field  string
	}{
		{func(s *sign.Spec) { s.Hash = "md5" }, "signature.hash"},
		{func(s *sign.Spec) { s.Encoding = "b32" }, "signature.encoding"},
		{func(s *sign.Spec) { s.Message = "" }, "signature.message"},
		{func(s *sign.Spec) { s.Message = "body +" }, "signature.message"},
		{func(s *sign.Spec) { s.Key = "now()" }, "signature.key"},
		{func(s *sign.Spec) { s.Message = "api_key" }, "signature.message"},
		{func(s *sign.Spec) { s.MessageByMethod = map[string]string{"get": "body"} }, "signature.message_by_method.get"},
		{func(s *sign.Spec) { s.Timestamp = "weeks" }, "timestamp.format"},
		{func(s *sign.Spec) { s.TimestampOffsetSetting = "nope" }, "timestamp.offset"},
		{func(s *sign.Spec) { s.BodyFormat = "xml" }, "body_format"},
		{func(s *sign.Spec) { s.Credentials = []string{"password"} }, "credentials"},
		{func(s *sign.Spec) { s.Params = []sign.Param{{Name: "n", Value: "timestamp", To: sign.ToBody}} }, "params[0].to"},
		{func(s *sign.Spec) { s.Params = []sign.Param{{Value: "timestamp"}} }, "params[0].name"},
		{func(s *sign.Spec) { s.Headers = []sign.Header{{Name: "Bad Name", Value: "signature"}} }, "headers[0].name"},
	} {
		spec := ok
		tt.change(&spec)
		_, err := sign.Compile(spec)
		var fe *sign.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("want an error in %s, got %v", tt.field, err)
		}
	}
}

func sha256Sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }

var sha256New = sha256.New

// The key derived from credentials is cached per credentials: a second
// secret must not reuse the first one's key.
func TestDerivedKeyFollowsTheCredentials(t *testing.T) {
	s := mustCompile(t, sign.Spec{Credentials: []string{"api_secret"}, Hash: "sha256", Key: "b64decode(api_secret)", Message: "body", Encoding: "hex"})
	for i, secret := range []string{"a2V5MQ==", "a2V5Mg==", "a2V5MQ==", "a2V5Mg=="} {
		res, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://x.test", Target: "/", Body: []byte("m"), Credentials: map[string]string{"api_secret": secret}})
		if err != nil {
			t.Fatal(err)
		}
		key, _ := base64.StdEncoding.DecodeString(secret)
		m := hmac.New(sha256New, key)
		m.Write([]byte("m"))
		if want := hex.EncodeToString(m.Sum(nil)); res.Signature != want {
			t.Errorf("request %d: signature %s, want %s", i, res.Signature, want)
		}
	}
}

// A parameter added before signing sees the body, the query and the
// parameters added before it.
func TestPreSigningParamsSeeTheRequest(t *testing.T) {
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_secret"}, BodyFormat: sign.BodyForm, Hash: "sha256", Message: "query + body", Encoding: "hex",
		Params: []sign.Param{
			{Name: "len", Value: "hex(sha256(body))[0:8]", To: sign.ToQuery},
			{Name: "p", Value: "path_query", To: sign.ToQuery},
		},
	})
	res, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://x.test/v1", Target: "/o?a=1", Body: []byte("k=v"), Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256Sum("k=v")
	want := "a=1&len=" + hex.EncodeToString(sum[:])[:8] + "&p=%2Fv1%2Fo%3Fa%3D1%26len%3D" + hex.EncodeToString(sum[:])[:8] + "k=v"
	if string(res.Canonical) != want {
		t.Errorf("canonical %q, want %q", res.Canonical, want)
	}
}

func TestExpiryOffsetIsWholeSeconds(t *testing.T) {
	s := mustCompile(t, sign.Spec{Credentials: []string{"api_secret"}, Timestamp: sign.UnixSeconds, TimestampOffsetSetting: "expires", Settings: map[string]string{"expires": "60"}, Hash: "sha256", Message: "timestamp", Encoding: "hex"})
	for _, bad := range []string{"5m", "1.5", ""} {
		if _, err := s.Sign(sign.Request{Method: "GET", BaseURL: "https://x.test", Target: "/", Credentials: creds, Time: time.Unix(0, 0), Settings: map[string]string{"expires": bad}}); err == nil {
			t.Errorf("expires=%q accepted", bad)
		}
	}
}

// A Scheme holds no state between requests: goroutines signing with
// different keys at once each get their own key's signature (run with
// -race).
func TestConcurrentSigningWithDifferentKeys(t *testing.T) {
	scheme := mustCompile(t, streamSpec("timestamp + method + path_query + body")) // streamSpec: stream_test.go
	request := func(secret string) sign.Request {
		return sign.Request{
			Method: "POST", BaseURL: "https://api.example.test/v1", Target: "/orders?a=1", Body: []byte(`{"k":"v"}`),
			Credentials: map[string]string{"api_key": "k", "api_secret": secret}, Time: time.UnixMilli(1700000000000),
		}
	}
	secrets := []string{"s1", "s2", "a secret longer than one SHA-256 block, hashed first by HMAC: " + strings.Repeat("x", 64)}
	want := map[string]string{}
	for _, secret := range secrets {
		res, err := scheme.Sign(request(secret))
		if err != nil {
			t.Fatal(err)
		}
		want[secret] = res.Signature
	}
	errs := make(chan error, len(secrets))
	for _, secret := range secrets {
		go func() {
			for range 200 {
				res, err := scheme.Sign(request(secret))
				if err == nil && res.Signature != want[secret] {
					err = errors.New("signature " + res.Signature + ", want " + want[secret])
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range secrets {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// A header value with a line break (a credential or setting given with
// one) is refused, naming the header and what it is made of, never the
// value.
func TestHeaderValuesWithControlCharactersAreRefused(t *testing.T) {
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_key", "api_secret"}, Timestamp: sign.UnixMillis,
		Settings: map[string]string{"w": "1"},
		Hash:     "sha256", Message: "timestamp + body", Encoding: "hex",
		Headers: []sign.Header{{Name: "X-Key", Value: "api_key"}, {Name: "X-Ts", Value: "timestamp"}, {Name: "X-W", Value: "settings.w"}, {Name: "X-Sig", Value: "signature"}},
	})
	for _, tc := range []struct {
		req    sign.Request
		header string
	}{
		{sign.Request{Credentials: map[string]string{"api_key": "k\r\nX-Injected: 1", "api_secret": "s"}, Timestamp: "1"}, "X-Key"},
		{sign.Request{Credentials: map[string]string{"api_key": "k", "api_secret": "s"}, Timestamp: "1\nX: 1"}, "X-Ts"},
		{sign.Request{Credentials: map[string]string{"api_key": "k", "api_secret": "s"}, Timestamp: "1", Settings: map[string]string{"w": "1\x00"}}, "X-W"},
	} {
		tc.req.Method, tc.req.BaseURL, tc.req.Target = "GET", "https://api.example.com", "/x"
		_, err := s.Sign(tc.req)
		var hv *sign.HeaderValueError
		if !errors.As(err, &hv) || hv.Header != tc.header || strings.Contains(err.Error(), "Injected") {
			t.Errorf("%s: got %v", tc.header, err)
		}
	}
	if _, err := s.Sign(sign.Request{Method: "GET", BaseURL: "https://api.example.com", Target: "/x", Credentials: map[string]string{"api_key": "a\tb", "api_secret": "s"}, Timestamp: "1"}); err != nil {
		t.Errorf("a tab is allowed: %v", err)
	}
}
