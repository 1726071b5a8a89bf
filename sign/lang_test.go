package sign_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/sign"
)

// Each expression, signed as the message of a POST with body "k=v" to
// https://x.test/a?q=1, must produce exactly the canonical string given.
func TestExpressionLanguage(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{`method + " " + path_query`, "POST /a?q=1"},
		{"`raw\\n` + \"esc\\n\"", "raw\\nesc\n"},
		{`ifelse(method == "GET", query, body)`, "k=v"},
		{`ifelse(method != "GET" && body != "", "yes", "no")`, "yes"},
		{`ifelse(!(method == "POST") || false, "yes", "no")`, "no"},
		{`or(query, "-") + or("", "-")`, "q=1-"},
		{`body[1:] + "|" + body[:2] + "|" + body[5:9] + "|" + (body + "xyz")[2:4]`, "=v|k=||vx"},
		{`upper(method) + lower("AbC") + trim_prefix(path, "/") + replace(body, "=", ":")`, "POSTabcak:v"},
		{`hex(sha256(""))`, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{`b64decode(base64(body)) + base64url("\xff\xfe")`, "k=v__4"},
		{`json_object(params) + encode_pairs(sort_pairs(pairs("b=2&a=1")))`, `{"q":"1","k":"v"}a=1&b=2`},
		{`settings.window + (settings.window)`, "55"},
		{`unescape("a+b%20c%zz%41%2" + "%e2%82%ac&x=%3D")`, "a b c%zzA%2€&x=="},
		{`hex(hmac("sha256", "key", "The quick brown fox jumps over the lazy dog"))`, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"},
		{`hex(hmac("sha256", api_secret, ""))[0:0] + "ok"`, "ok"},
	} {
		s, err := sign.Compile(sign.Spec{Credentials: []string{"api_secret"}, BodyFormat: sign.BodyForm, Settings: map[string]string{"window": "5"}, Hash: "sha256", Message: tt.src, Encoding: "hex"})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		res, err := s.Sign(sign.Request{Method: "POST", BaseURL: "https://x.test", Target: "/a?q=1", Body: []byte("k=v"), Credentials: creds})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if string(res.Canonical) != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, res.Canonical, tt.want)
		}
	}
}

func TestExpressionErrorsSayWhatAndWhere(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{`method +`, "expected operand"},
		{`methd`, "column 1: unknown variable methd"},
		{`method + 1`, `column 10: 1 is not a string`},
		{`sha256(params)`, "column 8: expected a string here, not a pairs"},
		{`json_object(body)`, "expected a pairs here, not a string"},
		{`hex(body, body)`, "hex takes 1 arguments, not 2"},
		{`frobnicate(body)`, "unknown function frobnicate"},
		{`hex`, "hex is a function: call it"},
		{`method == "GET"`, "expected a string here, not a bool"},
		{`ifelse(body, "a", "b")`, "expected a bool here, not a string"},
		{`body[i:]`, "a slice bound must be a whole number"},
		{`body * 2`, "operator * is not supported"},
		{`settings.nope`, "uses settings.nope, which the definition does not declare"},
		{`url.host`, "only settings.NAME can use a dot"},
		{`"a" ? "b" : "c"`, "illegal character U+003F '?'"},
		{`hex(hmac("sha999", "k", body))`, `hmac: unknown hash "sha999"`},
		{`body + api_secret`, "column 8: a secret cannot be sent or printed"},
		{`base64(b64decode(api_secret))`, "column 8: base64() cannot take a secret"},
	} {
		_, err := sign.Compile(sign.Spec{Credentials: []string{"api_secret"}, Settings: map[string]string{"window": "5"}, Hash: "sha256", Message: tt.src, Encoding: "hex"})
		var fe *sign.FieldError
		if !errors.As(err, &fe) || fe.Field != "signature.message" || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error in signature.message containing %q", tt.src, err, tt.want)
		}
	}
}
