// Package keystore is the only code that touches where secrets are
// stored: the OS keyring (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux), through github.com/zalando/go-keyring. Every
// call is bounded by a timeout, so that a keyring that never answers (a
// headless machine, a locked collection) cannot hang a CI job.
package keystore

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name under which hmacctl keeps its items.
// Each item's account is "PROFILE/CREDENTIAL", e.g. "woox-main/api_secret".
const Service = "hmacctl"

// Store keeps secrets by service and account.
type Store interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// ErrNotFound says that no item exists for the account.
var ErrNotFound = errors.New("not in the keyring")

// UnavailableError says that the keyring cannot be used: none is running,
// it is locked, or it did not answer in time.
type UnavailableError struct {
	Op  string
	Err error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the OS keyring cannot be used (%s: %v)", e.Op, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Account is the keyring account for one credential of a profile.
func Account(profile, credential string) string { return profile + "/" + credential }

// DefaultTimeout is how long an OS keyring call may take when OS.Timeout
// is zero.
const DefaultTimeout = 5 * time.Second

// ErrNoSessionBus says that the Secret Service cannot be reached because
// there is no D-Bus session bus to reach it on.
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")

// OS is the Store of the operating system's keyring. Each call is bounded
// by Timeout: a keyring that does not answer in time gives an
// *UnavailableError, and so does any error other than "not found".
//
// On Linux and the BSDs the keyring is the Secret Service, on the D-Bus
// session bus. Without DBUS_SESSION_BUS_ADDRESS (a container, CI, an SSH
// session) no call is made and each one is an *UnavailableError wrapping
// ErrNoSessionBus at once: go-keyring's D-Bus library would otherwise
// autolaunch a dbus-daemon and a gnome-keyring-daemon that nobody stops,
// wait for them, and fail anyway.
type OS struct {
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// Keyring is where each call goes; nil means the operating system's
	// keyring, through go-keyring. Another Store here gets the same
	// bound and the same errors, which is how tests show what a keyring
	// that never answers does to a command.
	Keyring Store
	// Getenv reads the environment, for DBUS_SESSION_BUS_ADDRESS; nil
	// means os.Getenv.
	Getenv func(string) string
}

// NewOS returns the OS keyring with DefaultTimeout per call.
func NewOS() *OS { return &OS{Timeout: DefaultTimeout} }

// Get reads a secret.
func (s *OS) Get(service, account string) (string, error) {
	var secret string
	err := s.bounded("read", func(k Store) error {
		var err error
		secret, err = k.Get(service, account)
		return err
	})
	return secret, err
}

// Set writes a secret, replacing any.
func (s *OS) Set(service, account, secret string) error {
	return s.bounded("write", func(k Store) error { return k.Set(service, account, secret) })
}

// Delete removes a secret; removing one that is not there is ErrNotFound.
func (s *OS) Delete(service, account string) error {
	return s.bounded("delete", func(k Store) error { return k.Delete(service, account) })
}

// bounded runs a keyring call with the timeout. A call that times out is
// left running in its goroutine: there is no way to cancel it, and the
// process exits soon after.
func (s *OS) bounded(op string, call func(Store) error) error {
	k := s.Keyring
	if k == nil {
		if err := s.checkSessionBus(); err != nil {
			return &UnavailableError{Op: op, Err: err}
		}
		k = goKeyring{}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan error, 1)
	go func() { done <- call(k) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var unavailable *UnavailableError
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ErrNotFound):
			return ErrNotFound
		case errors.As(err, &unavailable):
			return err
		}
		return &UnavailableError{Op: op, Err: err}
	case <-timer.C:
		return &UnavailableError{Op: op, Err: fmt.Errorf("no answer within %s", timeout)}
	}
}

// checkSessionBus returns ErrNoSessionBus where go-keyring talks to the
// Secret Service over D-Bus and no session bus is set.
func (s *OS) checkSessionBus() error {
	if !usesSessionBus(runtime.GOOS) {
		return nil
	}
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return ErrNoSessionBus
	}
	return nil
}

// usesSessionBus reports whether go-keyring reaches the keyring over the
// D-Bus session bus on goos: Linux and the BSDs (go-keyring's
// keyring_unix.go).
func usesSessionBus(goos string) bool {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}

// goKeyring is the operating system's keyring, through go-keyring.
type goKeyring struct{}

func (goKeyring) Get(service, account string) (string, error) {
	secret, err := keyring.Get(service, account)
	return secret, notFound(err)
}

func (goKeyring) Set(service, account, secret string) error {
	return notFound(keyring.Set(service, account, secret))
}

func (goKeyring) Delete(service, account string) error {
	return notFound(keyring.Delete(service, account))
}

// notFound turns go-keyring's "not found" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// Memory is a Store in memory, for tests.
type Memory struct {
	items map[string]string
}

// NewMemory returns an empty in-memory Store.
func NewMemory() *Memory { return &Memory{items: map[string]string{}} }

// Get reads a secret.
func (m *Memory) Get(service, account string) (string, error) {
	v, ok := m.items[service+"\x00"+account]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set writes a secret.
func (m *Memory) Set(service, account, secret string) error {
	m.items[service+"\x00"+account] = secret
	return nil
}

// Delete removes a secret.
func (m *Memory) Delete(service, account string) error {
	if _, ok := m.items[service+"\x00"+account]; !ok {
		return ErrNotFound
	}
	delete(m.items, service+"\x00"+account)
	return nil
}
