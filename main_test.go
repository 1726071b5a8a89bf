package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/hmacctl/hmacctl/cmd"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the real hmacctl entry point as the
// "hmacctl" command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hmacctl": func() { os.Exit(cmd.Main(cmd.NewFactory())) },
	})
}

// TestScripts runs the end-to-end scenarios in testdata/script, one per
// file, against the built binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts start with no credentials and no color settings
			// from the developer's environment.
			for _, name := range []string{"HMACCTL_API_KEY", "HMACCTL_API_SECRET", "HMACCTL_API_PASSPHRASE", "HMACCTL_TOKEN", "NO_COLOR"} {
				env.Setenv(name, "")
				env.Setenv(name+"_FILE", "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
	})
}

// cmdExits runs a program and checks its exit code:
//
//	exits 2 hmacctl sign nosuchvendor GET /
//
// Its stdout and stderr are kept for the stdout and stderr commands.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit code", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
