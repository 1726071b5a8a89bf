package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/send"
	"github.com/hmacctl/hmacctl/sign"
)

// Exit codes, decided here and only here.
const (
	exitOK         = 0
	exitError      = 1
	exitMismatch   = 1
	exitBadInput   = 2
	exitNoResponse = 3
	exitHTTP4xx    = 4
	exitHTTP5xx    = 5
)

// StatusError is an HTTP response with a 4xx or 5xx status; its body has
// already been printed.
type StatusError struct {
	Code   int
	Status string
}

func (e *StatusError) Error() string {
	return "the server answered " + e.Status + "; the response is on stdout (--no-fail exits 0 anyway)"
}

// UsageError is bad input: a wrong flag, argument, vendor or value. It
// exits 2.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf formats a UsageError: "what is wrong; what to do".
func usageErrorf(format string, args ...any) error {
	if err, ok := singleError(format, args); ok {
		return &UsageError{Err: err} // keep its type, for message()
	}
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// singleError reports whether a format is "%v" of one error.
func singleError(format string, args []any) (error, bool) {
	if format != "%v" || len(args) != 1 {
		return nil, false
	}
	err, ok := args[0].(error)
	return err, ok
}

// exitCode maps an error returned by a command to the process's exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var usage *UsageError
	var status *StatusError
	var noResponse *send.NoResponseError
	var mismatch *VerifyError
	switch {
	case errors.As(err, &usage):
		return exitBadInput
	case errors.As(err, &noResponse):
		return exitNoResponse
	case errors.As(err, &status) && status.Code >= 500:
		return exitHTTP5xx
	case errors.As(err, &status):
		return exitHTTP4xx
	case errors.As(err, &mismatch):
		return exitMismatch
	}
	return exitError
}

// message words an error for the one line on stderr: library errors get
// the flag that changes the outcome.
func message(err error) string {
	var noResponse *send.NoResponseError
	var caCert *send.CACertError
	var call *sign.CallError
	switch {
	case errors.As(err, &call) && slices.Contains(call.Inputs, "api_secret"):
		kind := strings.TrimSuffix(call.Function, "decode") // b64decode -> b64
		if kind == "b64" {
			kind = "base64"
		}
		return fmt.Sprintf("the API secret is not valid %s: this vendor signs with it decoded from %s; give it exactly as the vendor's API page shows it (HMACCTL_API_SECRET, its _FILE, or the keyring)", kind, kind)
	case errors.As(err, &caCert):
		if caCert.Err == nil {
			return fmt.Sprintf("--cacert %s holds no PEM certificate; give a PEM file of the CA that signed the server's certificate", caCert.Path)
		}
		return fmt.Sprintf("cannot read --cacert %s: %v", caCert.Path, caCert.Err)
	case errors.As(err, &noResponse):
		switch noResponse.Reason {
		case send.ReasonTimeout:
			return err.Error() + " (raise --timeout)"
		case send.ReasonUntrusted:
			return err.Error() + " (use --cacert FILE, or --insecure to skip the check)"
		case send.ReasonNoDate:
			return "--sync-time: " + err.Error() + "; give the clock offset with --time-offset instead"
		}
	}
	return err.Error()
}
