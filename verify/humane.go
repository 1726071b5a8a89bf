package verify

import (
	"fmt"
	"math"
	"time"
)

const (
	humanDay  = 24 * time.Hour
	humanYear = 36525 * humanDay / 100 // 365.25 days
)

// HumanDuration writes the size of d rounded to what matters to a person:
// "167 ms", "12.5 seconds", "3 minutes 12 seconds", "2 hours 5 minutes",
// "4.2 days", "200 days", "6.9 years". The sign is dropped; callers say
// "ahead" or "behind" themselves.
func HumanDuration(d time.Duration) string {
	if d == math.MinInt64 {
		d = math.MaxInt64
	} else if d < 0 {
		d = -d
	}
	switch {
	case d == 0:
		return "0 ms"
	case d < time.Millisecond:
		return "under 1 ms"
	}
	if ms := roundTo(d, time.Millisecond); ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	if tenths := roundTo(d, time.Second/10); tenths < 600 {
		return humanTenths(tenths, "second")
	}
	if s := roundTo(d, time.Second); s < 3600 {
		return humanPair(s/60, "minute", s%60, "second")
	}
	if m := roundTo(d, time.Minute); m < 24*60 {
		return humanPair(m/60, "hour", m%60, "minute")
	}
	if tenths := roundTo(d, humanDay/10); tenths < 600 {
		return humanTenths(tenths, "day")
	}
	if days := roundTo(d, humanDay); days < 365 {
		return humanCount(days, "day")
	}
	return humanTenths(roundTo(d, humanYear/10), "year")
}

// Dated places t against this machine's clock, now:
// "<verb> at 2020-01-09 10:25:39 UTC, 6.9 years before this machine's clock",
// or "..., the same second as this machine's clock" when they are less
// than a second apart. Milliseconds are shown only when t has some.
func Dated(verb string, t, now time.Time) string {
	layout := "2006-01-02 15:04:05"
	if t.Nanosecond()/int(time.Millisecond) != 0 {
		layout += ".000"
	}
	at := verb + " at " + t.UTC().Format(layout) + " UTC, "
	diff := now.Sub(t)
	switch {
	case diff > -time.Second && diff < time.Second:
		return at + "the same second as this machine's clock"
	case diff > 0:
		return at + HumanDuration(diff) + " before this machine's clock"
	}
	return at + HumanDuration(diff) + " after this machine's clock"
}

// roundTo is a non-negative d in whole units, rounded half up, without
// the overflow Duration.Round clamps at.
func roundTo(d, unit time.Duration) int64 {
	q, r := d/unit, d%unit
	if r >= unit-r {
		q++
	}
	return int64(q)
}

func humanCount(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// humanTenths writes tenths of a unit with one decimal, dropped when whole.
func humanTenths(tenths int64, unit string) string {
	if tenths%10 == 0 {
		return humanCount(tenths/10, unit)
	}
	return fmt.Sprintf("%d.%d %ss", tenths/10, tenths%10, unit)
}

// humanPair writes "3 minutes 12 seconds", leaving out a zero second part.
func humanPair(major int64, majorUnit string, minor int64, minorUnit string) string {
	if minor == 0 {
		return humanCount(major, majorUnit)
	}
	return humanCount(major, majorUnit) + " " + humanCount(minor, minorUnit)
}
