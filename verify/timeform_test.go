package verify

import (
	"fmt"
	"testing"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

func TestDetectTimestampForm(t *testing.T) {
	for _, c := range []struct {
		ts   string
		want TimestampForm
	}{
		{"1578565539", FormSeconds},
		{" 1578565539\n", FormSeconds},
		{"0", FormSeconds},
		{"99999999999", FormSeconds},
		{"1578565539.808", FormSeconds},
		{"1578565539.8", FormSeconds},
		{"100000000000", FormMillis},
		{"1578565539808", FormMillis},
		{"00001578565539", FormSeconds},
		{"1578565539808123", FormMicros},
		{"1578565539808123456", FormNanos},
		{"9999999999999999999", FormUnknown}, // beyond int64
		{"12345678901234567890", FormUnknown},
		{"1578565539808.5", FormUnknown},
		{"1578565539.", FormUnknown},
		{".808", FormUnknown},
		{"-1578565539", FormUnknown},
		{"+1578565539", FormUnknown},
		{"2020-01-09T10:25:39.808Z", FormISO8601},
		{"2020-01-09T10:25:39Z", FormISO8601},
		{"2020-01-09T18:25:39+08:00", FormISO8601},
		{"2020-01-09T18:25:39.808123+0800", FormISO8601},
		{"2020-01-09", FormUnknown},
		{"2020-01-09 10:25:39", FormUnknown},
		{"", FormUnknown},
		{"abc", FormUnknown},
		{"0x12", FormUnknown},
		{"1e9", FormUnknown},
	} {
		if got := DetectTimestampForm(c.ts); got != c.want {
			t.Errorf("DetectTimestampForm(%q) = %q, want %q", c.ts, got, c.want)
		}
	}
}

func TestParseTimestampForm(t *testing.T) {
	at := time.Date(2020, 1, 9, 10, 25, 39, 0, time.UTC)
	for _, c := range []struct {
		ts   string
		form TimestampForm
		want time.Time
		ok   bool
	}{
		{"1578565539", FormSeconds, at, true},
		{"1578565539.808", FormSeconds, at.Add(808 * time.Millisecond), true},
		{"1578565539.000000001", FormSeconds, at.Add(1), true},
		{"1578565539808", FormMillis, at.Add(808 * time.Millisecond), true},
		{"1578565539808123", FormMicros, at.Add(808123 * time.Microsecond), true},
		{"1578565539808123456", FormNanos, at.Add(808123456), true},
		{"1578565539", FormMillis, time.Date(1970, 1, 19, 6, 29, 25, 539e6, time.UTC), true},
		{"2020-01-09T10:25:39.808Z", FormISO8601, at.Add(808 * time.Millisecond), true},
		{"2020-01-09T18:25:39+08:00", FormISO8601, at, true},
		{"2020-01-09T18:25:39+0800", FormISO8601, at, true},
		{"1578565539.808", FormMillis, time.Time{}, false},
		{"1578565539808", FormSeconds, time.Time{}, false}, // past year 9999
		{"1578565539", FormISO8601, time.Time{}, false},
		{"2020-01-09", FormISO8601, time.Time{}, false},
		{"1578565539", FormUnknown, time.Time{}, false},
		{"-1", FormSeconds, time.Time{}, false},
	} {
		got, ok := ParseTimestampForm(c.ts, c.form)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("ParseTimestampForm(%q, %q) = %v, %v; want %v, %v", c.ts, c.form, got, ok, c.want, c.ok)
		}
	}
}

func TestDetectedFormParses(t *testing.T) {
	for _, ts := range []string{"1578565539", "1578565539.808", "1578565539808", "1578565539808123", "1578565539808123456", "2020-01-09T10:25:39.808Z"} {
		form := DetectTimestampForm(ts)
		got, ok := ParseTimestampForm(ts, form)
		if !ok || got.Year() != 2020 {
			t.Errorf("%q detected as %q parses to %v, %v", ts, form, got, ok)
		}
	}
}

func TestExpectedFormAndPhrase(t *testing.T) {
	for _, c := range []struct {
		f      sign.TimestampFormat
		want   TimestampForm
		phrase string
	}{
		{sign.UnixSeconds, FormSeconds, "in seconds"},
		{sign.UnixMillis, FormMillis, "in milliseconds"},
		{sign.ISO8601Millis, FormISO8601, "an ISO 8601 time"},
		{sign.NoTimestamp, FormUnknown, "not a time"},
		{"rfc1123", FormUnknown, "not a time"},
	} {
		got := ExpectedForm(c.f)
		if got != c.want || got.Phrase() != c.phrase {
			t.Errorf("ExpectedForm(%q) = %q (%q), want %q (%q)", c.f, got, got.Phrase(), c.want, c.phrase)
		}
	}
	if got := FormMicros.Phrase(); got != "in microseconds" {
		t.Errorf("FormMicros.Phrase() = %q", got)
	}
	if got := FormNanos.Phrase(); got != "in nanoseconds" {
		t.Errorf("FormNanos.Phrase() = %q", got)
	}
	for _, c := range []struct{ ts, want string }{
		{"1578565539", "the timestamp is in seconds; woox expects milliseconds"},
		{"2020-01-09T10:25:39Z", "the timestamp is an ISO 8601 time; woox expects milliseconds"},
		{"soon", "the timestamp is not a time; woox expects milliseconds"},
	} {
		got := fmt.Sprintf("the timestamp is %s; woox expects %s", DetectTimestampForm(c.ts).Phrase(), ExpectedForm(sign.UnixMillis))
		if got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
