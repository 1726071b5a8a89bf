package verify

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hmacctl/hmacctl/sign"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// Server is a verifying HTTP server for one scheme: every request it
// receives is checked; a valid one gets 200 with the canonical string
// computed here, an invalid one 401 with the explanation.
type Server struct {
	Scheme *sign.Scheme
	// Vendor names the scheme in verdicts and messages.
	Vendor  string
	BaseURL string
	// Credentials and Settings sign the requests again (the API key, when
	// a request carries one, is taken from it).
	Credentials map[string]string
	Settings    map[string]string
	// Age judges each request's timestamp against Now.
	Age AgePolicy
	// MaxBody bounds a request's body: a larger one gets 413.
	MaxBody int64
	// Now is the clock.
	Now func() time.Time
	// Others gives the other readings for explanations.
	Others Others
	// Log, when set, is told one line per request.
	Log func(string)
	// RevealExpected puts the expected signature in a 401 verdict. Off by
	// default: it would hand a valid signature for any request to anyone
	// who can reach the server.
	RevealExpected bool

	// inflight counts requests being answered, so that a shutdown can
	// wait for their log lines.
	inflight sync.WaitGroup
}

type verdict struct {
	OK              bool    `json:"ok"`
	Vendor          string  `json:"vendor"`
	Error           string  `json:"error,omitempty"`
	Canonical       *string `json:"canonical,omitempty"`
	CanonicalBase64 string  `json:"canonical_base64,omitempty"`
	// CanonicalSize and CanonicalSHA256 describe a string to sign too
	// long to echo whole.
	CanonicalSize   int               `json:"canonical_size,omitempty"`
	CanonicalSHA256 string            `json:"canonical_sha256,omitempty"`
	Expected        string            `json:"expected_signature,omitempty"`
	Received        string            `json:"received_signature,omitempty"`
	Found           map[string]string `json:"found,omitempty"`
	Explain         *explainJSON      `json:"explain,omitempty"`
}

// MaxEcho bounds how much of a string to sign an answer echoes: the
// first bytes, with its size and SHA-256 when it is longer.
const MaxEcho = 16 << 10

// setCanonical puts the string to sign in the verdict, cut at MaxEcho.
func (v *verdict) setCanonical(canonical []byte) {
	shown := canonical
	if len(canonical) > MaxEcho {
		sum := sha256.Sum256(canonical)
		v.CanonicalSize, v.CanonicalSHA256 = len(canonical), hex.EncodeToString(sum[:])
		shown = canonical[:MaxEcho]
	}
	v.CanonicalBase64 = base64.StdEncoding.EncodeToString(shown)
	if utf8.Valid(shown) {
		c := string(shown)
		v.Canonical = &c
	}
}

type explainJSON struct {
	Reading         string   `json:"reading,omitempty"`
	Encoding        string   `json:"encoding,omitempty"`
	Canonical       *string  `json:"canonical,omitempty"`
	FirstDifference int      `json:"first_difference"`
	Tried           []string `json:"tried"`
}

// ServeHTTP verifies one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	start := time.Now()
	v, status := s.check(w, r)
	v.Vendor = s.Vendor
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	if s.Log != nil {
		outcome := "ok"
		if !v.OK {
			outcome = v.Error
		}
		s.Log(fmt.Sprintf("%s %s %s -> %d %s (%s)", r.RemoteAddr, r.Method, r.RequestURI, status, outcome, time.Since(start).Round(time.Microsecond)))
	}
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) (verdict, int) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return verdict{Error: fmt.Sprintf("the body is over the limit of %d bytes", s.MaxBody)}, http.StatusRequestEntityTooLarge
	}
	if err != nil {
		return verdict{Error: "reading the body: " + err.Error()}, http.StatusBadRequest
	}
	parsed, err := parseHTTP(r, body, s.Scheme, s.BaseURL)
	if err != nil {
		return verdict{Error: "not verified: " + err.Error()}, http.StatusUnauthorized
	}
	in := parsed.Input
	for k, v := range s.Credentials {
		if _, ok := in.Request.Credentials[k]; !ok {
			in.Request.Credentials[k] = v
		}
	}
	for k, v := range s.Settings {
		if _, ok := in.Request.Settings[k]; !ok {
			in.Request.Settings[k] = v
		}
	}
	res, err := Check(s.Scheme, in)
	if err != nil {
		return verdict{Error: err.Error(), Found: parsed.Found}, http.StatusUnauthorized
	}
	v := verdict{OK: res.Match, Expected: res.Expected, Received: res.Received, Found: parsed.Found}
	v.setCanonical(res.Canonical)
	if age := s.Age.CheckAge(s.Scheme, s.Vendor, in.Request.Timestamp, s.Now()); age.Failed {
		// A matching signature with a stale timestamp is still refused;
		// the expected signature is never handed out for it, since it
		// becomes valid later for a timestamp in the future.
		v.OK, v.Error = false, age.Problem()
		if !res.Match {
			v.Error += "; and the signature does not match"
		}
		if !s.RevealExpected {
			v.Expected = ""
		}
		return v, http.StatusUnauthorized
	}
	if res.Match {
		return v, http.StatusOK
	}
	v.Error = "signature mismatch"
	if !s.RevealExpected {
		v.Expected = ""
	}
	if ex, err := Explain(s.Scheme, in, s.Others); err == nil {
		e := &explainJSON{Tried: []string{}}
		for _, t := range ex.Tried {
			e.Tried = append(e.Tried, t.Name)
		}
		if m := ex.Match; m != nil {
			e.Reading, e.Encoding, e.FirstDifference = m.Name, m.Encoding, FirstDifference(res.Canonical, m.Canonical)
			if shown := m.Canonical[:min(len(m.Canonical), MaxEcho)]; utf8.Valid(shown) {
				c := string(shown)
				e.Canonical = &c
			}
		}
		v.Explain = e
	}
	return v, http.StatusUnauthorized
}
