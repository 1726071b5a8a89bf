package sign_test

import (
	"testing"

	"github.com/hmacctl/hmacctl/sign"
)

func TestLocate(t *testing.T) {
	s := mustCompile(t, sign.Spec{
		Credentials: []string{"api_key", "api_secret"},
		BodyFormat:  sign.BodyForm,
		Timestamp:   sign.UnixMillis,
		Settings:    map[string]string{"recvWindow": "5000"},
		Hash:        "sha256", Message: "query + body", Encoding: "hex",
		Headers: []sign.Header{
			{Name: "X-Key", Value: "api_key"},
			{Name: "X-Hub-Signature-256", Value: `"sha256=" + signature`},
			{Name: "X-Both", Value: "timestamp + signature"},
		},
		Params: []sign.Param{
			{Name: "recvWindow", Value: "settings.recvWindow"},
			{Name: "timestamp", Value: "timestamp"},
			{Name: "signature", Value: "signature"},
		},
	})
	sig := s.Locate("signature")
	if len(sig) != 2 || sig[0].Header != "X-Hub-Signature-256" || sig[0].Prefix != "sha256=" || sig[1].Param != "signature" {
		t.Errorf("signature at %+v", sig)
	}
	if ts := s.Locate("timestamp"); len(ts) != 1 || ts[0].Param != "timestamp" {
		t.Errorf("timestamp at %+v", ts)
	}
	if key := s.Locate("api_key"); len(key) != 1 || key[0].Header != "X-Key" {
		t.Errorf("api_key at %+v", key)
	}
	if got := s.LocateSetting("recvWindow"); len(got) != 1 || got[0].Param != "recvWindow" {
		t.Errorf("setting at %+v", got)
	}
}
