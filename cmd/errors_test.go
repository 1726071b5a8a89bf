package cmd

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/hmacctl/hmacctl/send"
	"github.com/hmacctl/hmacctl/sign"
)

// send names no flag; the command line adds the one that changes the
// outcome, and keeps the exit code.
func TestSendErrorsAreWordedWithFlags(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
		code int
	}{
		{&send.NoResponseError{URL: "https://x", Reason: send.ReasonTimeout, Cause: "timed out after 2s"}, "no response from https://x: timed out after 2s (raise --timeout)", exitNoResponse},
		{&send.NoResponseError{URL: "https://x", Reason: send.ReasonUntrusted, Cause: "TLS certificate not trusted"}, "no response from https://x: TLS certificate not trusted (use --cacert FILE, or --insecure to skip the check)", exitNoResponse},
		{&send.NoResponseError{URL: "https://x", Reason: send.ReasonNoDate, Cause: `the server sent no usable Date header ("")`}, `--sync-time: no response from https://x: the server sent no usable Date header (""); give the clock offset with --time-offset instead`, exitNoResponse},
		{&send.NoResponseError{URL: "https://x", Reason: send.ReasonRefused, Cause: "connection refused"}, "no response from https://x: connection refused", exitNoResponse},
		{&UsageError{Err: &send.CACertError{Path: "ca.pem"}}, "--cacert ca.pem holds no PEM certificate; give a PEM file of the CA that signed the server's certificate", exitBadInput},
		{&UsageError{Err: &send.CACertError{Path: "ca.pem", Err: os.ErrNotExist}}, "cannot read --cacert ca.pem: file does not exist", exitBadInput},
		{usageErrorf("%v", &sign.CallError{Function: "b64decode", Inputs: []string{"api_secret"}, Err: errors.New("b64decode: the value is not valid base64")}), "the API secret is not valid base64: this vendor signs with it decoded from base64; give it exactly as the vendor's API page shows it (HMACCTL_API_SECRET, its _FILE, or the keyring)", exitBadInput},
		{errors.New("plain"), "plain", exitError},
	} {
		if got := message(tc.err); got != tc.want || exitCode(tc.err) != tc.code {
			t.Errorf("message %q, exit %d; want %q, %d", got, exitCode(tc.err), tc.want, tc.code)
		}
	}
	if strings.Contains((&send.NoResponseError{Cause: "x"}).Error(), "--") {
		t.Error("send names a flag")
	}
}
