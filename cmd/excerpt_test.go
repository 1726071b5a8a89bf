package cmd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A large body is shown to a person, and in JSON, as its first bytes, its
// size and its SHA-256; --print canonical still gives every byte.
func TestLargeBodiesAreShownBounded(t *testing.T) {
	p, path, body, canonical, sum := bigBodyCase(t, "a", 300000)

	view := p.runEnv(wooxEnv, "", "sign", "woox", "POST", "/v3/x", "-d", "@"+path, "--timestamp", "1700000000000")
	if view.code != 0 || len(view.stdout) > 2*maxShown || !strings.Contains(view.stdout, "… the first 65536 of 300022 bytes; SHA-256 of all of them "+hex.EncodeToString(sum[:])) {
		t.Errorf("readable view: exit %d, %d bytes", view.code, len(view.stdout))
	}
	js := p.runEnv(wooxEnv, "", "sign", "woox", "POST", "/v3/x", "-d", "@"+path, "--timestamp", "1700000000000", "--print", "json")
	var o signOutput
	if err := json.Unmarshal([]byte(js.stdout), &o); err != nil || len(js.stdout) > 4*maxShown || o.CanonicalSize != len(canonical) || o.CanonicalSHA256 != hex.EncodeToString(sum[:]) || len(*o.Canonical) != maxShown || o.BodySize != len(body) {
		t.Errorf("json: %v, %d bytes, size %d", err, len(js.stdout), o.CanonicalSize)
	}
	all := p.runEnv(wooxEnv, "", "sign", "woox", "POST", "/v3/x", "-d", "@"+path, "--timestamp", "1700000000000", "--print", "canonical")
	if all.stdout != canonical {
		t.Errorf("--print canonical gave %d bytes, want %d", len(all.stdout), len(canonical))
	}
}

// A body over the streaming threshold is signed from its file: every
// print mode still says the right thing, without the body in memory.
func TestStreamedBodyPrintModes(t *testing.T) {
	p, path, _, canonical, sum := bigBodyCase(t, "b", streamThreshold+100)
	args := []string{"sign", "woox", "POST", "/v3/x", "-d", "@" + path, "--timestamp", "1700000000000"}
	if all := p.runEnv(wooxEnv, "", append(args, "--print", "canonical")...); all.stdout != canonical {
		t.Errorf("--print canonical: %d bytes, want %d", len(all.stdout), len(canonical))
	}
	view := p.runEnv(wooxEnv, "", args...)
	if !strings.Contains(view.stdout, "canonical ("+strconv.Itoa(len(canonical))+" bytes)") || !strings.Contains(view.stdout, "SHA-256 of all of them "+hex.EncodeToString(sum[:])) {
		t.Errorf("readable view:\n%.300s", view.stdout)
	}
	if curl := p.runEnv(wooxEnv, "", append(args, "--print", "curl")...); !strings.HasSuffix(curl.stdout, "--data-binary @"+path+"\n") {
		t.Errorf("curl: %q", curl.stdout[max(0, len(curl.stdout)-200):])
	}
	js := p.runEnv(wooxEnv, "", append(args, "--print", "json")...)
	var o signOutput
	if err := json.Unmarshal([]byte(js.stdout), &o); err != nil || o.CanonicalSize != len(canonical) || o.CanonicalSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("json: %v, %d", err, o.CanonicalSize)
	}
}

// bigBodyCase writes a body of n copies of c to a file, and returns an
// in-process runner, the file, the body, woox's string to sign for
// POST /v3/x at 1700000000000 with that body, and its SHA-256.
func bigBodyCase(t *testing.T, c string, n int) (*inProcess, string, string, string, [32]byte) {
	t.Helper()
	body := strings.Repeat(c, n)
	path := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	canonical := "1700000000000POST/v3/x" + body
	return &inProcess{t: t, configPath: filepath.Join(t.TempDir(), "config.toml")}, path, body, canonical, sha256.Sum256([]byte(canonical))
}
