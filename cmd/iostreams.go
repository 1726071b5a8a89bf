package cmd

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, with
// what the command needs to know about them: whether each is a terminal,
// and whether color is on. System gives a process's; Test gives streams
// over buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ReadPassword reads a line from the terminal without echo.
	ReadPassword func() (string, error)

	stdinTTY, stdoutTTY, stderrTTY bool
	color                          bool
}

// System returns the process's standard streams.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		ReadPassword: func() (string, error) {
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			return string(b), err
		},
	}
}

// Test returns streams over buffers, none a terminal, and the buffers:
// stdin, stdout and stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether In is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether Out is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether ErrOut is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY says whether In is a terminal (for tests).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// SetStdoutTTY says whether Out is a terminal (for tests).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetStderrTTY says whether ErrOut is a terminal (for tests).
func (s *IOStreams) SetStderrTTY(tty bool) { s.stderrTTY = tty }

// ColorEnabled reports whether Out may carry color escapes: set from
// --color, NO_COLOR and whether Out is a terminal.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// SetColorEnabled turns color on or off.
func (s *IOStreams) SetColorEnabled(on bool) { s.color = on }
