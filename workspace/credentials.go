package workspace

import (
	"errors"
	"strings"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
)

// SourceKind is where a credential's value was found.
type SourceKind int

const (
	// FromOverride: given with the command (the API key only).
	FromOverride SourceKind = iota
	// FromEnvironment: an environment variable.
	FromEnvironment
	// FromFile: a file named by an environment variable NAME_FILE.
	FromFile
	// FromConfig: the saved profile in the config file (the API key only).
	FromConfig
	// FromKeyring: the OS keyring.
	FromKeyring
)

// CredentialSource says where one credential came from, never its value.
type CredentialSource struct {
	// Name is the credential: "api_key", "api_secret", ...
	Name string
	Kind SourceKind
	// Variable is the environment variable read, for FromEnvironment,
	// or the one naming the file, for FromFile (it ends in _FILE).
	Variable string
}

// credentials finds each credential a scheme needs, first found wins:
// the override (the key only); HMACCTL_<PROFILE>_<NAME> or its _FILE;
// HMACCTL_<NAME> or its _FILE; the saved profile's api_key (the key
// only); the OS keyring (saved profiles that may keep secrets there). A
// file's one trailing newline is dropped.
//
// A variable that wins over its own _FILE form, both being set, gives a
// *BothSetWarning.
func (w *Workspace) credentials(needed []string, apiKey, profile string, saved *profiles.Profile) (map[string]string, []CredentialSource, []error, error) {
	values := map[string]string{}
	var sources []CredentialSource
	var warnings []error
	for _, name := range needed {
		value, source, err := w.credential(name, apiKey, profile, saved)
		if err != nil {
			return nil, nil, nil, err
		}
		values[name] = value
		sources = append(sources, source)
		if source.Kind == FromEnvironment && w.Getenv(source.Variable+"_FILE") != "" {
			warnings = append(warnings, &BothSetWarning{Credential: name, Variable: source.Variable})
		}
	}
	return values, sources, warnings, nil
}

func (w *Workspace) credential(name, apiKey, profile string, saved *profiles.Profile) (string, CredentialSource, error) {
	if name == "api_key" && apiKey != "" {
		return apiKey, CredentialSource{Name: name, Kind: FromOverride}, nil
	}
	for _, env := range []string{ProfileEnvName(profile, name), EnvName(name)} {
		if v, source, err := w.fromEnv(env, name); err != nil || v != "" {
			return v, source, err
		}
	}
	if saved != nil {
		if name == "api_key" && saved.APIKey != "" {
			return saved.APIKey, CredentialSource{Name: name, Kind: FromConfig}, nil
		}
		if name != "api_key" && saved.KeepsSecrets() {
			v, err := w.Keystore().Get(keystore.Service, keystore.Account(profile, name))
			var unavailable *keystore.UnavailableError
			switch {
			case err == nil:
				return v, CredentialSource{Name: name, Kind: FromKeyring}, nil
			case errors.As(err, &unavailable):
				return "", CredentialSource{}, &KeyringError{Credential: name, Profile: profile, Err: unavailable}
			}
		}
	}
	return "", CredentialSource{}, &MissingCredentialError{Credential: name, Profile: profile, Saved: saved != nil}
}

// fromEnv reads a credential from the variable env or the file named by
// env_FILE; "" when neither is set.
func (w *Workspace) fromEnv(env, name string) (string, CredentialSource, error) {
	if v := w.Getenv(env); v != "" {
		return v, CredentialSource{Name: name, Kind: FromEnvironment, Variable: env}, nil
	}
	path := w.Getenv(env + "_FILE")
	if path == "" {
		return "", CredentialSource{}, nil
	}
	data, err := w.ReadFile(path)
	if err != nil {
		return "", CredentialSource{}, &CredentialFileError{Credential: name, Variable: env + "_FILE", Path: path, Err: err}
	}
	v := DropOneNewline(string(data))
	if v == "" {
		return "", CredentialSource{}, &CredentialFileError{Credential: name, Variable: env + "_FILE", Path: path}
	}
	return v, CredentialSource{Name: name, Kind: FromFile, Variable: env + "_FILE"}, nil
}

// DropOneNewline removes one trailing LF or CRLF, which editors and
// line-reading add to a secret.
func DropOneNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		return t
	}
	return strings.TrimSuffix(s, "\n")
}
