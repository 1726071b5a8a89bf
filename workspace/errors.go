package workspace

import (
	"fmt"
	"strings"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
)

// ConfigError is a config file that cannot be read or parsed.
type ConfigError struct {
	Err error
}

func (e *ConfigError) Error() string { return e.Err.Error() }

func (e *ConfigError) Unwrap() error { return e.Err }

// UnknownNameError is a name that is neither a saved profile nor a
// vendor.
type UnknownNameError struct {
	Name string
	// Vendors lists the vendors known.
	Vendors []string
	// Profiles lists the saved profiles, sorted.
	Profiles []string
}

func (e *UnknownNameError) Error() string {
	if len(e.Profiles) == 0 {
		return fmt.Sprintf("no profile or vendor named %q (vendors: %s)", e.Name, strings.Join(e.Vendors, ", "))
	}
	return fmt.Sprintf("no profile or vendor named %q (profiles: %s; vendors: %s)", e.Name, strings.Join(e.Profiles, ", "), strings.Join(e.Vendors, ", "))
}

// BrokenProfileError is a saved profile whose vendor cannot be loaded.
type BrokenProfileError struct {
	Profile string
	Err     error
}

func (e *BrokenProfileError) Error() string { return fmt.Sprintf("profile %s: %v", e.Profile, e.Err) }

func (e *BrokenProfileError) Unwrap() error { return e.Err }

// BaseURLError is a base URL that is not an absolute http(s) URL.
type BaseURLError struct {
	URL string
}

func (e *BaseURLError) Error() string {
	return fmt.Sprintf("base URL %q is not an http(s) URL like https://api.example.com/v1", e.URL)
}

// UnknownSettingError is a setting the vendor does not declare.
type UnknownSettingError struct {
	Name, Vendor string
	// Known lists the settings the vendor declares.
	Known []string
}

func (e *UnknownSettingError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("%s has no settings", e.Vendor)
	}
	return fmt.Sprintf("%s has no such setting (known: %s)", e.Vendor, strings.Join(e.Known, ", "))
}

// SettingValueError is a setting value not of the type the vendor
// declares for it.
type SettingValueError struct {
	Name, Value, Vendor string
	Type                profiles.SettingType
	// Default is the setting's default value, a good example.
	Default string
	// Profile is the saved profile whose config holds the value; "" for
	// a value given with the command.
	Profile string
}

func (e *SettingValueError) Error() string {
	return fmt.Sprintf("%s's %s is %s, not %q", e.Vendor, e.Name, e.Type.Phrase(), e.Value)
}

// BothSetWarning is a credential given both in a variable and in the
// file its _FILE form names: the variable wins.
type BothSetWarning struct {
	Credential string
	// Variable is the variable that wins; Variable + "_FILE" is ignored.
	Variable string
}

func (e *BothSetWarning) Error() string {
	return fmt.Sprintf("both %s and %s_FILE are set; %s wins", e.Variable, e.Variable, e.Variable)
}

// MissingCredentialError is a credential found nowhere.
type MissingCredentialError struct {
	Credential, Profile string
	// Saved says Profile is a saved profile (not a vendor's name).
	Saved bool
}

func (e *MissingCredentialError) Error() string {
	return fmt.Sprintf("missing %s for %s", CredentialLabel(e.Credential), e.Profile)
}

// CredentialFileError is a credential file that cannot be read, or is
// empty (Err nil).
type CredentialFileError struct {
	Credential string
	// Variable is the environment variable that names the file.
	Variable, Path string
	Err            error
}

func (e *CredentialFileError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("the %s file %s=%s is empty", CredentialLabel(e.Credential), e.Variable, e.Path)
	}
	return fmt.Sprintf("cannot read the %s from %s=%s: %v", CredentialLabel(e.Credential), e.Variable, e.Path, e.Err)
}

func (e *CredentialFileError) Unwrap() error { return e.Err }

// KeyringError is a secret that could not be read because the OS keyring
// cannot be used.
type KeyringError struct {
	Credential, Profile string
	Err                 *keystore.UnavailableError
}

func (e *KeyringError) Error() string { return e.Err.Error() }

func (e *KeyringError) Unwrap() error { return e.Err }
