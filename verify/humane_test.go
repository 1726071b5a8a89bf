package verify

import (
	"math"
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 ms"},
		{400 * time.Microsecond, "under 1 ms"},
		{-400 * time.Microsecond, "under 1 ms"},
		{167400 * time.Microsecond, "167 ms"},
		{-167400 * time.Microsecond, "167 ms"},
		{999600 * time.Microsecond, "1 second"},
		{time.Second, "1 second"},
		{4 * time.Second, "4 seconds"},
		{12500 * time.Millisecond, "12.5 seconds"},
		{59960 * time.Millisecond, "1 minute"},
		{3*time.Minute + 12400*time.Millisecond, "3 minutes 12 seconds"},
		{3 * time.Minute, "3 minutes"},
		{61 * time.Second, "1 minute 1 second"},
		{time.Hour, "1 hour"},
		{90 * time.Minute, "1 hour 30 minutes"},
		{2*time.Hour + 5*time.Minute + 20*time.Second, "2 hours 5 minutes"},
		{-(2*time.Hour + 5*time.Minute), "2 hours 5 minutes"},
		{24 * time.Hour, "1 day"},
		{36 * time.Hour, "1.5 days"},
		{72 * time.Hour, "3 days"},
		{100 * time.Hour, "4.2 days"},
		{200 * humanDay, "200 days"},
		{365 * humanDay, "1 year"},
		{humanYear * 3 / 2, "1.5 years"},
		{60487*time.Hour + 37*time.Minute + 1007*time.Millisecond, "6.9 years"},
		{-(60487*time.Hour + 37*time.Minute + 1007*time.Millisecond), "6.9 years"},
		{math.MinInt64, "292.3 years"},
	} {
		if got := HumanDuration(c.d); got != c.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestHumanDated(t *testing.T) {
	now := time.Date(2026, 12, 3, 18, 2, 40, 815e6, time.UTC)
	signed := time.Date(2020, 1, 9, 10, 25, 39, 808e6, time.UTC)
	if d := now.Sub(signed); d != 60487*time.Hour+37*time.Minute+1007*time.Millisecond {
		t.Fatalf("now - signed = %v", d)
	}
	for _, c := range []struct {
		verb string
		t    time.Time
		want string
	}{
		{"signed", signed, "signed at 2020-01-09 10:25:39.808 UTC, 6.9 years before this machine's clock"},
		{"signed", signed.Truncate(time.Second), "signed at 2020-01-09 10:25:39 UTC, 6.9 years before this machine's clock"},
		{"signed", time.Date(2026, 12, 3, 18, 2, 40, 648e6, time.UTC), "signed at 2026-12-03 18:02:40.648 UTC, the same second as this machine's clock"},
		{"sent", time.Date(2026, 12, 3, 18, 2, 41, 500e3, time.UTC), "sent at 2026-12-03 18:02:41 UTC, the same second as this machine's clock"},
		{"sent", time.Date(2026, 12, 3, 18, 2, 39, 815e6, time.UTC), "sent at 2026-12-03 18:02:39.815 UTC, 1 second before this machine's clock"},
		{"sent", time.Date(2026, 12, 3, 18, 2, 38, 0, time.UTC), "sent at 2026-12-03 18:02:38 UTC, 2.8 seconds before this machine's clock"},
		{"sent", time.Date(2026, 12, 3, 20, 12, 0, 0, time.FixedZone("CET", 3600)), "sent at 2026-12-03 19:12:00 UTC, 1 hour 9 minutes after this machine's clock"},
		{"sent", time.Date(2026, 12, 3, 18, 5, 53, 0, time.UTC), "sent at 2026-12-03 18:05:53 UTC, 3 minutes 12 seconds after this machine's clock"},
	} {
		if got := Dated(c.verb, c.t, now); got != c.want {
			t.Errorf("Dated(%q, %v) =\n  %q, want\n  %q", c.verb, c.t, got, c.want)
		}
	}
}
