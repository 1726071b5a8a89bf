package cmd

import (
	"fmt"
	"strings"

	"github.com/hmacctl/hmacctl/keystore"
)

// ManualSection is a part of hmacctl's manual that the command tree does
// not say: exit status, environment, files. tools/gendocs writes each into
// the hmacctl(1) man page and the Markdown reference, so that both say the
// same.
type ManualSection struct {
	// Title is the man page's section name: "EXIT STATUS".
	Title string
	// Intro is a paragraph before the items, or "".
	Intro string
	// Items are terms, each with its meaning.
	Items []ManualItem
}

// ManualItem is one term of a manual section and what it means.
type ManualItem struct {
	Term, Text string
}

// credentialVariables are the credentials read from the environment, as
// the suffixes of their variables.
var credentialVariables = []string{"API_KEY", "API_SECRET", "API_PASSPHRASE", "TOKEN"}

// Manual returns the manual's sections beyond the commands and flags.
func Manual() []ManualSection {
	var creds, fileVars, profileVars []string
	for _, c := range credentialVariables {
		creds = append(creds, "HMACCTL_"+c)
		fileVars = append(fileVars, "HMACCTL_"+c+"_FILE")
		profileVars = append(profileVars, "HMACCTL_<PROFILE>_"+c)
	}
	return []ManualSection{
		{
			Title: "EXIT STATUS",
			Items: []ManualItem{
				{fmt.Sprint(exitOK), "Success; for request, a 1xx-3xx response (or any, with --no-fail)."},
				{fmt.Sprint(exitMismatch), "verify: a signature that does not match, a request that cannot be verified, a checked timestamp outside --max-age, or --compare strings that differ. Otherwise an unexpected internal error."},
				{fmt.Sprint(exitBadInput), "Bad input: an unknown command, flag, vendor, profile or variant, a bad value, a missing credential, a keyring that cannot be used. One line on stderr says what is wrong and what to do; nothing is written to stdout."},
				{fmt.Sprint(exitNoResponse), "request: no response came (connection refused, DNS, timeout, TLS, reset), or the body broke off."},
				{fmt.Sprint(exitHTTP4xx), "request: a 4xx response; its body is printed."},
				{fmt.Sprint(exitHTTP5xx), "request: a 5xx response; its body is printed."},
			},
		},
		{
			Title: "ENVIRONMENT",
			Intro: "For each credential a vendor needs, the first found wins: --api-key (the API key only); the profile's own variable, or its _FILE form; the general variable, or its _FILE form; the saved profile's api_key (the API key only); the OS keyring, for a saved profile.",
			Items: []ManualItem{
				{strings.Join(creds, ", "), "The API key, API secret, API passphrase and bearer token, for any profile or vendor."},
				{strings.Join(fileVars, ", "), "A file holding the credential; one trailing newline (LF or CRLF) is dropped. When a variable and its _FILE form are both set, the variable wins and a warning says so."},
				{strings.Join(profileVars, ", ") + ", and their _FILE forms", "The same for one profile, before the general ones: the profile name upper-cased, other characters as _ (profile woox-main reads HMACCTL_WOOX_MAIN_API_SECRET)."},
				{"HMACCTL_CONFIG", "The config file's path, in place of the default (see FILES)."},
				{"XDG_CONFIG_HOME", "On Linux and the BSDs, the user config directory that holds hmacctl/config.toml (default ~/.config)."},
				{"NO_COLOR", "When set and not empty, no color (as --color never), unless --color always."},
				{"HTTPS_PROXY, HTTP_PROXY, NO_PROXY (or in lower case)", "The proxy for request's https and http URLs, and the hosts to reach directly."},
				{"DBUS_SESSION_BUS_ADDRESS", "On Linux and the BSDs, the D-Bus session bus where the OS keyring (the Secret Service) is. When it is not set, the keyring is not used: the commands that need it say which variables to set instead."},
			},
		},
		{
			Title: "FILES",
			Items: []ManualItem{
				{"~/.config/hmacctl/config.toml", "The config file on Linux and the BSDs ($XDG_CONFIG_HOME/hmacctl/config.toml); ~/Library/Application Support/hmacctl/config.toml on macOS; %AppData%\\hmacctl\\config.toml on Windows; $HMACCTL_CONFIG when set. TOML: the saved profiles ([profiles.NAME]) and the user's own vendors ([vendors.NAME]). Written with mode 0600, atomically, under a lock (config.toml.lock beside it); never holds a secret."},
				{fmt.Sprintf("OS keyring: service %q, account PROFILE/api_secret", keystore.Service), "A saved profile's secrets (also PROFILE/api_passphrase and PROFILE/token): the macOS Keychain, the Windows Credential Manager, or the Secret Service on Linux and the BSDs."},
			},
		},
	}
}
