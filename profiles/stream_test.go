package profiles_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

// A body signed from a stream must give exactly the signature and
// headers of the same body in memory, for every vendor that can stream;
// the vendors that cannot are the ones whose schemes read the body other
// than whole (or add parameters to it).
func TestStreamedBodySignsLikeTheBodyInMemory(t *testing.T) {
	body := []byte(`{"symbol":"PERP_BTC_USDT","note":"` + strings.Repeat("x", 100_000) + `"}`)
	creds := map[string]string{"api_key": "key", "api_secret": "c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "api_passphrase": "pass", "token": "tok"}
	var streaming, notStreaming []string
	for _, name := range profiles.BuiltinNames() {
		v, err := profiles.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		scheme, err := v.Scheme("")
		if err != nil {
			t.Fatal(err)
		}
		if !scheme.CanStream("POST") {
			notStreaming = append(notStreaming, name)
			_, err := scheme.Sign(sign.Request{Method: "POST", BaseURL: scheme.BaseURL, Target: "/x", Credentials: creds, Timestamp: "1700000000", Stream: streamOf(body)})
			if err != sign.ErrNotStreamable {
				t.Errorf("%s: signing a stream it cannot stream: %v", name, err)
			}
			continue
		}
		streaming = append(streaming, name)
		req := sign.Request{Method: "POST", BaseURL: scheme.BaseURL, Target: "/api/x?a=1", Credentials: creds, Timestamp: "1700000000"}
		req.Body = body
		inMemory, err := scheme.Sign(req)
		if err != nil {
			t.Fatal(err)
		}
		req.Body, req.Stream = nil, streamOf(body)
		streamed, err := scheme.Sign(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if streamed.Signature != inMemory.Signature || streamed.URL != inMemory.URL || len(streamed.Headers) != len(inMemory.Headers) {
			t.Errorf("%s: streamed %s, in memory %s", name, streamed.Signature, inMemory.Signature)
		}
		// The canonical string with the body put back where BodyAt says
		// is the in-memory one.
		var rebuilt bytes.Buffer
		last := 0
		for _, at := range streamed.BodyAt {
			rebuilt.Write(streamed.Canonical[last:at])
			rebuilt.Write(body)
			last = at
		}
		rebuilt.Write(streamed.Canonical[last:])
		if !bytes.Equal(rebuilt.Bytes(), inMemory.Canonical) {
			t.Errorf("%s: canonical with the body put back differs", name)
		}
	}
	want := "binance haqqex kraken woox-v1"
	if got := strings.Join(notStreaming, " "); got != want {
		t.Errorf("vendors that cannot stream a POST body: %q, want %q (streaming: %v)", got, want, streaming)
	}
}

func streamOf(body []byte) *sign.BodyStream {
	return &sign.BodyStream{Size: int64(len(body)), Reader: bytes.NewReader(body)}
}
