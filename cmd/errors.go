package cmd

import (
	"errors"
	"fmt"
)

// Exit codes, decided here and only here.
const (
	exitOK       = 0
	exitError    = 1
	exitBadInput = 2
)

// UsageError is bad input: a wrong flag, argument, vendor or value. It
// exits 2.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf formats a UsageError: "what is wrong; what to do".
func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process's exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		return exitBadInput
	}
	return exitError
}
