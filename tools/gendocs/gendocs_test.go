package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/cmd"
)

const regenerate = "run 'go generate ./...' (or 'go run ./tools/gendocs') at the module root and commit the result"

// TestGeneratedFilesAreUpToDate fails when completions/, docs/man/ or
// docs/reference/ differ from what the command tree generates: a command,
// flag or help text changed and the files were not regenerated.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	dir, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, d := range generatedDirs {
		committed, err := listDir(dir, d)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, name := range committed {
			if _, ok := files[name]; !ok {
				t.Errorf("%s is no longer generated", name)
				stale = append(stale, name)
			}
		}
	}
	for _, name := range sortedKeys(files) {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case os.IsNotExist(err):
			t.Errorf("%s is generated but not committed", name)
		case err != nil:
			t.Fatal(err)
		case !bytes.Equal(got, files[name]):
			t.Errorf("%s differs from what the code generates:\n%s", name, firstDifference(got, files[name]))
		default:
			continue
		}
		stale = append(stale, name)
	}
	if len(stale) > 0 {
		t.Errorf("%d generated files are out of date; %s", len(stale), regenerate)
	}
}

// TestCompletionCommandPrintsTheCommittedScripts checks that 'hmacctl
// completion SHELL', as a user runs it, prints completions/'s script.
func TestCompletionCommandPrintsTheCommittedScripts(t *testing.T) {
	dir, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for shell, file := range map[string]string{
		"bash":       "completions/hmacctl.bash",
		"zsh":        "completions/_hmacctl",
		"fish":       "completions/hmacctl.fish",
		"powershell": "completions/hmacctl.ps1",
	} {
		var out bytes.Buffer
		root := cmd.NewCmdRoot(newFactory(&out))
		root.SetArgs([]string{"completion", shell})
		if err := root.Execute(); err != nil {
			t.Fatalf("hmacctl completion %s: %v", shell, err)
		}
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatalf("%v; %s", err, regenerate)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("hmacctl completion %s differs from %s:\n%s\n%s", shell, file, firstDifference(want, out.Bytes()), regenerate)
		}
	}
}

// write leaves the generated folders holding exactly the generated files.
func TestWriteRemovesFilesNoLongerGenerated(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"completions/hmacctl.bash":  []byte("bash\n"),
		"docs/man/hmacctl.1":        []byte("man\n"),
		"docs/reference/hmacctl.md": []byte("md\n"),
	}
	if err := os.MkdirAll(filepath.Join(dir, "docs", "man"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docs/man/hmacctl-gone.1", "docs/vendors.md"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := write(dir, files); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "man", "hmacctl-gone.1")); !os.IsNotExist(err) {
		t.Errorf("a man page no longer generated was kept (stat: %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "vendors.md")); err != nil {
		t.Errorf("a hand-written file beside the generated folders was touched: %v", err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
}

// Generating twice gives the same bytes: nothing depends on the clock or
// on map order.
func TestGenerateIsDeterministic(t *testing.T) {
	a, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1")
	t.Setenv("HMACCTL_CONFIG", filepath.Join(t.TempDir(), "nonexistent.toml"))
	b, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sortedKeys(a), sortedKeys(b)) {
		t.Fatalf("two runs generated different files: %q and %q", sortedKeys(a), sortedKeys(b))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs:\n%s", name, firstDifference(a[name], b[name]))
		}
	}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// firstDifference describes the first line where committed and generated
// differ.
func firstDifference(committed, generated []byte) string {
	a, b := lines(committed), lines(generated)
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			return fmt.Sprintf("line %d: committed file ends, generated has %q", i+1, b[i])
		case i >= len(b):
			return fmt.Sprintf("line %d: generated file ends, committed has %q", i+1, a[i])
		case a[i] != b[i]:
			return fmt.Sprintf("line %d:\n  committed: %q\n  generated: %q", i+1, a[i], b[i])
		}
	}
	return "(no line differs)"
}

// lines splits data after each newline.
func lines(data []byte) []string {
	l := strings.SplitAfter(string(data), "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// man hmacctl and its Markdown page say the exit status, every
// environment variable hmacctl reads, and its files.
func TestManualSections(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	man, md := string(files["docs/man/hmacctl.1"]), string(files["docs/reference/hmacctl.md"])
	for _, section := range []string{"EXIT STATUS", "ENVIRONMENT", "FILES"} {
		if !strings.Contains(man, "\n.SH "+section+"\n") {
			t.Errorf("hmacctl.1 has no %s section", section)
		}
		if heading := "\n### " + section[:1] + strings.ToLower(section[1:]) + "\n"; !strings.Contains(md, heading) {
			t.Errorf("hmacctl.md has no %q", strings.TrimSpace(heading))
		}
	}
	if strings.Index(man, ".SH FILES") > strings.Index(man, ".SH SEE ALSO") {
		t.Error("hmacctl.1: the sections come after SEE ALSO")
	}
	for _, name := range []string{
		"HMACCTL_API_KEY", "HMACCTL_API_SECRET", "HMACCTL_API_PASSPHRASE", "HMACCTL_TOKEN",
		"HMACCTL_API_SECRET_FILE", "HMACCTL_TOKEN_FILE", "HMACCTL_<PROFILE>_API_SECRET", "HMACCTL_<PROFILE>_TOKEN",
		"HMACCTL_CONFIG", "NO_COLOR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "XDG_CONFIG_HOME", "DBUS_SESSION_BUS_ADDRESS",
		"config.toml",
	} {
		if !strings.Contains(md, name) {
			t.Errorf("hmacctl.md does not name %s", name)
		}
		if !strings.Contains(man, strings.ReplaceAll(name, "-", `\-`)) {
			t.Errorf("hmacctl.1 does not name %s", name)
		}
	}
	for code := 0; code <= 5; code++ {
		if !strings.Contains(man, fmt.Sprintf(".TP\n\\fB%d\\fP\n", code)) || !strings.Contains(md, fmt.Sprintf("* `%d`: ", code)) {
			t.Errorf("exit status %d is not described", code)
		}
	}
}

func TestRoffEscapes(t *testing.T) {
	for in, want := range map[string]string{`a-b`: `a\-b`, `C:\x`: `C:\ex`, ".start": `\&.start`, "'q": `\&'q`} {
		if got := roff(in); got != want {
			t.Errorf("roff(%q) = %q, want %q", in, got, want)
		}
	}
}
