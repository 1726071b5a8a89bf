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
	"github.com/hmacctl/hmacctl/workspace"
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
	label := workspace.CredentialLabel(credential)
	if s.fromStdin[credential] {
		if s.stdin == nil {
			s.stdin = bufio.NewReader(s.io.In)
		}
		line, err := s.stdin.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", usageErrorf("no %s on stdin: pipe it in, one line per credential", label)
		}
		v := workspace.DropOneNewline(line)
		if v == "" {
			return "", usageErrorf("the %s read from stdin is empty", label)
		}
		return v, nil
	}
	if !s.io.IsStdinTTY() || s.io.ReadPassword == nil {
		return "", usageErrorf("cannot prompt for the %s: stdin is not a terminal; pipe it with --%s-stdin, or skip the keyring with --no-secret and set %s", label, stdinFlagName(credential), workspace.EnvName(credential))
	}
	fmt.Fprintf(s.io.ErrOut, "%s for %s: ", label, profile)
	v, err := s.io.ReadPassword()
	fmt.Fprintln(s.io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("reading the %s: %w", label, err)
	}
	v = workspace.DropOneNewline(v)
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

// profileError words the errors of profile changes; every one is bad
// input (exit 2).
func profileError(err error) error {
	var (
		unavailable *keystore.UnavailableError
		exists      *workspace.ProfileExistsError
		none        *workspace.NoProfileError
	)
	switch {
	case errors.As(err, &unavailable):
		return usageErrorf("%v; keep the secrets in environment variables instead (HMACCTL_API_SECRET, HMACCTL_API_PASSPHRASE, HMACCTL_TOKEN, or their _FILE forms), and add the profile with --no-secret", err)
	case errors.As(err, &exists):
		return usageErrorf("%v; use --force to replace it, or remove it first", err)
	case errors.As(err, &none):
		return usageErrorf("%v; see 'hmacctl profile list'", err)
	}
	return workspaceError(err)
}

// warnOutcome says what a profile change left undone in the keyring,
// and what its name hides.
func warnOutcome(f *Factory, done *workspace.Outcome, name string) {
	warnKeyring(f, done.Warning)
	if done.Hides != "" {
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: profile %s hides the vendor %s: PROFILE %s now means the profile; give the profile another name to use the vendor by its name\n", name, done.Hides, name)
	}
}

// warnKeyring says what a profile change left undone in the keyring.
func warnKeyring(f *Factory, warning error) {
	var left *workspace.KeyringLeftError
	if !errors.As(warning, &left) {
		return
	}
	if left.Moving {
		fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: the profile's secrets could not be moved: %v; store them again with 'hmacctl profile set-secret %s'\n", left.Err, left.Profile)
		return
	}
	// left.Err says "the OS keyring cannot be used (...)" itself.
	fmt.Fprintf(f.IO.ErrOut, "hmacctl: warning: %v; if it holds items for this profile (service %s, accounts %s/...), delete them with your OS's keyring tool\n", left.Err, keystore.Service, left.Profile)
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
			if vendorName == "" {
				if err := profiles.CheckProfileName(name); err != nil {
					return usageErrorf("%v", err)
				}
				return usageErrorf("--vendor is required; see 'hmacctl profile vendors'")
			}
			w := f.Workspace()
			if err := w.CheckNewName(name, force); err != nil {
				var exists *workspace.ProfileExistsError
				if errors.As(err, &exists) {
					return usageErrorf("profile %s exists; use --force to replace it", name)
				}
				return profileError(err)
			}
			scheme, err := w.VendorScheme(vendorName, variant)
			if err != nil {
				return profileError(err)
			}
			setValues, err := parseSettings(settings)
			if err != nil {
				return err
			}
			secrets := map[string]string{}
			if !noSecret {
				in := &secretInput{io: f.IO, fromStdin: map[string]bool{}}
				for cred, on := range stdinFlags {
					in.fromStdin[cred] = *on
				}
				for _, cred := range workspace.SecretCredentials(scheme) {
					v, err := in.read(name, cred)
					if err != nil {
						return err
					}
					secrets[cred] = v
				}
			}
			done, err := w.Add(workspace.NewProfile{
				Name:     name,
				Profile:  profiles.Profile{Vendor: vendorName, Variant: variant, BaseURL: baseURL, APIKey: apiKey},
				Settings: setValues,
				Secrets:  secrets,
				Replace:  force,
			})
			if err != nil {
				var exists *workspace.ProfileExistsError
				if errors.As(err, &exists) {
					return usageErrorf("profile %s exists; use --force to replace it", name)
				}
				return profileError(err)
			}
			warnOutcome(f, done, name)
			where := ""
			if len(secrets) > 0 {
				where = "; secrets in the OS keyring (service hmacctl, account " + name + "/...)"
			}
			fmt.Fprintf(f.IO.ErrOut, "Saved profile %s (vendor %s) in %s%s\n", name, vendorName, done.Path, where)
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
	_ = c.RegisterFlagCompletionFunc("set", completeSettingsOfFlag(f, &vendorName))
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
			w := f.Workspace()
			p, scheme, err := w.Saved(name)
			if err != nil {
				return profileError(err)
			}
			statuses, err := w.Credentials(name)
			if err != nil {
				return profileError(err)
			}
			type credInfo struct {
				Name   string `json:"name"`
				Set    bool   `json:"set"`
				Source string `json:"source"`
			}
			var creds []credInfo
			for _, st := range statuses {
				switch {
				case st.Source != nil:
					creds = append(creds, credInfo{st.Name, true, describeSource(*st.Source)})
				case st.KeyringUnavailable:
					creds = append(creds, credInfo{st.Name, false, "unknown: the OS keyring cannot be used"})
				default:
					creds = append(creds, credInfo{st.Name, false, "not set"})
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
			done, err := f.Workspace().Remove(name)
			if err != nil {
				return profileError(err)
			}
			warnKeyring(f, done.Warning)
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
			w := f.Workspace()
			_, scheme, err := w.Saved(name)
			if err != nil {
				return profileError(err)
			}
			creds := workspace.SecretCredentials(scheme)
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
			secrets := map[string]string{}
			for _, cred := range creds {
				v, err := in.read(name, cred)
				if err != nil {
					return err
				}
				secrets[cred] = v
			}
			if err := w.SetSecrets(name, secrets); err != nil {
				return profileError(err)
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
			done, err := f.Workspace().Rename(oldName, newName)
			if err != nil {
				var exists *workspace.ProfileExistsError
				if errors.As(err, &exists) {
					return usageErrorf("profile %s exists; remove it first", newName)
				}
				return profileError(err)
			}
			warnOutcome(f, done, newName)
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
