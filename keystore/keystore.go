// Package keystore is the only code that touches where secrets are
// stored: the OS keyring (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux), through github.com/zalando/go-keyring. Every
// call is bounded by a timeout, so that a keyring that never answers (a
// headless machine, a locked collection) cannot hang a CI job.
package keystore

import (
	"errors"
	"fmt"
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

// OS is the Store of the operating system's keyring.
type OS struct {
	// Timeout bounds each call.
	Timeout time.Duration
}

// NewOS returns the OS keyring with a 5-second timeout per call.
func NewOS() *OS { return &OS{Timeout: 5 * time.Second} }

// Get reads a secret.
func (s *OS) Get(service, account string) (string, error) {
	var secret string
	err := s.bounded("read", func() error {
		var err error
		secret, err = keyring.Get(service, account)
		return err
	})
	return secret, err
}

// Set writes a secret, replacing any.
func (s *OS) Set(service, account, secret string) error {
	return s.bounded("write", func() error { return keyring.Set(service, account, secret) })
}

// Delete removes a secret; removing one that is not there is ErrNotFound.
func (s *OS) Delete(service, account string) error {
	return s.bounded("delete", func() error { return keyring.Delete(service, account) })
}

// bounded runs a keyring call with the timeout. A call that times out is
// left running in its goroutine: there is no way to cancel it, and the
// process exits soon after.
func (s *OS) bounded(op string, call func() error) error {
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrNotFound
		}
		return &UnavailableError{Op: op, Err: err}
	case <-time.After(s.Timeout):
		return &UnavailableError{Op: op, Err: fmt.Errorf("no answer within %s", s.Timeout)}
	}
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
