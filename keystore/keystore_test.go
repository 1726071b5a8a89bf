package keystore

import (
	"errors"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// go-keyring's own in-memory mock stands in for the OS keyring.
func TestOSStoreOverGoKeyringMock(t *testing.T) {
	keyring.MockInit()
	s := NewOS()
	if _, err := s.Get(Service, Account("p", "api_secret")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing item: %v", err)
	}
	if err := s.Set(Service, Account("p", "api_secret"), "s3cret"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(Service, Account("p", "api_secret")); err != nil || v != "s3cret" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := s.Delete(Service, Account("p", "api_secret")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(Service, Account("p", "api_secret")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestOSStoreErrorsAreUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown"))
	_, err := NewOS().Get(Service, "p/api_secret")
	var unavailable *UnavailableError
	if !errors.As(err, &unavailable) || unavailable.Op != "read" {
		t.Fatalf("got %v, want an UnavailableError", err)
	}
}

// A keyring that never answers does not hang the caller.
func TestOSStoreTimesOut(t *testing.T) {
	s := &OS{Timeout: 50 * time.Millisecond}
	start := time.Now()
	err := s.bounded("read", func() error { select {} })
	var unavailable *UnavailableError
	if !errors.As(err, &unavailable) || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %s", err, time.Since(start))
	}
}

func TestMemory(t *testing.T) {
	m := NewMemory()
	if err := m.Set(Service, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(Service, "a"); v != "1" {
		t.Fatalf("got %q", v)
	}
	if err := m.Delete(Service, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(Service, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}
