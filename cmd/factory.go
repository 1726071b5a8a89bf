// Package cmd holds hmacctl's commands. Commands are thin: they parse
// flags, call the sign and profiles packages, and print.
package cmd

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
	"github.com/hmacctl/hmacctl/workspace"

	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, with
// what the command needs to know about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// StdoutTTY reports whether Out is a terminal.
	StdoutTTY bool
	// StderrTTY reports whether ErrOut is a terminal.
	StderrTTY bool
	// StdinTTY reports whether In is a terminal.
	StdinTTY bool
	// ReadPassword reads a line from the terminal without echo.
	ReadPassword func() (string, error)
	// Color says whether Out may carry color escapes; set from --color,
	// NO_COLOR and StdoutTTY.
	Color bool
}

// Factory carries what every command shares. main builds one with
// NewFactory; tests build their own over buffers and a fixed clock.
type Factory struct {
	IO *IOStreams
	// Now is the clock.
	Now func() time.Time
	// Getenv reads an environment variable.
	Getenv func(string) string
	// ReadFile reads a file (bodies, credential files).
	ReadFile func(string) ([]byte, error)
	// Config loads the user's config file, once, when a command needs it.
	Config func() (*profiles.Config, error)
	// ConfigPath is where the config file is.
	ConfigPath func() (string, error)
	// Keystore is the secret store, opened when a command needs it.
	Keystore func() keystore.Store
}

// Workspace is the application layer over the factory's config file,
// keyring and environment: what resolves PROFILE and owns secrets.
func (f *Factory) Workspace() *workspace.Workspace {
	return &workspace.Workspace{Getenv: f.Getenv, ReadFile: f.ReadFile, Config: f.Config, ConfigPath: f.ConfigPath, Keystore: f.Keystore}
}

// NewFactory returns the Factory for a real process.
func NewFactory() *Factory {
	f := &Factory{
		IO: &IOStreams{
			In:        os.Stdin,
			Out:       os.Stdout,
			ErrOut:    os.Stderr,
			StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
			StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
			StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
			ReadPassword: func() (string, error) {
				b, err := term.ReadPassword(int(os.Stdin.Fd()))
				return string(b), err
			},
		},
		Now:      time.Now,
		Getenv:   os.Getenv,
		ReadFile: os.ReadFile,
		Keystore: func() keystore.Store { return keystore.NewOS() },
	}
	f.ConfigPath = func() (string, error) { return profiles.ConfigPath(f.Getenv) }
	f.Config = sync.OnceValues(func() (*profiles.Config, error) {
		path, err := f.ConfigPath()
		if err != nil {
			return nil, err
		}
		return profiles.LoadConfig(path)
	})
	return f
}
