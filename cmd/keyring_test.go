package cmd

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/keystore"
)

// keyringBound stands in for keystore's 5-second bound in these tests.
const keyringBound = 400 * time.Millisecond

// hungKeyring never answers, like a Secret Service on a session bus that
// accepts connections and never replies. Its calls return only when the
// test ends; asked counts them.
type hungKeyring struct {
	release chan struct{}
	asked   *atomic.Int32
}

func newHungKeyring(t *testing.T) hungKeyring {
	k := hungKeyring{release: make(chan struct{}), asked: &atomic.Int32{}}
	t.Cleanup(func() { close(k.release) })
	return k
}

func (k hungKeyring) wait() {
	k.asked.Add(1)
	<-k.release
}

func (k hungKeyring) Get(service, account string) (string, error) {
	k.wait()
	return "", keystore.ErrNotFound
}
func (k hungKeyring) Set(service, account, secret string) error { k.wait(); return nil }
func (k hungKeyring) Delete(service, account string) error      { k.wait(); return nil }

// inProcess runs hmacctl commands through Main, each with a Factory of its
// own over test streams, all sharing one config file (in a temporary
// directory) and one keystore, as successive processes would.
type inProcess struct {
	t          *testing.T
	configPath string
	store      keystore.Store
}

// run is one command's outcome.
type run struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

func (p *inProcess) run(stdin string, args ...string) run {
	p.t.Helper()
	return p.runEnv(nil, stdin, args...)
}

// runEnv is run with the environment env.
func (p *inProcess) runEnv(env map[string]string, stdin string, args ...string) run {
	p.t.Helper()
	f := NewFactory()
	ios, in, out, errOut := Test()
	in.WriteString(stdin)
	f.IO = ios
	f.Getenv = func(name string) string {
		if name == "HMACCTL_CONFIG" {
			return p.configPath
		}
		return env[name]
	}
	f.Keystore = func() keystore.Store { return p.store }
	// Main reads its arguments from os.Args, as in a process: these tests
	// do not run in parallel.
	saved := os.Args
	os.Args = append([]string{"hmacctl"}, args...)
	defer func() { os.Args = saved }()
	start := time.Now()
	code := Main(f)
	return run{code: code, stdout: out.String(), stderr: errOut.String(), elapsed: time.Since(start)}
}

func (p *inProcess) mustRun(stdin string, args ...string) run {
	p.t.Helper()
	r := p.run(stdin, args...)
	if r.code != 0 {
		p.t.Fatalf("hmacctl %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// When the OS keyring never answers, each command that needs it gives up
// after keystore's bound (here a short one, in place of 5 s): exit 2 with
// one line on stderr naming the environment-variable alternative, or, for
// remove and rename, which change the config first and treat the keyring
// as best effort, exit 0 with one warning. Nothing on stdout; the profiles
// are as expected afterwards. This is the in-process form of
// TestKeyringUnavailable's "bus never answers" cases (the real keyring
// with a session bus that never answers waits out the real 5 s).
func TestKeyringNeverAnswers(t *testing.T) {
	const (
		testKey    = "AbmyVJGUpN064ks5ELjLfA=="
		testSecret = "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"
	)
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		want  string // on the one line of stderr
		// after is the profile wanted afterwards; empty for "as before",
		// "none" for none.
		after string
	}{
		{"add", testSecret + "\n", []string{"profile", "add", "new", "--vendor", "woox", "--api-key", testKey, "--secret-stdin"}, "HMACCTL_API_SECRET", ""},
		{"sign", "", []string{"sign", "saved", "GET", "/v3/algo/orders?algoType=STOP", "--timestamp", "1578565539808"}, "set HMACCTL_API_SECRET or HMACCTL_API_SECRET_FILE instead", ""},
		{"set-secret", "s\n", []string{"profile", "set-secret", "saved", "--secret-stdin"}, "HMACCTL_API_SECRET", ""},
		{"rename", "", []string{"profile", "rename", "saved", "other"}, "store them again with 'hmacctl profile set-secret other'", "other"},
		{"remove", "", []string{"profile", "remove", "saved"}, "delete them with your OS's keyring tool", "none"},
	} {
		t.Run(c.name, func(t *testing.T) {
			hung := newHungKeyring(t)
			p := &inProcess{
				t:          t,
				configPath: filepath.Join(t.TempDir(), "config.toml"),
				// The real OS store, bound and all, with the keyring
				// behind it replaced.
				store: &keystore.OS{Timeout: keyringBound, Keyring: hung},
			}
			// A saved profile whose secret may be in the keyring, as
			// written before profiles said whether they keep any.
			writeFile(t, p.configPath, "[profiles.saved]\nvendor = \"woox\"\napi_key = \""+testKey+"\"\n")

			r := p.run(c.stdin, c.args...)
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if c.after != "" {
				if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "hmacctl: warning: ") || !strings.Contains(lines[0], c.want) {
					t.Errorf("exit %d, stderr %q; want exit 0, one warning naming %q, then the result", r.code, r.stderr, c.want)
				}
			} else if r.code != 2 || len(lines) != 1 || !strings.HasPrefix(lines[0], "hmacctl: the OS keyring cannot be used") || !strings.Contains(lines[0], c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line naming %s", r.code, r.stderr, c.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if n := strings.Count(r.stderr, "keyring cannot be used"); n > 1 {
				t.Errorf("stderr says it %d times: %q", n, r.stderr)
			}
			// It waited for the keyring once, for the bound, and no more.
			if hung.asked.Load() != 1 || r.elapsed < keyringBound || r.elapsed >= 2*keyringBound {
				t.Errorf("asked the keyring %d times and took %v; want once, and between %v and %v (the bound, not twice)", hung.asked.Load(), r.elapsed, keyringBound, 2*keyringBound)
			}
			t.Logf("exit %d in %v: %s", r.code, r.elapsed.Round(time.Millisecond), lines[0])

			list := p.mustRun("", "profile", "list", "--json")
			switch c.after {
			case "":
				// Nothing changed: the profile is still there, no new one.
				if !strings.Contains(list.stdout, `"name": "saved"`) || strings.Contains(list.stdout, `"name": "new"`) {
					t.Errorf("profiles after the failure:\n%s", list.stdout)
				}
			case "none":
				if strings.Contains(list.stdout, `"name"`) {
					t.Errorf("profiles after remove:\n%s", list.stdout)
				}
			default:
				if !strings.Contains(list.stdout, `"name": "`+c.after+`"`) || strings.Contains(list.stdout, `"name": "saved"`) {
					t.Errorf("profiles after rename:\n%s", list.stdout)
				}
			}
		})
	}
}

// A profile saved with --no-secret says so in the config, and nothing
// asks the keyring for it: signing says which variables to set, show says
// the secret is not set, rename and remove say nothing about keyring
// items. The keyring here never answers, so one question would show as a
// wait and a warning.
func TestProfileWithoutSecretsAsksNoKeyring(t *testing.T) {
	hung := newHungKeyring(t)
	p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: &keystore.OS{Timeout: keyringBound, Keyring: hung}}
	p.mustRun("", "profile", "add", "ci", "--vendor", "woox", "--api-key", "k", "--no-secret")
	if data, err := os.ReadFile(p.configPath); err != nil || !strings.Contains(string(data), "secrets = false") {
		t.Errorf("config: %s, %v", data, err)
	}
	r := p.run("", "sign", "ci", "GET", "/v3/x")
	if r.code != 2 || r.stderr != "hmacctl: missing API secret for profile ci; store it with 'hmacctl profile set-secret ci', or set HMACCTL_API_SECRET or HMACCTL_API_SECRET_FILE\n" {
		t.Errorf("sign: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := p.mustRun("", "profile", "show", "ci"); !strings.Contains(r.stdout, "api_secret      not set") {
		t.Errorf("show:\n%s", r.stdout)
	}
	if r := p.mustRun("", "profile", "rename", "ci", "ci2"); r.stderr != "Renamed profile ci to ci2\n" {
		t.Errorf("rename: stderr %q, want the result alone", r.stderr)
	}
	if r := p.mustRun("", "profile", "remove", "ci2"); r.stderr != "Removed profile ci2\n" {
		t.Errorf("remove: stderr %q, want the result alone", r.stderr)
	}
	if n := hung.asked.Load(); n != 0 {
		t.Errorf("the keyring was asked %d times", n)
	}
}

// Without a D-Bus session bus, the real keystore answers at once that the
// keyring cannot be used, and the commands say which variables and flag
// to use instead, as for any unusable keyring.
func TestNoSessionBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service on D-Bus is Linux's keyring")
	}
	p := &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml"), store: &keystore.OS{Getenv: func(string) string { return "" }}}
	r := p.run("s3cret\n", "profile", "add", "main", "--vendor", "woox", "--api-key", "k", "--secret-stdin")
	want := "hmacctl: the OS keyring cannot be used (read: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)); keep the secrets in environment variables instead (HMACCTL_API_SECRET, HMACCTL_API_PASSPHRASE, HMACCTL_TOKEN, or their _FILE forms), and add the profile with --no-secret\n"
	if r.code != 2 || r.stdout != "" || r.stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", r.code, r.stdout, r.stderr, want)
	}
	if r.elapsed > 100*time.Millisecond {
		t.Errorf("took %v; want no wait", r.elapsed)
	}
	writeFile(t, p.configPath, "[profiles.saved]\nvendor = \"woox\"\napi_key = \"k\"\n")
	r = p.run("", "sign", "saved", "GET", "/v3/x")
	want = "hmacctl: the OS keyring cannot be used (read: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)); set HMACCTL_API_SECRET or HMACCTL_API_SECRET_FILE instead (or HMACCTL_SAVED_API_SECRET)\n"
	if r.code != 2 || r.stdout != "" || r.stderr != want {
		t.Errorf("sign: exit %d, stdout %q, stderr %q; want exit 2 and %q", r.code, r.stdout, r.stderr, want)
	}
}

// writeFile writes a test file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The shipped binary's keystore is the OS keyring itself, with keystore's
// 5-second bound: TestKeyringNeverAnswers differs from it only in the
// bound and in the keyring behind it.
func TestFactoryKeystoreIsTheBoundedOSKeyring(t *testing.T) {
	s, ok := NewFactory().Keystore().(*keystore.OS)
	if !ok || s.Timeout != 5*time.Second || s.Keyring != nil {
		t.Errorf("NewFactory().Keystore() = %#v, want the OS keyring (nil Keyring) with a 5s bound", s)
	}
}
