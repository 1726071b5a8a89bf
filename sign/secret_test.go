package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// secretMarker is the API secret the leak tests sign with: any of
// secretLeaks found in a signed request means a definition read it back.
const secretMarker = "S3CR3T-MARKER-xyz"

var secretLeaks = []string{
	secretMarker, "MARKER",
	hex.EncodeToString([]byte(secretMarker)), strings.ToUpper(hex.EncodeToString([]byte(secretMarker))),
	base64.StdEncoding.EncodeToString([]byte(secretMarker)), base64.RawURLEncoding.EncodeToString([]byte(secretMarker)),
	base64.RawStdEncoding.EncodeToString([]byte(secretMarker)),
}

// secretSpec is a scheme with one expression under test at place: the
// key, the message, a header, or a parameter added before signing (and
// so signed) or after (it uses signature).
func secretSpec(place, src string) Spec {
	s := Spec{
		Credentials: []string{"api_key", "api_secret", "api_passphrase"},
		BodyFormat:  BodyForm,
		Timestamp:   UnixMillis,
		Settings:    map[string]string{"region": "us-east-1", "h": "sha256"},
		Hash:        "sha256",
		Message:     "timestamp + method + path_query + body",
		Encoding:    "hex",
		Headers:     []Header{{Name: "X-Sig", Value: "signature"}},
	}
	switch place {
	case "key":
		s.Key = src
	case "message":
		s.Message = src
	case "header":
		s.Headers = append([]Header{{Name: "X-Leak", Value: src}}, s.Headers...)
	case "param":
		s.Params = []Param{{Name: "leak", Value: src}}
	case "late-param":
		s.Params = []Param{{Name: "leak", Value: "signature + (" + src + ")"}}
	}
	return s
}

// secretField reports whether field is the one secretSpec put the
// expression in.
func secretField(place, field string) bool {
	switch place {
	case "key":
		return field == "signature.key"
	case "message":
		return field == "signature.message"
	case "header":
		// The first header, under either spelling of header fields.
		return field == "headers.X-Leak" || field == "headers[0].value" || field == "headers[0]"
	case "param", "late-param":
		return field == "params[0].value"
	}
	return false
}

func secretRequest(secret string) Request {
	return Request{
		Method: "POST", BaseURL: "https://api.example.test/v1", Target: "/orders?symbol=BTC&side=buy", Body: []byte("qty=1&price=2"),
		Credentials: map[string]string{"api_key": "public-key", "api_secret": secret, "api_passphrase": "pass phrase"},
		Timestamp:   "20150830T123600Z",
	}
}

// The reviewed bypasses, and every other way to reach the secret's text,
// are refused when the definition loads, naming the field and the column
// of the secret's misuse, and saying where a secret may go.
func TestSecretMisusesAreRefusedAtLoad(t *testing.T) {
	for _, tt := range []struct {
		place, src string
		column     int
		want       string
	}{
		// The security review's bypasses.
		{"header", `hex(sha256(api_secret[0:1]))`, 12, "a secret cannot be sliced"},
		{"header", `hex(sha256(api_secret[0:1])) + hex(sha256(api_secret[1:2]))`, 12, "a secret cannot be sliced"},
		{"message", `ifelse(sha256(api_secret[0:1]) == sha256("S"), "a", "b")`, 15, "a secret cannot be sliced"},
		{"message", `ifelse(sha256(api_secret) == sha256("S"), "a", "b")`, 15, "sha256() cannot take a secret"},
		{"message", `api_secret == "x"`, 1, "a secret cannot be compared"},
		{"header", `ifelse(api_secret == "x", "a", "b")`, 8, "a secret cannot be compared"},
		{"header", `ifelse("x" != b64decode(api_secret), "a", "b")`, 15, "a secret cannot be compared"},
		{"header", `hmac(api_secret, "k", "m")`, 6, "hmac's hash must be a quoted hash name"},
		{"key", `hmac(api_secret, "k", "m")`, 6, "hmac's hash must be a quoted hash name"},
		{"header", `hex(hmac(settings.h, api_secret, "m"))`, 10, "hmac's hash must be a quoted hash name"},
		{"header", `hmac("sha256", "k", api_secret)`, 21, "hmac()'s message (argument 3) cannot be a secret"},
		{"key", `hmac("sha256", "k", api_secret)`, 21, "hmac()'s message (argument 3) cannot be a secret"},
		{"message", `base64(b64decode(api_secret))`, 8, "base64() cannot take a secret"},
		{"message", `upper(api_secret)`, 7, "upper() cannot take a secret"},
		{"header", `"x" + api_secret`, 7, "a secret cannot be sent or printed"},
		{"param", `b64decode(api_secret)`, 1, "a secret cannot be sent or printed"},
		// More of the same.
		{"header", `api_secret`, 1, "a secret cannot be sent or printed"},
		{"header", `("x" + (api_secret))`, 9, "a secret cannot be sent or printed"},
		{"late-param", `api_secret`, 14, "a secret cannot be sent or printed"},
		{"message", `timestamp + hexdecode(api_secret)`, 13, "a secret cannot be sent or printed"},
		{"header", `or(api_passphrase, api_secret)`, 1, "a secret cannot be sent or printed"},
		{"header", `ifelse(method == "GET", api_secret, "")`, 1, "a secret cannot be sent or printed"},
		{"header", `hex(sha256(api_secret + body))`, 12, "sha256() cannot take a secret"},
		{"message", `hex(sha512(body + "x" + api_secret))`, 25, "sha512() cannot take a secret"},
		{"header", `hex(or(api_secret, ""))`, 5, "hex() cannot take a secret"},
		{"header", `replace("abc", api_secret, "")`, 16, "replace()'s old (argument 2) cannot be a secret"},
		{"header", `trim_prefix(api_secret, "S")`, 13, "trim_prefix()'s s (argument 1) cannot be a secret"},
		{"header", `encode_pairs(pairs(api_secret))`, 20, "pairs() cannot take a secret"},
		{"header", `unescape(b64decode(api_secret))`, 10, "unescape() cannot take a secret"},
		{"header", `join_pairs(params, api_secret, "&")`, 20, "join_pairs()'s nameValueSep (argument 2) cannot be a secret"},
		{"header", `hmac("sha256", api_passphrase, (api_secret)[0:])`, 32, "a secret cannot be sliced"},
		{"key", `api_secret[0:4]`, 1, "a secret cannot be sliced"},
		{"key", `lower(api_secret)`, 7, "lower() cannot take a secret"},
		{"header", `ifelse(!(api_secret == ""), "a", "b")`, 10, "a secret cannot be compared"},
		{"header", `ifelse(api_secret, "a", "b")`, 8, "expected a bool here, not a secret"},
	} {
		name := tt.place + ": " + tt.src
		_, err := Compile(secretSpec(tt.place, tt.src))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: compiled (err %v); want it refused", name, err)
			continue
		}
		if !secretField(tt.place, fe.Field) {
			t.Errorf("%s: error in field %q, want the field of the %s: %v", name, fe.Field, tt.place, err)
		}
		want := fmt.Sprintf("column %d: %s", tt.column, tt.want)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant %q", name, err, want)
		}
		// Each refusal says where a secret may go instead.
		if !strings.Contains(tt.want, "hash must be") && !strings.Contains(tt.want, "expected a") && !strings.Contains(err.Error(), secretRule) {
			t.Errorf("%s: %v does not say where a secret may go", name, err)
		}
	}
}

// Every function, given api_secret as any one argument, refuses it,
// except where a secret may go: there the result is a secret (refused as
// a header) or, for hmac's key, a plain string.
func TestEveryFunctionRefusesASecretExceptWhereOneMayGo(t *testing.T) {
	mayTake := map[string]bool{"b64decode/0": true, "hexdecode/0": true, "hmac/1": true, "or/0": true, "or/1": true, "ifelse/1": true, "ifelse/2": true}
	for _, fn := range builtins() {
		for i := range fn.args {
			args := make([]string, len(fn.args))
			for j, typ := range fn.args {
				args[j] = map[valueType]string{typeString: `"x"`, typeSecret: `"x"`, typeBool: "true", typePairs: "params"}[typ]
			}
			if fn.mac != nil {
				args[0] = `"sha256"`
			}
			args[i] = "api_secret"
			call := fn.name + "(" + strings.Join(args, ", ") + ")"
			src := call
			if fn.ret == typePairs {
				src = "encode_pairs(" + call + ")"
			}
			key := fmt.Sprintf("%s/%d", fn.name, i)
			for _, place := range []string{"header", "key"} {
				_, err := Compile(secretSpec(place, src))
				switch {
				case key == "hmac/1":
					if err != nil {
						t.Errorf("%s %s: %v; hmac's key may be a secret", place, src, err)
					}
				case mayTake[key] && place == "key":
					if err != nil {
						t.Errorf("%s %s: %v; a key may be a secret", place, src, err)
					}
				case mayTake[key]:
					if err == nil || !strings.Contains(err.Error(), "a secret cannot be sent or printed") {
						t.Errorf("%s %s: %v; want the secret it returns refused", place, src, err)
					}
				default:
					if err == nil {
						t.Errorf("%s %s compiled; want a secret refused as %s's argument %d", place, src, fn.name, i+1)
					}
				}
			}
		}
	}
}

// The shapes vendors need still compile and sign as their vendors do.
func TestSecretShapesThatVendorsNeed(t *testing.T) {
	req := secretRequest("")
	mac := func(newHash func() hash.Hash, key, msg string) string {
		m := hmac.New(newHash, []byte(key))
		m.Write([]byte(msg))
		return string(m.Sum(nil))
	}
	message := "20150830T123600ZPOST/v1/orders?symbol=BTC&side=buyqty=1&price=2"

	// Kraken: the secret is base64 and the key is its bytes.
	krakenKey := "\x00\x01\xfe\xffkey"
	req.Credentials["api_secret"] = base64.StdEncoding.EncodeToString([]byte(krakenKey))
	spec := secretSpec("key", "b64decode(api_secret)")
	spec.Hash, spec.Message, spec.Encoding = "sha512", "path + sha256(timestamp + body)", "base64"
	inner := sha256.Sum256([]byte("20150830T123600Zqty=1&price=2"))
	want := base64.StdEncoding.EncodeToString([]byte(mac(sha512.New, krakenKey, "/v1/orders"+string(inner[:]))))
	if res := secretSign(t, spec, req); res.Signature != want {
		t.Errorf("Kraken's key: signature %s, want %s", res.Signature, want)
	}

	// The same key given in hex.
	req.Credentials["api_secret"] = strings.ToUpper(hex.EncodeToString([]byte(krakenKey)))
	spec = secretSpec("key", "hexdecode(api_secret)")
	want = hex.EncodeToString([]byte(mac(sha256.New, krakenKey, message)))
	if res := secretSign(t, spec, req); res.Signature != want {
		t.Errorf("hexdecode(api_secret) as the key: signature %s, want %s", res.Signature, want)
	}

	// KuCoin: the passphrase is sent as an HMAC of it keyed by the secret.
	req.Credentials["api_secret"] = "kucoin-secret"
	spec = secretSpec("header", `base64(hmac("sha256", api_secret, api_passphrase))`)
	res := secretSign(t, spec, req)
	want = base64.StdEncoding.EncodeToString([]byte(mac(sha256.New, "kucoin-secret", "pass phrase")))
	if res.Headers[0].Name != "X-Leak" || res.Headers[0].Value != want {
		t.Errorf("KuCoin's passphrase header: %v, want %s", res.Headers[0], want)
	}

	// AWS SigV4: the key is derived by four HMACs. The signing key is
	// AWS's own example's (docs.aws.amazon.com, "Examples of how to derive
	// a signing key for Signature Version 4").
	req.Credentials["api_secret"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	spec = secretSpec("key", `hmac("sha256", hmac("sha256", hmac("sha256", hmac("sha256", "AWS4" + api_secret, timestamp[0:8]), "us-east-1"), "iam"), "aws4_request")`)
	signingKey, _ := hex.DecodeString("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
	want = hex.EncodeToString([]byte(mac(sha256.New, string(signingKey), message)))
	if res := secretSign(t, spec, req); res.Signature != want {
		t.Errorf("AWS SigV4's key chain: signature %s, want %s", res.Signature, want)
	}

	// A secret through +, ifelse and or, as the key and as hmac's key.
	req.Credentials["api_secret"] = "s"
	for _, tt := range []struct{ place, src, key string }{
		{"key", `"AWS4" + api_secret + api_secret`, "AWS4ss"},
		{"key", `ifelse(method == "POST", api_secret + "-post", api_secret)`, "s-post"},
		{"key", `or(b64decode(""), api_secret)`, "s"},
		{"header", `hex(hmac("sha256", ifelse(false, "k", api_secret + "x"), message_of_request))`, "sx"},
	} {
		src := strings.ReplaceAll(tt.src, "message_of_request", "timestamp + method + path_query + body")
		res := secretSign(t, secretSpec(tt.place, src), req)
		got := res.Signature
		if tt.place == "header" {
			got = res.Headers[0].Value
		}
		if want := hex.EncodeToString([]byte(mac(sha256.New, tt.key, message))); got != want {
			t.Errorf("%s %s: %s, want %s", tt.place, src, got, want)
		}
	}
}

func secretSign(t *testing.T, spec Spec, req Request) *Result {
	t.Helper()
	s, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Sign(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// secretLeak returns the first of secretLeaks found in what signing
// returned, or "".
func secretLeak(res *Result, err error) string {
	var out []string
	if err != nil {
		out = append(out, err.Error())
	}
	if res != nil {
		out = append(out, res.URL, string(res.Body), string(res.Canonical), res.Signature, res.Timestamp)
		for _, h := range res.Headers {
			out = append(out, h.Name, h.Value)
		}
	}
	all := strings.Join(out, "\n")
	for _, l := range secretLeaks {
		if strings.Contains(all, l) {
			return l
		}
	}
	return ""
}

// Hostile definitions that load, and the ones that used to leak: signed
// with a marker secret, nothing they return, errors included, holds the
// marker or an encoding of it.
func TestHostileDefinitionsDoNotLeakTheSecret(t *testing.T) {
	for _, tt := range []struct {
		place, src string
		loads      bool
	}{
		// Load, and must not leak.
		{"header", `base64(hmac("sha256", api_secret, api_passphrase))`, true},
		{"header", `hex(hmac("sha1", api_secret + api_secret, ""))`, true},
		{"param", `hex(hmac("sha512", or("", api_secret), body))`, true},
		{"param", `hex(hmac("sha384", ifelse(method == "POST", api_secret, ""), query))`, true},
		{"message", `body + hex(hmac("sha256", "AWS4" + api_secret, timestamp[0:8]))`, true},
		{"key", `api_secret`, true},
		{"key", `"pre" + api_secret + "post"`, true},
		{"key", `ifelse(true, api_secret, "")`, true},
		{"key", `hmac("sha256", api_secret, api_secret + "x")[0:0] + "k"`, false}, // message is a secret
		// Load, and fail to sign: the error must not quote the secret.
		{"key", `b64decode(api_secret)`, true},
		{"key", `hexdecode(api_secret)`, true},
		{"key", `b64decode("AAAA" + api_secret)`, true},
		{"header", `hex(hmac("sha256", hexdecode(api_secret), ""))`, true},
		// Leaked through errors or output before secrets had a type.
		{"header", `hex(hmac(api_secret, "k", "m"))`, false},
		{"key", `hmac(api_secret, "k", "m")`, false},
		{"header", `hex(sha256(api_secret[0:1])) + hex(sha256(api_secret[1:2]))`, false},
		{"header", `ifelse(sha256(api_secret[0:1]) == sha256("S"), "a", "b")`, false},
		{"header", `base64(b64decode(api_secret))`, false},
		{"header", `hex(api_secret)`, false},
		{"message", `api_secret`, false},
		{"param", `upper(api_secret)`, false},
	} {
		name := tt.place + ": " + tt.src
		s, err := Compile(secretSpec(tt.place, tt.src))
		if tt.loads && err != nil {
			t.Errorf("%s: %v; want it to load", name, err)
			continue
		}
		if !tt.loads && err == nil {
			t.Errorf("%s: loads; want it refused", name)
		}
		if err != nil {
			if l := secretLeak(nil, err); l != "" {
				t.Errorf("%s: load error holds %q: %v", name, l, err)
			}
			continue
		}
		res, err := s.Sign(secretRequest(secretMarker))
		if l := secretLeak(res, err); l != "" {
			t.Errorf("%s: signing returned %q (err %v)", name, l, err)
		}
	}
}

// Random expressions, built from every variable and function with the
// secret put anywhere: those that load, wherever they are put, never
// return the secret when signing, and neither do their errors.
func TestRandomExpressionsDoNotLeakTheSecret(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	loaded, withSecret := 0, 0
	places := []string{"key", "message", "header", "param", "late-param"}
	for range n {
		g := &secretGen{rng: rng, table: builtins()}
		src := g.expr(typeString, 4)
		place := places[rng.IntN(len(places))]
		s, err := Compile(secretSpec(place, src))
		if err != nil {
			continue
		}
		loaded++
		if strings.Contains(src, "api_secret") {
			withSecret++
		}
		res, err := s.Sign(secretRequest(secretMarker))
		if l := secretLeak(res, err); l != "" {
			t.Fatalf("%s %s: signing returned %q (err %v)", place, src, l, err)
		}
	}
	// The generator must reach the cases that matter.
	if withSecret < n/50 {
		t.Errorf("only %d of %d random expressions loaded with the secret in them (%d loaded in all)", withSecret, n, loaded)
	}
	t.Logf("%d of %d loaded, %d of them reading the secret", loaded, n, withSecret)
}

// FuzzSecretDoesNotLeak is TestRandomExpressionsDoNotLeakTheSecret with
// the fuzzer choosing the expressions.
func FuzzSecretDoesNotLeak(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(0))
	f.Add(uint64(7), uint64(9), uint8(2))
	f.Fuzz(func(t *testing.T, a, b uint64, place uint8) {
		places := []string{"key", "message", "header", "param", "late-param"}
		g := &secretGen{rng: rand.New(rand.NewPCG(a, b)), table: builtins()}
		src := g.expr(typeString, 4)
		s, err := Compile(secretSpec(places[int(place)%len(places)], src))
		if err != nil {
			return
		}
		res, err := s.Sign(secretRequest(secretMarker))
		if l := secretLeak(res, err); l != "" {
			t.Fatalf("%s: signing returned %q (err %v)", src, l, err)
		}
	})
}

// secretGen writes random expressions of a wanted type, mostly well
// typed, with api_secret often among the variables.
type secretGen struct {
	rng   *rand.Rand
	table []function
}

func (g *secretGen) expr(want valueType, depth int) string {
	switch want {
	case typeBool:
		if depth <= 0 {
			return []string{"true", "false"}[g.rng.IntN(2)]
		}
		switch g.rng.IntN(4) {
		case 0:
			return g.expr(typeString, depth-1) + " == " + g.expr(typeString, depth-1)
		case 1:
			return g.expr(typeString, depth-1) + " != " + g.expr(typeString, depth-1)
		case 2:
			return "!(" + g.expr(typeBool, depth-1) + ")"
		}
		return "(" + g.expr(typeBool, depth-1) + " && " + g.expr(typeBool, depth-1) + ")"
	case typePairs:
		switch g.rng.IntN(3) {
		case 0:
			return "params"
		case 1:
			return "pairs(" + g.expr(typeString, depth-1) + ")"
		}
		return "sort_pairs(" + g.expr(typePairs, depth-1) + ")"
	}
	if depth <= 0 || g.rng.IntN(4) == 0 {
		return g.leaf()
	}
	switch g.rng.IntN(5) {
	case 0:
		return "(" + g.expr(typeString, depth-1) + " + " + g.expr(typeString, depth-1) + ")"
	case 1:
		return "(" + g.expr(typeString, depth-1) + ")[" + strconv.Itoa(g.rng.IntN(4)) + ":" + strconv.Itoa(1+g.rng.IntN(8)) + "]"
	}
	var fns []function
	for _, f := range g.table {
		if f.ret != typePairs {
			fns = append(fns, f)
		}
	}
	fn := fns[g.rng.IntN(len(fns))]
	args := make([]string, len(fn.args))
	for i, typ := range fn.args {
		switch {
		case typ == typeSecret && g.rng.IntN(2) == 0:
			args[i] = g.secret(depth - 1)
		case typ == typeSecret:
			args[i] = g.expr(typeString, depth-1)
		default:
			args[i] = g.expr(typ, depth-1)
		}
	}
	if fn.mac != nil && g.rng.IntN(8) != 0 {
		args[0] = strconv.Quote([]string{"sha1", "sha256", "sha384", "sha512"}[g.rng.IntN(4)])
	}
	return fn.name + "(" + strings.Join(args, ", ") + ")"
}

// secret writes an expression that is a secret when it loads: the
// secret through the functions and operators that keep it one.
func (g *secretGen) secret(depth int) string {
	if depth <= 0 {
		return "api_secret"
	}
	switch g.rng.IntN(6) {
	case 0:
		return "b64decode(" + g.secret(depth-1) + ")"
	case 1:
		return "hexdecode(" + g.secret(depth-1) + ")"
	case 2:
		return "(" + g.expr(typeString, depth-1) + " + " + g.secret(depth-1) + ")"
	case 3:
		return "or(" + g.secret(depth-1) + ", " + g.expr(typeString, depth-1) + ")"
	case 4:
		return "ifelse(" + g.expr(typeBool, depth-1) + ", " + g.expr(typeString, depth-1) + ", " + g.secret(depth-1) + ")"
	}
	return "api_secret"
}

func (g *secretGen) leaf() string {
	if g.rng.IntN(3) == 0 {
		return "api_secret"
	}
	leaves := []string{`""`, `"S"`, `"x=1"`, `"QUFB"`, `"00ff"`, "method", "path", "query", "body", "timestamp", "api_key", "api_passphrase", "host", "settings.region"}
	return leaves[g.rng.IntN(len(leaves))]
}
