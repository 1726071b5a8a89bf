package cmd

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/keystore"
)

// Duration flags take Go's form, a bare number of seconds, and days.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30": 30 * time.Second, "-1.5": -1500 * time.Millisecond, "0": 0, "+2": 2 * time.Second,
		"200ms": 200 * time.Millisecond, "-1.5s": -1500 * time.Millisecond, "2h45m": 2*time.Hour + 45*time.Minute,
		"2d": 48 * time.Hour, "1d12h": 36 * time.Hour, "-1d": -24 * time.Hour, "0.5d": 12 * time.Hour,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "5parsecs", "d", "1dd", "2d-3h", "1e3", "NaN", "-", "1.2.3", "99999999999999d"} {
		if got, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestDurationFlags(t *testing.T) {
	f, _, _ := testFactory(nil)
	var verifyOpts *VerifyOptions
	c := NewCmdVerify(f, func(o *VerifyOptions) error { verifyOpts = o; return nil })
	c.SetArgs([]string{"woox", "GET", "/", "--signature", "00", "--timestamp", "1", "--max-age", "30"})
	if err := c.Execute(); err != nil || verifyOpts.MaxAge != 30*time.Second || !verifyOpts.MaxAgeGiven {
		t.Errorf("--max-age 30: %v, %+v", err, verifyOpts)
	}
	c = NewCmdVerify(f, func(o *VerifyOptions) error { verifyOpts = o; return nil })
	c.SetArgs([]string{"woox", "GET", "/", "--signature", "00", "--timestamp", "1", "--max-age", "2d"})
	if err := c.Execute(); err != nil || verifyOpts.MaxAge != 48*time.Hour {
		t.Errorf("--max-age 2d: %v, %+v", err, verifyOpts)
	}
	var signOpts *SignOptions
	c = NewCmdSign(f, func(o *SignOptions) error { signOpts = o; return nil })
	c.SetArgs([]string{"woox", "GET", "/", "--time-offset", "-1.5"})
	if err := c.Execute(); err != nil || signOpts.Request.TimeOffset != -1500*time.Millisecond {
		t.Errorf("--time-offset -1.5: %v, %+v", err, signOpts)
	}

	// A bad value: one line naming the flag and the value, exit 2.
	for _, args := range [][]string{
		{"verify", "woox", "GET", "/", "--signature", "00", "--timestamp", "1", "--max-age", "abc"},
		{"sign", "woox", "GET", "/", "--time-offset", "abc"},
	} {
		r := runMain(t, args...)
		flag := args[len(args)-2]
		if want := "hmacctl: " + flag + ` "abc": not a duration; write 30s, 5m, 2h or 1d` + "\n"; r.code != 2 || r.stderr != want || r.stdout != "" {
			t.Errorf("%s abc: exit %d, stdout %q, stderr %q; want exit 2 and %q", flag, r.code, r.stdout, r.stderr, want)
		}
	}

	// Help shows the defaults as people write them, and none for zero.
	help := runMain(t, "verify", "--help").stdout
	if !strings.Contains(help, "--max-age duration ") || !strings.Contains(help, "(default 5m)") {
		t.Errorf("verify --help:\n%s", help)
	}
	help = runMain(t, "sign", "--help").stdout
	if !strings.Contains(help, "--time-offset duration ") || strings.Contains(help, "default 0") {
		t.Errorf("sign --help:\n%s", help)
	}
	for d, want := range map[time.Duration]string{0: "0", 30 * time.Second: "30s", 5 * time.Minute: "5m", time.Hour: "1h", 90 * time.Minute: "1h30m", 1500 * time.Millisecond: "1.5s"} {
		if got := (durationFlag{&d}).String(); got != want {
			t.Errorf("%v shown as %q, want %q", d, got, want)
		}
	}
}

// runMain runs hmacctl's Main in-process over test streams, with the WOO
// X doc's credentials and an empty config.
func runMain(t *testing.T, args ...string) run {
	t.Helper()
	p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: keystore.NewMemory()}
	return p.runEnv(wooxEnv, "", args...)
}

// Errors name the thing: counts in the singular where there is one, a
// near miss with what was meant.
func TestUsageErrorsNameTheThing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"profile", "show"}, "hmacctl: hmacctl profile show needs 1 argument (NAME), got 0; see 'hmacctl profile show --help'"},
		{[]string{"profile", "rename", "a"}, "hmacctl: hmacctl profile rename needs 2 arguments (OLD NEW), got 1; see 'hmacctl profile rename --help'"},
		{[]string{"profile", "vendors", "x"}, "hmacctl: hmacctl profile vendors takes no arguments, got 1; see 'hmacctl profile vendors --help'"},
		{[]string{"sgin"}, `hmacctl: unknown command "sgin" for "hmacctl"; did you mean "sign"?`},
		{[]string{"profile", "lst"}, `hmacctl: unknown command "lst" for "hmacctl profile"; did you mean "list"?`},
		{[]string{"profile", "renmae", "a", "b"}, `hmacctl: unknown command "renmae" for "hmacctl profile"; did you mean "rename"?`},
		{[]string{"completion", "tcsh"}, `hmacctl: unknown command "tcsh" for "hmacctl completion"; see 'hmacctl completion --help'`},
		{[]string{"completion", "bsah"}, `hmacctl: unknown command "bsah" for "hmacctl completion"; did you mean "bash"?`},
		{[]string{"sign", "woox", "GET", "/", "--pritn", "json"}, "hmacctl: unknown flag: --pritn; did you mean --print?"},
		{[]string{"sign", "woox", "GET", "/", "--colr", "never"}, "hmacctl: unknown flag: --colr; did you mean --color?"},
		{[]string{"sign", "woox", "GET", "/", "--frobnicate"}, "hmacctl: unknown flag: --frobnicate; see 'hmacctl sign --help'"},
		{[]string{"sign", "woox", "GET", "/", "--print", "headrs"}, `hmacctl: --print "headrs" is not one of canonical, signature, headers, curl, json; did you mean headers?`},
		{[]string{"verify", "woox", "GET", "/", "--timestamp", "1", "--signature", "00", "--print", "jsno"}, `hmacctl: --print "jsno": verify prints text or json; did you mean json?`},
		{[]string{"sign", "woox", "GET", "/", "--color", "nevr"}, `hmacctl: --color must be auto, always or never, not "nevr"; did you mean never?`},
		{[]string{"sign", "Woox", "GET", "/"}, `hmacctl: no profile or vendor named "Woox"; did you mean woox?`},
		{[]string{"sign", "okex", "GET", "/"}, `hmacctl: no profile or vendor named "okex"; did you mean okx?`},
		{[]string{"profile", "add", "x", "--vendor", "KuCoin", "--no-secret"}, `hmacctl: unknown vendor "KuCoin"; did you mean kucoin?`},
		{[]string{"sign", "binance", "GET", "/", "--set", "recvwindow=1"}, "hmacctl: --set recvwindow: binance has no such setting (known: recvWindow); did you mean recvWindow?"},
	} {
		r := runMain(t, tc.args...)
		if r.code != 2 || r.stdout != "" || r.stderr != tc.want+"\n" {
			t.Errorf("hmacctl %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.want)
		}
	}
	// A group alone shows its help, as before.
	if r := runMain(t, "profile"); r.code != 0 || !strings.Contains(r.stdout, "hmacctl profile [command]") {
		t.Errorf("hmacctl profile: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct {
		s          string
		candidates []string
		want       string
	}{
		{"Woox", []string{"woox", "woox-v1"}, "woox"},
		{"sgin", []string{"request", "sign", "verify"}, "sign"},
		{"pritn", []string{"print", "profile"}, "print"},
		{"bnance", []string{"binance", "bitget"}, "binance"},
		{"coinbase", []string{"coinbase-exchange"}, "coinbase-exchange"},
		{"xyz", []string{"woox", "okx"}, ""},
		{"a", []string{"b"}, ""},
		{"", []string{"a"}, ""},
		{"sign", []string{"sign"}, ""},
	} {
		if got := closest(tc.s, tc.candidates); got != tc.want {
			t.Errorf("closest(%q, %q) = %q, want %q", tc.s, tc.candidates, got, tc.want)
		}
	}
}

// --print json always has variant: null when none, the name otherwise;
// for sign and for verify.
func TestPrintJSONHasVariant(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want any
	}{
		{[]string{"sign", "woox", "GET", "/v3/x", "--print", "json"}, nil},
		{[]string{"sign", "bitget", "GET", "/api/v2/x?a=b", "--print", "json", "--variant", "encoded-query"}, "encoded-query"},
		{[]string{"verify", "woox", "GET", "/v3/x", "--timestamp", "1578565539808", "--signature", "00", "--print", "json"}, nil},
		{[]string{"verify", "fig", "GET", "/x", "--timestamp", "1703123456", "--signature", "00", "--print", "json", "--variant", "no-timestamp"}, "no-timestamp"},
	} {
		env := map[string]string{"HMACCTL_API_KEY": "k", "HMACCTL_API_SECRET": "s", "HMACCTL_API_PASSPHRASE": "p", "HMACCTL_TOKEN": "t"}
		p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: keystore.NewMemory()}
		r := p.runEnv(env, "", tc.args...)
		var out map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("hmacctl %s: %v; stdout %q, stderr %q", strings.Join(tc.args, " "), err, r.stdout, r.stderr)
		}
		if v, ok := out["variant"]; !ok || v != tc.want {
			t.Errorf("hmacctl %s: variant %#v (present %v), want %#v", strings.Join(tc.args, " "), v, ok, tc.want)
		}
	}
}

// A profile named like a vendor hides it: add and rename say so.
func TestProfileNamedLikeAVendorWarns(t *testing.T) {
	p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: keystore.NewMemory()}
	r := p.mustRun("", "profile", "add", "main", "--vendor", "woox", "--no-secret")
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("add main: %q", r.stderr)
	}
	r = p.mustRun("", "profile", "rename", "main", "binance")
	want := "hmacctl: warning: profile binance hides the vendor binance: PROFILE binance now means the profile; give the profile another name to use the vendor by its name\nRenamed profile main to binance\n"
	if r.stderr != want {
		t.Errorf("rename to binance: stderr %q, want %q", r.stderr, want)
	}
	r = p.mustRun("", "profile", "add", "okx", "--vendor", "woox", "--no-secret")
	if !strings.HasPrefix(r.stderr, "hmacctl: warning: profile okx hides the vendor okx") {
		t.Errorf("add okx: stderr %q", r.stderr)
	}
}

// A saved profile's setting of the wrong type names the profile and the
// config file; a good --set overrides it.
func TestSavedSettingOfTheWrongType(t *testing.T) {
	p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: keystore.NewMemory()}
	writeFile(t, p.configPath, "[profiles.fast]\nvendor = \"binance\"\nsecrets = false\n[profiles.fast.settings]\nrecvWindow = \"9s\"\n")
	r := p.runEnv(wooxEnv, "", "sign", "fast", "GET", "/api/v3/account")
	want := "hmacctl: profile fast's setting recvWindow=9s in the config file: binance's recvWindow is a whole number, such as 5000; fix the config file, or override it with --set recvWindow=VALUE\n"
	if r.code != 2 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", r.code, r.stderr, want)
	}
	if r := p.runEnv(wooxEnv, "", "sign", "fast", "GET", "/api/v3/account", "--set", "recvWindow=9000", "--print", "canonical"); r.code != 0 || !strings.HasPrefix(r.stdout, "recvWindow=9000&") {
		t.Errorf("with --set: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
