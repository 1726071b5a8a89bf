package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
	"github.com/hmacctl/hmacctl/workspace"
)

// Checks of a request before it is signed: what would be sent otherwise
// than the user meant. An input that cannot be right is an error; one
// that is odd but may be meant is a warning on stderr, and is signed as
// given.

// warnAll prints the application layer's warnings, one line each.
func warnAll(f *Factory, warnings []error) {
	for _, w := range warnings {
		var both *workspace.BothSetWarning
		if errors.As(w, &both) {
			fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: %v (the file is not read); unset the one you do not mean\n", w)
			continue
		}
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: %v\n", w)
	}
}

// checkQuery refuses a PATH whose query already has a parameter the
// scheme adds itself (Binance's timestamp): it would be sent twice.
func checkQuery(scheme *profiles.VendorScheme, target string) error {
	_, query, ok := strings.Cut(target, "?")
	added := scheme.ParamNames()
	if !ok || len(added) == 0 {
		return nil
	}
	for _, pair := range sign.ParsePairs(query) {
		if slices.Contains(added, pair.Name) {
			return usageErrorf("PATH's query has %s, a parameter %s adds itself, so it would be sent twice; drop it from PATH (%s)", pair.Name, scheme.Vendor, addedValues(scheme))
		}
	}
	return nil
}

// checkFields refuses a field the scheme adds itself, and a field given
// twice where the fields become a JSON object, which would then have a
// duplicate key. Repeated names are meaningful in a query or a form.
func checkFields(scheme *profiles.VendorScheme, method string, fields []sign.Field) error {
	seen := map[string]bool{}
	jsonBody := scheme.BodyFormat() != sign.BodyForm && !sign.ParamsInQuery(method)
	for _, fl := range fields {
		if slices.Contains(scheme.ParamNames(), fl.Name) {
			return usageErrorf("field %s is a parameter %s adds itself, so it would be sent twice; drop the field (%s)", fl.Name, scheme.Vendor, addedValues(scheme))
		}
		if seen[fl.Name] && jsonBody {
			return usageErrorf("field %s is given twice, which would be a duplicate key in %s's JSON body; give each field once (-F %s='[...]' for a list)", fl.Name, scheme.Vendor, fl.Name)
		}
		seen[fl.Name] = true
	}
	return nil
}

// addedValues says which flags choose the values of the parameters a
// scheme adds.
func addedValues(scheme *profiles.VendorScheme) string {
	if len(scheme.Settings()) > 0 {
		return "--timestamp and --set choose the values " + scheme.Vendor + " adds"
	}
	return "--timestamp chooses the values " + scheme.Vendor + " adds"
}

// warnBodyFormat warns about a -d body in the other format than the
// vendor's: JSON for a form vendor (Binance, Kraken), a form for a JSON
// one. It is sent with the vendor's Content-Type, which the server would
// then misread.
func warnBodyFormat(f *Factory, scheme *profiles.VendorScheme, body []byte) {
	switch format := scheme.BodyFormat(); {
	case format == sign.BodyForm && looksLikeJSON(body):
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: the -d body is JSON, but %s's body format is form (%s); it is signed and sent as given: for a form body, give -f key=value fields\n", scheme.Vendor, format.ContentType())
	case format == sign.BodyJSON && looksLikeForm(body):
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: the -d body looks like a form (key=value&...), but %s's body format is JSON (%s); it is signed and sent as given: for a JSON body, give -f key=value fields\n", scheme.Vendor, format.ContentType())
	}
}

// looksLikeJSON reports whether a body is a JSON object or array (a
// large one is judged by its first byte).
func looksLikeJSON(body []byte) bool {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return false
	}
	return len(trimmed) > 1<<20 || json.Valid(trimmed)
}

// looksLikeForm reports whether a body reads as key=value pairs joined
// by '&', such as a=1&b=2.
func looksLikeForm(body []byte) bool {
	if len(body) == 0 || len(body) > 1<<20 || bytes.ContainsAny(body, " \t\r\n{}[]\"") {
		return false
	}
	for _, pair := range bytes.Split(body, []byte("&")) {
		if i := bytes.IndexByte(pair, '='); i <= 0 {
			return false
		}
	}
	return true
}
