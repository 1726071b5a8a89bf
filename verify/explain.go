package verify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hmacctl/hmacctl/sign"
)

// Reading is one way of reading a vendor's scheme: the default, or a
// misreading a client may have made.
type Reading struct {
	// Name says what the reading does differently, for people.
	Name string
	// Canonical is the string this reading signs; for a reading that did
	// not match, at most its first MaxEcho bytes (Size says how many it
	// has), so that a search over a large body holds one copy of it, not
	// one per reading.
	Canonical []byte
	// Size is the length of the string this reading signs.
	Size int
	// Signature is the signature this reading gives, in the scheme's
	// encoding.
	Signature string
	// Encoding, when not empty, says the received signature matched this
	// reading written in another encoding ("base64", "upper-case hex").
	Encoding string
}

// Explanation is the outcome of the search.
type Explanation struct {
	// Expected is the default reading.
	Expected Reading
	// Match is the first reading that reproduces the received signature,
	// nil when none does.
	Match *Reading
	// Tried lists every reading tried, in order.
	Tried []Reading
	// Skipped says which readings were not tried, and why (a body too
	// large to re-serialize in memory).
	Skipped []string
}

// MaxExplainBody is the largest body whose re-serialized forms the
// search tries: each is a copy of it.
const MaxExplainBody = 8 << 20

// candidate is a reading to try: a scheme and a request to sign.
type candidate struct {
	name   string
	scheme *sign.Scheme
	req    sign.Request
}

// Others gives the schemes of other vendors and variants to try, by
// reading name ("variant no-timestamp", "vendor okx").
type Others func() []Named

// Named is a scheme with the reading name it stands for.
type Named struct {
	Name   string
	Scheme *sign.Scheme
}

// Explain signs the input under the default reading and under every
// plausible misreading, ordered by how often each breaks real
// integrations (the clock, then encodings, then how the string is
// assembled, then other schemes), and reports the first that reproduces
// the received signature. With no received signature it only lists the
// readings, for comparing with another implementation.
func Explain(scheme *sign.Scheme, in Input, others Others) (*Explanation, error) {
	def, err := scheme.Sign(in.Request)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{Expected: Reading{Name: "the default reading", Canonical: def.Canonical, Size: len(def.Canonical), Signature: def.Signature}}
	var received []decoded
	for _, sig := range in.Signatures {
		received = append(received, decodings(sig)...)
	}
	// consider records a signed reading and checks it against the
	// received signatures.
	consider := func(name string, s *sign.Scheme, res *sign.Result) {
		r := Reading{Name: name, Canonical: res.Canonical, Size: len(res.Canonical), Signature: res.Signature}
		kept := r
		kept.Canonical = res.Canonical[:min(len(res.Canonical), MaxEcho)]
		ex.Tried = append(ex.Tried, kept)
		if ex.Match != nil || len(in.Signatures) == 0 {
			return
		}
		raw, err := s.DecodeSignature(res.Signature)
		if err != nil {
			return
		}
		for _, sig := range in.Signatures {
			if got, err := s.DecodeSignature(sig); err == nil && bytes.Equal(got, raw) {
				ex.Match = &r
				return
			}
		}
		for _, d := range received {
			if bytes.Equal(d.raw, raw) {
				r.Encoding = d.encoding
				ex.Match = &r
				return
			}
		}
	}
	try := func(c candidate) {
		if res, err := c.scheme.Sign(c.req); err == nil {
			consider(c.name, c.scheme, res)
		}
	}
	consider("the default reading", scheme, def)
	if len(in.Request.Body) > MaxExplainBody {
		ex.Skipped = append(ex.Skipped, fmt.Sprintf("the body's re-serialized forms (spaced, compacted, re-encoded): the body is over %d MiB", MaxExplainBody>>20))
	}
	for _, c := range misreadings(scheme, in) {
		try(c)
	}
	if others != nil {
		for _, o := range others() {
			req := in.Request
			req.Received = false
			try(candidate{o.Name, o.Scheme, req})
		}
	}
	return ex, nil
}

type decoded struct {
	raw      []byte
	encoding string
}

// decodings reads a received signature in every encoding it parses as.
func decodings(sig string) []decoded {
	var out []decoded
	if b, err := hex.DecodeString(sig); err == nil {
		name := "hex"
		if sig != strings.ToLower(sig) {
			name = "upper-case hex"
		}
		out = append(out, decoded{b, name})
	}
	if b, err := base64.StdEncoding.DecodeString(sig); err == nil {
		out = append(out, decoded{b, "base64"})
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(sig, "=")); err == nil {
		out = append(out, decoded{b, "base64url"})
	}
	return out
}

// misreadings lists the ways a client commonly gets this scheme wrong,
// most common first.
func misreadings(scheme *sign.Scheme, in Input) []candidate {
	var out []candidate
	add := func(name string, change func(*sign.Request) bool) {
		req := in.Request
		req.Credentials = cloneMap(in.Request.Credentials)
		req.Settings = cloneMap(in.Request.Settings)
		if change(&req) {
			out = append(out, candidate{name, scheme, req})
		}
	}
	ts := in.Request.Timestamp
	// The clock.
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && ts != "" {
		add("the timestamp in seconds where milliseconds are expected", func(r *sign.Request) bool {
			if len(ts) < 12 {
				return false
			}
			r.Timestamp = strconv.FormatInt(n/1000, 10)
			return true
		})
		add("the timestamp in milliseconds where seconds are expected", func(r *sign.Request) bool {
			if len(ts) > 11 {
				return false
			}
			r.Timestamp = strconv.FormatInt(n*1000, 10)
			return true
		})
	}
	if strings.HasSuffix(ts, "Z") && strings.Contains(ts, ".") {
		whole, frac, _ := strings.Cut(strings.TrimSuffix(ts, "Z"), ".")
		add("the timestamp with fewer than three millisecond digits", func(r *sign.Request) bool {
			short := strings.TrimRight(frac, "0")
			if short == frac {
				return false
			}
			if short == "" {
				r.Timestamp = whole + "Z"
			} else {
				r.Timestamp = whole + "." + short + "Z"
			}
			return true
		})
		add("the timestamp without milliseconds", func(r *sign.Request) bool {
			r.Timestamp = whole + "Z"
			return true
		})
	}
	// How the query is encoded.
	path, query, hasQuery := strings.Cut(in.Request.Target, "?")
	if hasQuery {
		if scheme.DecodesQuery() {
			add("the query signed as sent, not decoded (%XX and + kept)", func(r *sign.Request) bool {
				// Escaped once more, the query decodes to itself as sent.
				raw := strings.NewReplacer("%", "%25", "+", "%2B").Replace(query)
				r.Target = path + "?" + raw
				return raw != query
			})
		}
		add("the query decoded (%XX and + undone)", func(r *sign.Request) bool {
			dec := sign.Unescape(query)
			r.Target = path + "?" + dec
			return dec != query
		})
		add("the query re-encoded with + for spaces", func(r *sign.Request) bool {
			enc := sign.EncodePairs(sign.ParsePairs(query))
			r.Target = path + "?" + enc
			return enc != query
		})
		add("the query re-encoded with %20 for spaces", func(r *sign.Request) bool {
			enc := strings.ReplaceAll(sign.EncodePairs(sign.ParsePairs(query)), "+", "%20")
			r.Target = path + "?" + enc
			return enc != query
		})
		add("the query parameters sorted by name", func(r *sign.Request) bool {
			sorted := sign.JoinPairs(sign.SortPairs(sign.ParsePairs(query)), "=", "&")
			r.Target = path + "?" + sorted
			return sorted != query
		})
		add("the path signed without the query string", func(r *sign.Request) bool {
			r.Target = path
			return true
		})
		add("the query parameters signed as a JSON body", func(r *sign.Request) bool {
			if len(r.Body) > 0 {
				return false
			}
			r.Target = path
			r.Body = []byte(sign.JSONObject(sign.ParsePairs(query)))
			return true
		})
	}
	// The path: full, or relative to the base URL.
	if u, err := url.Parse(in.Request.BaseURL); err == nil {
		origin := u.Scheme + "://" + u.Host
		if prefix := strings.TrimSuffix(u.EscapedPath(), "/"); prefix != "" {
			add("the path relative to the base URL where the full path is expected", func(r *sign.Request) bool {
				r.BaseURL = origin
				return true
			})
			add("the full path where a path relative to the base URL is expected", func(r *sign.Request) bool {
				r.BaseURL = origin
				r.Target = prefix + r.Target
				return true
			})
		}
	}
	// The body.
	body := in.Request.Body
	if len(body) > MaxExplainBody {
		body = nil // each reading below copies it: skipped, and said so
	} else if len(body) > 0 {
		add("the body re-serialized with spaces after , and : (Python's json.dumps default)", func(r *sign.Request) bool {
			spaced, ok := respace(body, ", ", ": ")
			r.Body = spaced
			return ok && !bytes.Equal(spaced, body)
		})
		add("the body re-serialized compactly (JSON.stringify)", func(r *sign.Request) bool {
			var b bytes.Buffer
			if json.Compact(&b, body) != nil || bytes.Equal(b.Bytes(), body) {
				return false
			}
			r.Body = b.Bytes()
			return true
		})
		add("the body left out of the signed string", func(r *sign.Request) bool {
			r.Body = nil
			return true
		})
		add("the body without its trailing newline", func(r *sign.Request) bool {
			trimmed := bytes.TrimSuffix(body, []byte("\n"))
			r.Body = trimmed
			return len(trimmed) != len(body)
		})
		add("the body with a trailing newline", func(r *sign.Request) bool {
			r.Body = append(append([]byte(nil), body...), '\n')
			return !bytes.HasSuffix(body, []byte("\n"))
		})
	} else {
		add("an empty JSON object {} as the body", func(r *sign.Request) bool {
			r.Body = []byte("{}")
			return true
		})
	}
	// The secret.
	secret := in.Request.Credentials["api_secret"]
	if secret != "" {
		add("the secret with trailing whitespace or a newline trimmed", func(r *sign.Request) bool {
			t := strings.TrimRight(secret, " \t\r\n")
			r.Credentials["api_secret"] = t
			return t != secret
		})
		add("the secret with a trailing newline (read from a file as is)", func(r *sign.Request) bool {
			r.Credentials["api_secret"] = secret + "\n"
			return true
		})
		add("the secret base64-decoded before use", func(r *sign.Request) bool {
			d, err := base64.StdEncoding.DecodeString(secret)
			r.Credentials["api_secret"] = string(d)
			return err == nil
		})
		add("the secret base64-encoded (the raw key sent as text)", func(r *sign.Request) bool {
			r.Credentials["api_secret"] = base64.StdEncoding.EncodeToString([]byte(secret))
			return true
		})
		if pass := in.Request.Credentials["api_passphrase"]; pass != "" {
			add("the passphrase used in place of the secret", func(r *sign.Request) bool {
				r.Credentials["api_secret"] = pass
				return true
			})
		}
	}
	return out
}

// respace re-serializes JSON with the given separators, keeping key order.
func respace(body []byte, comma, colon string) ([]byte, bool) {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return nil, false
	}
	var out bytes.Buffer
	inString := false
	for i := 0; i < b.Len(); i++ {
		c := b.Bytes()[i]
		out.WriteByte(c)
		switch {
		case c == '\\' && inString:
			i++
			if i < b.Len() {
				out.WriteByte(b.Bytes()[i])
			}
		case c == '"':
			inString = !inString
		case !inString && c == ',':
			out.WriteString(comma[1:])
		case !inString && c == ':':
			out.WriteString(colon[1:])
		}
	}
	return out.Bytes(), true
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// FirstDifference is the index of the first byte where a and b differ, or
// -1 when they are equal.
func FirstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}
