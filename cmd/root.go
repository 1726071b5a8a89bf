package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Main runs hmacctl with the process's arguments and returns its exit
// code. Errors are printed here, as one line.
func Main(f *Factory) int {
	root := NewCmdRoot(f)
	err := root.Execute()
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = usageErrorf("%v; see 'hmacctl --help'", err)
	}
	if err != nil {
		fmt.Fprintln(f.IO.ErrOut, "hmacctl: "+oneLine(message(err)))
	}
	return exitCode(err)
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	var colorMode string
	root := &cobra.Command{
		Use:   "hmacctl",
		Short: "Sign and send HMAC-authenticated HTTP API requests",
		Long: `hmacctl signs HTTP API requests the way each vendor expects, shows the exact
bytes it signed, and sends them.

Credentials come from a saved profile's OS keyring items (see 'hmacctl
profile'), or from the environment: HMACCTL_API_KEY, HMACCTL_API_SECRET,
HMACCTL_API_PASSPHRASE and HMACCTL_TOKEN, or files named by the same names with
_FILE appended. No flag takes a secret.`,
		Version:       ReadBuild().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(c *cobra.Command, args []string) error {
			return setColor(f, colorMode)
		},
	}
	root.PersistentFlags().StringVar(&colorMode, "color", "auto", "use color: auto, always or never")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v; see '%s --help'", err, c.CommandPath())
	})
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.AddCommand(NewCmdSign(f, nil), NewCmdRequest(f, nil), NewCmdVerify(f, nil), NewCmdProfile(f))
	return root
}

func setColor(f *Factory, mode string) error {
	switch mode {
	case "always":
		f.IO.SetColorEnabled(true)
	case "never":
		f.IO.SetColorEnabled(false)
	case "auto":
		_, noColor := lookupEnv(f, "NO_COLOR")
		f.IO.SetColorEnabled(f.IO.IsStdoutTTY() && !noColor)
	default:
		return usageErrorf("--color must be auto, always or never, not %q", mode)
	}
	return nil
}

func lookupEnv(f *Factory, name string) (string, bool) {
	v := f.Getenv(name)
	return v, v != ""
}

// exactArgs is cobra.ExactArgs with a usage error that names the
// arguments.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s needs %d arguments (%s), got %d; see '%s --help'", c.CommandPath(), n, names, len(args), c.CommandPath())
		}
		return nil
	}
}

func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}
