package profiles_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/sign"
)

const userConfig = `# my hmacctl config
# (a comment hmacctl must keep)

[vendors.acme]
title = "ACME API"
base_url = "https://api.acme.test/v2"
credentials = ["api_key", "api_secret"]

[vendors.acme.timestamp]
format = "unix"

[vendors.acme.signature]
hash = "sha256"
message = 'method + "\n" + path_query + "\n" + timestamp + "\n" + body'
encoding = "base64"

[[vendors.acme.headers]]
name = "X-Acme-Key"
value = 'api_key'

[[vendors.acme.headers]]
name = "X-Acme-Signature"
value = 'signature'

[[vendors.acme.headers]]
name = "X-Acme-Time"
value = 'timestamp'

[profiles.old]
vendor = "woox"
`

func writeConfig(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hmacctl", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUpdateKeepsTheUsersTextAndRewritesProfiles(t *testing.T) {
	path := writeConfig(t, userConfig)
	err := profiles.Update(path, func(c *profiles.Config) error {
		delete(c.Profiles, "old")
		c.Profiles["main"] = profiles.Profile{Vendor: "acme", APIKey: "k1", Settings: map[string]string{"x": "1"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	text := string(data)
	userPart := userConfig[:strings.Index(userConfig, "[profiles.old]")]
	if !strings.HasPrefix(text, strings.TrimRight(userPart, "\n")) {
		t.Errorf("the user's part was not kept:\n%s", text)
	}
	if strings.Contains(text, "[profiles.old]") || !strings.Contains(text, "[profiles.main]") || !strings.Contains(text, "api_key = 'k1'") {
		t.Errorf("profiles not rewritten:\n%s", text)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	c, err := profiles.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Profiles["main"]; p.Vendor != "acme" || p.APIKey != "k1" || p.Settings["x"] != "1" || len(c.Profiles) != 1 {
		t.Errorf("profiles read back: %+v", c.Profiles)
	}
}

// The user's own vendor signs like a built-in one, headers in file order.
func TestUserVendor(t *testing.T) {
	c, err := profiles.LoadConfig(writeConfig(t, userConfig))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.UserVendors(); len(got) != 1 || got[0] != "acme" {
		t.Fatalf("user vendors %v", got)
	}
	v, err := c.Vendor("acme")
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Scheme("")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Sign(sign.Request{Method: "POST", BaseURL: s.BaseURL, Target: "/o?a=1", Body: []byte("{}"), Timestamp: "1700000000", Credentials: map[string]string{"api_key": "k", "api_secret": "s"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Canonical) != "POST\n/v2/o?a=1\n1700000000\n{}" || res.Headers[0].Name != "X-Acme-Key" || res.Headers[2].Name != "X-Acme-Time" {
		t.Errorf("canonical %q, headers %v", res.Canonical, res.Headers)
	}
	if _, err := c.Vendor("woox"); err != nil {
		t.Errorf("built-in vendors are still found: %v", err)
	}
	if _, err := c.Vendor("nosuch"); err == nil || !strings.Contains(err.Error(), "acme") {
		t.Errorf("unknown vendor error should list the user's: %v", err)
	}
}

func TestBadUserVendorNamesConfigLineAndField(t *testing.T) {
	bad := strings.Replace(userConfig, `encoding = "base64"`, `encoding = "base65"`, 1)
	path := writeConfig(t, bad)
	_, err := profiles.LoadConfig(path)
	want := path + ":15: vendors.acme.signature.encoding: unknown encoding"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// A corrupt config is an error with its path, and no update touches it.
func TestCorruptConfigIsNeverOverwritten(t *testing.T) {
	corrupt := "[profiles.x\nvendor = woox\n"
	path := writeConfig(t, corrupt)
	err := profiles.Update(path, func(c *profiles.Config) error {
		c.Profiles["new"] = profiles.Profile{Vendor: "woox"}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), path+":1") {
		t.Fatalf("got %v, want an error naming %s and the line", err, path)
	}
	if data, _ := os.ReadFile(path); string(data) != corrupt {
		t.Errorf("the corrupt file was changed to %q", data)
	}
}

// Concurrent updates under the lock: none is lost.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	path := writeConfig(t, userConfig)
	if got := updateConcurrently(t, 40, func(int) string { return path }); got != 41 {
		t.Errorf("%d profiles, want 41", got)
	}
}

// updateConcurrently adds n profiles at once, the i-th through the path
// pathFor(i), and counts the profiles afterwards.
func updateConcurrently(t *testing.T, n int, pathFor func(int) string) int {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := profiles.Update(pathFor(i), func(c *profiles.Config) error {
				c.Profiles[fmt.Sprintf("p%02d", i)] = profiles.Profile{Vendor: "woox"}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c, err := profiles.LoadConfig(pathFor(0))
	if err != nil {
		t.Fatal(err)
	}
	return len(c.Profiles)
}

// Writers reaching one config through a symlink and through its target
// take one lock: none loses another's profile.
func TestConcurrentUpdatesThroughASymlinkLoseNothing(t *testing.T) {
	target := writeConfig(t, userConfig)
	link := filepath.Join(t.TempDir(), "config.toml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	mixed := func(i int) string {
		if i%2 == 0 {
			return link
		}
		return target
	}
	if got := updateConcurrently(t, 50, mixed); got != 51 {
		t.Errorf("%d profiles, want 51", got)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a symlink: %v", err)
	}
}

func TestProfileNames(t *testing.T) {
	for _, ok := range []string{"woox", "woox-main", "a.b_c", "X1"} {
		if err := profiles.CheckProfileName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "a b", "a/b", strings.Repeat("a", 65), "é"} {
		if profiles.CheckProfileName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Profiles written as dotted keys or inline tables cannot be rewritten
// without changing the user's text: the update is refused, the file kept.
func TestUpdateRefusesProfilesItCannotRewrite(t *testing.T) {
	for _, text := range []string{
		"profiles.a.vendor = \"woox\"\n",
		"profiles = { a = { vendor = \"woox\" } }\n",
	} {
		path := writeConfig(t, text)
		err := profiles.Update(path, func(c *profiles.Config) error {
			c.Profiles["b"] = profiles.Profile{Vendor: "okx"}
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "write each profile as a [profiles.NAME] table") {
			t.Errorf("%q: got %v", text, err)
		}
		if data, _ := os.ReadFile(path); string(data) != text {
			t.Errorf("%q was changed to %q", text, data)
		}
	}
}

// A comment just above a kept table stays with it when the profile
// before it is removed.
func TestUpdateKeepsCommentsAboveTables(t *testing.T) {
	path := writeConfig(t, "[profiles.x]\nvendor = \"woox\"\n\n# about acme\n[vendors.acme]\nbase_url = \"https://a.test\"\ncredentials = [\"api_secret\"]\n[vendors.acme.signature]\nhash = \"sha256\"\nmessage = 'body'\nencoding = \"hex\"\n[[vendors.acme.headers]]\nname = \"X-Sig\"\nvalue = 'signature'\n")
	err := profiles.Update(path, func(c *profiles.Config) error {
		delete(c.Profiles, "x")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# about acme\n[vendors.acme]") {
		t.Errorf("got:\n%s", data)
	}
}

// A config that is a symlink (a dotfile manager's) stays a symlink: the
// file it points to is updated.
func TestUpdateFollowsASymlinkedConfig(t *testing.T) {
	real := writeConfig(t, "")
	link := filepath.Join(t.TempDir(), "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := profiles.Update(link, func(c *profiles.Config) error {
		c.Profiles["p"] = profiles.Profile{Vendor: "woox"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if data, _ := os.ReadFile(real); !strings.Contains(string(data), "[profiles.p]") {
		t.Errorf("the target was not updated:\n%s", data)
	}
}

// A profile saved without secrets says so in the file (secrets = false)
// and reads back the same; one without the field, as written before it
// existed, may keep secrets.
func TestProfileSecretsField(t *testing.T) {
	path := writeConfig(t, "[profiles.old]\nvendor = \"woox\"\n")
	none := false
	err := profiles.Update(path, func(c *profiles.Config) error {
		c.Profiles["env-only"] = profiles.Profile{Vendor: "woox", Secrets: &none}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "[profiles.env-only]\nvendor = 'woox'\nsecrets = false\n") || strings.Count(string(data), "secrets =") != 1 {
		t.Errorf("config:\n%s", data)
	}
	c, err := profiles.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profiles["env-only"].KeepsSecrets() || !c.Profiles["old"].KeepsSecrets() {
		t.Errorf("KeepsSecrets: env-only %v, old %v; want false, true", c.Profiles["env-only"].KeepsSecrets(), c.Profiles["old"].KeepsSecrets())
	}
}
