package keystore

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// withBus is the environment of a session with a D-Bus session bus, so
// that calls reach go-keyring (here its mock) on every system.
func withBus(name string) string {
	if name == "DBUS_SESSION_BUS_ADDRESS" {
		return "unix:path=/run/user/1000/bus"
	}
	return ""
}

// go-keyring's own in-memory mock stands in for the OS keyring.
func TestOSStoreOverGoKeyringMock(t *testing.T) {
	keyring.MockInit()
	s := &OS{Getenv: withBus}
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
	_, err := (&OS{Getenv: withBus}).Get(Service, "p/api_secret")
	var unavailable *UnavailableError
	if !errors.As(err, &unavailable) || unavailable.Op != "read" {
		t.Fatalf("got %v, want an UnavailableError", err)
	}
}

// Where the keyring is the Secret Service (Linux, the BSDs) and no session
// bus is set, go-keyring is not called at all: its D-Bus library would
// autolaunch daemons that outlive the process. Every call is an
// UnavailableError at once, naming the variable. go-keyring's mock, which
// would answer, shows that no call reached it.
func TestOSStoreWithoutASessionBus(t *testing.T) {
	if !usesSessionBus(runtime.GOOS) {
		t.Skipf("%s's keyring needs no D-Bus session bus", runtime.GOOS)
	}
	keyring.MockInit()
	noBus := &OS{Getenv: func(string) string { return "" }}
	for op, call := range map[string]func() error{
		"read":   func() error { _, err := noBus.Get(Service, Account("p", "api_secret")); return err },
		"write":  func() error { return noBus.Set(Service, Account("p", "api_secret"), "s3cret") },
		"delete": func() error { return noBus.Delete(Service, Account("p", "api_secret")) },
	} {
		start := time.Now()
		err := call()
		var unavailable *UnavailableError
		if !errors.As(err, &unavailable) || unavailable.Op != op || !errors.Is(err, ErrNoSessionBus) {
			t.Errorf("%s: got %v, want an UnavailableError wrapping ErrNoSessionBus", op, err)
		}
		if elapsed := time.Since(start); elapsed > 50*time.Millisecond {
			t.Errorf("%s: took %v, want no wait at all", op, elapsed)
		}
	}
	want := "the OS keyring cannot be used (write: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set))"
	if err := noBus.Set(Service, "a", "1"); err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	// The mock is untouched: nothing was written.
	if err := (&OS{Getenv: withBus}).Delete(Service, Account("p", "api_secret")); !errors.Is(err, ErrNotFound) {
		t.Errorf("the mock behind: %v, want ErrNotFound (no call reached it)", err)
	}
	// Only the variable decides: with it set, calls go through.
	if err := (&OS{Getenv: withBus}).Set(Service, "a", "1"); err != nil {
		t.Errorf("with a session bus: %v", err)
	}
	// Another keyring behind OS (a test's) needs no bus.
	if err := (&OS{Getenv: noBus.Getenv, Keyring: NewMemory()}).Set(Service, "a", "1"); err != nil {
		t.Errorf("an injected keyring without a bus: %v", err)
	}
}

func TestUsesSessionBus(t *testing.T) {
	for goos, want := range map[string]bool{"linux": true, "freebsd": true, "openbsd": true, "netbsd": true, "dragonfly": true, "darwin": false, "windows": false} {
		if usesSessionBus(goos) != want {
			t.Errorf("usesSessionBus(%s) = %v", goos, !want)
		}
	}
}

// unresponsive is a keyring that never answers, as a Secret Service on a
// session bus that accepts connections and never replies; its calls
// return only when release is closed, at the end of the test.
type unresponsive struct{ release chan struct{} }

func newUnresponsive(t *testing.T) unresponsive {
	u := unresponsive{release: make(chan struct{})}
	t.Cleanup(func() { close(u.release) })
	return u
}

func (u unresponsive) Get(service, account string) (string, error) {
	<-u.release
	return "", errors.New("released")
}

func (u unresponsive) Set(service, account, secret string) error {
	<-u.release
	return errors.New("released")
}

func (u unresponsive) Delete(service, account string) error {
	<-u.release
	return errors.New("released")
}

// A keyring that never answers does not hang the caller: each call comes
// back after about the bound, as an UnavailableError naming the operation.
func TestOSStoreTimesOut(t *testing.T) {
	const bound = 50 * time.Millisecond
	s := &OS{Timeout: bound, Keyring: newUnresponsive(t)}
	for op, call := range map[string]func() error{
		"read":   func() error { _, err := s.Get(Service, Account("p", "api_secret")); return err },
		"write":  func() error { return s.Set(Service, Account("p", "api_secret"), "s3cret") },
		"delete": func() error { return s.Delete(Service, Account("p", "api_secret")) },
	} {
		start := time.Now()
		err := call()
		elapsed := time.Since(start)
		var unavailable *UnavailableError
		if !errors.As(err, &unavailable) || unavailable.Op != op || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("%s: got %v, want an UnavailableError for %s saying there was no answer within 50ms", op, err, op)
		}
		if elapsed < bound || elapsed > bound+time.Second {
			t.Errorf("%s: came back after %s, want about %s", op, elapsed, bound)
		}
	}
}

// failing is a keyring whose every call fails with err.
type failing struct{ err error }

func (f failing) Get(service, account string) (string, error) { return "", f.err }
func (f failing) Set(service, account, secret string) error   { return f.err }
func (f failing) Delete(service, account string) error        { return f.err }

// Whatever keyring is behind OS, "not found" stays ErrNotFound and any
// other failure is an UnavailableError that keeps its cause.
func TestOSStoreErrorsFromAnyKeyring(t *testing.T) {
	if _, err := (&OS{Keyring: failing{ErrNotFound}}).Get(Service, "p/api_secret"); err != ErrNotFound {
		t.Errorf("not found: got %v, want ErrNotFound", err)
	}
	cause := errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
	err := (&OS{Keyring: failing{cause}}).Delete(Service, "p/api_secret")
	var unavailable *UnavailableError
	if !errors.As(err, &unavailable) || unavailable.Op != "delete" || !errors.Is(err, cause) {
		t.Errorf("a failing keyring: got %v, want an UnavailableError wrapping its cause", err)
	}
	inner := &UnavailableError{Op: "read", Err: cause}
	if _, err := (&OS{Keyring: failing{inner}}).Get(Service, "p/api_secret"); err != inner {
		t.Errorf("an UnavailableError from the keyring: got %v, want it as it was", err)
	}
}

// A zero Timeout is the default bound, not an immediate timeout.
func TestOSStoreZeroTimeoutIsTheDefault(t *testing.T) {
	m := NewMemory()
	s := &OS{Keyring: slow{m, 20 * time.Millisecond}}
	if err := s.Set(Service, "a", "1"); err != nil {
		t.Fatalf("Set with the default bound: %v", err)
	}
	if v, err := s.Get(Service, "a"); err != nil || v != "1" {
		t.Fatalf("Get with the default bound = %q, %v", v, err)
	}
	if NewOS().Timeout != DefaultTimeout || DefaultTimeout != 5*time.Second {
		t.Errorf("NewOS().Timeout = %s, DefaultTimeout = %s; the shipped bound is 5s", NewOS().Timeout, DefaultTimeout)
	}
}

// slow answers from a Store after a delay.
type slow struct {
	Store
	delay time.Duration
}

func (s slow) Get(service, account string) (string, error) {
	time.Sleep(s.delay)
	return s.Store.Get(service, account)
}

func (s slow) Set(service, account, secret string) error {
	time.Sleep(s.delay)
	return s.Store.Set(service, account, secret)
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
