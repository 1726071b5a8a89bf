package sign

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
)

// Vars are the variables a scheme's expressions can use; stringVarGetter
// and lang.go give their names in expressions (the tags record them too).
type Vars struct {
	// Method is the HTTP method, upper case.
	Method string `expr:"method"`
	// URL is the full URL as sent, with the query string.
	URL string `expr:"url"`
	// Host is the URL's host, with the port when one is given.
	Host string `expr:"host"`
	// Path is the full URL path as sent, base URL path included, without
	// the query string.
	Path string `expr:"path"`
	// Query is the query string as sent, without "?"; empty when none.
	Query string `expr:"query"`
	// PathQuery is Path, then "?" and Query when Query is not empty.
	PathQuery string `expr:"path_query"`
	// RelPath is the path relative to the base URL, as typed.
	RelPath string `expr:"rel_path"`
	// RelPathQuery is RelPath, then "?" and Query when Query is not empty.
	RelPathQuery string `expr:"rel_path_query"`
	// Body is the request body as sent.
	Body string `expr:"body"`
	// Params are the request's parameters, decoded: the query string's,
	// then the form body's when the body format is form.
	Params []Pair `expr:"params"`
	// Timestamp is the time (or nonce, or expiry) signed and sent, in the
	// scheme's format; empty when the scheme signs no time.
	Timestamp string `expr:"timestamp"`
	// Signature is the encoded signature; only headers and parameters
	// added after signing can use it.
	Signature string `expr:"signature"`
	// APIKey is the public API key.
	APIKey string `expr:"api_key"`
	// APISecret is the API secret, as given. In expressions it has type
	// secret (see isSecretVar): it can only become the HMAC key.
	APISecret string `expr:"api_secret"`
	// APIPassphrase is the passphrase some vendors add to the key.
	APIPassphrase string `expr:"api_passphrase"`
	// Token is a bearer token sent beside the signature.
	Token string `expr:"token"`
	// Settings are the scheme's settings, defaults overridden by the
	// request.
	Settings map[string]string `expr:"settings"`

	// wholeBody is the request's body when the scheme reads it only
	// whole (see Scheme.CanStream): it is then written into the message
	// and digests from the caller's bytes, and Body stays empty.
	wholeBody []byte
	// stream is the request's streamed body, read once; Body is then
	// empty.
	stream *BodyStream
}

// credentialNames are the Vars that hold credentials, in the order they
// are asked for.
func credentialNames() []string {
	return []string{"api_key", "api_secret", "api_passphrase", "token"}
}

func (v *Vars) credential(name string) *string {
	switch name {
	case "api_key":
		return &v.APIKey
	case "api_secret":
		return &v.APISecret
	case "api_passphrase":
		return &v.APIPassphrase
	case "token":
		return &v.Token
	}
	return nil
}

// isSecretVar reports whether the variable called name has type secret
// in expressions (see typeSecret in lang.go): only api_secret. The
// passphrase and the token stay strings: several vendors send them in
// clear (OKX, Bitget and Coinbase send the passphrase as a header).
func isSecretVar(name string) bool {
	return name == "api_secret"
}

// stringVarGetter returns a function reading the plain string variable
// called name, for the fast path that copies variables without running the
// interpreter; false when name is not such a variable.
func stringVarGetter(name string) (func(*Vars) string, bool) {
	getters := map[string]func(*Vars) string{
		"method":         func(v *Vars) string { return v.Method },
		"url":            func(v *Vars) string { return v.URL },
		"host":           func(v *Vars) string { return v.Host },
		"path":           func(v *Vars) string { return v.Path },
		"query":          func(v *Vars) string { return v.Query },
		"path_query":     func(v *Vars) string { return v.PathQuery },
		"rel_path":       func(v *Vars) string { return v.RelPath },
		"rel_path_query": func(v *Vars) string { return v.RelPathQuery },
		"body":           func(v *Vars) string { return v.Body },
		"timestamp":      func(v *Vars) string { return v.Timestamp },
		"signature":      func(v *Vars) string { return v.Signature },
		"api_key":        func(v *Vars) string { return v.APIKey },
		"api_secret":     func(v *Vars) string { return v.APISecret },
		"api_passphrase": func(v *Vars) string { return v.APIPassphrase },
		"token":          func(v *Vars) string { return v.Token },
	}
	get, ok := getters[name]
	return get, ok
}

// Function describes one function expressions can call.
type Function struct {
	Name      string
	Signature string
	Doc       string
}

// Functions lists the functions expressions can call, in order, from
// the table the engine runs (builtins in lang.go). Hashes return raw
// bytes; wrap them in hex() or base64() for text.
func Functions() []Function {
	var list []Function
	for _, f := range builtins() {
		list = append(list, Function{Name: f.name, Signature: f.signature, Doc: f.doc})
	}
	return list
}

// JSONObject writes pairs as a compact JSON object with string values, in
// order, escaping as JavaScript's JSON.stringify does (no HTML escapes).
func JSONObject(pairs []Pair) string {
	var b bytes.Buffer
	writeJSONObject(&b, len(pairs), func(i int) string { return pairs[i].Name }, func(i int) { writeJSONString(&b, pairs[i].Value) })
	return b.String()
}

// writeJSONObject writes a compact JSON object of n members, in order:
// name(i) as the key, then whatever writeValue(i) writes.
func writeJSONObject(b *bytes.Buffer, n int, name func(int) string, writeValue func(int)) {
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, name(i))
		b.WriteByte(':')
		writeValue(i)
	}
	b.WriteByte('}')
}

// writeJSONString quotes s as JavaScript's JSON.stringify does: only the
// quote, the backslash and control characters are escaped (encoding/json
// would also escape <, >, &, U+2028 and U+2029). Invalid UTF-8 is written
// as U+FFFD.
func writeJSONString(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// decodeBase64 decodes standard base64, padded or not. Its error, like
// every error an expression can return while signing, does not quote the
// value: it may be the secret.
//
// A key is decoded into a buffer on the stack: the one allocation is the
// result.
func decodeBase64(s string) (string, error) {
	s = strings.TrimRight(s, "=")
	var stack [2 * maxBlockSize]byte
	d := sized(stack[:], base64.RawStdEncoding.DecodedLen(len(s)))
	n, err := base64.RawStdEncoding.Decode(d, []byte(s))
	if err != nil {
		return "", errors.New("b64decode: the value is not valid base64")
	}
	return string(d[:n]), nil
}

// decodeHex decodes hex, upper or lower case; its error does not quote
// the value either.
func decodeHex(s string) (string, error) {
	var stack [2 * maxBlockSize]byte
	d := sized(stack[:], hex.DecodedLen(len(s)))
	n, err := hex.Decode(d, []byte(s))
	if err != nil {
		return "", errors.New("hexdecode: the value is not valid hex")
	}
	return string(d[:n]), nil
}

// sized returns n bytes of stack, or of the heap when stack is too short.
func sized(stack []byte, n int) []byte {
	if n > len(stack) {
		return make([]byte, n)
	}
	return stack[:n]
}
