package profiles_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/profiles"
)

func TestEveryBuiltinDefinitionLoads(t *testing.T) {
	names := profiles.BuiltinNames()
	if len(names) < 6 {
		t.Fatalf("only %d built-in vendors: %v", len(names), names)
	}
	for _, name := range names {
		v, err := profiles.Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, variant := range append([]profiles.Variant{{}}, v.Variants()...) {
			if _, err := v.Scheme(variant.Name); err != nil {
				t.Errorf("%s variant %q: %v", name, variant.Name, err)
			}
			if variant.Name != "" && variant.Description == "" {
				t.Errorf("%s variant %q has no description", name, variant.Name)
			}
		}
	}
}

// The built-in numeric settings say so: a value that is not a whole
// number is refused before anything is signed.
func TestBuiltinSettingTypes(t *testing.T) {
	for vendor, setting := range map[string]string{"binance": "recvWindow", "bybit": "recvWindow", "bitmex": "expires", "kucoin": "keyVersion"} {
		v, err := profiles.Builtin(vendor)
		if err != nil {
			t.Fatal(err)
		}
		s, err := v.Scheme("")
		if err != nil {
			t.Fatal(err)
		}
		if s.SettingTypes[setting] != profiles.SettingInteger {
			t.Errorf("%s's %s is %q, want integer", vendor, setting, s.SettingTypes[setting])
		}
	}
	for value, want := range map[string]bool{"5000": true, "-1": true, "0": true, "": false, "-": false, "abc": false, "5s": false, "1.5": false, "+5": false, " 5": false} {
		if profiles.SettingInteger.Accepts(value) != want {
			t.Errorf("integer accepts %q: %v, want %v", value, !want, want)
		}
		if !profiles.SettingString.Accepts(value) {
			t.Errorf("string refuses %q", value)
		}
	}
}

// A scheme lists the parameters it adds to every request.
func TestSchemeParams(t *testing.T) {
	for vendor, want := range map[string]string{"binance": "recvWindow timestamp signature", "kraken": "nonce", "woox": ""} {
		v, _ := profiles.Builtin(vendor)
		s, err := v.Scheme("")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(s.ParamNames(), " "); got != want {
			t.Errorf("%s adds %q, want %q", vendor, got, want)
		}
	}
}

func TestUnknownVendorAndVariant(t *testing.T) {
	_, err := profiles.Builtin("nosuch")
	var unknown *profiles.UnknownVendorError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "woox") {
		t.Fatalf("got %v, want an UnknownVendorError listing the vendors", err)
	}
	for _, bad := range []string{"../vendors/woox", "woox.toml", ""} {
		if _, err := profiles.Builtin(bad); !errors.As(err, &unknown) {
			t.Errorf("Builtin(%q) = %v, want UnknownVendorError", bad, err)
		}
	}
	v, err := profiles.Builtin("fig")
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Scheme("nope")
	var unknownVariant *profiles.UnknownVariantError
	if !errors.As(err, &unknownVariant) || !strings.Contains(err.Error(), "no-timestamp") {
		t.Fatalf("got %v, want an UnknownVariantError listing no-timestamp", err)
	}
}

const validDefinition = `name = "demo"
base_url = "https://api.example.com"
credentials = ["api_key", "api_secret"]

[timestamp]
format = "unix-ms"

[signature]
hash = "sha256"
message = 'timestamp + method + path_query + body'
encoding = "hex"

[[headers]]
name = "X-Key"
value = 'api_key'

[[headers]]
name = "X-Sign"
value = 'signature'

[[headers]]
name = "X-Time"
value = 'timestamp'
`

// Each broken definition must be reported with the file, the line and the
// field at fault.
func TestDefinitionErrorsNameFileLineAndField(t *testing.T) {
	tests := []struct {
		name, replace, with, want string
	}{
		{"bad expression", `message = 'timestamp + method + path_query + body'`, `message = 'timestamp + + method'`, "demo.toml:10: signature.message: invalid expression"},
		{"unknown variable", `message = 'timestamp + method + path_query + body'`, `message = 'timestamp + methd'`, "demo.toml:10: signature.message: invalid expression"},
		{"non-string expression", `message = 'timestamp + method + path_query + body'`, `message = '1 + 2'`, "demo.toml:10: signature.message"},
		{"unknown hash", `hash = "sha256"`, `hash = "md4"`, `demo.toml:9: signature.hash: unknown hash "md4"`},
		{"unknown encoding", `encoding = "hex"`, `encoding = "hexa"`, "demo.toml:11: signature.encoding"},
		{"unknown timestamp format", `format = "unix-ms"`, `format = "ms"`, "demo.toml:6: timestamp.format"},
		{"unknown field", `[[headers]]`, "colour = 1\n[[headers]]", "demo.toml:13: signature.colour: unknown field"},
		{"undeclared credential", `value = 'signature'`, `value = 'signature + token'`, "demo.toml:19: headers[1].value: uses token, which is not in the definition's credentials list"},
		{"signature in the message", `message = 'timestamp + method + path_query + body'`, `message = 'signature'`, "demo.toml:10: signature.message: uses signature"},
		{"undeclared setting", `value = 'api_key'`, `value = 'settings.window'`, "demo.toml:15: headers[0].value: invalid expression \"settings.window\": column 1: uses settings.window, which the definition does not declare"},
		{"bad header name", `name = "X-Key"`, `name = "X Key"`, `demo.toml:14: headers[0].name: "X Key" is not a valid header name`},
		{"TOML syntax", `[[headers]]`, `[[headers]`, "demo.toml:13"},
		{"wrong type", `base_url = "https://api.example.com"`, `base_url = 3`, "demo.toml:2"},
		{"missing name", `name = "demo"`, ``, "demo.toml: name: is missing"},
		{"variant field", `[[headers]]`, "[variants.v.signature]\nmessage = 'nope('\n[[headers]]", "demo.toml:14: variants.v.signature.message: invalid expression"},
		{"signature that cannot be read back", `value = 'signature'`, `value = '"HMAC " + api_key + ":" + signature'`, "demo.toml:19: headers[1].value: uses signature in a shape that cannot be read back from a request; declare how"},
		{"bad read pattern", `value = 'signature'`, "value = '\"s=\" + signature'\nread = \"s={sig}\"", "demo.toml:20: headers[1].read: read pattern \"s={sig}\": {sig} is not a variable a request carries"},
		{"read of the wrong type", `value = 'signature'`, "value = 'signature'\nread = 3", "demo.toml:20: headers[1].read: is a string or an array of strings"},
		{"signed timestamp not sent", `value = 'timestamp'`, `value = 'hex(timestamp)'`, "demo.toml:10: signature.message: signs timestamp, but no header or parameter sends it"},
		{"unknown setting type", `[signature]`, "[settings.window]\ndefault = \"5\"\ntype = \"float\"\n\n[signature]", `demo.toml:10: settings.window.type: unknown type "float" (use "string" or "integer")`},
		{"default not of the setting's type", `[signature]`, "[settings.window]\ndefault = \"5s\"\ntype = \"integer\"\n\n[signature]", `demo.toml:9: settings.window.default: "5s" is not a whole number, as type = "integer" requires`},
		{"headers written as a table (the first format)", "[[headers]]\nname = \"X-Key\"\nvalue = 'api_key'", "[headers]\nX-Key = 'api_key'\n[[params]]\nname = \"k\"\nvalue = 'api_key'\nto = \"query\"", "demo.toml:13: headers: headers are now an array of tables, in the order sent: write each as [[headers]]"},
	}
	if _, err := profiles.ParseDefinition("demo.toml", []byte(validDefinition)); err != nil {
		t.Fatalf("the valid definition fails: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(validDefinition, tt.replace) {
				t.Fatalf("test is stale: %q not in the definition", tt.replace)
			}
			data := strings.Replace(validDefinition, tt.replace, tt.with, 1)
			_, err := profiles.ParseDefinition("demo.toml", []byte(data))
			if err == nil {
				t.Fatalf("no error for:\n%s", data)
			}
			var defErr *profiles.DefinitionError
			if !errors.As(err, &defErr) {
				t.Errorf("error %T is not a DefinitionError: %v", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// Headers go out in the order the file writes them, inline arrays too.
func TestHeaderOrderFollowsTheFile(t *testing.T) {
	def := `name = "demo"
base_url = "https://api.example.com"
credentials = ["api_key", "api_secret"]
headers = [{ name = "Z-Sign", value = 'signature' }, { name = "A-Key", value = 'api_key' }, { name = "M-Time", value = 'timestamp' }]

[timestamp]
format = "unix-ms"

[signature]
hash = "sha256"
message = 'timestamp + body'
encoding = "hex"
`
	v, err := profiles.ParseDefinition("demo.toml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Scheme("")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.HeaderNames(), " "); got != "Z-Sign A-Key M-Time" {
		t.Errorf("header order %q", got)
	}
}

// A vendor's documented timestamp window is data: okx accepts 30 seconds,
// KuCoin 5; a bad one is an error with its line and field.
func TestTimestampMaxAge(t *testing.T) {
	for vendor, want := range map[string]time.Duration{"okx": 30 * time.Second, "kucoin": 5 * time.Second, "woox": 0} {
		v, err := profiles.Builtin(vendor)
		if err != nil {
			t.Fatal(err)
		}
		s, err := v.Scheme("")
		if err != nil || s.MaxAge != want {
			t.Errorf("%s: max age %v, %v; want %v", vendor, s.MaxAge, err, want)
		}
	}
	bad := strings.Replace(validDefinition, `format = "unix-ms"`, "format = \"unix-ms\"\nmax_age = \"soon\"", 1)
	if _, err := profiles.ParseDefinition("demo.toml", []byte(bad)); err == nil || !strings.Contains(err.Error(), `demo.toml:7: timestamp.max_age: "soon" is not a positive duration`) {
		t.Errorf("bad max_age: %v", err)
	}
}
