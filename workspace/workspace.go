// Package workspace is hmacctl's application layer: it resolves what a
// command names, a saved profile or a vendor, into a scheme ready to sign
// with its base URL, settings and credentials, each with where it came
// from; and it changes saved profiles together with their secrets in the
// OS keyring, as one transaction. With keystore, it is the only code that
// reads or writes secrets. It knows no command-line flags: its errors are
// typed, and the commands word them.
package workspace

import (
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
)

// Workspace is the user's setup: the config file (saved profiles and the
// user's own vendors), the OS keyring and the environment.
type Workspace struct {
	// Getenv reads an environment variable.
	Getenv func(string) string
	// ReadFile reads a file (credential files).
	ReadFile func(string) ([]byte, error)
	// Config loads the config file, once, when it is needed.
	Config func() (*profiles.Config, error)
	// ConfigPath is where the config file is.
	ConfigPath func() (string, error)
	// Keystore opens the secret store when it is needed.
	Keystore func() keystore.Store
}

// Overrides are what a command says beyond the name: each, when set, wins
// over the saved profile and the vendor's defaults.
type Overrides struct {
	Variant string
	BaseURL string
	// APIKey is the API key (not a secret).
	APIKey string
	// Settings are setting values by name.
	Settings map[string]string
}

// Found is what a name stands for: a saved profile with its vendor, or a
// vendor used directly.
type Found struct {
	// Vendor is the definition to sign with.
	Vendor *profiles.Vendor
	// Profile is the saved profile, nil when the name is a vendor's.
	Profile *profiles.Profile
}

// Resolved is a name resolved for signing.
type Resolved struct {
	Found
	// Name is the name as given.
	Name string
	// Scheme is the vendor's scheme, in the variant chosen.
	Scheme *profiles.VendorScheme
	// BaseURL is the base URL to sign and send to.
	BaseURL string
	// Settings are the settings that differ from the scheme's defaults.
	Settings map[string]string
	// Credentials are the credentials the scheme needs, by name.
	Credentials map[string]string
	// Sources say where each credential came from, in the scheme's order.
	Sources []CredentialSource
	// Warnings are what the command should tell the user but that does
	// not stop it: a *BothSetWarning.
	Warnings []error
}

// Find looks a name up: a saved profile first, then a vendor of the
// user's own, then a built-in vendor.
func (w *Workspace) Find(name string) (*Found, error) {
	cfg, err := w.Config()
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	if p, ok := cfg.Profiles[name]; ok {
		v, err := cfg.Vendor(p.Vendor)
		if err != nil {
			return nil, &BrokenProfileError{Profile: name, Err: err}
		}
		return &Found{Vendor: v, Profile: &p}, nil
	}
	v, err := cfg.Vendor(name)
	if err != nil {
		var unknown *profiles.UnknownVendorError
		if errors.As(err, &unknown) {
			return nil, &UnknownNameError{Name: name, Vendors: unknown.Known, Profiles: slices.Sorted(maps.Keys(cfg.Profiles))}
		}
		return nil, err
	}
	return &Found{Vendor: v}, nil
}

// Resolve finds a name and makes it ready to sign: the scheme in the
// variant chosen (the override, else the profile's), the base URL, the
// settings and every credential the scheme needs.
func (w *Workspace) Resolve(name string, o Overrides) (*Resolved, error) {
	found, err := w.Find(name)
	if err != nil {
		return nil, err
	}
	r := &Resolved{Found: *found, Name: name}
	if err := r.choose(o); err != nil {
		return nil, err
	}
	if r.Credentials, r.Sources, r.Warnings, err = w.credentials(r.Scheme.Credentials(), o.APIKey, name, r.Profile); err != nil {
		return nil, err
	}
	return r, nil
}

// Scheme resolves a name as Resolve does, without its credentials: for
// reading what a request carries before knowing whose secret checks it.
func (w *Workspace) Scheme(name string, o Overrides) (*Resolved, error) {
	found, err := w.Find(name)
	if err != nil {
		return nil, err
	}
	r := &Resolved{Found: *found, Name: name}
	return r, r.choose(o)
}

// choose picks the scheme, base URL and settings.
func (r *Resolved) choose(o Overrides) error {
	variant := o.Variant
	if variant == "" && r.Profile != nil {
		variant = r.Profile.Variant
	}
	scheme, err := r.Vendor.Scheme(variant)
	if err != nil {
		return err
	}
	r.Scheme = scheme
	r.BaseURL = scheme.BaseURL
	if r.Profile != nil && r.Profile.BaseURL != "" {
		r.BaseURL = r.Profile.BaseURL
	}
	if o.BaseURL != "" {
		if err := checkBaseURL(o.BaseURL); err != nil {
			return err
		}
		r.BaseURL = o.BaseURL
	}
	r.Settings, err = settings(scheme, r.Name, r.Profile, o.Settings)
	return err
}

// checkBaseURL accepts an absolute http(s) URL.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &BaseURLError{URL: raw}
	}
	return nil
}

// settings merges the saved profile's settings and the overrides,
// checking every name and value against the scheme's; nil when there are
// none. profile names the saved profile, for errors.
func settings(scheme *profiles.VendorScheme, profile string, saved *profiles.Profile, overrides map[string]string) (map[string]string, error) {
	known := scheme.Settings()
	out := map[string]string{}
	if saved != nil {
		for name, value := range saved.Settings {
			if _, ok := known[name]; ok {
				out[name] = value
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(overrides)) {
		if _, ok := known[name]; !ok {
			return nil, &UnknownSettingError{Name: name, Vendor: scheme.Vendor, Known: slices.Sorted(maps.Keys(known))}
		}
		out[name] = overrides[name]
	}
	for _, name := range slices.Sorted(maps.Keys(out)) {
		if t := scheme.SettingTypes[name]; !t.Accepts(out[name]) {
			bad := &SettingValueError{Name: name, Value: out[name], Vendor: scheme.Vendor, Type: t, Default: known[name]}
			if _, given := overrides[name]; !given {
				bad.Profile = profile
			}
			return nil, bad
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// EnvName is the environment variable that holds a credential for every
// profile: api_secret -> HMACCTL_API_SECRET. NAME_FILE names a file
// holding it.
func EnvName(credential string) string {
	return "HMACCTL_" + strings.ToUpper(credential)
}

// ProfileEnvName is the environment variable that holds a credential for
// one profile: ("woox-main", "api_secret") ->
// HMACCTL_WOOX_MAIN_API_SECRET.
func ProfileEnvName(profile, credential string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(profile) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "HMACCTL_" + b.String() + "_" + strings.ToUpper(credential)
}

// CredentialLabel is a credential's name for people: api_secret -> API
// secret.
func CredentialLabel(credential string) string {
	switch credential {
	case "api_key":
		return "API key"
	case "api_secret":
		return "API secret"
	case "api_passphrase":
		return "API passphrase"
	}
	return credential
}
