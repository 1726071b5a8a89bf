package cmd

import (
	"bytes"

	"errors"
	"github.com/hmacctl/hmacctl/keystore"
	"github.com/hmacctl/hmacctl/profiles"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// testFactory returns a Factory over buffers, a fixed clock and the given
// environment.
func testFactory(env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		IO:       &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Now:      func() time.Time { return time.UnixMilli(1578565539808) },
		Getenv:   func(name string) string { return env[name] },
		ReadFile: os.ReadFile,
		Config: func() (*profiles.Config, error) {
			return &profiles.Config{Profiles: map[string]profiles.Profile{}}, nil
		},
		Keystore: func() keystore.Store { return keystore.NewMemory() },
	}, out, errOut
}

var wooxEnv = map[string]string{"HMACCTL_API_KEY": "AbmyVJGUpN064ks5ELjLfA==", "HMACCTL_API_SECRET": "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"}

func TestSignFlagParsing(t *testing.T) {
	f, _, _ := testFactory(nil)
	var got *SignOptions
	c := NewCmdSign(f, func(o *SignOptions) error { got = o; return nil })
	c.SetArgs([]string{"woox", "POST", "/v3/x", "-f", "a=1", "-F", "b=2", "-f", "c=3", "--print", "json", "--time-offset", "-1.5s", "--set", "x=y"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Profile != "woox" || got.Method != "POST" || got.Path != "/v3/x" || got.Print != "json" {
		t.Errorf("arguments parsed as %+v", got)
	}
	if got.Request.TimeOffset != -1500*time.Millisecond {
		t.Errorf("time offset %v", got.Request.TimeOffset)
	}
	var order []string
	for _, fl := range got.Request.Fields {
		order = append(order, fl.text)
	}
	if strings.Join(order, " ") != "a=1 b=2 c=3" || got.Request.Fields[0].typed || !got.Request.Fields[1].typed {
		t.Errorf("fields %+v, want a=1 (string), b=2 (typed), c=3 in that order", got.Request.Fields)
	}
}

func TestSignUsesTheInjectedClockAndOffset(t *testing.T) {
	for _, tt := range []struct {
		offset, want string
	}{
		{"0s", "1578565539808GET/v3/algo/orders?algoType=STOP"},
		{"-1.5s", "1578565538308GET/v3/algo/orders?algoType=STOP"},
		{"2m", "1578565659808GET/v3/algo/orders?algoType=STOP"},
	} {
		f, out, _ := testFactory(wooxEnv)
		root := NewCmdRoot(f)
		root.SetArgs([]string{"sign", "woox", "GET", "/v3/algo/orders?algoType=STOP", "--time-offset", tt.offset, "--print", "canonical"})
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("offset %s: canonical %q, want %q", tt.offset, out, tt.want)
		}
	}
}

func TestSignCanonicalGetsANewlineOnlyOnATerminal(t *testing.T) {
	f, out, _ := testFactory(wooxEnv)
	f.IO.SetStdoutTTY(true)
	root := NewCmdRoot(f)
	root.SetArgs([]string{"sign", "woox", "GET", "/x", "--print", "canonical"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "1578565539808GET/x\n" {
		t.Errorf("got %q", out)
	}
}

func TestMainMapsErrorsToExitCodes(t *testing.T) {
	f, out, errOut := testFactory(nil)
	args := os.Args
	defer func() { os.Args = args }()
	os.Args = []string{"hmacctl", "sign", "woox", "GET", "/x"}
	if code := Main(f); code != exitBadInput {
		t.Errorf("exit code %d, want %d", code, exitBadInput)
	}
	if out.Len() != 0 || !strings.HasPrefix(errOut.String(), "hmacctl: missing API key") || strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	if exitCode(errors.New("internal")) != exitError || exitCode(nil) != exitOK {
		t.Error("exit codes for plain errors")
	}
}

func TestShowInvisibleIsUnambiguous(t *testing.T) {
	got := strings.Join(showInvisible([]byte("a\\x83\t \xff\u00e9\n b "), newPalette(false)), "|")
	want := `a\\x83\t \xff\u{e9}\n| b·`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProgressLine(t *testing.T) {
	var errOut bytes.Buffer
	tick := time.Unix(0, 0)
	ios := &IOStreams{ErrOut: &errOut}
	ios.SetStderrTTY(true)
	data := bytes.Repeat([]byte("x"), 6<<20)
	r := withProgress(ios, func() time.Time { tick = tick.Add(time.Second); return tick }, "sending", io.NopCloser(bytes.NewReader(data)), int64(len(data)))
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatal(err)
	}
	r.Close()
	got := errOut.String()
	if !strings.Contains(got, "\rsending 6.0 / 6.0 MiB (100%)\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("progress output %q", got)
	}
	// Not a terminal, or a small transfer: no progress line.
	errOut.Reset()
	ios.SetStderrTTY(false)
	if _, ok := withProgress(ios, time.Now, "sending", io.NopCloser(bytes.NewReader(data)), int64(len(data))).(*progress); ok {
		t.Error("progress on a non-terminal stderr")
	}
	ios.SetStderrTTY(true)
	if _, ok := withProgress(ios, time.Now, "sending", io.NopCloser(bytes.NewReader(nil)), 1024).(*progress); ok {
		t.Error("progress for a 1 KiB transfer")
	}
}

func TestColorModes(t *testing.T) {
	for _, tt := range []struct {
		mode    string
		tty     bool
		noColor string
		want    bool
	}{
		{"auto", true, "", true},
		{"auto", true, "1", false},
		{"auto", false, "", false},
		{"always", false, "1", true},
		{"never", true, "", false},
	} {
		f, _, _ := testFactory(map[string]string{"NO_COLOR": tt.noColor})
		f.IO.SetStdoutTTY(tt.tty)
		if err := setColor(f, tt.mode); err != nil {
			t.Fatal(err)
		}
		if f.IO.ColorEnabled() != tt.want {
			t.Errorf("--color %s, terminal %v, NO_COLOR=%q: color %v", tt.mode, tt.tty, tt.noColor, f.IO.ColorEnabled())
		}
	}
}
