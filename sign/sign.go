package sign

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"time"
)

// Request is what a user asks to sign.
type Request struct {
	// Method is the HTTP method; it is upper-cased.
	Method string
	// BaseURL is the vendor's base URL, which may carry a path prefix
	// ("https://api.example.com/v1").
	BaseURL string
	// Target is the path relative to BaseURL with an optional query
	// string, kept exactly as typed: its order and escaping are signed.
	Target string
	// Body is the request body, signed and sent byte for byte.
	Body []byte
	// Stream, when set, is a body read from a reader rather than held in
	// memory; a request has Body, Fields or Stream. Only a scheme whose
	// CanStream is true can sign it, and Sign reads it once.
	Stream *BodyStream
	// Fields are name/value pairs that become a body in the scheme's
	// body format or, for GET, HEAD and DELETE without a body, query
	// parameters. A request has Body or Fields, not both.
	Fields []Field
	// Credentials by variable name ("api_key", "api_secret",
	// "api_passphrase", "token").
	Credentials map[string]string
	// Settings override the scheme's setting defaults.
	Settings map[string]string
	// Time is the clock reading to sign.
	Time time.Time
	// Timestamp, when not empty, is signed and sent as is instead of
	// Time, in the scheme's own format.
	Timestamp string
	// Received says the request already carries the parameters the
	// scheme adds before signing (a captured request being verified):
	// they are signed where they are instead of being added again.
	Received bool
}

// Field is one name/value pair for a body or query. Value is a string, a
// json.Number, a bool, nil, or json.RawMessage (a JSON value written as
// is).
type Field struct {
	Name  string
	Value any
}

// Result is a signed request.
type Result struct {
	// Method is the HTTP method, upper case.
	Method string
	// URL is the final URL, with any parameters the scheme added.
	URL string
	// Body is the final body, with any parameters the scheme added.
	Body []byte
	// ContentType is the body's media type; empty when there is no body.
	ContentType string
	// Canonical is the exact message that was signed. For a streamed
	// body, the body's bytes are left out of it and BodyAt says where
	// they go.
	Canonical []byte
	// BodyAt lists the offsets in Canonical where a streamed body was
	// signed; nil when the body was not streamed into the message. The
	// streamed body is sent as it was signed: the caller reads it again.
	BodyAt []int
	// Signature is the encoded signature.
	Signature string
	// Timestamp is the time (or nonce, or expiry) signed, as sent.
	Timestamp string
	// Headers are the headers the scheme sends, in order.
	Headers []Header
}

// MissingCredentialError says that a request lacks a credential its
// scheme needs.
type MissingCredentialError struct {
	Name string
}

func (e *MissingCredentialError) Error() string { return "missing credential " + e.Name }

// Credentials lists the credentials the scheme needs.
func (s *Scheme) Credentials() []string { return s.credentials }

// Settings returns a copy of the scheme's settings and their defaults.
func (s *Scheme) Settings() map[string]string { return maps.Clone(s.settings) }

// TimestampFormat is how the scheme writes its timestamp.
func (s *Scheme) TimestampFormat() TimestampFormat { return s.timestamp }

// TimestampIsExpiry reports whether the timestamp is an expiry (the clock
// plus an offset setting) rather than the time of signing.
func (s *Scheme) TimestampIsExpiry() bool { return s.timestampOffset != "" }

// BodyFormat is how the scheme serializes fields into a body.
func (s *Scheme) BodyFormat() BodyFormat { return s.bodyFormat }

// DecodeSignature decodes a signature written in the scheme's encoding.
func (s *Scheme) DecodeSignature(sig string) ([]byte, error) { return s.encoding.decode(sig) }

// Timestamp writes t as the scheme signs it, with the scheme's offset
// setting (if any) added.
func (s *Scheme) Timestamp(t time.Time, settings map[string]string) (string, error) {
	var buf [maxTimestampLen]byte
	ts, err := s.appendTimestamp(buf[:0], t, settings)
	return string(ts), err
}

// appendTimestamp appends what Timestamp returns to dst.
func (s *Scheme) appendTimestamp(dst []byte, t time.Time, settings map[string]string) ([]byte, error) {
	if s.timestampOffset != "" {
		v := s.setting(s.timestampOffset, settings)
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("setting %s=%q is not a whole number of seconds", s.timestampOffset, v)
		}
		t = t.Add(time.Duration(secs) * time.Second)
	}
	return s.timestamp.append(dst, t), nil
}

func (s *Scheme) setting(name string, overrides map[string]string) string {
	if v, ok := overrides[name]; ok {
		return v
	}
	return s.settings[name]
}

// Sign signs a request. A streamed body (Request.Stream) is read once,
// to its end, when the scheme signs the body.
func (s *Scheme) Sign(req Request) (*Result, error) {
	// One allocation holds the variables and the result, another the
	// short strings the result returns (see texts).
	st := &signState{}
	vars := &st.vars
	vars.Method = strings.ToUpper(req.Method)
	for _, name := range s.credentials {
		value := req.Credentials[name]
		if value == "" {
			return nil, &MissingCredentialError{Name: name}
		}
		*vars.credential(name) = value
	}
	vars.Settings = s.settings
	if len(req.Settings) > 0 {
		vars.Settings = make(map[string]string, len(s.settings))
		for name, value := range s.settings {
			vars.Settings[name] = value
		}
		for name, value := range req.Settings {
			if _, ok := s.settings[name]; !ok {
				return nil, fmt.Errorf("unknown setting %q", name)
			}
			vars.Settings[name] = value
		}
	}

	base, err := splitBaseURL(req.BaseURL)
	if err != nil {
		return nil, err
	}
	target := req.Target
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	relPath, query, _ := strings.Cut(target, "?")
	body := req.Body
	wholeBody := s.CanStream(vars.Method)
	if req.Stream != nil {
		if len(req.Body) > 0 || len(req.Fields) > 0 {
			return nil, fmt.Errorf("a request has a body, fields or a stream, not two of them")
		}
		if !wholeBody {
			return nil, ErrNotStreamable
		}
		vars.stream = req.Stream
	}

	if len(req.Fields) > 0 {
		if query, body, err = s.placeFields(vars.Method, query, req); err != nil {
			return nil, err
		}
	}

	// Room for the timestamp, the URL and the signature.
	room := len(req.BaseURL) + len(target) + s.encoding.encodedLen(s.hash.size())
	if req.Timestamp != "" {
		vars.Timestamp = req.Timestamp
		st.texts.b.Grow(room)
	} else {
		var buf [maxTimestampLen]byte
		ts, err := s.appendTimestamp(buf[:0], req.Time, vars.Settings)
		if err != nil {
			return nil, err
		}
		st.texts.b.Grow(len(ts) + room)
		vars.Timestamp = st.texts.write(ts)
	}
	vars.Path = relPath
	if base.path != "" {
		vars.Path = st.texts.join(base.path, relPath)
	}

	// A body the scheme reads only whole is written from the caller's
	// bytes into the message, so that a large body is copied at most
	// once. Any other use of it reads a string, a copy: a header or a
	// parameter holding part of it must not change when the caller
	// reuses its bytes.
	var bodyText string
	if wholeBody {
		vars.wholeBody = body
	} else {
		bodyText = string(body)
	}
	preParams := s.preParams
	if req.Received {
		preParams = nil
	}
	if query, err = s.addParams(st, preParams, base, relPath, query, bodyText, len(s.postParams) == 0); err != nil {
		return nil, err
	}

	message := s.message
	if m, ok := s.messageByMethod[vars.Method]; ok {
		message = m
	}
	var canonical []byte
	var bodyAt []int
	if vars.stream != nil {
		canonical, bodyAt, vars.Signature, err = s.streamedSignature(st, message)
	} else {
		canonical, vars.Signature, err = s.signature(st, message)
	}
	if err != nil {
		return nil, err
	}

	if len(s.postParams) > 0 {
		if query, err = s.addParams(st, s.postParams, base, relPath, query, vars.Body, true); err != nil {
			return nil, err
		}
	}

	res := &st.result
	*res = Result{
		Method:    vars.Method,
		URL:       vars.URL,
		Canonical: canonical,
		BodyAt:    bodyAt,
		Signature: vars.Signature,
		Timestamp: vars.Timestamp,
		Headers:   make([]Header, 0, len(s.headers)),
	}
	switch {
	case len(vars.Body) != len(bodyText):
		res.Body = []byte(vars.Body) // parameters were added to it
	case len(body) > 0:
		res.Body = body // the caller's bytes, or the fields written out
	}
	if len(res.Body) > 0 || (req.Stream != nil && req.Stream.Size > 0) {
		res.ContentType = s.bodyFormat.ContentType()
	}
	for _, h := range s.headers {
		value, err := h.value.eval(vars)
		if err != nil {
			return nil, err
		}
		if !validHeaderValue(value) {
			return nil, &HeaderValueError{Header: h.name, Inputs: h.value.identifiers}
		}
		res.Headers = append(res.Headers, Header{Name: h.name, Value: value})
	}
	return res, nil
}

// HeaderValueError is a header whose value would hold a line break or
// another control character (from a credential, a setting or a timestamp
// given with one): sent, it would split the header and inject others. The
// value itself is not told, since it may come from a secret.
type HeaderValueError struct {
	Header string
	// Inputs are the variables the header's value is made of.
	Inputs []string
}

func (e *HeaderValueError) Error() string {
	return fmt.Sprintf("the value of header %s would hold a line break or another control character (it is made of %s)", e.Header, strings.Join(e.Inputs, ", "))
}

// validHeaderValue reports whether v can be sent as a header value: no
// control character but a horizontal tab (RFC 9110, field-value).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// addParams evaluates parameters, adds them to the query or body, and
// updates the location variables; it returns the new query.
func (s *Scheme) addParams(st *signState, params []compiledParam, base baseURL, relPath, query, body string, final bool) (string, error) {
	vars := &st.vars
	for _, p := range params {
		// Each parameter sees the request as it stands, earlier
		// parameters included.
		vars.Body = body
		s.setLocation(st, base, relPath, query, false)
		value, err := p.value.eval(vars)
		if err != nil {
			return "", err
		}
		query, body = p.place(vars.Method, query, body, value)
	}
	vars.Body = body
	s.setLocation(st, base, relPath, query, final)
	return query, nil
}

// setLocation sets the variables that describe where the request goes
// (Path, set once by Sign, excepted). Those no expression reads are
// computed only when final (the URL of the result) needs them.
func (s *Scheme) setLocation(st *signState, base baseURL, relPath, query string, final bool) {
	vars := &st.vars
	vars.Query = query
	vars.RelPath = relPath
	vars.Host = base.host
	vars.PathQuery, vars.RelPathQuery = vars.Path, relPath
	if final || s.reads.url || (query != "" && s.reads.pathQuery) {
		// The URL is written once; the path and query are the end of it.
		if query == "" {
			vars.URL = st.texts.join(base.origin, vars.Path)
		} else {
			vars.URL = st.texts.join(base.origin, vars.Path, "?", query)
		}
		vars.PathQuery = vars.URL[len(base.origin):]
	}
	if query != "" && s.reads.relPathQuery {
		vars.RelPathQuery = st.texts.join(relPath, "?", query)
	}
	if s.reads.params {
		vars.Params = ParsePairs(query)
		if s.bodyFormat == BodyForm {
			vars.Params = append(vars.Params, ParsePairs(vars.Body)...)
		}
	}
}

// signState is what one Sign call allocates up front. It holds pointers,
// and is kept to 512 bytes, above which the runtime adds a header to the
// allocation and GC scans it by that header.
type signState struct {
	vars   Vars
	result Result
	texts  texts
}

// texts holds the short strings one Sign call returns (the timestamp,
// the URL, the signature) in one allocation, sized up front: a per-call
// arena, allocated and dropped with the Result. A strings.Builder never
// changes bytes it has written, so every string cut from it stays valid
// as it grows.
type texts struct {
	b strings.Builder
}

// join writes the concatenation of parts and returns it.
func (t *texts) join(parts ...string) string {
	start := t.b.Len()
	for _, p := range parts {
		t.b.WriteString(p)
	}
	return t.b.String()[start:]
}

// write writes b and returns it as a string.
func (t *texts) write(b []byte) string {
	start := t.b.Len()
	t.b.Write(b)
	return t.b.String()[start:]
}

// baseURL is a base URL split: scheme://host, host, and the path prefix
// without a trailing slash.
type baseURL struct {
	raw, origin, host, path string
}

// splitBaseURL splits a base URL into substrings of it, with no
// allocation.
func splitBaseURL(raw string) (baseURL, error) {
	rest, ok := strings.CutPrefix(raw, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(raw, "http://")
	}
	if !ok || rest == "" || rest[0] == '/' || strings.ContainsAny(raw, "?# ") {
		return baseURL{}, fmt.Errorf("base URL %q is not an http(s) URL like https://api.example.com/v1", raw)
	}
	host, _, _ := strings.Cut(rest, "/")
	path := strings.TrimSuffix(rest[len(host):], "/")
	return baseURL{raw: raw, origin: raw[:len(raw)-len(rest)+len(host)], host: host, path: path}, nil
}

// ParamsInQuery reports whether a method's parameters travel in the
// query string rather than a body, as gh api and most vendors treat them.
func ParamsInQuery(method string) bool {
	return method == "GET" || method == "HEAD" || method == "DELETE"
}

func (p compiledParam) place(method, query, body, value string) (string, string) {
	if p.to == ToQuery || (p.to == ToParams && ParamsInQuery(method)) {
		return appendParam(query, p.name, value, p.first), body
	}
	return query, appendParam(body, p.name, value, p.first)
}

// placeFields writes a request's fields into its query or body, by the
// method (see ParamsInQuery).
func (s *Scheme) placeFields(method, query string, req Request) (string, []byte, error) {
	if len(req.Body) > 0 {
		return "", nil, fmt.Errorf("a request has a body or fields, not both")
	}
	if ParamsInQuery(method) {
		for _, f := range req.Fields {
			query = appendParam(query, f.Name, fieldText(f.Value), false)
		}
		return query, nil, nil
	}
	body, err := s.fieldsBody(req.Fields)
	return query, body, err
}

// PlaceFields returns the request with its Fields written where Sign puts
// them, into the query string or a body, as bytes: the same request in
// the form a server receives it.
func (s *Scheme) PlaceFields(req Request) (Request, error) {
	if len(req.Fields) == 0 {
		return req, nil
	}
	method := strings.ToUpper(req.Method)
	path, query, _ := strings.Cut(req.Target, "?")
	query, body, err := s.placeFields(method, query, req)
	if err != nil {
		return req, err
	}
	req.Fields, req.Body = nil, body
	req.Target = path
	if query != "" {
		req.Target += "?" + query
	}
	return req, nil
}

func (s *Scheme) fieldsBody(fields []Field) ([]byte, error) {
	if s.bodyFormat == BodyForm {
		var enc string
		for _, f := range fields {
			enc = appendParam(enc, f.Name, fieldText(f.Value), false)
		}
		return []byte(enc), nil
	}
	var b bytes.Buffer
	var err error
	writeJSONObject(&b, len(fields), func(i int) string { return fields[i].Name }, func(i int) {
		if err == nil {
			err = writeFieldValue(&b, fields[i])
		}
	})
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeFieldValue writes one field's value as JSON.
func writeFieldValue(b *bytes.Buffer, f Field) error {
	switch v := f.Value.(type) {
	case string:
		writeJSONString(b, v)
	case json.RawMessage:
		if err := json.Compact(b, v); err != nil {
			return fmt.Errorf("field %s: invalid JSON: %v", f.Name, err)
		}
	default:
		enc, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("field %s: %v", f.Name, err)
		}
		b.Write(enc)
	}
	return nil
}

// fieldText writes a field's value as a query or form parameter.
func fieldText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	case json.RawMessage:
		var compact bytes.Buffer
		if json.Compact(&compact, v) == nil {
			return compact.String()
		}
		return string(v)
	default:
		return fmt.Sprint(v)
	}
}

// maxPieces is how many pieces of a + chain are evaluated into an array
// on the stack before they are copied into one buffer; longer chains use
// the heap.
const maxPieces = 16

// values evaluates the expression's pieces into vals, a body the scheme
// reads whole excepted (it stays in Vars.wholeBody and its value is left
// empty), and returns them with the length of their concatenation.
func (e *stringExpr) values(vars *Vars, vals []string) ([]string, int, error) {
	size := 0
	for _, p := range e.pieces {
		v := ""
		if p.isBody && vars.wholeBody != nil {
			size += len(vars.wholeBody)
		} else {
			var err error
			if v, err = p.eval(vars); err != nil {
				return nil, 0, err
			}
			size += len(v)
		}
		vals = append(vals, v)
	}
	return vals, size, nil
}

func (e *stringExpr) eval(vars *Vars) (string, error) {
	if len(e.pieces) == 1 && !e.pieces[0].isBody {
		return e.pieces[0].eval(vars)
	}
	var stack [maxPieces]string
	vals, size, err := e.values(vars, stack[:0])
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(size)
	for i, p := range e.pieces {
		if p.isBody && vars.wholeBody != nil {
			b.Write(vars.wholeBody)
		} else {
			b.WriteString(vals[i])
		}
	}
	return b.String(), nil
}

// evalBytes builds the expression's value in one buffer, sized exactly:
// the pieces are evaluated first, then copied, so that a large body is
// copied once.
func (e *stringExpr) evalBytes(vars *Vars) ([]byte, error) {
	var stack [maxPieces]string
	vals, size, err := e.values(vars, stack[:0])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, size)
	for i, p := range e.pieces {
		if p.isBody && vars.wholeBody != nil {
			out = append(out, vars.wholeBody...)
		} else {
			out = append(out, vals[i]...)
		}
	}
	return out, nil
}

func (p piece) eval(vars *Vars) (string, error) {
	switch {
	case p.variable != nil:
		return p.variable(vars), nil
	case p.closure != nil:
		return p.closure(vars)
	}
	return p.literal, nil
}

// signature builds the message in one buffer and returns it with its
// encoded HMAC.
func (s *Scheme) signature(st *signState, message *stringExpr) ([]byte, string, error) {
	canonical, err := message.evalBytes(&st.vars)
	if err != nil {
		return nil, "", err
	}
	key, err := s.key.eval(&st.vars)
	if err != nil {
		return nil, "", err
	}
	sum, n := s.hash.mac(key, canonical)
	var buf [2 * maxSize]byte // hex of the longest digest
	return canonical, st.texts.write(s.encoding.append(buf[:0], sum[:n])), nil
}

// streamedSignature signs a message whose body is streamed: each piece is
// written into the HMAC in turn, the body read from its reader; the
// printable canonical string leaves the body out and records where.
func (s *Scheme) streamedSignature(st *signState, message *stringExpr) ([]byte, []int, string, error) {
	vars := &st.vars
	key, err := s.key.eval(vars)
	if err != nil {
		return nil, nil, "", err
	}
	mac := hmac.New(s.hash.new, []byte(key))
	var canonical []byte
	var bodyAt []int
	for _, p := range message.pieces {
		if p.isBody {
			bodyAt = append(bodyAt, len(canonical))
			if err := copyBody(mac, vars); err != nil {
				return nil, nil, "", err
			}
			continue
		}
		v, err := p.eval(vars)
		if err != nil {
			return nil, nil, "", err
		}
		io.WriteString(mac, v)
		canonical = append(canonical, v...)
	}
	var buf [2 * maxSize]byte
	return canonical, bodyAt, st.texts.write(s.encoding.append(buf[:0], mac.Sum(nil))), nil
}

// encoding is how a scheme writes its signature.
type encoding uint8

const (
	encodingHex encoding = iota + 1
	encodingHexUpper
	encodingBase64
	encodingBase64URL
)

func encodingByName(name string) (encoding, bool) {
	switch name {
	case "hex":
		return encodingHex, true
	case "hex-upper":
		return encodingHexUpper, true
	case "base64":
		return encodingBase64, true
	case "base64url":
		return encodingBase64URL, true
	}
	return 0, false
}

// append appends the digest b, written in the encoding, to dst.
func (e encoding) append(dst, b []byte) []byte {
	switch e {
	case encodingHex, encodingHexUpper:
		start := len(dst)
		dst = hex.AppendEncode(dst, b)
		if e == encodingHexUpper {
			for i, c := range dst[start:] {
				if 'a' <= c && c <= 'f' {
					dst[start+i] = c - 'a' + 'A'
				}
			}
		}
		return dst
	case encodingBase64:
		return base64.StdEncoding.AppendEncode(dst, b)
	}
	return base64.RawURLEncoding.AppendEncode(dst, b)
}

// encodedLen is the length of an n-byte digest written in the encoding.
func (e encoding) encodedLen(n int) int {
	switch e {
	case encodingHex, encodingHexUpper:
		return hex.EncodedLen(n)
	case encodingBase64:
		return base64.StdEncoding.EncodedLen(n)
	}
	return base64.RawURLEncoding.EncodedLen(n)
}

// decode reads a signature written in the encoding.
func (e encoding) decode(s string) ([]byte, error) {
	switch e {
	case encodingBase64:
		return base64.StdEncoding.DecodeString(s)
	case encodingBase64URL:
		return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	return hex.DecodeString(s)
}

// HeaderNames lists the headers the scheme sets, in order.
func (s *Scheme) HeaderNames() []string {
	names := make([]string, len(s.headers))
	for i, h := range s.headers {
		names[i] = h.name
	}
	return names
}
