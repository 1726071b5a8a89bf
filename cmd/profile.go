package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
	"github.com/spf13/cobra"
)

// NewCmdProfile builds `hmacctl profile` and its subcommands.
func NewCmdProfile(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "profile",
		Short: "Manage saved profiles; secrets live in the OS keyring",
		Long: `Manage saved profiles. A profile names a vendor with your settings (base URL,
variant, API key, vendor settings) in the config file, and keeps its secrets
(API secret, passphrase, token) in the OS keyring under the service "hmacctl",
account "PROFILE/api_secret" (or /api_passphrase, /token). Secrets are never
written to the config file and never taken from a flag's value.

The config file is $HMACCTL_CONFIG, or config.toml in the hmacctl folder of
your user config directory ($XDG_CONFIG_HOME or ~/.config on Linux).`,
	}
	c.AddCommand(newCmdProfileAdd(f), newCmdProfileList(f), newCmdProfileShow(f),
		newCmdProfileRemove(f), newCmdProfileSetSecret(f), newCmdProfileRename(f), newCmdProfileVendors(f))
	return c
}

// secretInput reads secrets: from stdin, one line each, for the
// credentials given --X-stdin, else from a no-echo prompt on a terminal.
type secretInput struct {
	io        *IOStreams
	fromStdin map[string]bool
	stdin     *bufio.Reader
}

func (s *secretInput) read(profile, credential string) (string, error) {
	label := credentialLabel(credential)
	if s.fromStdin[credential] {
		if s.stdin == nil {
			s.stdin = bufio.NewReader(s.io.In)
		}
		line, err := s.stdin.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", usageErrorf("no %s on stdin: pipe it in, one line per credential", label)
		}
		v := dropOneNewline(line)
		if v == "" {
			return "", usageErrorf("the %s read from stdin is empty", label)
		}
		return v, nil
	}
	if !s.io.StdinTTY || s.io.ReadPassword == nil {
		return "", usageErrorf("cannot prompt for the %s: stdin is not a terminal; pipe it with --%s-stdin, or skip the keyring with --no-secret and set %s", label, stdinFlagName(credential), envName(credential))
	}
	fmt.Fprintf(s.io.ErrOut, "%s for %s: ", label, profile)
	v, err := s.io.ReadPassword()
	fmt.Fprintln(s.io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("reading the %s: %w", label, err)
	}
	v = dropOneNewline(v)
	if v == "" {
		return "", usageErrorf("the %s is empty", label)
	}
	return v, nil
}

// stdinFlagName is the flag that reads a credential from stdin.
func stdinFlagName(credential string) string {
	switch credential {
	case "api_passphrase":
		return "passphrase"
	case "token":
		return "token"
	}
	return "secret"
}

// secretCredentials are the credentials of a scheme kept in the keyring:
// all but the API key, which the config holds.
func secretCredentials(s *profiles.Scheme) []string {
	var out []string
	for _, c := range s.Credentials() {
		if c != "api_key" {
			out = append(out, c)
		}
	}
	return out
}

func keyringError(err error) error {
	var unavailable *keystore.UnavailableError
	if errors.As(err, &unavailable) {
		return usageErrorf("%v; keep the secrets in environment variables instead (HMACCTL_API_SECRET, HMACCTL_API_PASSPHRASE, HMACCTL_TOKEN, or their _FILE forms), and add the profile with --no-secret", err)
	}
	return err
}

func newCmdProfileAdd(f *Factory) *cobra.Command {
	var vendorName, baseURL, apiKey, variant string
	var settings []string
	var force, noSecret bool
	stdinFlags := map[string]*bool{"api_secret": new(bool), "api_passphrase": new(bool), "token": new(bool)}
	c := &cobra.Command{
		Use:   "add NAME --vendor VENDOR",
		Short: "Save a profile; its secrets go to the OS keyring",
		Example: `  hmacctl profile add woox-main --vendor woox --api-key AbmyVJGUpN064ks5ELjLfA==
  printf '%s\n' "$SECRET" | hmacctl profile add ci --vendor binance --api-key "$KEY" --secret-stdin`,
		Args: exactArgs(1, "NAME"),
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			if err := profiles.CheckProfileName(name); err != nil {
				return usageErrorf("%v", err)
			}
			if vendorName == "" {
				return usageErrorf("--vendor is required; see 'hmacctl profile vendors'")
			}
			cfg, err := f.Config()
			if err != nil {
				return usageErrorf("%v; fix or move the config file", err)
			}
			if _, exists := cfg.Profiles[name]; exists && !force {
				return usageErrorf("profile %s exists; use --force to replace it", name)
			}
			vendor, err := cfg.Vendor(vendorName)
			if err != nil {
				return usageErrorf("%v", err)
			}
			scheme, err := vendor.Scheme(variant)
			if err != nil {
				return usageErrorf("%v", err)
			}
			profile := profiles.Profile{Vendor: vendorName, Variant: variant, BaseURL: baseURL, APIKey: apiKey}
			rf := requestFlags{Settings: settings}
			if profile.Settings, err = rf.settings(scheme, nil); err != nil {
				return err
			}
			if baseURL != "" {
				if _, err := rf.checkBaseURL(baseURL); err != nil {
					return err
				}
			}
			stored := map[string]string{}
			if !noSecret {
				in := &secretInput{io: f.IO, fromStdin: map[string]bool{}}
				for cred, on := range stdinFlags {
					in.fromStdin[cred] = *on
				}
				for _, cred := range secretCredentials(scheme) {
					v, err := in.read(name, cred)
					if err != nil {
						return err
					}
					stored[cred] = v
				}
			}
			store := f.Keystore()
			previous := map[string]string{} // what a replaced profile had
			for _, cred := range slices.Sorted(maps.Keys(stored)) {
				v, err := store.Get(keystore.Service, keystore.Account(name, cred))
				switch {
				case err == nil:
					previous[cred] = v
				case !errors.Is(err, keystore.ErrNotFound):
					return keyringError(err) // do not wait on it twice
				}
				if err := store.Set(keystore.Service, keystore.Account(name, cred), stored[cred]); err != nil {
					return keyringError(err)
				}
			}
			path, err := f.ConfigPath()
			if err != nil {
				return err
			}
			err = profiles.Update(path, func(cfg *profiles.Config) error {
				if _, exists := cfg.Profiles[name]; exists && !force {
					return usageErrorf("profile %s exists; use --force to replace it", name)
				}
				cfg.Profiles[name] = profile
				return nil
			})
			if err != nil {
				for cred := range stored { // put the keyring back as it was
					if v, ok := previous[cred]; ok {
						_ = store.Set(keystore.Service, keystore.Account(name, cred), v)
					} else {
						_ = store.Delete(keystore.Service, keystore.Account(name, cred))
					}
				}
				return asUsage(err)
			}
			if force {
				// Secrets of the replaced profile that this one does not
				// store would otherwise be used as its last fallback.
				for _, cred := range []string{"api_secret", "api_passphrase", "token"} {
					if _, ok := stored[cred]; !ok && !removeKeyringItem(f, store, name, cred) {
						break
					}
				}
			}
			where := ""
			if len(stored) > 0 {
				where = "; secrets in the OS keyring (service hmacctl, account " + name + "/...)"
			}
			fmt.Fprintf(f.IO.ErrOut, "Saved profile %s (vendor %s) in %s%s\n", name, vendorName, path, where)
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&vendorName, "vendor", "", "the vendor (see 'hmacctl profile vendors')")
	fl.StringVar(&baseURL, "base-url", "", "a base URL other than the vendor's")
	fl.StringVar(&apiKey, "api-key", "", "the API key (not a secret; kept in the config file)")
	fl.StringVar(&variant, "variant", "", "a named variant of the vendor's scheme")
	fl.StringArrayVar(&settings, "set", nil, "a vendor setting name=value")
	fl.BoolVar(&force, "force", false, "replace a profile of the same name")
	fl.BoolVar(&noSecret, "no-secret", false, "store no secret in the keyring (use environment variables)")
	fl.BoolVar(stdinFlags["api_secret"], "secret-stdin", false, "read the API secret from stdin (one line)")
	fl.BoolVar(stdinFlags["api_passphrase"], "passphrase-stdin", false, "read the passphrase from stdin (the next line)")
	fl.BoolVar(stdinFlags["token"], "token-stdin", false, "read the token from stdin (the next line)")
	_ = c.RegisterFlagCompletionFunc("vendor", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vendorNames(f), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.RegisterFlagCompletionFunc("variant", completeVariantOfFlag(f, &vendorName))
	return c
}

func newCmdProfileList(f *Factory) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List saved profiles",
		Args:  exactArgs(0, "none"),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return usageErrorf("%v; fix or move the config file", err)
			}
			names := slices.Sorted(maps.Keys(cfg.Profiles))
			if asJSON {
				out := []map[string]any{}
				for _, n := range names {
					p := cfg.Profiles[n]
					out = append(out, map[string]any{"name": n, "vendor": p.Vendor, "variant": p.Variant, "base_url": p.BaseURL, "api_key": p.APIKey, "settings": p.Settings})
				}
				return writeJSON(f.IO.Out, out)
			}
			if len(names) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "No saved profiles; add one with 'hmacctl profile add NAME --vendor VENDOR'.")
				return nil
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVENDOR\tVARIANT\tBASE URL")
			for _, n := range names {
				p := cfg.Profiles[n]
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n, p.Vendor, orDash(p.Variant), orDash(p.BaseURL))
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newCmdProfileShow(f *Factory) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:               "show NAME",
		Short:             "Show a profile and where each credential comes from (never its value)",
		Args:              exactArgs(1, "NAME"),
		ValidArgsFunction: completeSavedProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			p, scheme, err := savedProfile(f, name)
			if err != nil {
				return err
			}
			type credInfo struct {
				Name   string `json:"name"`
				Set    bool   `json:"set"`
				Source string `json:"source"`
			}
			var creds []credInfo
			for _, cred := range scheme.Credentials() {
				_, source, err := resolveCredential(f, cred, "", name, p)
				switch {
				case err == nil:
					creds = append(creds, credInfo{cred, true, source})
				case errors.As(err, new(*keystore.UnavailableError)):
					creds = append(creds, credInfo{cred, false, "unknown: the OS keyring cannot be used"})
				default:
					creds = append(creds, credInfo{cred, false, "not set"})
				}
			}
			baseURL, baseSource := p.BaseURL, "profile"
			if baseURL == "" {
				baseURL, baseSource = scheme.BaseURL, "vendor default"
			}
			if asJSON {
				return writeJSON(f.IO.Out, map[string]any{"name": name, "vendor": p.Vendor, "variant": p.Variant, "base_url": baseURL, "settings": p.Settings, "credentials": creds})
			}
			var b strings.Builder
			fmt.Fprintf(&b, "profile:   %s\nvendor:    %s\nvariant:   %s\nbase URL:  %s (%s)\n", name, p.Vendor, orDash(p.Variant), baseURL, baseSource)
			for _, k := range slices.Sorted(maps.Keys(p.Settings)) {
				fmt.Fprintf(&b, "setting:   %s=%s\n", k, p.Settings[k])
			}
			b.WriteString("credentials:\n")
			for _, ci := range creds {
				state := "set, from " + ci.Source
				if !ci.Set {
					state = ci.Source
				}
				fmt.Fprintf(&b, "  %-15s %s\n", ci.Name, state)
			}
			_, err = io.WriteString(f.IO.Out, b.String())
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newCmdProfileRemove(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "remove NAME",
		Short:             "Remove a profile and its keyring items",
		Args:              exactArgs(1, "NAME"),
		ValidArgsFunction: completeSavedProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			if _, _, err := savedProfile(f, name); err != nil {
				return err
			}
			path, err := f.ConfigPath()
			if err != nil {
				return err
			}
			err = profiles.Update(path, func(cfg *profiles.Config) error {
				delete(cfg.Profiles, name)
				return nil
			})
			if err != nil {
				return asUsage(err)
			}
			store := f.Keystore()
			for _, cred := range []string{"api_secret", "api_passphrase", "token"} {
				if !removeKeyringItem(f, store, name, cred) {
					break
				}
			}
			fmt.Fprintf(f.IO.ErrOut, "Removed profile %s\n", name)
			return nil
		},
	}
}

func newCmdProfileSetSecret(f *Factory) *cobra.Command {
	var only string
	stdin := map[string]*bool{"api_secret": new(bool), "api_passphrase": new(bool), "token": new(bool)}
	c := &cobra.Command{
		Use:               "set-secret NAME",
		Short:             "Store a profile's secrets in the OS keyring again",
		Args:              exactArgs(1, "NAME"),
		ValidArgsFunction: completeSavedProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			_, scheme, err := savedProfile(f, name)
			if err != nil {
				return err
			}
			creds := secretCredentials(scheme)
			if only != "" {
				if !slices.Contains(creds, only) {
					return usageErrorf("--credential %s: profile %s's vendor uses %s", only, name, strings.Join(creds, ", "))
				}
				creds = []string{only}
			}
			in := &secretInput{io: f.IO, fromStdin: map[string]bool{}}
			for cred, on := range stdin {
				in.fromStdin[cred] = *on
			}
			store := f.Keystore()
			for _, cred := range creds {
				v, err := in.read(name, cred)
				if err != nil {
					return err
				}
				if err := store.Set(keystore.Service, keystore.Account(name, cred), v); err != nil {
					return keyringError(err)
				}
			}
			fmt.Fprintf(f.IO.ErrOut, "Stored %s for profile %s in the OS keyring\n", strings.Join(creds, ", "), name)
			return nil
		},
	}
	c.Flags().StringVar(&only, "credential", "", "only this credential: api_secret, api_passphrase or token")
	c.Flags().BoolVar(stdin["api_secret"], "secret-stdin", false, "read the API secret from stdin (one line)")
	c.Flags().BoolVar(stdin["api_passphrase"], "passphrase-stdin", false, "read the passphrase from stdin")
	c.Flags().BoolVar(stdin["token"], "token-stdin", false, "read the token from stdin")
	return c
}

func newCmdProfileRename(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "rename OLD NEW",
		Short:             "Rename a profile, moving its keyring items",
		Args:              exactArgs(2, "OLD NEW"),
		ValidArgsFunction: completeSavedProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			oldName, newName := args[0], args[1]
			if err := profiles.CheckProfileName(newName); err != nil {
				return usageErrorf("%v", err)
			}
			if _, _, err := savedProfile(f, oldName); err != nil {
				return err
			}
			cfg, _ := f.Config()
			if _, exists := cfg.Profiles[newName]; exists {
				return usageErrorf("profile %s exists; remove it first", newName)
			}
			path, err := f.ConfigPath()
			if err != nil {
				return err
			}
			err = profiles.Update(path, func(cfg *profiles.Config) error {
				p, ok := cfg.Profiles[oldName]
				if !ok {
					return usageErrorf("no saved profile %s", oldName)
				}
				if _, exists := cfg.Profiles[newName]; exists {
					return usageErrorf("profile %s exists; remove it first", newName)
				}
				delete(cfg.Profiles, oldName)
				cfg.Profiles[newName] = p
				return nil
			})
			if err != nil {
				return asUsage(err)
			}
			store := f.Keystore()
			for _, cred := range []string{"api_secret", "api_passphrase", "token"} {
				v, err := store.Get(keystore.Service, keystore.Account(oldName, cred))
				if errors.Is(err, keystore.ErrNotFound) {
					continue
				}
				if err == nil {
					err = store.Set(keystore.Service, keystore.Account(newName, cred), v)
				}
				if err != nil {
					fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: the profile's secrets could not be moved in the OS keyring (%v); store them again with 'hmacctl profile set-secret %s'\n", err, newName)
					break
				}
				removeKeyringItem(f, store, oldName, cred)
			}
			fmt.Fprintf(f.IO.ErrOut, "Renamed profile %s to %s\n", oldName, newName)
			return nil
		},
	}
}

func newCmdProfileVendors(f *Factory) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "vendors",
		Short: "List the vendors: built-in ones with their variants, and your own",
		Args:  exactArgs(0, "none"),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return usageErrorf("%v; fix or move the config file", err)
			}
			type vendorInfo struct {
				Name     string   `json:"name"`
				Title    string   `json:"title"`
				Source   string   `json:"source"`
				Variants []string `json:"variants"`
			}
			var all []vendorInfo
			add := func(v *profiles.Vendor, source string) {
				info := vendorInfo{Name: v.Name, Title: v.Title, Source: source, Variants: []string{}}
				for _, variant := range v.Variants() {
					info.Variants = append(info.Variants, variant.Name)
				}
				all = append(all, info)
			}
			for _, name := range cfg.UserVendors() {
				v, _ := cfg.Vendor(name)
				add(v, "config")
			}
			for _, name := range profiles.BuiltinNames() {
				if slices.Contains(cfg.UserVendors(), name) {
					continue // the user's own shadows the built-in one
				}
				v, err := profiles.Builtin(name)
				if err != nil {
					return err
				}
				add(v, "built-in")
			}
			slices.SortFunc(all, func(a, b vendorInfo) int { return strings.Compare(a.Name, b.Name) })
			if asJSON {
				return writeJSON(f.IO.Out, all)
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTITLE\tSOURCE\tVARIANTS")
			for _, v := range all {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Title, v.Source, orDash(strings.Join(v.Variants, ", ")))
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// removeKeyringItem deletes a profile's keyring item, if there is one. The
// keyring is best effort here: the config has already changed, so a
// keyring that cannot be used is one warning saying what may be left
// behind, and false (stop trying: each try may wait out the timeout).
func removeKeyringItem(f *Factory, store keystore.Store, profile, cred string) bool {
	err := store.Delete(keystore.Service, keystore.Account(profile, cred))
	if err != nil && !errors.Is(err, keystore.ErrNotFound) {
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: the OS keyring cannot be used (%v); if it holds items for this profile (service %s, accounts %s/...), delete them with your OS's keyring tool\n", err, keystore.Service, profile)
		return false
	}
	return true
}

// savedProfile finds a saved profile and compiles its scheme.
func savedProfile(f *Factory, name string) (*profiles.Profile, *profiles.Scheme, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, usageErrorf("%v; fix or move the config file", err)
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		return nil, nil, usageErrorf("no saved profile %s; see 'hmacctl profile list'", name)
	}
	v, err := cfg.Vendor(p.Vendor)
	if err != nil {
		return nil, nil, usageErrorf("profile %s: %v", name, err)
	}
	scheme, err := v.Scheme(p.Variant)
	if err != nil {
		return nil, nil, usageErrorf("profile %s: %v", name, err)
	}
	return &p, scheme, nil
}

// asUsage makes config errors (a corrupt or unwritable file) bad input.
func asUsage(err error) error {
	var usage *UsageError
	if errors.As(err, &usage) {
		return err
	}
	return usageErrorf("%v", err)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
