package cmd

import (
	"errors"
	"strings"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
)

// credentialSource says where a credential's value came from, for output
// that must say so without showing the value.
type credentialSource struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// envName is the environment variable that holds a credential:
// api_secret -> HMACCTL_API_SECRET.
func envName(credential string) string {
	return "HMACCTL_" + strings.ToUpper(credential)
}

// credentialLabel is a credential's name for people: api_secret -> API
// secret.
func credentialLabel(credential string) string {
	switch credential {
	case "api_key":
		return "API key"
	case "api_secret":
		return "API secret"
	case "api_passphrase":
		return "API passphrase"
	case "token":
		return "token"
	}
	return credential
}

// resolvedProfile is what PROFILE named: a saved profile (with its
// vendor) or a vendor used directly.
type resolvedProfile struct {
	vendor  *profiles.Vendor
	profile *profiles.Profile
}

// resolveProfile finds PROFILE: a saved profile first, then a vendor of
// the user's own, then a built-in vendor.
func resolveProfile(f *Factory, name string) (*resolvedProfile, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, usageErrorf("%v; fix or move the config file", err)
	}
	if p, ok := cfg.Profiles[name]; ok {
		v, err := cfg.Vendor(p.Vendor)
		if err != nil {
			return nil, usageErrorf("profile %s: %v; fix it with 'hmacctl profile add %s --vendor VENDOR --force'", name, err, name)
		}
		return &resolvedProfile{vendor: v, profile: &p}, nil
	}
	v, err := cfg.Vendor(name)
	if err != nil {
		var unknown *profiles.UnknownVendorError
		if errors.As(err, &unknown) {
			return nil, usageErrorf("no profile or vendor named %q (vendors: %s); see 'hmacctl profile list'", name, strings.Join(unknown.Known, ", "))
		}
		return nil, err
	}
	return &resolvedProfile{vendor: v}, nil
}

// profileEnvName is the environment variable prefix for one profile:
// "woox-main" -> "HMACCTL_WOOX_MAIN_".
func profileEnvName(profile, credential string) string {
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

// resolveCredentials finds each credential a scheme needs, first found
// wins: --api-key (the key only); HMACCTL_<PROFILE>_<NAME> or its _FILE;
// HMACCTL_<NAME> or its _FILE; the saved profile's api_key (the key
// only); the OS keyring (saved profiles only). A file's one trailing
// newline is dropped.
func resolveCredentials(f *Factory, needed []string, apiKeyFlag, profileName string, saved *profiles.Profile) (map[string]string, []credentialSource, error) {
	values := map[string]string{}
	var sources []credentialSource
	for _, name := range needed {
		value, source, err := resolveCredential(f, name, apiKeyFlag, profileName, saved)
		if err != nil {
			return nil, nil, err
		}
		values[name] = value
		sources = append(sources, credentialSource{name, source})
	}
	return values, sources, nil
}

func resolveCredential(f *Factory, name, apiKeyFlag, profileName string, saved *profiles.Profile) (string, string, error) {
	if name == "api_key" && apiKeyFlag != "" {
		return apiKeyFlag, "flag --api-key", nil
	}
	for _, env := range []string{profileEnvName(profileName, name), envName(name)} {
		if v, source, err := fromEnv(f, env, name); err != nil || v != "" {
			return v, source, err
		}
	}
	if saved != nil {
		if name == "api_key" && saved.APIKey != "" {
			return saved.APIKey, "config file", nil
		}
		if name != "api_key" {
			v, err := f.Keystore().Get(keystore.Service, keystore.Account(profileName, name))
			var unavailable *keystore.UnavailableError
			switch {
			case err == nil:
				return v, "OS keyring", nil
			case errors.As(err, &unavailable):
				return "", "", usageErrorf("%w; set %s or %s_FILE instead (or %s)", err, envName(name), envName(name), profileEnvName(profileName, name))
			}
		}
	}
	return "", "", missingCredential(name, profileName, saved != nil)
}

// fromEnv reads a credential from the variable env or the file named by
// env_FILE; "" when neither is set.
func fromEnv(f *Factory, env, name string) (string, string, error) {
	if v := f.Getenv(env); v != "" {
		return v, "environment " + env, nil
	}
	path := f.Getenv(env + "_FILE")
	if path == "" {
		return "", "", nil
	}
	data, err := f.ReadFile(path)
	if err != nil {
		return "", "", usageErrorf("cannot read the %s from %s=%s: %v; check the path and its permissions", credentialLabel(name), env+"_FILE", path, unwrapPathError(err))
	}
	v := dropOneNewline(string(data))
	if v == "" {
		return "", "", usageErrorf("the %s file %s=%s is empty; write the %s into it", credentialLabel(name), env+"_FILE", path, credentialLabel(name))
	}
	return v, "file " + env + "_FILE", nil
}

func missingCredential(name, profileName string, saved bool) error {
	env := envName(name)
	switch {
	case name == "api_key" && saved:
		return usageErrorf("missing API key for profile %s; set it with 'hmacctl profile add %s --api-key KEY --force', %s, or --api-key", profileName, profileName, env)
	case name == "api_key":
		return usageErrorf("missing API key for %s; set %s or pass --api-key", profileName, env)
	case saved:
		return usageErrorf("missing %s for profile %s; store it with 'hmacctl profile set-secret %s', or set %s or %s_FILE", credentialLabel(name), profileName, profileName, env, env)
	}
	return usageErrorf("missing %s for %s; set %s or %s_FILE", credentialLabel(name), profileName, env, env)
}

// dropOneNewline removes one trailing LF or CRLF, which editors add.
func dropOneNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		return t
	}
	return strings.TrimSuffix(s, "\n")
}
