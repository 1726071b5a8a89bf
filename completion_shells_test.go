package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// bashCompletion is where Debian's bash-completion package keeps the
// functions (_get_comp_words_by_ref) that the bash script relies on.
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// TestShellCompletion runs the committed completion scripts in bash and
// fish, as each shell runs them when the user presses Tab: the script
// asks 'hmacctl __complete' (the binary under test, on PATH) and offers
// what it prints. It skips a shell that is not installed (.ci/run
// installs bash-completion and fish).
func TestShellCompletion(t *testing.T) {
	bin := hmacctlBinary(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	// A saved profile named like a built-in vendor: offered once.
	if err := os.WriteFile(config, []byte("[profiles.woox]\nvendor = \"woox\"\n\n[profiles.main]\nvendor = \"bitget\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"), "HMACCTL_CONFIG="+config)
	cases := []struct {
		line string
		want []string
	}{
		{"hmacctl sign wo", []string{"woox", "woox-v1"}},
		{"hmacctl sign woox ", []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}},
		{"hmacctl sign woox GET /x --print ", []string{"canonical", "curl", "headers", "json", "signature"}},
		{"hmacctl verify woox GET /x --print ", []string{"json"}},
		{"hmacctl sign woox GET /x --color ", []string{"always", "auto", "never"}},
		{"hmacctl sign bitget GET /x --variant ", []string{"encoded-query"}},
		{"hmacctl request main GET /x --variant ", []string{"encoded-query"}},
		{"hmacctl sign binance GET /x --set ", []string{"recvWindow="}},
		{"hmacctl profile add x --vendor kucoin --set ", []string{"keyVersion="}},
		{"hmacctl profile show ", []string{"main", "woox"}},
		{"hmacctl profile re", []string{"remove", "rename"}},
	}
	shells := []struct {
		name   string
		needs  string // a file the shell needs besides itself
		script func(line string) string
	}{
		{"bash", bashCompletion, func(line string) string {
			return `source ` + bashCompletion + `
source completions/hmacctl.bash
line=$1
COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
read -ra COMP_WORDS <<< "$line"
[[ $line == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_hmacctl hmacctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"`
		}},
		{"fish", "", func(line string) string {
			return `source completions/hmacctl.fish; complete -C $argv[1]`
		}},
	}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			path, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("%s is not installed (Debian: apt-get install %s; .ci/run installs it)", sh.name, sh.name)
			}
			if _, err := os.Stat(sh.needs); sh.needs != "" && err != nil {
				t.Skipf("%s is missing (Debian: apt-get install bash-completion; .ci/run installs it)", sh.needs)
			}
			for _, c := range cases {
				var args []string
				if sh.name == "bash" {
					args = []string{"--norc", "--noprofile", "-c", sh.script(c.line), "bash", c.line}
				} else {
					args = []string{"--no-config", "-c", sh.script(c.line), c.line}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				cmd := exec.CommandContext(ctx, path, args...)
				cmd.Env = env
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				cancel()
				if err != nil {
					t.Errorf("%s completing %q: %v\n%s", sh.name, c.line, err, stderr.String())
					continue
				}
				var got []string
				for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
					if name, _, _ := strings.Cut(l, "\t"); name != "" {
						got = append(got, name)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, c.want) {
					t.Errorf("%s completing %q: %q, want %q", sh.name, c.line, got, c.want)
				}
			}
		})
	}
}
