package workspace

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
)

// secretNames are the credentials kept in the OS keyring: every one but
// the API key, which the config file holds.
var secretNames = []string{"api_secret", "api_passphrase", "token"}

// SecretCredentials lists the credentials of a scheme kept in the OS
// keyring, in the scheme's order.
func SecretCredentials(s *profiles.VendorScheme) []string {
	var out []string
	for _, c := range s.Credentials() {
		if slices.Contains(secretNames, c) {
			out = append(out, c)
		}
	}
	return out
}

// NewProfile is a profile to save and the secrets to store with it.
type NewProfile struct {
	Name    string
	Profile profiles.Profile
	// Settings are checked against the vendor's before they are saved.
	Settings map[string]string
	// Secrets go to the OS keyring, by credential name; none for a
	// profile whose secrets come from the environment.
	Secrets map[string]string
	// Replace allows replacing a saved profile of the same name; its
	// keyring items that the new profile does not store are removed.
	Replace bool
}

// ProfileExistsError is a profile name already taken.
type ProfileExistsError struct {
	Name string
}

func (e *ProfileExistsError) Error() string { return "profile " + e.Name + " exists" }

// NoProfileError is a name that is not a saved profile.
type NoProfileError struct {
	Name string
}

func (e *NoProfileError) Error() string { return "no saved profile " + e.Name }

// KeyringLeftError is a keyring step that could not be done after the
// config file had changed: the change stands, and the profile's keyring
// items may be left behind (removed profile) or not moved (renamed one).
type KeyringLeftError struct {
	Profile string
	// Moving says the items were being moved to Profile (a rename).
	Moving bool
	Err    error
}

func (e *KeyringLeftError) Error() string {
	if e.Moving {
		return fmt.Sprintf("the secrets could not be moved to profile %s in the OS keyring: %v", e.Profile, e.Err)
	}
	return fmt.Sprintf("the OS keyring items of profile %s could not be removed: %v", e.Profile, e.Err)
}

func (e *KeyringLeftError) Unwrap() error { return e.Err }

// Outcome is a profile change that was made: where, and what the
// keyring could not do after the config had changed (a
// *KeyringLeftError), if anything.
type Outcome struct {
	// Path is the config file written.
	Path string
	// Warning, when set, is a keyring step left undone.
	Warning error
	// Hides is the vendor that the profile's name now hides, or "": a
	// PROFILE argument finds the saved profile first.
	Hides string
}

// CheckNewName says whether name can be given to a new profile: a valid
// name, not taken unless replace is set.
func (w *Workspace) CheckNewName(name string, replace bool) error {
	if err := profiles.CheckProfileName(name); err != nil {
		return err
	}
	cfg, err := w.Config()
	if err != nil {
		return &ConfigError{Err: err}
	}
	if _, exists := cfg.Profiles[name]; exists && !replace {
		return &ProfileExistsError{Name: name}
	}
	return nil
}

// VendorScheme compiles a vendor's scheme in a variant, for a new
// profile.
func (w *Workspace) VendorScheme(vendor, variant string) (*profiles.VendorScheme, error) {
	cfg, err := w.Config()
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	v, err := cfg.Vendor(vendor)
	if err != nil {
		return nil, err
	}
	return v.Scheme(variant)
}

// Saved finds a saved profile and compiles its scheme.
func (w *Workspace) Saved(name string) (*profiles.Profile, *profiles.VendorScheme, error) {
	cfg, err := w.Config()
	if err != nil {
		return nil, nil, &ConfigError{Err: err}
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		return nil, nil, &NoProfileError{Name: name}
	}
	v, err := cfg.Vendor(p.Vendor)
	if err != nil {
		return nil, nil, &BrokenProfileError{Profile: name, Err: err}
	}
	scheme, err := v.Scheme(p.Variant)
	if err != nil {
		return nil, nil, &BrokenProfileError{Profile: name, Err: err}
	}
	return &p, scheme, nil
}

// Add saves a profile and stores its secrets, as one transaction: the
// secrets go to the keyring first, and if the config cannot be written
// the keyring is put back as it was. The outcome warns when a replaced
// profile's leftover secrets could not be removed.
func (w *Workspace) Add(p NewProfile) (*Outcome, error) {
	if err := w.CheckNewName(p.Name, p.Replace); err != nil {
		return nil, err
	}
	scheme, err := w.VendorScheme(p.Profile.Vendor, p.Profile.Variant)
	if err != nil {
		return nil, err
	}
	profile := p.Profile
	if profile.Settings, err = settings(scheme, "", nil, p.Settings); err != nil {
		return nil, err
	}
	if profile.BaseURL != "" {
		if err := checkBaseURL(profile.BaseURL); err != nil {
			return nil, err
		}
	}
	path, err := w.ConfigPath()
	if err != nil {
		return nil, err
	}
	store := w.Keystore()
	previous := map[string]string{} // what a replaced profile had
	for _, cred := range slices.Sorted(maps.Keys(p.Secrets)) {
		v, err := store.Get(keystore.Service, keystore.Account(p.Name, cred))
		switch {
		case err == nil:
			previous[cred] = v
		case !errors.Is(err, keystore.ErrNotFound):
			return nil, err // do not wait on it twice
		}
		if err := store.Set(keystore.Service, keystore.Account(p.Name, cred), p.Secrets[cred]); err != nil {
			return nil, err
		}
	}
	if len(p.Secrets) == 0 {
		// Nothing in the keyring: rename, remove and signing need not ask it.
		none := false
		profile.Secrets = &none
	}
	var replaced *profiles.Profile
	err = profiles.Update(path, func(cfg *profiles.Config) error {
		if old, exists := cfg.Profiles[p.Name]; exists {
			if !p.Replace {
				return &ProfileExistsError{Name: p.Name}
			}
			replaced = &old
		}
		cfg.Profiles[p.Name] = profile
		return nil
	})
	if err != nil {
		for cred := range p.Secrets { // put the keyring back as it was
			if v, ok := previous[cred]; ok {
				_ = store.Set(keystore.Service, keystore.Account(p.Name, cred), v)
			} else {
				_ = store.Delete(keystore.Service, keystore.Account(p.Name, cred))
			}
		}
		return nil, err
	}
	var warning error
	if replaced != nil && replaced.KeepsSecrets() {
		// Secrets of the replaced profile that this one does not store
		// would otherwise be used as its last fallback.
		var leftover []string
		for _, cred := range secretNames {
			if _, ok := p.Secrets[cred]; !ok {
				leftover = append(leftover, cred)
			}
		}
		warning = removeItems(store, p.Name, leftover)
	}
	return &Outcome{Path: path, Warning: warning, Hides: w.hiddenVendor(p.Name)}, nil
}

// Remove deletes a saved profile, then its keyring items. The keyring is
// best effort once the config has changed: a keyring that cannot be used
// is a warning (*KeyringLeftError), not an error.
func (w *Workspace) Remove(name string) (*Outcome, error) {
	saved, _, err := w.Saved(name)
	if err != nil {
		var broken *BrokenProfileError
		if !errors.As(err, &broken) {
			return nil, err
		}
		cfg, _ := w.Config() // Saved read it
		p := cfg.Profiles[name]
		saved = &p
	}
	path, err := w.ConfigPath()
	if err != nil {
		return nil, err
	}
	if err := profiles.Update(path, func(cfg *profiles.Config) error {
		delete(cfg.Profiles, name)
		return nil
	}); err != nil {
		return nil, err
	}
	if !saved.KeepsSecrets() {
		return &Outcome{Path: path}, nil
	}
	return &Outcome{Path: path, Warning: removeItems(w.Keystore(), name, secretNames)}, nil
}

// Rename renames a saved profile, then moves its keyring items. As for
// Remove, the keyring is best effort once the config has changed.
func (w *Workspace) Rename(oldName, newName string) (*Outcome, error) {
	if err := profiles.CheckProfileName(newName); err != nil {
		return nil, err
	}
	saved, _, err := w.Saved(oldName)
	if err != nil {
		return nil, err
	}
	if err := w.CheckNewName(newName, false); err != nil {
		return nil, err
	}
	path, err := w.ConfigPath()
	if err != nil {
		return nil, err
	}
	err = profiles.Update(path, func(cfg *profiles.Config) error {
		p, ok := cfg.Profiles[oldName]
		if !ok {
			return &NoProfileError{Name: oldName}
		}
		if _, exists := cfg.Profiles[newName]; exists {
			return &ProfileExistsError{Name: newName}
		}
		delete(cfg.Profiles, oldName)
		cfg.Profiles[newName] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	done := &Outcome{Path: path, Hides: w.hiddenVendor(newName)}
	if !saved.KeepsSecrets() {
		return done, nil
	}
	store := w.Keystore()
	for _, cred := range secretNames {
		v, err := store.Get(keystore.Service, keystore.Account(oldName, cred))
		if errors.Is(err, keystore.ErrNotFound) {
			continue
		}
		if err == nil {
			err = store.Set(keystore.Service, keystore.Account(newName, cred), v)
		}
		if err != nil {
			done.Warning = &KeyringLeftError{Profile: newName, Moving: true, Err: err}
			return done, nil
		}
		if done.Warning = removeItems(store, oldName, []string{cred}); done.Warning != nil {
			return done, nil
		}
	}
	return done, nil
}

// hiddenVendor is the vendor a profile called name hides from PROFILE
// arguments (a saved profile is found first), or "".
func (w *Workspace) hiddenVendor(name string) string {
	cfg, err := w.Config()
	if err != nil {
		return ""
	}
	if _, err := cfg.Vendor(name); err != nil {
		return ""
	}
	return name
}

// SetSecrets stores secrets of a saved profile in the OS keyring. A
// profile saved as keeping none is marked as keeping some first, so that
// rename and remove never leave the new items behind.
func (w *Workspace) SetSecrets(name string, secrets map[string]string) error {
	p, _, err := w.Saved(name)
	if err != nil {
		return err
	}
	if !p.KeepsSecrets() && len(secrets) > 0 {
		path, err := w.ConfigPath()
		if err != nil {
			return err
		}
		err = profiles.Update(path, func(cfg *profiles.Config) error {
			p, ok := cfg.Profiles[name]
			if !ok {
				return &NoProfileError{Name: name}
			}
			p.Secrets = nil
			cfg.Profiles[name] = p
			return nil
		})
		if err != nil {
			return err
		}
	}
	store := w.Keystore()
	for _, cred := range slices.Sorted(maps.Keys(secrets)) {
		if err := store.Set(keystore.Service, keystore.Account(name, cred), secrets[cred]); err != nil {
			return err
		}
	}
	return nil
}

// CredentialStatus says whether a saved profile's credential is set and
// where from, never its value.
type CredentialStatus struct {
	Name string
	// Source is where it comes from; nil when it is not set or unknown.
	Source *CredentialSource
	// KeyringUnavailable says the keyring could not be asked.
	KeyringUnavailable bool
}

// Credentials says, for each credential a saved profile's scheme needs,
// whether it is set and where from.
func (w *Workspace) Credentials(name string) ([]CredentialStatus, error) {
	p, scheme, err := w.Saved(name)
	if err != nil {
		return nil, err
	}
	var out []CredentialStatus
	for _, cred := range scheme.Credentials() {
		_, source, err := w.credential(cred, "", name, p)
		var keyring *KeyringError
		switch {
		case err == nil:
			out = append(out, CredentialStatus{Name: cred, Source: &source})
		case errors.As(err, &keyring):
			out = append(out, CredentialStatus{Name: cred, KeyringUnavailable: true})
		default:
			out = append(out, CredentialStatus{Name: cred})
		}
	}
	return out, nil
}

// removeItems deletes a profile's keyring items, if there are any, and
// stops at the first the keyring cannot delete (each try may wait out
// the keyring's timeout), returning it as a *KeyringLeftError.
func removeItems(store keystore.Store, profile string, creds []string) error {
	for _, cred := range creds {
		err := store.Delete(keystore.Service, keystore.Account(profile, cred))
		if err != nil && !errors.Is(err, keystore.ErrNotFound) {
			return &KeyringLeftError{Profile: profile, Err: err}
		}
	}
	return nil
}
