package workspace_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/workspace"
)

// brokenStore is a keyring that cannot be used.
type brokenStore struct{}

func (brokenStore) Get(string, string) (string, error) {
	return "", &keystore.UnavailableError{Err: errors.New("no Secret Service")}
}
func (brokenStore) Set(string, string, string) error {
	return &keystore.UnavailableError{Err: errors.New("no Secret Service")}
}
func (brokenStore) Delete(string, string) error {
	return &keystore.UnavailableError{Err: errors.New("no Secret Service")}
}

// newWorkspace is a workspace over a config file in a temporary
// directory, the environment env, and store.
func newWorkspace(t *testing.T, config string, env map[string]string, store keystore.Store) *workspace.Workspace {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if config != "" {
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &workspace.Workspace{
		Getenv:     func(k string) string { return env[k] },
		ReadFile:   os.ReadFile,
		Config:     func() (*profiles.Config, error) { return profiles.LoadConfig(path) },
		ConfigPath: func() (string, error) { return path, nil },
		Keystore:   func() keystore.Store { return store },
	}
}

const savedWoox = `[profiles.main]
vendor = "woox"
api_key = "config-key"
base_url = "https://saved.example"
`

// Each credential comes from the first place that has it: the override
// (the key only), the profile's variable or its file, the general
// variable or its file, the config (the key only), the keyring.
func TestResolveCredentialOrder(t *testing.T) {
	store := keystore.NewMemory()
	store.Set(keystore.Service, keystore.Account("main", "api_secret"), "from-keyring")
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("from-file\n"), 0o600)
	for _, tc := range []struct {
		name        string
		env         map[string]string
		override    string
		key, secret string
		sources     []workspace.CredentialSource
	}{
		{"config and keyring", nil, "", "config-key", "from-keyring", []workspace.CredentialSource{
			{Name: "api_key", Kind: workspace.FromConfig}, {Name: "api_secret", Kind: workspace.FromKeyring}}},
		{"general variables", map[string]string{"HMACCTL_API_KEY": "env-key", "HMACCTL_API_SECRET": "env-secret"}, "", "env-key", "env-secret", []workspace.CredentialSource{
			{Name: "api_key", Kind: workspace.FromEnvironment, Variable: "HMACCTL_API_KEY"}, {Name: "api_secret", Kind: workspace.FromEnvironment, Variable: "HMACCTL_API_SECRET"}}},
		{"the profile's variables first", map[string]string{"HMACCTL_API_SECRET": "env-secret", "HMACCTL_MAIN_API_SECRET_FILE": secretFile}, "", "config-key", "from-file", []workspace.CredentialSource{
			{Name: "api_key", Kind: workspace.FromConfig}, {Name: "api_secret", Kind: workspace.FromFile, Variable: "HMACCTL_MAIN_API_SECRET_FILE"}}},
		{"the override for the key", map[string]string{"HMACCTL_API_KEY": "env-key"}, "flag-key", "flag-key", "from-keyring", []workspace.CredentialSource{
			{Name: "api_key", Kind: workspace.FromOverride}, {Name: "api_secret", Kind: workspace.FromKeyring}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorkspace(t, savedWoox, tc.env, store)
			r, err := w.Resolve("main", workspace.Overrides{APIKey: tc.override})
			if err != nil {
				t.Fatal(err)
			}
			if r.Credentials["api_key"] != tc.key || r.Credentials["api_secret"] != tc.secret || !reflect.DeepEqual(r.Sources, tc.sources) {
				t.Errorf("got %v from %+v", r.Credentials, r.Sources)
			}
			if r.BaseURL != "https://saved.example" || r.Scheme.Vendor != "woox" || r.Profile == nil {
				t.Errorf("base URL %s, scheme %s, profile %v", r.BaseURL, r.Scheme.Vendor, r.Profile)
			}
		})
	}
}

// Errors are typed, for the commands to word.
func TestResolveErrorsAreTyped(t *testing.T) {
	w := newWorkspace(t, savedWoox, nil, brokenStore{})
	var keyring *workspace.KeyringError
	if _, err := w.Resolve("main", workspace.Overrides{}); !errors.As(err, &keyring) || keyring.Credential != "api_secret" || keyring.Profile != "main" {
		t.Errorf("unusable keyring: %v", err)
	}
	var missing *workspace.MissingCredentialError
	if _, err := w.Resolve("woox", workspace.Overrides{}); !errors.As(err, &missing) || missing.Credential != "api_key" || missing.Saved {
		t.Errorf("no credentials: %v", err)
	}
	var unknown *workspace.UnknownNameError
	if _, err := w.Resolve("nope", workspace.Overrides{}); !errors.As(err, &unknown) || len(unknown.Vendors) < 15 {
		t.Errorf("unknown name: %v", err)
	}
	var setting *workspace.UnknownSettingError
	if _, err := w.Scheme("binance", workspace.Overrides{Settings: map[string]string{"recvwindow": "1"}}); !errors.As(err, &setting) || !reflect.DeepEqual(setting.Known, []string{"recvWindow"}) {
		t.Errorf("unknown setting: %v", err)
	}
	var baseURL *workspace.BaseURLError
	if _, err := w.Scheme("woox", workspace.Overrides{BaseURL: "ftp://x"}); !errors.As(err, &baseURL) {
		t.Errorf("bad base URL: %v", err)
	}
	var variant *profiles.UnknownVariantError
	if _, err := w.Scheme("woox", workspace.Overrides{Variant: "nope"}); !errors.As(err, &variant) {
		t.Errorf("unknown variant: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	var file *workspace.CredentialFileError
	w = newWorkspace(t, "", map[string]string{"HMACCTL_API_KEY": "k", "HMACCTL_API_SECRET_FILE": empty}, brokenStore{})
	if _, err := w.Resolve("woox", workspace.Overrides{}); !errors.As(err, &file) || file.Err != nil || file.Variable != "HMACCTL_API_SECRET_FILE" {
		t.Errorf("empty file: %v", err)
	}
}

// Add stores the secrets and the profile as one transaction: when the
// config cannot be written, the keyring is put back as it was.
func TestAddRollsTheKeyringBack(t *testing.T) {
	store := keystore.NewMemory()
	store.Set(keystore.Service, keystore.Account("main", "api_secret"), "old")
	w := newWorkspace(t, "not toml [", nil, store)
	_, err := w.Add(workspace.NewProfile{Name: "main", Profile: profiles.Profile{Vendor: "woox"}, Secrets: map[string]string{"api_secret": "new"}, Replace: true})
	var config *workspace.ConfigError
	if !errors.As(err, &config) {
		t.Fatalf("got %v, want a ConfigError", err)
	}
	if v, _ := store.Get(keystore.Service, keystore.Account("main", "api_secret")); v != "old" {
		t.Errorf("the keyring holds %q, want the old secret", v)
	}

	// A writable config: the profile is saved and the secret stored.
	w = newWorkspace(t, "", nil, store)
	done, err := w.Add(workspace.NewProfile{Name: "main", Profile: profiles.Profile{Vendor: "woox"}, Secrets: map[string]string{"api_secret": "new"}, Replace: true})
	if err != nil || done.Warning != nil {
		t.Fatal(err, done)
	}
	if v, _ := store.Get(keystore.Service, keystore.Account("main", "api_secret")); v != "new" {
		t.Errorf("the keyring holds %q", v)
	}
	var exists *workspace.ProfileExistsError
	if _, err := w.Add(workspace.NewProfile{Name: "main", Profile: profiles.Profile{Vendor: "woox"}}); !errors.As(err, &exists) {
		t.Errorf("adding over a profile: %v", err)
	}
}

// Once the config has changed, the keyring is best effort: an unusable
// one is a warning, and the change stands.
func TestRemoveAndRenameWithoutAKeyring(t *testing.T) {
	w := newWorkspace(t, savedWoox, nil, brokenStore{})
	done, err := w.Rename("main", "other")
	var left *workspace.KeyringLeftError
	if err != nil || !errors.As(done.Warning, &left) || !left.Moving || left.Profile != "other" {
		t.Fatalf("rename: %v, %+v", err, done)
	}
	if _, _, err := w.Saved("other"); err != nil {
		t.Errorf("the renamed profile: %v", err)
	}
	done, err = w.Remove("other")
	if err != nil || !errors.As(done.Warning, &left) || left.Moving {
		t.Fatalf("remove: %v, %+v", err, done)
	}
	var none *workspace.NoProfileError
	if _, _, err := w.Saved("other"); !errors.As(err, &none) {
		t.Errorf("the removed profile: %v", err)
	}
}

// Rename moves the keyring items with the profile.
func TestRenameMovesSecrets(t *testing.T) {
	store := keystore.NewMemory()
	store.Set(keystore.Service, keystore.Account("main", "api_secret"), "s")
	w := newWorkspace(t, savedWoox, nil, store)
	if done, err := w.Rename("main", "next"); err != nil || done.Warning != nil {
		t.Fatal(err, done)
	}
	if v, err := store.Get(keystore.Service, keystore.Account("next", "api_secret")); v != "s" || err != nil {
		t.Errorf("moved: %q %v", v, err)
	}
	if _, err := store.Get(keystore.Service, keystore.Account("main", "api_secret")); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("left behind: %v", err)
	}
	statuses, err := w.Credentials("next")
	if err != nil || len(statuses) != 2 || statuses[1].Source == nil || statuses[1].Source.Kind != workspace.FromKeyring {
		t.Errorf("statuses %+v, %v", statuses, err)
	}
}

// A profile saved without secrets says so in the config, and nothing asks
// the keyring for it: not signing, not rename, not remove. Storing a
// secret for it later (set-secret) makes it keep secrets again.
func TestProfileWithoutSecretsNeverAsksTheKeyring(t *testing.T) {
	w := newWorkspace(t, "", map[string]string{"HMACCTL_API_KEY": "k"}, brokenStore{})
	done, err := w.Add(workspace.NewProfile{Name: "ci", Profile: profiles.Profile{Vendor: "woox"}})
	if err != nil || done.Warning != nil {
		t.Fatal(err, done)
	}
	data, _ := os.ReadFile(mustPath(t, w))
	if !strings.Contains(string(data), "secrets = false") {
		t.Errorf("config:\n%s", data)
	}
	var missing *workspace.MissingCredentialError
	if _, err := w.Resolve("ci", workspace.Overrides{}); !errors.As(err, &missing) || !missing.Saved {
		t.Errorf("resolve: %v, want a MissingCredentialError without asking the keyring", err)
	}
	if done, err := w.Rename("ci", "ci2"); err != nil || done.Warning != nil {
		t.Errorf("rename: %v, warning %v; want neither", err, done.Warning)
	}
	if done, err := w.Remove("ci2"); err != nil || done.Warning != nil {
		t.Errorf("remove: %v, warning %v; want neither", err, done.Warning)
	}

	store := keystore.NewMemory()
	w = newWorkspace(t, "", nil, store)
	if _, err := w.Add(workspace.NewProfile{Name: "ci", Profile: profiles.Profile{Vendor: "woox"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetSecrets("ci", map[string]string{"api_secret": "s"}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := w.Saved("ci"); !p.KeepsSecrets() {
		t.Error("after set-secret the profile still says it keeps no secrets")
	}
	if _, err := w.Rename("ci", "ci2"); err != nil {
		t.Fatal(err)
	}
	if v, err := store.Get(keystore.Service, keystore.Account("ci2", "api_secret")); v != "s" || err != nil {
		t.Errorf("the secret stored later was not moved: %q, %v", v, err)
	}
}

// mustPath is the workspace's config file.
func mustPath(t *testing.T, w *workspace.Workspace) string {
	t.Helper()
	path, err := w.ConfigPath()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// A setting's value must be of the type its definition declares, whether
// given with the command or saved in a profile; a good override wins over
// a bad saved value.
func TestSettingValuesAreChecked(t *testing.T) {
	w := newWorkspace(t, "[profiles.main]\nvendor = \"binance\"\n[profiles.main.settings]\nrecvWindow = \"soon\"\n", nil, brokenStore{})
	var bad *workspace.SettingValueError
	_, err := w.Scheme("binance", workspace.Overrides{Settings: map[string]string{"recvWindow": "abc"}})
	if !errors.As(err, &bad) || bad.Name != "recvWindow" || bad.Value != "abc" || bad.Profile != "" || bad.Type != profiles.SettingInteger {
		t.Errorf("--set recvWindow=abc: %v (%+v)", err, bad)
	}
	if err != nil && err.Error() != `binance's recvWindow is a whole number, not "abc"` {
		t.Errorf("message %q", err)
	}
	if _, err := w.Scheme("main", workspace.Overrides{}); !errors.As(err, &bad) || bad.Profile != "main" || bad.Value != "soon" {
		t.Errorf("a saved bad value: %v (%+v)", err, bad)
	}
	if r, err := w.Scheme("main", workspace.Overrides{Settings: map[string]string{"recvWindow": "1000"}}); err != nil || r.Settings["recvWindow"] != "1000" {
		t.Errorf("a good override: %v", err)
	}
	if _, err := w.Add(workspace.NewProfile{Name: "x", Profile: profiles.Profile{Vendor: "bitmex"}, Settings: map[string]string{"expires": "1m"}}); !errors.As(err, &bad) || bad.Name != "expires" {
		t.Errorf("profile add --set expires=1m: %v", err)
	}
}

// A credential in both a variable and a file named by its _FILE form:
// the variable wins, with a warning; the general and per-profile forms
// alike.
func TestBothVariableAndFileWarns(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(file, []byte("from-file\n"), 0o600)
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"HMACCTL_API_KEY": "k", "HMACCTL_API_SECRET": "s", "HMACCTL_API_SECRET_FILE": file}, []string{"both HMACCTL_API_SECRET and HMACCTL_API_SECRET_FILE are set; HMACCTL_API_SECRET wins"}},
		{map[string]string{"HMACCTL_MAIN_API_KEY": "k", "HMACCTL_MAIN_API_KEY_FILE": file, "HMACCTL_MAIN_API_SECRET": "s", "HMACCTL_MAIN_API_SECRET_FILE": file}, []string{
			"both HMACCTL_MAIN_API_KEY and HMACCTL_MAIN_API_KEY_FILE are set; HMACCTL_MAIN_API_KEY wins",
			"both HMACCTL_MAIN_API_SECRET and HMACCTL_MAIN_API_SECRET_FILE are set; HMACCTL_MAIN_API_SECRET wins"}},
		{map[string]string{"HMACCTL_API_KEY": "k", "HMACCTL_API_SECRET_FILE": file}, nil},
	} {
		w := newWorkspace(t, savedWoox, tc.env, brokenStore{})
		r, err := w.Resolve("main", workspace.Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, warning := range r.Warnings {
			var both *workspace.BothSetWarning
			if !errors.As(warning, &both) {
				t.Errorf("warning %T %v", warning, warning)
			}
			got = append(got, warning.Error())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: warnings %q, want %q", tc.env, got, tc.want)
		}
	}
}

// An unknown name's error lists the saved profiles too; a profile named
// like a vendor is said to hide it.
func TestUnknownNamesAndHiddenVendors(t *testing.T) {
	w := newWorkspace(t, savedWoox, nil, keystore.NewMemory())
	var unknown *workspace.UnknownNameError
	if _, err := w.Find("mian"); !errors.As(err, &unknown) || !reflect.DeepEqual(unknown.Profiles, []string{"main"}) || !strings.Contains(err.Error(), "profiles: main; vendors: ") {
		t.Errorf("unknown name: %v", err)
	}
	done, err := w.Rename("main", "binance")
	if err != nil || done.Hides != "binance" {
		t.Errorf("rename to binance: %v, hides %q", err, done.Hides)
	}
	done, err = w.Add(workspace.NewProfile{Name: "mine", Profile: profiles.Profile{Vendor: "woox"}})
	if err != nil || done.Hides != "" {
		t.Errorf("add mine: %v, hides %q", err, done.Hides)
	}
}
