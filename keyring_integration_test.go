package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// secretServiceEnv gates TestRealKeyring: set to 1 inside a D-Bus session
// whose Secret Service is running and unlocked, as .ci/run sets it up.
const secretServiceEnv = "HMACCTL_TEST_SECRET_SERVICE"

const secretServiceHowTo = `needs a real Secret Service: run "bash .ci/run" (Debian: it installs gnome-keyring, dbus and libsecret-tools when missing), or by hand: ` +
	`dbus-run-session -- sh -c 'printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null && sleep 1 && ` +
	secretServiceEnv + `=1 go test -run "TestRealKeyring" -v .'`

// keyringRun is one hmacctl process run without the scripts' file-backed
// keystore, so that it uses the OS keyring.
type keyringRun struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// keyringEnv is the environment for hmacctl processes here: no
// credentials and no test keystore from the caller's environment, the
// config file in dir, and extra on top.
func keyringEnv(dir string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HMACCTL_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HMACCTL_CONFIG="+filepath.Join(dir, "config.toml"))
	return append(env, extra...)
}

// runWithKeyring runs bin (hmacctl) with env and stdin, bounded so that a
// keyring that hangs fails the test instead of the test binary's timeout.
func runWithKeyring(t *testing.T, bin string, env []string, stdin string, args ...string) keyringRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := keyringRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("hmacctl %s: no answer within 30s (stderr %q)", strings.Join(args, " "), r.stderr)
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// mustRun runs hmacctl and fails the test unless it exits 0.
func mustRun(t *testing.T, bin string, env []string, stdin string, args ...string) keyringRun {
	t.Helper()
	r := runWithKeyring(t, bin, env, stdin, args...)
	if r.code != 0 {
		t.Fatalf("hmacctl %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// secretTool runs secret-tool on the same session bus, from outside
// hmacctl; it returns the secret looked up and whether one was found.
func secretTool(t *testing.T, stdin string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "secret-tool", args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("secret-tool %s: no answer within 30s", strings.Join(args, " "))
	case errors.As(err, &exitErr) && args[0] == "lookup" && stderr.Len() == 0:
		return "", false // secret-tool lookup exits 1, silently, when nothing matches
	case err != nil:
		t.Fatalf("secret-tool %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n"), true
}

// lookup finds hmacctl's item for a profile's API secret as any other
// Secret Service client would: go-keyring stores the attributes
// "service" and "username".
func lookup(t *testing.T, profile string) (string, bool) {
	t.Helper()
	return secretTool(t, "", "lookup", "service", "hmacctl", "username", profile+"/api_secret")
}

// wooxSignature is WOO X v3's signature of the doc's example request.
func wooxSignature(secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("1578565539808GET/v3/algo/orders?algoType=STOP"))
	return hex.EncodeToString(mac.Sum(nil))
}

// TestRealKeyring drives the profile commands against a real Secret
// Service (gnome-keyring in .ci/run), and checks each item from outside
// with secret-tool.
func TestRealKeyring(t *testing.T) {
	if os.Getenv(secretServiceEnv) != "1" {
		t.Skip(secretServiceHowTo)
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Fatalf("%s=1 but secret-tool is missing: install libsecret-tools", secretServiceEnv)
	}
	// The session bus is part of what this test depends on; reading it
	// here also keeps go test from reusing a result from another session.
	t.Logf("session bus %s", os.Getenv("DBUS_SESSION_BUS_ADDRESS"))

	bin := hmacctlBinary(t)
	dir := t.TempDir()
	env := keyringEnv(dir)
	// Unique per run, so that reruns against a keyring that outlives the
	// test (a developer's own) never collide.
	name := fmt.Sprintf("itest-%d-%d", os.Getpid(), time.Now().UnixNano())
	renamed := name + "-renamed"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, p := range []string{name, renamed} {
			exec.CommandContext(ctx, "secret-tool", "clear", "service", "hmacctl", "username", p+"/api_secret").Run()
		}
	})
	const signed = "fddab579aff8c193f920c2d4f0cda6a21a60f06fd9c3916541ecc4f6461f5977"
	if got := wooxSignature(testSecret); got != signed {
		t.Fatalf("wooxSignature(doc secret) = %s, want the doc's %s", got, signed)
	}
	sign := func(profile string) string {
		t.Helper()
		r := mustRun(t, bin, env, "", "sign", profile, "GET", "/v3/algo/orders?algoType=STOP", "--timestamp", "1578565539808", "--print", "signature")
		return strings.TrimSpace(r.stdout)
	}

	// add: the secret goes to the keyring, never to the config file.
	r := mustRun(t, bin, env, testSecret+"\n", "profile", "add", name, "--vendor", "woox", "--api-key", testKey, "--secret-stdin")
	if !strings.Contains(r.stderr, "Saved profile "+name+" (vendor woox)") {
		t.Errorf("profile add: stderr %q", r.stderr)
	}
	if got, ok := lookup(t, name); !ok || got != testSecret {
		t.Fatalf("secret-tool after add: %q (found %v), want the secret", got, ok)
	}
	config, err := os.ReadFile(filepath.Join(dir, "config.toml"))
	if err != nil || strings.Contains(string(config), testSecret) || !strings.Contains(string(config), testKey) {
		t.Errorf("config file: %v\n%s", err, config)
	}

	// show: where the secret comes from, never its value.
	r = mustRun(t, bin, env, "", "profile", "show", name)
	if !regexp.MustCompile(`(?m)^  api_secret +set, from OS keyring$`).MatchString(r.stdout) || strings.Contains(r.stdout, testSecret) {
		t.Errorf("profile show:\n%s", r.stdout)
	}

	// sign with the stored secret: the WOO X doc's example signature.
	if got := sign(name); got != signed {
		t.Errorf("sign with the stored secret: %q, want %s", got, signed)
	}

	// set-secret replaces the item; secret-tool sees the new value.
	r = mustRun(t, bin, env, "another-secret\n", "profile", "set-secret", name, "--secret-stdin")
	if got, ok := lookup(t, name); !ok || got != "another-secret" {
		t.Fatalf("secret-tool after set-secret: %q (found %v), want another-secret", got, ok)
	}
	if got := sign(name); got != wooxSignature("another-secret") {
		t.Errorf("sign after set-secret: %q, want %s", got, wooxSignature("another-secret"))
	}

	// An item written from outside is the one hmacctl reads.
	secretTool(t, testSecret, "store", "--label", "hmacctl test", "service", "hmacctl", "username", name+"/api_secret")
	if got := sign(name); got != signed {
		t.Errorf("sign after secret-tool store: %q, want %s", got, signed)
	}

	// rename moves the item.
	mustRun(t, bin, env, "", "profile", "rename", name, renamed)
	if got, ok := lookup(t, name); ok {
		t.Errorf("secret-tool after rename: the old item is still there (%q)", got)
	}
	if got, ok := lookup(t, renamed); !ok || got != testSecret {
		t.Fatalf("secret-tool after rename: %q (found %v), want the secret under the new name", got, ok)
	}
	if got := sign(renamed); got != signed {
		t.Errorf("sign after rename: %q, want %s", got, signed)
	}

	// remove deletes the item and the profile.
	r = mustRun(t, bin, env, "", "profile", "remove", renamed)
	if !strings.Contains(r.stderr, "Removed profile "+renamed) {
		t.Errorf("profile remove: stderr %q", r.stderr)
	}
	if got, ok := lookup(t, renamed); ok {
		t.Errorf("secret-tool after remove: the item is still there (%q)", got)
	}
	if r := runWithKeyring(t, bin, env, "", "profile", "show", renamed); r.code != 2 || !strings.Contains(r.stderr, "no saved profile "+renamed) {
		t.Errorf("profile show after remove: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestKeyringUnavailable: when there is no keyring at all (a session bus
// address where nothing listens, or none set, as on a headless machine,
// in a container or over SSH), each command that needs it fails at once,
// with one line on stderr naming the environment-variable alternative and
// nothing on stdout, and exits 2; remove and rename warn and succeed. It
// needs no keyring. With no bus address set, go-keyring is not called at
// all: its D-Bus library would autolaunch a dbus-daemon and a
// gnome-keyring-daemon (where dbus-launch is installed) that outlive the
// command.
//
// A keyring that never answers (a session bus that accepts connections and
// never replies) waits out keystore's 5-second bound, which a process
// cannot shorten: cmd's TestKeyringNeverAnswers runs the same commands, with
// the same assertions, in-process over keystore.OS with a short bound and a
// keyring that never answers.
func TestKeyringUnavailable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux's keyring")
	}
	dir := t.TempDir()
	bin := hmacctlBinary(t)
	noBus := "unix:path=" + filepath.Join(dir, "no-such-socket")
	commands := []struct {
		name  string
		stdin string
		args  []string
		want  string // on the one line of stderr
		// after is the profile list wanted afterwards; empty for "as
		// before". remove and rename change the config first and treat
		// the keyring as best effort: they succeed with a warning.
		after string
	}{
		{"add", testSecret + "\n", []string{"profile", "add", "new", "--vendor", "woox", "--api-key", testKey, "--secret-stdin"}, "HMACCTL_API_SECRET", ""},
		{"sign", "", []string{"sign", "saved", "GET", "/v3/algo/orders?algoType=STOP", "--timestamp", "1578565539808"}, "set HMACCTL_API_SECRET or HMACCTL_API_SECRET_FILE instead", ""},
		{"set-secret", "s\n", []string{"profile", "set-secret", "saved", "--secret-stdin"}, "HMACCTL_API_SECRET", ""},
		{"rename", "", []string{"profile", "rename", "saved", "other"}, "store them again with 'hmacctl profile set-secret other'", "other"},
		{"remove", "", []string{"profile", "remove", "saved"}, "delete them with your OS's keyring tool", "none"},
	}
	buses := []struct {
		name string
		env  []string // added to keyringEnv, which leaves the caller's bus out
		want string   // on the line, too
	}{
		{"no bus", []string{"DBUS_SESSION_BUS_ADDRESS=" + noBus}, ""},
		{"unset bus", nil, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"},
	}
	for _, bus := range buses {
		for _, c := range commands {
			t.Run(bus.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				cfgDir := t.TempDir()
				env := append(withoutSessionBus(keyringEnv(cfgDir)), bus.env...)
				// A saved profile whose secret may be in the keyring, as
				// written before profiles said whether they keep any.
				if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte("[profiles.saved]\nvendor = \"woox\"\napi_key = \""+testKey+"\"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				r := runWithKeyring(t, bin, env, c.stdin, c.args...)
				if !strings.Contains(r.stderr, bus.want) {
					t.Errorf("stderr %q does not say %q", r.stderr, bus.want)
				}
				if bus.env == nil && r.elapsed > time.Second {
					t.Errorf("took %v without a bus; want no wait", r.elapsed)
				}
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
				if r.elapsed >= 10*time.Second {
					t.Errorf("took %v, want well under 10s (keystore's bound is 5s)", r.elapsed)
				}
				t.Logf("exit %d in %v: %s", r.code, r.elapsed.Round(time.Millisecond), lines[0])
				show := mustRun(t, bin, env, "", "profile", "list", "--json")
				switch c.after {
				case "":
					// Nothing changed: the profile is still there, no new one.
					if !strings.Contains(show.stdout, `"name": "saved"`) || strings.Contains(show.stdout, `"name": "new"`) {
						t.Errorf("profiles after the failure:\n%s", show.stdout)
					}
				case "none":
					if strings.Contains(show.stdout, `"name"`) {
						t.Errorf("profiles after remove:\n%s", show.stdout)
					}
				default:
					if !strings.Contains(show.stdout, `"name": "`+c.after+`"`) || strings.Contains(show.stdout, `"name": "saved"`) {
						t.Errorf("profiles after rename:\n%s", show.stdout)
					}
				}
			})
		}
	}
}

// withoutSessionBus is env without DBUS_SESSION_BUS_ADDRESS.
func withoutSessionBus(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			out = append(out, kv)
		}
	}
	return out
}
