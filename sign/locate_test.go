package sign_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/sign"
)

// locationOf returns the location of a header or parameter by name.
func locationOf(t *testing.T, s *sign.Scheme, name string) sign.Location {
	t.Helper()
	for _, l := range s.Locations() {
		if l.Header == name || l.Param == name {
			return l
		}
	}
	t.Fatalf("no location %s in %+v", name, s.Locations())
	return sign.Location{}
}

func TestLocationsDerived(t *testing.T) {
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_key", "api_secret", "api_passphrase"},
		BodyFormat:  sign.BodyForm,
		Timestamp:   sign.UnixMillis,
		Settings:    map[string]string{"recvWindow": "5000"},
		Hash:        "sha256", Message: "query + body + timestamp", Encoding: "hex",
		Headers: []sign.Header{
			{Name: "X-Key", Value: "api_key"},
			{Name: "X-Hub-Signature-256", Value: `"sha256=" + signature`},
			{Name: "X-Pass", Value: `base64(hmac("sha256", api_secret, api_passphrase))`},
			{Name: "X-Braces", Value: `"{" + timestamp + "}"`},
		},
		Params: []sign.Param{
			{Name: "recvWindow", Value: "settings.recvWindow"},
			{Name: "signature", Value: "signature"},
		},
	})
	var where []string
	for _, l := range s.Locations() {
		where = append(where, l.Where()+" "+l.Form())
	}
	want := []string{
		"header X-Key {api_key}",
		"header X-Hub-Signature-256 sha256={signature}",
		"header X-Braces {{{timestamp}}}",
		"parameter recvWindow {settings.recvWindow}",
		"parameter signature {signature}",
	}
	if !reflect.DeepEqual(where, want) {
		t.Errorf("locations:\n got %q\nwant %q", where, want)
	}
	got, err := locationOf(t, s, "X-Braces").Read("{1700000000000}")
	if err != nil || got["timestamp"][0] != "1700000000000" {
		t.Errorf("braces: %v %v", got, err)
	}
	if !reflect.DeepEqual(s.Required(), []string{"signature", "timestamp"}) {
		t.Errorf("required %v", s.Required())
	}
}

// webhookSpec is a scheme whose signature header carries several values,
// as Stripe's "Stripe-Signature: t=TS,v1=SIG,v1=SIG2" does.
func webhookSpec(headers ...sign.Header) sign.Spec {
	return sign.Spec{
		Credentials: []string{"api_secret"}, Timestamp: sign.UnixSeconds,
		Hash: "sha256", Message: `timestamp + "." + body`, Encoding: "hex",
		Headers: headers,
	}
}

func TestReadDeclared(t *testing.T) {
	stripe := mustCompile(t, webhookSpec(sign.Header{
		Name: "Stripe-Signature", Value: `"t=" + timestamp + ",v1=" + signature`,
		Read: sign.Readback{Patterns: []string{"t={timestamp}", "v1={signature}"}, Split: ","},
	}))
	loc := locationOf(t, stripe, "Stripe-Signature")
	for _, tc := range []struct {
		value string
		want  map[string][]string
		err   string
	}{
		{"t=1492774577,v1=5257a869", map[string][]string{"timestamp": {"1492774577"}, "signature": {"5257a869"}}, ""},
		{"t=1492774577,v1=aa,v0=6ffbb59b,v1=bb", map[string][]string{"timestamp": {"1492774577"}, "signature": {"aa", "bb"}}, ""},
		{"t=1, v1=aa", map[string][]string{"timestamp": {"1"}, "signature": {"aa"}}, ""},
		{"v1=aa", map[string][]string{"signature": {"aa"}}, ""},
		{"t=1,t=2,v1=aa", nil, "timestamp appears twice"},
		{"sha256=aa", nil, sign.ErrNoMatch.Error()},
		{"", nil, sign.ErrNoMatch.Error()},
	} {
		got, err := loc.Read(tc.value)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Read(%q) = %v, %v; want error %q", tc.value, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Read(%q) = %v, %v; want %v", tc.value, got, err, tc.want)
		}
	}

	whole := mustCompile(t, webhookSpec(
		sign.Header{Name: "X-Sig", Value: `"t=" + timestamp + ",v1=" + signature`, Read: sign.Readback{Patterns: []string{"t={timestamp},v1={signature}"}}},
	))
	l := locationOf(t, whole, "X-Sig")
	if got, err := l.Read("t=12,v1=ab,cd"); err != nil || got["timestamp"][0] != "12" || got["signature"][0] != "ab,cd" {
		t.Errorf("whole value: %v %v", got, err)
	}
	for _, bad := range []string{"t=12", "v1=ab", "t=12;v1=ab", "xt=12,v1=ab"} {
		if got, err := l.Read(bad); !errors.Is(err, sign.ErrNoMatch) {
			t.Errorf("Read(%q) = %v, %v; want ErrNoMatch", bad, got, err)
		}
	}
}

func TestReadbackErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec sign.Spec
		want string
	}{
		{"signature in a shape that is not derivable", webhookSpec(
			sign.Header{Name: "Authorization", Value: `"HMAC " + timestamp + ":" + signature`},
		), "headers[0].value: uses signature in a shape that cannot be read back"},
		{"unknown placeholder", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `"s=" + signature`, Read: sign.Readback{Patterns: []string{"s={sig}"}}},
		), "headers[0].read: read pattern \"s={sig}\": {sig} is not a variable a request carries"},
		{"adjacent placeholders", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `timestamp + signature`, Read: sign.Readback{Patterns: []string{"{timestamp}{signature}"}}},
		), "cannot be told apart"},
		{"placeholder the value does not use", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `signature`, Read: sign.Readback{Patterns: []string{"{timestamp}.{signature}"}}},
			sign.Header{Name: "X-Ts", Value: `timestamp`},
		), "reads {timestamp}, which the value does not use"},
		{"several patterns without split", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `"t=" + timestamp + ",v1=" + signature`, Read: sign.Readback{Patterns: []string{"t={timestamp}", "v1={signature}"}}},
		), "several patterns need split"},
		{"split without patterns", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `signature`, Read: sign.Readback{Split: ","}},
		), "headers[0].split: needs read patterns"},
		{"a pattern that misses the signature", webhookSpec(
			sign.Header{Name: "X-Sig", Value: `"t=" + timestamp + ",v1=" + signature`, Read: sign.Readback{Patterns: []string{"t={timestamp}"}, Split: ","}},
		), "no pattern reads {signature}"},
		{"signature sent nowhere", webhookSpec(sign.Header{Name: "X-Ts", Value: "timestamp"}), "headers: no header or parameter sends the signature"},
		{"timestamp signed but not sent", webhookSpec(sign.Header{Name: "X-Sig", Value: "signature"}), "signature.message: signs timestamp, but no header or parameter sends it"},
		{"unknown accepted place", sign.Spec{
			Credentials: []string{"api_secret"}, Hash: "sha256", Message: "body", Encoding: "hex",
			Headers: []sign.Header{{Name: "X-Sig", Value: "signature"}},
			Accepts: sign.Accepts{Params: []sign.Placement{"header"}},
		}, "accepts.params[0]: unknown place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sign.Compile(tc.spec)
			if err == nil {
				err = s.Verifiable()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Compile error %v, want %q", err, tc.want)
			}
		})
	}
}
