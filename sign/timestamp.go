package sign

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimestampFormat is how a scheme writes the time it signs.
type TimestampFormat string

const (
	// NoTimestamp: the scheme signs no time.
	NoTimestamp TimestampFormat = "none"
	// UnixSeconds: decimal seconds since the Unix epoch, "1700000000".
	UnixSeconds TimestampFormat = "unix"
	// UnixMillis: decimal milliseconds since the Unix epoch,
	// "1700000000123".
	UnixMillis TimestampFormat = "unix-ms"
	// ISO8601Millis: UTC with exactly three fractional digits,
	// "2020-12-08T09:08:57.715Z".
	ISO8601Millis TimestampFormat = "iso8601-ms"
)

// TimestampFormats lists every known format, for help texts and checks.
func TimestampFormats() []TimestampFormat {
	return []TimestampFormat{NoTimestamp, UnixSeconds, UnixMillis, ISO8601Millis}
}

func (f TimestampFormat) valid() bool {
	for _, known := range TimestampFormats() {
		if f == known {
			return true
		}
	}
	return false
}

// Format writes t in this format.
func (f TimestampFormat) Format(t time.Time) string {
	var buf [maxTimestampLen]byte
	return string(f.append(buf[:0], t))
}

// maxTimestampLen is the longest a timestamp is written: a negative Unix
// time in milliseconds, or a time in ISO 8601 form.
const maxTimestampLen = 32

// append appends t, written in this format, to dst.
func (f TimestampFormat) append(dst []byte, t time.Time) []byte {
	switch f {
	case UnixSeconds:
		return strconv.AppendInt(dst, t.Unix(), 10)
	case UnixMillis:
		return strconv.AppendInt(dst, t.UnixMilli(), 10)
	case ISO8601Millis:
		return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	}
	return dst
}

// Parse reads a timestamp written in this format back into a time, for
// checking its age.
func (f TimestampFormat) Parse(s string) (time.Time, error) {
	switch f {
	case UnixSeconds, UnixMillis:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp %q is not a whole number of %s", s, f.unitName())
		}
		if f == UnixSeconds {
			return time.Unix(n, 0), nil
		}
		return time.UnixMilli(n), nil
	case ISO8601Millis:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp %q is not an ISO 8601 time like 2020-12-08T09:08:57.715Z", s)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("this scheme signs no timestamp")
}

func (f TimestampFormat) unitName() string {
	if f == UnixMillis {
		return "milliseconds"
	}
	return "seconds"
}
