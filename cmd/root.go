package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Main runs hmacctl with the process's arguments and returns its exit
// code. Errors are printed here, as one line.
func Main(f *Factory) int {
	root := NewCmdRoot(f)
	err := root.Execute()
	if err != nil {
		fmt.Fprintln(f.IO.ErrOut, "hmacctl: "+oneLine(message(err)))
	}
	return exitCode(err)
}

// colorModes are the values --color accepts.
func colorModes() []string { return []string{"auto", "always", "never"} }

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
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(colorModes(), cobra.ShellCompDirectiveNoFileComp))
	root.SetFlagErrorFunc(flagError)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.AddCommand(NewCmdSign(f, nil), NewCmdRequest(f, nil), NewCmdVerify(f, nil), NewCmdProfile(f))
	root.InitDefaultCompletionCmd()
	for _, group := range append([]*cobra.Command{root}, root.Commands()...) {
		if group.HasSubCommands() {
			rejectUnknownSubcommands(group)
		}
	}
	// A group runs only to say an argument is no command of its own: its
	// usage shows "hmacctl profile [command]", not a line of its own.
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "Usage:{{if .Runnable}}", "Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
	return root
}

// rejectUnknownSubcommands makes a command that only groups others
// refuse an argument that names none of them, with exit 2 and a one-line
// error, where Cobra would print the help and exit 0; alone, it still
// prints the help. Its synopsis says a command follows.
func rejectUnknownSubcommands(c *cobra.Command) {
	c.Use = c.Name() + " COMMAND"
	c.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		var names []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				names = append(names, sub.Name())
			}
		}
		hint := didYouMean(args[0], names, quoted)
		if hint == "" {
			hint = fmt.Sprintf("; see '%s --help'", c.CommandPath())
		}
		return usageErrorf("unknown command %q for %q%s", args[0], c.CommandPath(), hint)
	}
	c.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
}

// flagError words a flag that cannot be parsed: an unknown one with the
// flag meant, a duration that cannot be read with how to write one.
func flagError(c *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() == "":
		var names []string
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if !fl.Hidden {
				names = append(names, fl.Name)
			}
		})
		if hint := didYouMean(notExist.GetSpecifiedName(), names, func(s string) string { return "--" + s }); hint != "" {
			return usageErrorf("%v%s", err, hint)
		}
	case errors.As(err, &invalid) && errors.Is(err, errNotADuration):
		return usageErrorf("--%s %q: %v", invalid.GetFlag().Name, invalid.GetValue(), errNotADuration)
	}
	return usageErrorf("%v; see '%s --help'", err, c.CommandPath())
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
		return usageErrorf("--color must be auto, always or never, not %q%s", mode, didYouMean(mode, colorModes(), plain))
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
		if len(args) == n {
			return nil
		}
		got := fmt.Sprintf("got %d", len(args))
		switch n {
		case 0:
			return usageErrorf("%s takes no arguments, %s; see '%s --help'", c.CommandPath(), got, c.CommandPath())
		case 1:
			return usageErrorf("%s needs 1 argument (%s), %s; see '%s --help'", c.CommandPath(), names, got, c.CommandPath())
		}
		return usageErrorf("%s needs %d arguments (%s), %s; see '%s --help'", c.CommandPath(), n, names, got, c.CommandPath())
	}
}

func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}
