package cmd

import (
	"errors"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/workspace"
)

// credentialSource says where a credential's value came from, for output
// that must say so without showing the value.
type credentialSource struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// describeSources words where each credential came from.
func describeSources(sources []workspace.CredentialSource) []credentialSource {
	out := make([]credentialSource, len(sources))
	for i, s := range sources {
		out[i] = credentialSource{Name: s.Name, Source: describeSource(s)}
	}
	return out
}

func describeSource(s workspace.CredentialSource) string {
	switch s.Kind {
	case workspace.FromOverride:
		return "flag --api-key"
	case workspace.FromEnvironment:
		return "environment " + s.Variable
	case workspace.FromFile:
		return "file " + s.Variable
	case workspace.FromConfig:
		return "config file"
	}
	return "OS keyring"
}

// resolveProfile finds PROFILE: a saved profile first, then a vendor of
// the user's own, then a built-in vendor.
func resolveProfile(f *Factory, name string) (*workspace.Found, error) {
	found, err := f.Workspace().Find(name)
	if err != nil {
		return nil, workspaceError(err)
	}
	return found, nil
}

// workspaceError words the application layer's errors for the command
// line: what is wrong, and which flag, variable or command fixes it. All
// are bad input (exit 2).
func workspaceError(err error) error {
	var (
		config    *workspace.ConfigError
		unknown   *workspace.UnknownNameError
		broken    *workspace.BrokenProfileError
		baseURL   *workspace.BaseURLError
		setting   *workspace.UnknownSettingError
		missing   *workspace.MissingCredentialError
		file      *workspace.CredentialFileError
		keyring   *workspace.KeyringError
		variant   *profiles.UnknownVariantError
		vendor    *profiles.UnknownVendorError
		value     *workspace.SettingValueError
		alreadyUs *UsageError
	)
	switch {
	case errors.As(err, &alreadyUs):
		return err
	case errors.As(err, &config):
		return usageErrorf("%v; fix or move the config file", config.Err)
	case errors.As(err, &unknown):
		if hint := didYouMean(unknown.Name, slices.Concat(unknown.Profiles, unknown.Vendors), plain); hint != "" {
			return usageErrorf("no profile or vendor named %q%s", unknown.Name, hint)
		}
		return usageErrorf("%v; see 'hmacctl profile list'", err)
	case errors.As(err, &vendor):
		if hint := didYouMean(vendor.Name, vendor.Known, plain); hint != "" {
			return usageErrorf("unknown vendor %q%s", vendor.Name, hint)
		}
		return usageErrorf("%v; see 'hmacctl profile vendors'", err)
	case errors.As(err, &broken):
		return usageErrorf("%v; fix it with 'hmacctl profile add %s --vendor VENDOR --force'", err, broken.Profile)
	case errors.As(err, &variant):
		if hint := didYouMean(variant.Variant, variant.Known, plain); hint != "" {
			return usageErrorf("vendor %s has no variant %q%s", variant.Vendor, variant.Variant, hint)
		}
		return usageErrorf("%v; drop --variant for the default reading", err)
	case errors.As(err, &baseURL):
		return usageErrorf("--base-url %q is not an http(s) URL like https://api.example.com/v1", baseURL.URL)
	case errors.As(err, &setting):
		return usageErrorf("--set %s: %v%s", setting.Name, err, didYouMean(setting.Name, setting.Known, plain))
	case errors.As(err, &value):
		example := ""
		if value.Default != "" {
			example = ", such as " + value.Default
		}
		if value.Profile != "" {
			return usageErrorf("profile %s's setting %s=%s in the config file: %s's %s is %s%s; fix the config file, or override it with --set %s=VALUE", value.Profile, value.Name, value.Value, value.Vendor, value.Name, value.Type.Phrase(), example, value.Name)
		}
		return usageErrorf("--set %s=%s: %s's %s is %s%s", value.Name, value.Value, value.Vendor, value.Name, value.Type.Phrase(), example)
	case errors.As(err, &missing):
		return missingCredential(missing)
	case errors.As(err, &file):
		if errors.Is(file.Err, errTooLarge) {
			return usageErrorf("the %s file %s=%s is over %s, more than any secret; check that it names the secret's file", workspace.CredentialLabel(file.Credential), file.Variable, file.Path, sizeWords(maxSecretFile))
		}
		if file.Err == nil {
			return usageErrorf("%v; write the %s into it", err, workspace.CredentialLabel(file.Credential))
		}
		return usageErrorf("cannot read the %s from %s=%s: %v; check the path and its permissions", workspace.CredentialLabel(file.Credential), file.Variable, file.Path, unwrapPathError(file.Err))
	case errors.As(err, &keyring):
		env := workspace.EnvName(keyring.Credential)
		return usageErrorf("%w; set %s or %s_FILE instead (or %s)", keyring.Err, env, env, workspace.ProfileEnvName(keyring.Profile, keyring.Credential))
	}
	return usageErrorf("%v", err)
}

func missingCredential(e *workspace.MissingCredentialError) error {
	name, profileName := e.Credential, e.Profile
	env := workspace.EnvName(name)
	switch {
	case name == "api_key" && e.Saved:
		return usageErrorf("missing API key for profile %s; set it with 'hmacctl profile add %s --api-key KEY --force', %s, or --api-key", profileName, profileName, env)
	case name == "api_key":
		return usageErrorf("missing API key for %s; set %s or pass --api-key", profileName, env)
	case e.Saved:
		return usageErrorf("missing %s for profile %s; store it with 'hmacctl profile set-secret %s', or set %s or %s_FILE", workspace.CredentialLabel(name), profileName, profileName, env, env)
	}
	return usageErrorf("missing %s for %s; set %s or %s_FILE", workspace.CredentialLabel(name), profileName, env, env)
}

// parseSettings reads --set name=value flags.
func parseSettings(kvs []string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range kvs {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, usageErrorf("--set %q is not name=value", kv)
		}
		out[name] = value
	}
	return out, nil
}
