package sign

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

type hashFunc = func() hash.Hash

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
	// Stream, when set, is a body read from a file rather than memory; a
	// request has Body, Fields or Stream. Only a scheme whose CanStream
	// is true can sign it.
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
	// signed; nil when the body was not streamed into the message.
	BodyAt []int
	// Stream is the streamed body to send, when the request had one.
	Stream *BodyStream
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
func (s *Scheme) DecodeSignature(sig string) ([]byte, error) { return s.decode(sig) }

// Timestamp writes t as the scheme signs it, with the scheme's offset
// setting (if any) added.
func (s *Scheme) Timestamp(t time.Time, settings map[string]string) (string, error) {
	if s.timestampOffset != "" {
		v := s.setting(s.timestampOffset, settings)
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("setting %s=%q is not a whole number of seconds", s.timestampOffset, v)
		}
		t = t.Add(time.Duration(secs) * time.Second)
	}
	return s.timestamp.Format(t), nil
}

func (s *Scheme) setting(name string, overrides map[string]string) string {
	if v, ok := overrides[name]; ok {
		return v
	}
	return s.settings[name]
}

// Sign signs a request.
func (s *Scheme) Sign(req Request) (*Result, error) {
	// One allocation holds the variables, the result and room for the
	// usual number of headers.
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

	base, err := s.baseURL(req.BaseURL)
	if err != nil {
		return nil, err
	}
	target := req.Target
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	relPath, query, _ := strings.Cut(target, "?")
	body := req.Body
	if req.Stream != nil {
		if len(req.Body) > 0 || len(req.Fields) > 0 {
			return nil, fmt.Errorf("a request has a body, fields or a stream, not two of them")
		}
		if !s.CanStream(vars.Method) {
			return nil, ErrNotStreamable
		}
		vars.stream = req.Stream
	}

	if len(req.Fields) > 0 {
		if query, body, err = s.placeFields(vars.Method, query, req); err != nil {
			return nil, err
		}
	}

	if req.Timestamp != "" {
		vars.Timestamp = req.Timestamp
	} else if vars.Timestamp, err = s.Timestamp(req.Time, vars.Settings); err != nil {
		return nil, err
	}

	// The body is read, never written, from here on: view it as a string
	// rather than copy it, so that a large body is copied only into the
	// message.
	bodyText := bytesAsString(body)
	if s.bodyEscapes {
		// A header or late parameter may hold part of the body: it must
		// not change when the caller reuses the body's bytes.
		bodyText = string(body)
	}
	preParams := s.preParams
	if req.Received {
		preParams = nil
	}
	if query, err = s.addParams(preParams, vars, base, relPath, query, bodyText, len(s.postParams) == 0); err != nil {
		return nil, err
	}

	message := s.message
	if m, ok := s.messageByMethod[vars.Method]; ok {
		message = m
	}
	var canonical []byte
	var bodyAt []int
	if vars.stream != nil {
		if canonical, bodyAt, vars.Signature, err = s.streamedSignature(vars, message); err != nil {
			return nil, err
		}
	} else {
		if canonical, err = message.evalBytes(vars); err != nil {
			return nil, err
		}
		if vars.Signature, err = s.signature(vars, canonical); err != nil {
			return nil, err
		}
	}

	if len(s.postParams) > 0 {
		if query, err = s.addParams(s.postParams, vars, base, relPath, query, vars.Body, true); err != nil {
			return nil, err
		}
	}
	bodyText = vars.Body

	res := &st.result
	*res = Result{
		Method:    vars.Method,
		URL:       vars.URL,
		Canonical: canonical,
		BodyAt:    bodyAt,
		Signature: vars.Signature,
		Timestamp: vars.Timestamp,
		Headers:   st.headers[:0],
		Stream:    req.Stream,
	}
	if req.Stream != nil && req.Stream.Size > 0 {
		res.ContentType = s.bodyFormat.ContentType()
	}
	if len(bodyText) > 0 {
		if len(bodyText) == len(body) {
			res.Body = body // no parameter was added: the caller's bytes
		} else {
			res.Body = []byte(bodyText)
		}
		res.ContentType = s.bodyFormat.ContentType()
	}
	for _, h := range s.headers {
		value, err := h.value.eval(vars)
		if err != nil {
			return nil, err
		}
		res.Headers = append(res.Headers, Header{Name: h.name, Value: value})
	}
	return res, nil
}

// addParams evaluates parameters, adds them to the query or body, and
// updates the location variables; it returns the new query.
func (s *Scheme) addParams(params []compiledParam, vars *Vars, base baseURL, relPath, query, body string, final bool) (string, error) {
	for _, p := range params {
		// Each parameter sees the request as it stands, earlier
		// parameters included.
		vars.Body = body
		s.setLocation(vars, base, relPath, query, false)
		value, err := p.value.eval(vars)
		if err != nil {
			return "", err
		}
		query, body = p.place(vars.Method, query, body, value)
	}
	vars.Body = body
	s.setLocation(vars, base, relPath, query, final)
	return query, nil
}

// setLocation sets the variables that describe where the request goes.
// Those no expression reads are computed only when final (the URL of the
// result) needs them.
func (s *Scheme) setLocation(vars *Vars, base baseURL, relPath, query string, final bool) {
	vars.Query = query
	vars.RelPath = relPath
	vars.Path = relPath
	if base.path != "" {
		vars.Path = base.path + relPath
	}
	vars.Host = base.host
	vars.PathQuery, vars.RelPathQuery = vars.Path, relPath
	if query != "" {
		if final || s.uses["path_query"] || s.uses["url"] {
			vars.PathQuery = vars.Path + "?" + query
		}
		if s.uses["rel_path_query"] {
			vars.RelPathQuery = relPath + "?" + query
		}
	}
	if final || s.uses["url"] {
		vars.URL = base.origin + vars.PathQuery
	}
	if s.uses["params"] {
		vars.Params = ParsePairs(query)
		if s.bodyFormat == BodyForm {
			vars.Params = append(vars.Params, ParsePairs(vars.Body)...)
		}
	}
}

// signState is everything one Sign call allocates up front.
type signState struct {
	vars    Vars
	result  Result
	headers [6]Header
}

// baseURL is a base URL split once: scheme://host, host, and the path
// prefix without a trailing slash.
type baseURL struct {
	raw, origin, host, path string
}

// baseURL splits a base URL, remembering the last one: a scheme signs
// many requests to the same base.
func (s *Scheme) baseURL(raw string) (baseURL, error) {
	if last := s.lastBase.Load(); last != nil && last.raw == raw {
		return *last, nil
	}
	b, err := splitBaseURL(raw)
	if err == nil {
		s.lastBase.Store(&b)
	}
	return b, err
}

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

func (e *stringExpr) eval(vars *Vars) (string, error) {
	if len(e.pieces) == 1 {
		return e.pieces[0].eval(vars)
	}
	b, err := e.evalBytes(vars)
	return string(b), err
}

// evalBytes builds the expression's value in one buffer, sized up front
// for the plain pieces so that a large body is copied once.
func (e *stringExpr) evalBytes(vars *Vars) ([]byte, error) {
	size := 0
	for _, p := range e.pieces {
		if p.variable != nil {
			size += len(p.variable(vars))
		} else {
			size += len(p.literal) + 64
		}
	}
	out := make([]byte, 0, size)
	for _, p := range e.pieces {
		v, err := p.eval(vars)
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
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

// bytesAsString views b as a string without copying; b must not change
// while the string is in use.
func bytesAsString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// macState is an HMAC keyed once and reused for the same key.
type macState struct {
	// inputs are the credential values the key was derived from, when
	// the key depends on nothing else; key is the derived key.
	inputs, key string
	mac         hash.Hash
	sum         []byte
}

// signature computes and encodes the HMAC of message, reusing a keyed
// HMAC from the scheme's pool when the key is the same as last time (the
// usual case: one secret, many requests). A key derived from credentials
// alone (a base64-decoded secret) is not derived again for the same
// credentials.
func (s *Scheme) signature(vars *Vars, message []byte) (string, error) {
	st, err := s.keyedMAC(vars)
	if err != nil {
		return "", err
	}
	st.mac.Write(message)
	return s.finish(st), nil
}

// keyedMAC returns a reset HMAC under the request's key, from the pool
// when the key is unchanged.
func (s *Scheme) keyedMAC(vars *Vars) (*macState, error) {
	inputs, cacheable := s.keyInputs(vars)
	st, _ := s.macs.Get().(*macState)
	if st == nil || !cacheable || st.inputs != inputs {
		key, err := s.key.eval(vars)
		if err != nil {
			return nil, err
		}
		if st == nil || st.key != key {
			st = &macState{key: key, mac: hmac.New(s.newHash, []byte(key))}
		}
		st.inputs = inputs
	}
	st.mac.Reset()
	return st, nil
}

// finish encodes the HMAC and returns the state to the pool.
func (s *Scheme) finish(st *macState) string {
	st.sum = st.mac.Sum(st.sum[:0])
	encoded := s.encode(st.sum)
	s.macs.Put(st)
	return encoded
}

// streamedSignature signs a message whose body is streamed: each piece is
// written into the HMAC in turn, the body read from its stream; the
// printable canonical string leaves the body out and records where.
func (s *Scheme) streamedSignature(vars *Vars, message *stringExpr) ([]byte, []int, string, error) {
	st, err := s.keyedMAC(vars)
	if err != nil {
		return nil, nil, "", err
	}
	var canonical []byte
	var bodyAt []int
	for _, p := range message.pieces {
		if p.isBody {
			bodyAt = append(bodyAt, len(canonical))
			if err := copyBody(st.mac, vars.stream); err != nil {
				s.macs.Put(st)
				return nil, nil, "", err
			}
			continue
		}
		v, err := p.eval(vars)
		if err != nil {
			s.macs.Put(st)
			return nil, nil, "", err
		}
		st.mac.Write([]byte(v))
		canonical = append(canonical, v...)
	}
	return canonical, bodyAt, s.finish(st), nil
}

// keyInputs returns the credential values the key expression reads, as
// one string, when it reads nothing but credentials.
func (s *Scheme) keyInputs(vars *Vars) (string, bool) {
	switch len(s.keyCredentials) {
	case 0:
		return "", false
	case 1:
		return *vars.credential(s.keyCredentials[0]), true
	}
	var b strings.Builder
	for _, name := range s.keyCredentials {
		b.WriteString(*vars.credential(name))
		b.WriteByte(0)
	}
	return b.String(), true
}

// encodeHex is hex.EncodeToString with one allocation instead of two for
// digests up to SHA-512's size.
func encodeHex(b []byte) string {
	var buf [128]byte
	if len(b) > len(buf)/2 {
		return hex.EncodeToString(b)
	}
	n := hex.Encode(buf[:], b)
	return string(buf[:n])
}

func encodingByName(name string) (func([]byte) string, func(string) ([]byte, error), bool) {
	switch name {
	case "hex":
		return encodeHex, hex.DecodeString, true
	case "hex-upper":
		return func(b []byte) string { return strings.ToUpper(encodeHex(b)) }, hex.DecodeString, true
	case "base64":
		return base64.StdEncoding.EncodeToString, base64.StdEncoding.DecodeString, true
	case "base64url":
		return base64.RawURLEncoding.EncodeToString, func(s string) ([]byte, error) {
			return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		}, true
	}
	return nil, nil, false
}

// HeaderNames lists the headers the scheme sets, in order.
func (s *Scheme) HeaderNames() []string {
	names := make([]string, len(s.headers))
	for i, h := range s.headers {
		names[i] = h.name
	}
	return names
}
