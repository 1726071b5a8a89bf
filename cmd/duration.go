package cmd

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// durationFlag is the pflag.Value of every flag that takes a duration
// (--time-offset, --max-age, --timeout): Go's form (1.5s, 200ms, 2h45m),
// a bare number of seconds (30, -1.5), or days (2d, 1d12h).
type durationFlag struct{ d *time.Duration }

// durationVar defines a duration flag with a default value.
func durationVar(fl *pflag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fl.Var(durationFlag{p}, name, usage)
}

// errNotADuration is a duration flag's value that cannot be read; the
// flag error handler puts the flag and the value in front of it.
var errNotADuration = errors.New("not a duration; write 30s, 5m, 2h or 1d")

func (v durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return errNotADuration
	}
	*v.d = d
	return nil
}

// String writes the duration as people do: 5m, not 5m0s; 0 for none, so
// that help leaves a zero default out.
func (v durationFlag) String() string {
	if v.d == nil || *v.d == 0 {
		return "0"
	}
	s := v.d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (v durationFlag) Type() string { return "duration" }

// parseDuration reads a duration: a number alone is seconds, and a
// leading number of days (d) may come before the rest.
func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil && strings.Trim(s, "+-.0123456789") == "" {
		return secondsDuration(n)
	}
	sign, rest := 1.0, s
	if r, ok := strings.CutPrefix(rest, "-"); ok {
		sign, rest = -1, r
	} else {
		rest = strings.TrimPrefix(rest, "+")
	}
	var total time.Duration
	if days, after, ok := strings.Cut(rest, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || days == "" || strings.Trim(days, ".0123456789") != "" {
			return 0, errNotADuration
		}
		if total, err = secondsDuration(n * 86400); err != nil {
			return 0, err
		}
		rest = after
		if rest == "" {
			return time.Duration(sign) * total, nil
		}
	}
	if rest == "" || rest[0] == '-' || rest[0] == '+' {
		return 0, errNotADuration
	}
	d, err := time.ParseDuration(rest)
	if err != nil {
		return 0, errNotADuration
	}
	return time.Duration(sign) * (total + d), nil
}

// secondsDuration is n seconds, refusing what a Duration cannot hold.
func secondsDuration(n float64) (time.Duration, error) {
	if n > float64(1<<63-1)/1e9 || n < -float64(1<<63)/1e9 {
		return 0, errNotADuration
	}
	return time.Duration(n * float64(time.Second)), nil
}
