package cmd

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/spf13/cobra"
)

// The completion scripts in completions/ call 'hmacctl __complete ARGS'
// and offer what it prints; these tests run that request the way the
// scripts do.

const completionConfig = `[profiles.main]
vendor = "bitget"

[profiles.ci]
vendor = "acme"

[vendors.acme]
title = "ACME"
base_url = "https://api.acme.test/v2"
credentials = ["api_key", "api_secret"]
timestamp = { format = "unix" }
signature = { hash = "sha256", message = 'method + "\n" + path + "\n" + timestamp + "\n" + body', encoding = "hex" }
headers = [{ name = "X-Key", value = 'api_key' }, { name = "X-Sign", value = 'signature' }, { name = "X-Time", value = 'timestamp' }]

[vendors.acme.variants.legacy]
description = "the old message order"

[vendors.acme.variants.legacy.signature]
message = 'timestamp + method + path + body'
`

// completionFactory is testFactory over a config with two saved
// profiles (main on bitget, ci on the user's own vendor acme) and acme.
func completionFactory(t *testing.T) *Factory {
	t.Helper()
	return configFactory(t, completionConfig)
}

// configFactory is testFactory over a config file holding config.
func configFactory(t *testing.T, config string) *Factory {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := profiles.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _, _ := testFactory(nil)
	f.Config = func() (*profiles.Config, error) { return cfg, nil }
	return f
}

// complete runs 'hmacctl __complete args...' and returns the candidates
// (descriptions dropped) and the directive line.
func complete(t *testing.T, f *Factory, args ...string) ([]string, string) {
	t.Helper()
	root := NewCmdRoot(f)
	root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
	if err := root.Execute(); err != nil {
		t.Fatalf("__complete %q: %v", args, err)
	}
	out := f.IO.Out.(interface{ String() string }).String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %q printed %q, with no directive line", args, out)
	}
	var names []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		names = append(names, name)
	}
	return names, lines[len(lines)-1]
}

func TestDynamicCompletion(t *testing.T) {
	noFiles := ":" + strconv.Itoa(int(cobra.ShellCompDirectiveNoFileComp))
	builtin := profiles.BuiltinNames()
	for _, tt := range []struct {
		args    []string
		want    []string // all of these, in this order among the rest
		exactly bool     // and nothing else
	}{
		// PROFILE: saved profiles, then vendors (built-in and the user's).
		{args: []string{"sign", ""}, want: append([]string{"ci", "main", "acme"}, builtin...)},
		{args: []string{"request", ""}, want: []string{"ci", "main", "acme", "woox"}},
		{args: []string{"verify", ""}, want: []string{"main", "acme"}},
		// METHOD
		{args: []string{"sign", "woox", ""}, want: []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}, exactly: true},
		{args: []string{"request", "main", ""}, want: []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}, exactly: true},
		// --variant: the variants of the vendor or profile in PROFILE.
		{args: []string{"sign", "woox", "GET", "/x", "--variant", ""}, want: nil, exactly: true},
		{args: []string{"sign", "bitget", "GET", "/x", "--variant", ""}, want: []string{"encoded-query"}, exactly: true},
		{args: []string{"sign", "main", "GET", "/x", "--variant", ""}, want: []string{"encoded-query"}, exactly: true},
		{args: []string{"sign", "ci", "GET", "/x", "--variant", ""}, want: []string{"legacy"}, exactly: true},
		{args: []string{"sign", "acme", "GET", "/x", "--variant", ""}, want: []string{"legacy"}, exactly: true},
		{args: []string{"sign", "nosuch", "GET", "/x", "--variant", ""}, want: nil, exactly: true},
		// profile add: --vendor, then --variant of that vendor.
		{args: []string{"profile", "add", "x", "--vendor", ""}, want: append([]string{"acme"}, builtin...)},
		{args: []string{"profile", "add", "x", "--vendor", "bitget", "--variant", ""}, want: []string{"encoded-query"}, exactly: true},
		{args: []string{"profile", "add", "x", "--vendor", "acme", "--variant", ""}, want: []string{"legacy"}, exactly: true},
		// --print, --color: their values.
		{args: []string{"sign", "woox", "GET", "/x", "--print", ""}, want: []string{"canonical", "signature", "headers", "curl", "json"}, exactly: true},
		{args: []string{"verify", "woox", "GET", "/x", "--print", ""}, want: []string{"json"}, exactly: true},
		{args: []string{"sign", "woox", "GET", "/x", "--color", ""}, want: []string{"auto", "always", "never"}, exactly: true},
		{args: []string{"profile", "list", "--color", ""}, want: []string{"auto", "always", "never"}, exactly: true},
		// Commands that take a saved profile.
		{args: []string{"profile", "show", ""}, want: []string{"ci", "main"}, exactly: true},
		{args: []string{"profile", "remove", ""}, want: []string{"ci", "main"}, exactly: true},
	} {
		f := completionFactory(t)
		got, directive := complete(t, f, tt.args...)
		if directive != noFiles {
			t.Errorf("__complete %q: directive %s, want %s (no file completion)", tt.args, directive, noFiles)
		}
		if tt.exactly && !slices.Equal(got, tt.want) {
			t.Errorf("__complete %q = %q, want exactly %q", tt.args, got, tt.want)
			continue
		}
		if !inOrder(got, tt.want) {
			t.Errorf("__complete %q = %q, want %q among them in that order", tt.args, got, tt.want)
		}
	}
}

// --set completes the settings of the vendor typed, as NAME= with no
// space after, for the value.
func TestSettingCompletion(t *testing.T) {
	directive := ":" + strconv.Itoa(int(cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"sign", "binance", "GET", "/x", "--set", ""}, []string{"recvWindow="}},
		{[]string{"request", "bitmex", "GET", "/x", "--set", ""}, []string{"expires="}},
		{[]string{"profile", "add", "x", "--vendor", "kucoin", "--set", ""}, []string{"keyVersion="}},
		{[]string{"sign", "woox", "GET", "/x", "--set", ""}, nil},
	} {
		got, d := complete(t, completionFactory(t), tt.args...)
		if !slices.Equal(got, tt.want) || (tt.want != nil && d != directive) {
			t.Errorf("__complete %q = %q, %s; want %q, %s", tt.args, got, d, tt.want, directive)
		}
	}
	if got, _ := complete(t, completionFactory(t), "sign", "binance", "GET", "/x", "--set", "recvWindow="); len(got) != 0 {
		t.Errorf("the value completed as %q, want nothing", got)
	}
}

// A saved profile named like a vendor hides it: the name is offered once.
func TestCompletionListsANameOnce(t *testing.T) {
	f := configFactory(t, "[profiles.woox]\nvendor = \"woox\"\n[profiles.acct]\nvendor = \"okx\"\n")
	got, _ := complete(t, f, "sign", "")
	if want := append([]string{"acct", "woox"}, slices.DeleteFunc(profiles.BuiltinNames(), func(s string) bool { return s == "woox" })...); !slices.Equal(got, want) {
		t.Errorf("__complete sign '' = %q, want %q", got, want)
	}
}

// A config that cannot be read completes vendors and nothing worse: the
// shell must not break.
func TestDynamicCompletionWithABrokenConfig(t *testing.T) {
	f, _, _ := testFactory(nil)
	f.Config = func() (*profiles.Config, error) { return nil, os.ErrPermission }
	got, _ := complete(t, f, "sign", "")
	if !slices.Equal(got, profiles.BuiltinNames()) {
		t.Errorf("__complete sign '' = %q, want the built-in vendors %q", got, profiles.BuiltinNames())
	}
}

// inOrder reports whether want appears in got as a subsequence.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
