package verify

import (
	"strconv"
	"strings"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// TimestampForm is what a timestamp's text looks like. Its text reads
// after "expects": "woox expects milliseconds"; Phrase reads after "is".
type TimestampForm string

const (
	// FormSeconds is decimal seconds since the Unix epoch, up to 11
	// digits, "1578565539", possibly with a fraction, "1578565539.808".
	FormSeconds TimestampForm = "seconds"
	// FormMillis is decimal milliseconds since the epoch, 12 to 14 digits.
	FormMillis TimestampForm = "milliseconds"
	// FormMicros is decimal microseconds since the epoch, 15 to 17 digits.
	FormMicros TimestampForm = "microseconds"
	// FormNanos is decimal nanoseconds since the epoch, 18 or 19 digits.
	FormNanos TimestampForm = "nanoseconds"
	// FormISO8601 is an RFC 3339 date and time with a zone,
	// "2020-01-09T10:25:39.808Z" or "2020-01-09T18:25:39+08:00".
	FormISO8601 TimestampForm = "an ISO 8601 time"
	// FormUnknown is text that is none of the above.
	FormUnknown TimestampForm = "not a time"
)

// maxUnixSeconds is 9999-12-31T23:59:59Z, the last second worth reading.
const maxUnixSeconds = 253402300799

// isoLayouts are the ISO 8601 forms recognised: RFC 3339 with or without
// a fraction, and the same with a colon-less offset, "+0800".
var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"}

// DetectTimestampForm tells from its text what form a timestamp is in.
// Whole numbers are told apart by their count of significant digits;
// negative or signed numbers, date-only text and anything else are
// FormUnknown. Surrounding white space is ignored, as sign does.
func DetectTimestampForm(ts string) TimestampForm {
	ts = strings.TrimSpace(ts)
	if whole, frac, ok := strings.Cut(ts, "."); ok && allDigits(whole) && allDigits(frac) {
		if significantDigits(whole) <= 11 {
			return FormSeconds
		}
		return FormUnknown
	}
	if allDigits(ts) {
		if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
			return FormUnknown
		}
		switch n := significantDigits(ts); {
		case n <= 11:
			return FormSeconds
		case n <= 14:
			return FormMillis
		case n <= 17:
			return FormMicros
		}
		return FormNanos
	}
	if _, ok := parseISO(ts); ok {
		return FormISO8601
	}
	return FormUnknown
}

// ParseTimestampForm reads ts as a time in the given form, in UTC or, for
// ISO 8601, in the zone it names. It reports false when ts is not written
// that way. Any numeric form may be tried, to see what a number would mean
// if read in another unit; only FormSeconds takes a fraction.
func ParseTimestampForm(ts string, form TimestampForm) (time.Time, bool) {
	ts = strings.TrimSpace(ts)
	if form == FormISO8601 {
		return parseISO(ts)
	}
	whole, frac, hasFrac := strings.Cut(ts, ".")
	if !allDigits(whole) || hasFrac && (form != FormSeconds || !allDigits(frac)) {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	switch form {
	case FormSeconds:
		if n > maxUnixSeconds {
			return time.Time{}, false
		}
		var nanos int64
		if hasFrac {
			nanos, _ = strconv.ParseInt((frac + "00000000")[:9], 10, 64)
		}
		return time.Unix(n, nanos).UTC(), true
	case FormMillis:
		return time.UnixMilli(n).UTC(), true
	case FormMicros:
		return time.UnixMicro(n).UTC(), true
	case FormNanos:
		return time.Unix(0, n).UTC(), true
	}
	return time.Time{}, false
}

// ExpectedForm is the form a scheme's timestamp format writes; FormUnknown
// for sign.NoTimestamp and anything unrecognised.
func ExpectedForm(f sign.TimestampFormat) TimestampForm {
	switch f {
	case sign.UnixSeconds:
		return FormSeconds
	case sign.UnixMillis:
		return FormMillis
	case sign.ISO8601Millis:
		return FormISO8601
	}
	return FormUnknown
}

// Phrase is the form as it reads after "the timestamp is": "in seconds",
// "in milliseconds", "an ISO 8601 time", "not a time".
func (f TimestampForm) Phrase() string {
	switch f {
	case FormSeconds, FormMillis, FormMicros, FormNanos:
		return "in " + string(f)
	case FormISO8601:
		return string(f)
	}
	return string(FormUnknown)
}

func parseISO(ts string) (time.Time, bool) {
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, ts); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// significantDigits counts the digits of s without leading zeros; "0" has one.
func significantDigits(s string) int {
	return max(len(strings.TrimLeft(s, "0")), 1)
}
