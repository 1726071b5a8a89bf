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
)

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
	// Open opens a file to read at most a cap of it; nil means os.Open.
	Open func(string) (io.ReadCloser, error)
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
	readSecret := func(path string) ([]byte, error) { return f.readFileLimited(path, maxSecretFile) }
	return &workspace.Workspace{Getenv: f.Getenv, ReadFile: readSecret, Config: f.Config, ConfigPath: f.ConfigPath, Keystore: f.Keystore}
}

// NewFactory returns the Factory for a real process.
func NewFactory() *Factory {
	f := &Factory{
		IO:       System(),
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
