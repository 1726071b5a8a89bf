package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestREADMEExamples runs every ```console block of README.md, so the
// guide cannot rot. In a block, a line "$ COMMAND" is run with sh, in a
// fresh directory with its own config and keyring; the lines after it, up
// to the next "$ " line, are its exact standard output. "$ export A=B"
// sets the environment for the rest of the block. "$ COMMAND &" starts a
// server in the background: the test gives it a free port in place of
// the one written (127.0.0.1:NNNN) and waits until it listens. "$ go
// install ." (the quick start's) installs nothing: the PATH of every
// block already has the hmacctl the test built from the same code.
func TestREADMEExamples(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := consoleBlocks(string(data))
	if len(blocks) < 10 {
		t.Fatalf("only %d console blocks in README.md", len(blocks))
	}
	bin := filepath.Dir(hmacctlBinary(t))
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) { runConsoleBlock(t, b, bin) })
	}
}

type consoleBlock struct {
	line  int
	steps []consoleStep
}

type consoleStep struct {
	command string
	output  []string
}

func consoleBlocks(readme string) []consoleBlock {
	var blocks []consoleBlock
	var cur *consoleBlock
	sc := bufio.NewScanner(strings.NewReader(readme))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```console":
			cur = &consoleBlock{line: n}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil && strings.HasPrefix(line, "$ "):
			cmd := strings.TrimPrefix(line, "$ ")
			for strings.HasSuffix(cmd, "\\") && sc.Scan() {
				n++
				cmd += "\n" + sc.Text() // sh reads backslash-newline as a continuation
			}
			cur.steps = append(cur.steps, consoleStep{command: cmd})
		case cur != nil && len(cur.steps) > 0:
			last := &cur.steps[len(cur.steps)-1]
			last.output = append(last.output, line)
		}
	}
	return blocks
}

var hostPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)

func runConsoleBlock(t *testing.T, b consoleBlock, bin string) {
	dir := t.TempDir()
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + dir,
		"HMACCTL_CONFIG=" + filepath.Join(dir, "config", "config.toml"),
		"HMACCTL_TEST_KEYSTORE_DIR=" + filepath.Join(dir, "keystore"),
	}
	ports := map[string]string{}
	var background []*exec.Cmd
	defer func() {
		for _, c := range background {
			c.Process.Kill()
			c.Wait()
		}
	}()
	for _, step := range b.steps {
		if strings.TrimSpace(step.command) == "go install ." {
			continue // the test's PATH has the hmacctl built from this code
		}
		cmd := hostPort.ReplaceAllStringFunc(step.command, func(addr string) string {
			if _, ok := ports[addr]; !ok {
				ports[addr] = freeAddress(t)
			}
			return ports[addr]
		})
		if rest, ok := strings.CutPrefix(cmd, "export "); ok {
			for _, kv := range strings.Fields(rest) {
				env = append(env, os.ExpandEnv(strings.Trim(kv, `'"`)))
			}
			continue
		}
		if bg, ok := strings.CutSuffix(strings.TrimSpace(cmd), "&"); ok {
			c := exec.Command("sh", "-c", "exec "+bg)
			c.Dir, c.Env = dir, env
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			background = append(background, c)
			waitListening(t, hostPort.FindString(cmd))
			continue
		}
		c := exec.Command("sh", "-c", cmd)
		c.Dir, c.Env = dir, env
		var stderr strings.Builder
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			t.Errorf("README.md:%d: $ %s\nfailed: %v\nstderr: %s", b.line, step.command, err, stderr.String())
		}
		got := strings.TrimRight(hostPort.ReplaceAllStringFunc(string(out), func(addr string) string {
			for written, real := range ports {
				if real == addr {
					return written
				}
			}
			return addr
		}), "\n")
		want := strings.TrimRight(strings.Join(step.output, "\n"), "\n")
		if got != want {
			t.Errorf("README.md:%d: $ %s\ngot:\n%s\nwant:\n%s\nstderr: %s", b.line, step.command, got, want, stderr.String())
		}
	}
}

func freeAddress(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// The README states the Go version go.mod requires.
func TestREADMEStatesGoModsGoVersion(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+(\.\d+)?)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	stated := regexp.MustCompile(`Go (\d+\.\d+(\.\d+)?) or later`).FindAllSubmatch(readme, -1)
	if len(stated) == 0 {
		t.Fatal(`README.md states no "Go X.Y.Z or later"`)
	}
	for _, s := range stated {
		if string(s[1]) != string(m[1]) {
			t.Errorf("README.md says Go %s or later; go.mod says go %s", s[1], m[1])
		}
	}
}

// A binary built in the clone (go build -o hmacctl ., or GoReleaser's
// dist/) stays out of git status.
func TestBuiltBinariesAreIgnored(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	if err := exec.Command(git, "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not in a git work tree")
	}
	for _, path := range []string{"hmacctl", "hmacctl.exe", "dist/hmacctl_linux_amd64_v1/hmacctl"} {
		if err := exec.Command(git, "check-ignore", "-q", "--no-index", path).Run(); err != nil {
			t.Errorf("git does not ignore %s (%v); add it to .gitignore", path, err)
		}
	}
	// Only the binary at the top: the cmd folder and the like are kept.
	if err := exec.Command(git, "check-ignore", "-q", "--no-index", "cmd/hmacctl").Run(); err == nil {
		t.Error("git ignores cmd/hmacctl: anchor the pattern (/hmacctl)")
	}
}
