// Command gendocs writes the files that hmacctl's Cobra command tree
// determines, so that they can be committed:
//
//	completions/     bash, zsh, fish and PowerShell completion scripts,
//	                 the same as 'hmacctl completion SHELL' prints
//	docs/man/        man pages, section 1
//	docs/reference/  a Markdown command reference
//
// Run it at the module root with
//
//	go generate ./...
//
// (generate.go at the module root holds the directive) or
// 'go run ./tools/gendocs'. It rewrites those three folders: files it no
// longer generates are removed. The output depends only on the code: not
// on the clock, the environment or the user's config. A test
// (gendocs_test.go) fails when the committed files differ from it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hmacctl/hmacctl/cmd"
	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// generatedDirs are the folders gendocs owns, relative to the module
// root. Everything in them is generated.
var generatedDirs = []string{"completions", "docs/man", "docs/reference"}

// manDate is the date in the man pages' headers. It is fixed so that the
// pages do not change with the day they are generated on.
var manDate = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

func main() {
	dir := flag.String("dir", "", "module root to write into (default: the one containing the working directory)")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if dir == "" {
		var err error
		if dir, err = moduleRoot(); err != nil {
			return err
		}
	}
	files, err := generate()
	if err != nil {
		return err
	}
	return write(dir, files)
}

// moduleRoot is the nearest folder, from the working directory up, that
// holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it; run from the hmacctl module or pass -dir")
		}
		dir = parent
	}
}

// newFactory returns a Factory that reads nothing from this machine (no
// environment, files, config or keyring) and writes to out.
func newFactory(out io.Writer) *cmd.Factory {
	return &cmd.Factory{
		IO:       &cmd.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: io.Discard},
		Now:      func() time.Time { return manDate },
		Getenv:   func(string) string { return "" },
		ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Config: func() (*profiles.Config, error) {
			return &profiles.Config{Profiles: map[string]profiles.Profile{}}, nil
		},
		ConfigPath: func() (string, error) { return "", errors.New("gendocs has no config file") },
		Keystore:   func() keystore.Store { return keystore.NewMemory() },
	}
}

// newRoot builds hmacctl's command tree as the generated files describe
// it: with the commands and flags Cobra adds only when it executes
// (completion, help, --version), and without "Auto generated on DATE"
// lines.
func newRoot() *cobra.Command {
	root := cmd.NewCmdRoot(newFactory(io.Discard))
	root.DisableAutoGenTag = true
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	return root
}

// generate returns every generated file, by its slash-separated path
// relative to the module root.
func generate() (map[string][]byte, error) {
	files := map[string][]byte{}

	root := newRoot()
	for _, s := range []struct {
		name string
		gen  func(io.Writer) error
	}{
		// As 'hmacctl completion SHELL' writes them, descriptions on.
		{"completions/hmacctl.bash", func(w io.Writer) error { return root.GenBashCompletionV2(w, true) }},
		{"completions/_hmacctl", root.GenZshCompletion},
		{"completions/hmacctl.fish", func(w io.Writer) error { return root.GenFishCompletion(w, true) }},
		{"completions/hmacctl.ps1", root.GenPowerShellCompletionWithDesc},
	} {
		var b bytes.Buffer
		if err := s.gen(&b); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		files[s.name] = b.Bytes()
	}

	tmp, err := os.MkdirTemp("", "gendocs")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, sub := range []string{"man", "reference"} {
		if err := os.Mkdir(filepath.Join(tmp, sub), 0o755); err != nil {
			return nil, err
		}
	}
	header := &doc.GenManHeader{
		Section: "1",
		Date:    &manDate,
		Source:  "hmacctl",
		Manual:  "hmacctl manual",
	}
	// A fresh tree for each: doc generation adds help flags as it goes.
	if err := doc.GenManTree(newRoot(), header, filepath.Join(tmp, "man")); err != nil {
		return nil, fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(newRoot(), filepath.Join(tmp, "reference")); err != nil {
		return nil, fmt.Errorf("markdown reference: %w", err)
	}
	for _, sub := range []string{"man", "reference"} {
		entries, err := os.ReadDir(filepath.Join(tmp, sub))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(tmp, sub, e.Name()))
			if err != nil {
				return nil, err
			}
			files["docs/"+sub+"/"+e.Name()] = data
		}
	}
	// hmacctl(1) and its Markdown page also say what the command tree
	// does not: exit status, environment, files.
	for name, insert := range map[string]struct {
		before string
		render func([]cmd.ManualSection) string
	}{
		"docs/man/hmacctl.1":        {"\n.SH SEE ALSO\n", manSections},
		"docs/reference/hmacctl.md": {"\n### SEE ALSO\n", markdownSections},
	} {
		data := string(files[name])
		at := strings.Index(data, insert.before)
		if at < 0 {
			return nil, fmt.Errorf("%s has no %q to put the manual's sections before", name, strings.TrimSpace(insert.before))
		}
		files[name] = []byte(data[:at] + insert.render(cmd.Manual()) + data[at:])
	}
	return files, nil
}

// manSections writes the manual's sections in roff, as go-md2man writes
// the rest of the page: a tagged paragraph per item.
func manSections(sections []cmd.ManualSection) string {
	var b strings.Builder
	for _, s := range sections {
		fmt.Fprintf(&b, "\n.SH %s\n", s.Title)
		if s.Intro != "" {
			fmt.Fprintf(&b, ".PP\n%s\n", roff(s.Intro))
		}
		for _, item := range s.Items {
			fmt.Fprintf(&b, ".TP\n\\fB%s\\fP\n%s\n", roff(item.Term), roff(item.Text))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// roff escapes text for a roff line: backslashes and hyphens, and a
// leading dot or quote, which would start a request.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// markdownSections writes the manual's sections as the Markdown
// reference writes the rest: "###" headings, then a list.
func markdownSections(sections []cmd.ManualSection) string {
	var b strings.Builder
	for _, s := range sections {
		title := strings.ToUpper(s.Title[:1]) + strings.ToLower(s.Title[1:])
		fmt.Fprintf(&b, "\n### %s\n\n", title)
		if s.Intro != "" {
			fmt.Fprintf(&b, "%s\n\n", s.Intro)
		}
		for _, item := range s.Items {
			fmt.Fprintf(&b, "* `%s`: %s\n", item.Term, item.Text)
		}
	}
	return b.String()
}

// write makes the generated folders under dir hold exactly files: it
// writes the files that differ and removes the ones not generated.
func write(dir string, files map[string][]byte) error {
	for _, d := range generatedDirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
		existing, err := listDir(dir, d)
		if err != nil {
			return err
		}
		for _, name := range existing {
			if _, ok := files[name]; !ok {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
					return err
				}
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// listDir lists the regular files directly in the folder d (slash
// separated, relative to dir), as slash-separated paths relative to dir.
func listDir(dir, d string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(d)))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, d+"/"+e.Name())
		}
	}
	return names, nil
}
