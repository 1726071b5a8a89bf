package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hmacctl/hmacctl/sign"
	"github.com/pelletier/go-toml/v2"
)

// definitionFile is a vendor definition as written in TOML. docs/format.md
// describes every field.
type definitionFile struct {
	Name     string                 `toml:"name"`
	Title    string                 `toml:"title"`
	Docs     string                 `toml:"docs"`
	Variants map[string]variantFile `toml:"variants"`
	schemeTables
}

// schemeTables are the fields a definition and its variants share.
type schemeTables struct {
	BaseURL     string                `toml:"base_url"`
	Credentials []string              `toml:"credentials"`
	BodyFormat  string                `toml:"body_format"`
	Timestamp   timestampTable        `toml:"timestamp"`
	Settings    map[string]settingDef `toml:"settings"`
	Signature   signatureTable        `toml:"signature"`
	Headers     []headerTable         `toml:"headers"`
	Params      []paramTable          `toml:"params"`
	Accepts     acceptsTable          `toml:"accepts"`
}

type headerTable struct {
	Name  string `toml:"name"`
	Value string `toml:"value"`
	readback
}

// readback is how a header or parameter is read back from a received
// request: read is one pattern or an array of them.
type readback struct {
	Read  any    `toml:"read"`
	Split string `toml:"split"`
}

type acceptsTable struct {
	Params []string `toml:"params"`
	Bodies []string `toml:"bodies"`
}

type timestampTable struct {
	Format string `toml:"format"`
	Offset string `toml:"offset"`
	MaxAge string `toml:"max_age"`
}

type settingDef struct {
	Default     string      `toml:"default"`
	Description string      `toml:"description"`
	Type        SettingType `toml:"type"`
}

// SettingType is the kind of value a setting takes, declared in its
// definition with type = "integer", or "string" (the default).
type SettingType string

const (
	// SettingString takes any text.
	SettingString SettingType = "string"
	// SettingInteger takes a whole number written in decimal digits,
	// with an optional leading minus sign.
	SettingInteger SettingType = "integer"
)

// Accepts reports whether value is of the type.
func (t SettingType) Accepts(value string) bool {
	if t != SettingInteger {
		return true
	}
	digits := strings.TrimPrefix(value, "-")
	return digits != "" && strings.Trim(digits, "0123456789") == ""
}

// Phrase says what the type takes, for messages: "a whole number".
func (t SettingType) Phrase() string {
	if t == SettingInteger {
		return "a whole number"
	}
	return "text"
}

type signatureTable struct {
	Hash            string            `toml:"hash"`
	Key             string            `toml:"key"`
	Message         string            `toml:"message"`
	MessageByMethod map[string]string `toml:"message_by_method"`
	Encoding        string            `toml:"encoding"`
}

type paramTable struct {
	Name  string `toml:"name"`
	Value string `toml:"value"`
	To    string `toml:"to"`
	First bool   `toml:"first"`
	readback
}

// variantFile overrides parts of a definition by one rule: a table
// merges into the base's key by key (settings, signature,
// message_by_method, timestamp, accepts); any other value given, an array
// included (credentials, headers, params), replaces the base's.
type variantFile struct {
	Description string `toml:"description"`
	schemeTables
}

// DefinitionError is a problem in a definition file, with the file, the
// line and the field.
type DefinitionError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *DefinitionError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", loc, e.Field, e.Err)
}

func (e *DefinitionError) Unwrap() error { return e.Err }

// Vendor is a parsed, checked vendor definition: its scheme and its named
// variants, compiled by Scheme. A Vendor is not safe for concurrent use
// (it caches its key positions); the Schemes it returns are.
type Vendor struct {
	// Name is what users type ("woox").
	Name string
	// Title is a human name ("WOO X (REST v3)").
	Title string
	// Docs is where the vendor documents its signing.
	Docs string
	// File is the definition's file name, for errors.
	File     string
	base     definitionFile
	variants []Variant
	data     []byte
	offsets  map[string]int // from data, computed when first needed
	// keyPrefix is where the definition sits in its file: "" for a
	// vendor file, "vendors.NAME." for one in the user's config.
	keyPrefix string
}

// keyOffsets returns the offset of every key, parsing the file again only
// the first time: it is needed for errors and for header order, not to
// sign.
func (v *Vendor) keyOffsets() map[string]int {
	if v.offsets == nil {
		all := keyOffsets(v.data)
		v.offsets = map[string]int{}
		for key, offset := range all {
			if rest, ok := strings.CutPrefix(key, v.keyPrefix); ok {
				v.offsets[rest] = offset
			}
		}
	}
	return v.offsets
}

// Variant is a named alternative reading of a vendor's scheme.
type Variant struct {
	Name        string
	Description string
}

// VendorScheme is a vendor's scheme in one variant, ready to sign, with
// what the definition says beside it: names, base URL, setting
// descriptions and timestamp window.
type VendorScheme struct {
	*sign.Scheme
	// Vendor and Variant name it; Variant is empty for the default.
	Vendor  string
	Variant string
	// BaseURL is the default base URL.
	BaseURL string
	// SettingDocs describe the settings, by name.
	SettingDocs map[string]string
	// SettingTypes say what each setting takes, by name.
	SettingTypes map[string]SettingType
	// MaxAge is how far from the clock the vendor accepts a timestamp,
	// where it documents a bound; 0 where it does not.
	MaxAge time.Duration
}

// ParseDefinition reads one definition file and checks it, compiling the
// default scheme and every variant. file names it in errors.
func ParseDefinition(file string, data []byte) (*Vendor, error) {
	v, err := decodeDefinition(file, data)
	if err != nil {
		return nil, err
	}
	if _, err := v.Scheme(""); err != nil {
		return nil, err
	}
	for _, variant := range v.variants {
		if _, err := v.Scheme(variant.Name); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func decodeDefinition(file string, data []byte) (*Vendor, error) {
	var def definitionFile
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&def); err != nil {
		return nil, tomlError(file, data, err)
	}
	v := &Vendor{Name: def.Name, Title: def.Title, Docs: def.Docs, File: file, base: def, data: data}
	if def.Name == "" {
		return nil, v.fieldError("name", errors.New("is missing: every definition needs a name"))
	}
	if def.BaseURL == "" {
		return nil, v.fieldError("base_url", errors.New("is missing: give the vendor's API base URL"))
	}
	for _, name := range slices.Sorted(maps.Keys(def.Variants)) {
		v.variants = append(v.variants, Variant{Name: name, Description: def.Variants[name].Description})
	}
	return v, nil
}

func tomlError(file string, data []byte, err error) error {
	if converted := oldHeadersError(file, data); converted != nil {
		return converted
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		first := strict.Errors[0]
		line, _ := first.Position()
		return &DefinitionError{File: file, Line: line, Field: strings.Join(first.Key(), "."), Err: errors.New("unknown field (see docs/format.md for the fields a definition has)")}
	}
	var decodeErr *toml.DecodeError
	if errors.As(err, &decodeErr) {
		line, _ := decodeErr.Position()
		return &DefinitionError{File: file, Line: line, Field: strings.Join(decodeErr.Key(), "."), Err: errors.New(strings.TrimPrefix(decodeErr.Error(), "toml: "))}
	}
	return &DefinitionError{File: file, Err: err}
}

// oldHeadersError explains how to convert a definition written for the
// first format, whose headers were a table ([headers] Name = 'value'),
// to the ordered array of the current one.
func oldHeadersError(file string, data []byte) error {
	offsets := keyOffsets(data)
	first, firstKey := -1, ""
	for key, offset := range offsets {
		i := strings.Index(key, "headers.")
		if i < 0 || (i > 0 && key[i-1] != '.') || (first >= 0 && offset > first) {
			continue
		}
		first, firstKey = offset, key
	}
	if first < 0 {
		return nil
	}
	table := firstKey[:strings.Index(firstKey, "headers.")+len("headers")]
	if offset, ok := offsets[table]; ok {
		first = offset
	}
	return &DefinitionError{File: file, Line: lineAt(data, first), Field: table, Err: fmt.Errorf("headers are now an array of tables, in the order sent: write each as [[%s]] with name = \"X-Name\" and value = '...' on their own lines (see docs/format.md)", table)}
}

func (v *Vendor) fieldError(field string, err error) *DefinitionError {
	offsets := v.keyOffsets()
	offset, ok := offsets[field]
	for !ok && strings.Contains(field, ".") {
		field = field[:strings.LastIndex(field, ".")]
		offset, ok = offsets[field]
	}
	line := 0
	if ok {
		line = lineAt(v.data, offset)
	}
	return &DefinitionError{File: v.File, Line: line, Field: v.keyPrefix + field, Err: err}
}

// Variants lists the vendor's named variants, sorted by name.
func (v *Vendor) Variants() []Variant { return v.variants }

// Scheme compiles the default scheme (variant "") or a named variant.
func (v *Vendor) Scheme(variant string) (*VendorScheme, error) {
	def := v.base
	prefix := ""
	if variant != "" {
		over, ok := v.base.Variants[variant]
		if !ok {
			return nil, &UnknownVariantError{Vendor: v.Name, Variant: variant, Known: v.variantNames()}
		}
		def = overlay(v.base, over)
		prefix = "variants." + variant + "."
	}
	spec, err := specOf(def)
	if err != nil {
		var fe *sign.FieldError
		if errors.As(err, &fe) {
			return nil, v.variantFieldError(prefix, fe)
		}
		return nil, err
	}
	compiled, err := sign.Compile(spec)
	if err == nil {
		err = compiled.Verifiable()
	}
	if err != nil {
		var fe *sign.FieldError
		if errors.As(err, &fe) {
			return nil, v.variantFieldError(prefix, fe)
		}
		return nil, &DefinitionError{File: v.File, Err: err}
	}
	docs, types := map[string]string{}, map[string]SettingType{}
	for _, name := range slices.Sorted(maps.Keys(def.Settings)) {
		s := def.Settings[name]
		docs[name] = s.Description
		switch s.Type {
		case "", SettingString:
			types[name] = SettingString
		case SettingInteger:
			types[name] = SettingInteger
		default:
			return nil, v.variantFieldError(prefix, &sign.FieldError{Field: "settings." + name + ".type", Err: fmt.Errorf("unknown type %q (use \"string\" or \"integer\")", s.Type)})
		}
		if s.Default != "" && !types[name].Accepts(s.Default) {
			return nil, v.variantFieldError(prefix, &sign.FieldError{Field: "settings." + name + ".default", Err: fmt.Errorf("%q is not %s, as type = %q requires", s.Default, types[name].Phrase(), s.Type)})
		}
	}
	var maxAge time.Duration
	if def.Timestamp.MaxAge != "" {
		if maxAge, err = time.ParseDuration(def.Timestamp.MaxAge); err != nil || maxAge <= 0 {
			return nil, v.variantFieldError(prefix, &sign.FieldError{Field: "timestamp.max_age", Err: fmt.Errorf("%q is not a positive duration like \"5s\" or \"5m\"", def.Timestamp.MaxAge)})
		}
	}
	return &VendorScheme{Scheme: compiled, Vendor: v.Name, Variant: variant, BaseURL: def.BaseURL, SettingDocs: docs, SettingTypes: types, MaxAge: maxAge}, nil
}

// variantFieldError names the variant's own field when the variant sets
// it, and the base definition's otherwise.
func (v *Vendor) variantFieldError(prefix string, fe *sign.FieldError) error {
	if prefix != "" {
		if _, ok := v.keyOffsets()[prefix+fe.Field]; ok {
			return v.fieldError(prefix+fe.Field, fe.Err)
		}
		err := v.fieldError(fe.Field, fe.Err)
		err.Err = fmt.Errorf("%v (in variant %s)", fe.Err, strings.TrimSuffix(strings.TrimPrefix(prefix, "variants."), "."))
		return err
	}
	return v.fieldError(fe.Field, fe.Err)
}

func (v *Vendor) variantNames() []string {
	names := make([]string, len(v.variants))
	for i, variant := range v.variants {
		names[i] = variant.Name
	}
	return names
}

// UnknownVariantError names a variant a vendor does not have.
type UnknownVariantError struct {
	Vendor, Variant string
	Known           []string
}

func (e *UnknownVariantError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("vendor %s has no variant %q (it has no variants)", e.Vendor, e.Variant)
	}
	return fmt.Sprintf("vendor %s has no variant %q (known: %s)", e.Vendor, e.Variant, strings.Join(e.Known, ", "))
}

func overlay(base definitionFile, over variantFile) definitionFile {
	def := base
	def.Variants = nil
	if over.BaseURL != "" {
		def.BaseURL = over.BaseURL
	}
	if over.Credentials != nil {
		def.Credentials = over.Credentials
	}
	if over.BodyFormat != "" {
		def.BodyFormat = over.BodyFormat
	}
	if over.Timestamp.Format != "" {
		def.Timestamp.Format = over.Timestamp.Format
	}
	if over.Timestamp.Offset != "" {
		def.Timestamp.Offset = over.Timestamp.Offset
	}
	if over.Timestamp.MaxAge != "" {
		def.Timestamp.MaxAge = over.Timestamp.MaxAge
	}
	def.Settings = mergeMaps(base.Settings, over.Settings)
	sig := over.Signature
	for _, f := range []struct{ dst, src *string }{
		{&def.Signature.Hash, &sig.Hash}, {&def.Signature.Key, &sig.Key},
		{&def.Signature.Message, &sig.Message}, {&def.Signature.Encoding, &sig.Encoding},
	} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	def.Signature.MessageByMethod = mergeMaps(base.Signature.MessageByMethod, sig.MessageByMethod)
	if over.Headers != nil {
		def.Headers = over.Headers
	}
	if over.Params != nil {
		def.Params = over.Params
	}
	if over.Accepts.Params != nil {
		def.Accepts.Params = over.Accepts.Params
	}
	if over.Accepts.Bodies != nil {
		def.Accepts.Bodies = over.Accepts.Bodies
	}
	return def
}

func mergeMaps[V any](base, over map[string]V) map[string]V {
	if len(over) == 0 {
		return base
	}
	merged := maps.Clone(base)
	if merged == nil {
		merged = map[string]V{}
	}
	maps.Copy(merged, over)
	return merged
}

func specOf(def definitionFile) (sign.Spec, error) {
	spec := sign.Spec{
		Credentials:            def.Credentials,
		BodyFormat:             sign.BodyFormat(def.BodyFormat),
		Timestamp:              sign.TimestampFormat(def.Timestamp.Format),
		TimestampOffsetSetting: def.Timestamp.Offset,
		Settings:               map[string]string{},
		Hash:                   def.Signature.Hash,
		Key:                    def.Signature.Key,
		Message:                def.Signature.Message,
		MessageByMethod:        def.Signature.MessageByMethod,
		Encoding:               def.Signature.Encoding,
	}
	for name, s := range def.Settings {
		spec.Settings[name] = s.Default
	}
	for i, h := range def.Headers {
		rb, err := h.readback.spec(fmt.Sprintf("headers[%d]", i))
		if err != nil {
			return spec, err
		}
		spec.Headers = append(spec.Headers, sign.Header{Name: h.Name, Value: h.Value, Read: rb})
	}
	for i, p := range def.Params {
		rb, err := p.readback.spec(fmt.Sprintf("params[%d]", i))
		if err != nil {
			return spec, err
		}
		spec.Params = append(spec.Params, sign.Param{Name: p.Name, Value: p.Value, To: sign.Placement(p.To), First: p.First, Read: rb})
	}
	for _, to := range def.Accepts.Params {
		spec.Accepts.Params = append(spec.Accepts.Params, sign.Placement(to))
	}
	for _, f := range def.Accepts.Bodies {
		spec.Accepts.Bodies = append(spec.Accepts.Bodies, sign.BodyFormat(f))
	}
	return spec, nil
}

// spec turns read (a pattern, or an array of them) into the engine's
// form; field names the header or parameter in errors.
func (r readback) spec(field string) (sign.Readback, error) {
	out := sign.Readback{Split: r.Split}
	switch read := r.Read.(type) {
	case nil:
	case string:
		out.Patterns = []string{read}
	case []any:
		for _, p := range read {
			text, ok := p.(string)
			if !ok {
				return out, &sign.FieldError{Field: field + ".read", Err: errors.New("is a string or an array of strings (read patterns such as \"sha256={signature}\")")}
			}
			out.Patterns = append(out.Patterns, text)
		}
	default:
		return out, &sign.FieldError{Field: field + ".read", Err: errors.New("is a string or an array of strings (read patterns such as \"sha256={signature}\")")}
	}
	return out, nil
}
