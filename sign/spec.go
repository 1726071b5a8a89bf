package sign

// Spec describes a signing scheme before it is compiled. Every string
// field marked "expression" is a Go expression over [Vars] and the
// functions of [Functions] that must evaluate to a string.
type Spec struct {
	// Credentials lists the credentials the scheme needs, by variable
	// name: "api_key", "api_secret", "api_passphrase", "token".
	Credentials []string

	// BodyFormat says how fields given as name/value pairs become a body:
	// BodyJSON (a compact JSON object) or BodyForm
	// (application/x-www-form-urlencoded). It also decides the
	// Content-Type sent with a body.
	BodyFormat BodyFormat

	// Timestamp says how the clock is written into the request.
	Timestamp TimestampFormat

	// TimestampOffsetSetting, when set, names a setting holding a whole
	// number of seconds added to the clock before it is written (an
	// expiry time rather than a creation time).
	TimestampOffsetSetting string

	// Settings are the scheme's tunable values and their defaults
	// (a receive window, an expiry delay). Requests may override them.
	Settings map[string]string

	// Hash is the HMAC's hash function: "sha1", "sha256", "sha384" or
	// "sha512".
	Hash string

	// Key is an expression for the HMAC key; empty means api_secret.
	Key string

	// Message is an expression for the string to sign (the canonical
	// string).
	Message string

	// MessageByMethod overrides Message for the HTTP methods it names
	// (upper case).
	MessageByMethod map[string]string

	// Encoding is how the HMAC is written: "hex", "hex-upper", "base64"
	// or "base64url".
	Encoding string

	// Headers are sent with every request, in this order; each value is
	// an expression and may use signature.
	Headers []Header

	// Params are request parameters the scheme adds to the query string
	// or form body, in this order. A parameter whose value uses
	// signature is added after signing; the others before, so that they
	// are part of what is signed.
	Params []Param

	// Accepts says where a received request may carry its parameters
	// and in which body formats, beyond where Sign puts them.
	Accepts Accepts
}

// Header is one header a scheme sends; Value is an expression.
type Header struct {
	Name  string
	Value string
	// Read says how the value is read back from a received request.
	Read Readback
}

// Readback says how a value the scheme sends is read back from a
// received request: which variables it carries and where in the text.
type Readback struct {
	// Patterns are templates over the value: literal text with
	// placeholders for the variables it carries, {signature},
	// {timestamp}, {api_key} or {settings.NAME} ("t={timestamp},v1={signature}";
	// "{{" is a literal brace). Empty means derived from the value's
	// expression, which must then be literal text around one variable.
	Patterns []string
	// Split, when set, cuts the value into parts at this separator; each
	// part, trimmed of spaces, is matched against every pattern, and a
	// part no pattern matches is ignored. A signature may then appear
	// several times (a secret being rotated): any one matching is a
	// match. Without Split, the whole value must match the one pattern.
	Split string
}

// Accepts lists the other places a received request may carry its
// parameters, as a vendor's documentation allows.
type Accepts struct {
	// Params lists where parameters placed with ToParams may arrive for
	// any method: ToQuery, ToBody, or both. Empty means where Sign puts
	// them.
	Params []Placement
	// Bodies lists the body formats a received request may use; a
	// parameter placed in the body is then read from a JSON object's
	// top-level field too. Empty means the scheme's BodyFormat only.
	Bodies []BodyFormat
}

// Param is one parameter a scheme adds to the request; Value is an
// expression.
type Param struct {
	Name  string
	Value string
	// To is where the parameter goes.
	To Placement
	// First puts the parameter before the request's own parameters
	// instead of after them.
	First bool
	// Read says how the value is read back from a received request.
	Read Readback
}

// Placement says where a scheme parameter travels.
type Placement string

const (
	// ToParams puts the parameter where the request's parameters are:
	// the query string for GET, HEAD and DELETE, the form body otherwise.
	ToParams Placement = "params"
	// ToQuery always puts the parameter in the query string.
	ToQuery Placement = "query"
	// ToBody always puts the parameter in the form body.
	ToBody Placement = "body"
)

// BodyFormat is how name/value fields are serialized into a body.
type BodyFormat string

const (
	// BodyJSON serializes fields as a compact JSON object, in the order
	// given.
	BodyJSON BodyFormat = "json"
	// BodyForm serializes fields as application/x-www-form-urlencoded.
	BodyForm BodyFormat = "form"
)

// ContentType is the media type sent with a body of this format.
func (f BodyFormat) ContentType() string {
	if f == BodyForm {
		return "application/x-www-form-urlencoded"
	}
	return "application/json"
}
