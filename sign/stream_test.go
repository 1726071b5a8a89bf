package sign_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// onceReader fails if it is read again after it reached its end: Sign
// reads a stream once.
type onceReader struct {
	r    io.Reader
	done bool
}

func (o *onceReader) Read(p []byte) (int, error) {
	if o.done {
		return 0, errors.New("read again after EOF")
	}
	n, err := o.r.Read(p)
	if err == io.EOF {
		o.done = true
	}
	return n, err
}

func streamSpec(message string) sign.Spec {
	return sign.Spec{
		Credentials: []string{"api_key", "api_secret"}, Timestamp: sign.UnixMillis, Hash: "sha256",
		Message: message, Encoding: "hex",
		Headers: []sign.Header{{Name: "X-Sign", Value: "signature"}},
	}
}

func TestStreamIsReadOnceAndSignsLikeMemory(t *testing.T) {
	body := []byte(strings.Repeat(`{"k":"v"}`, 10_000))
	for _, message := range []string{
		"timestamp + method + path_query + body",
		`timestamp + hex(sha256(body)) + path`,
		`hex(sha512(method + body)) + timestamp`,
		"timestamp + path", // the body is not signed, and not read
	} {
		scheme := mustCompile(t, streamSpec(message))
		if !scheme.CanStream("POST") {
			t.Fatalf("%s: CanStream is false", message)
		}
		req := sign.Request{
			Method: "POST", BaseURL: "https://api.example.test", Target: "/up",
			Credentials: map[string]string{"api_key": "k", "api_secret": "s"}, Time: time.UnixMilli(1700000000000),
			Body: body,
		}
		inMemory, err := scheme.Sign(req)
		if err != nil {
			t.Fatal(err)
		}
		r := &onceReader{r: bytes.NewReader(body)}
		req.Body, req.Stream = nil, &sign.BodyStream{Size: int64(len(body)), Reader: r}
		streamed, err := scheme.Sign(req)
		if err != nil {
			t.Fatalf("%s: %v", message, err)
		}
		if streamed.Signature != inMemory.Signature {
			t.Errorf("%s: streamed %s, in memory %s", message, streamed.Signature, inMemory.Signature)
		}
		if streamed.ContentType != inMemory.ContentType || streamed.Body != nil {
			t.Errorf("%s: streamed Content-Type %q and body %d bytes, want %q and none", message, streamed.ContentType, len(streamed.Body), inMemory.ContentType)
		}
	}
}

// A message that reads the body twice would need two passes over a
// stream: such a scheme signs bodies in memory only.
func TestBodyReadTwiceIsNotStreamed(t *testing.T) {
	scheme := mustCompile(t, streamSpec(`body + hex(sha256(body))`))
	if scheme.CanStream("POST") {
		t.Fatal("CanStream is true for a message that reads the body twice")
	}
	req := sign.Request{
		Method: "POST", BaseURL: "https://api.example.test", Target: "/up",
		Credentials: map[string]string{"api_key": "k", "api_secret": "s"}, Time: time.UnixMilli(1700000000000),
		Stream: &sign.BodyStream{Size: 2, Reader: strings.NewReader("{}")},
	}
	if _, err := scheme.Sign(req); err != sign.ErrNotStreamable {
		t.Errorf("Sign of a stream: %v, want ErrNotStreamable", err)
	}
	req.Stream, req.Body = nil, []byte("{}")
	res, err := scheme.Sign(req)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{}44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"; string(res.Canonical) != want {
		t.Errorf("canonical %q, want %q", res.Canonical, want)
	}
}

func TestStreamOfTheWrongSizeFails(t *testing.T) {
	scheme := mustCompile(t, streamSpec("timestamp + body"))
	req := sign.Request{
		Method: "POST", BaseURL: "https://api.example.test", Target: "/up",
		Credentials: map[string]string{"api_key": "k", "api_secret": "s"}, Time: time.UnixMilli(1700000000000),
		Stream: &sign.BodyStream{Size: 3, Reader: strings.NewReader("{}")},
	}
	if _, err := scheme.Sign(req); err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("Sign: %v, want a changed-body error", err)
	}
}
