package sip2

import (
	"fmt"
	"time"
)

// DateLen is the length of a SIP2 date: YYYYMMDDZZZZHHMMSS.
const DateLen = 18

// BlankDate is an unused date: 18 spaces.
const BlankDate = "                  "

// FormatDate formats t as YYYYMMDDZZZZHHMMSS: zone "   Z" for UTC, four
// spaces for local time (t's own location), 18 spaces for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return BlankDate
	}
	if t.Location() == time.UTC {
		return t.Format("20060102") + "   Z" + t.Format("150405")
	}
	return t.Format("20060102") + "    " + t.Format("150405")
}

// ParseDate parses a SIP2 date in time.Local; see ParseDateIn.
func ParseDate(s string) (time.Time, error) { return ParseDateIn(s, time.Local) }

// ParseDateIn parses YYYYMMDDZZZZHHMMSS. A zone of "   Z" means UTC; any
// other zone (servers send four spaces, or names like "CET ") means loc.
// 18 spaces (or an empty string) give the zero time.
func ParseDateIn(s string, loc *time.Location) (time.Time, error) {
	if s == "" || s == BlankDate {
		return time.Time{}, nil
	}
	if len(s) != DateLen {
		return time.Time{}, fmt.Errorf("date %q: want %d characters", s, DateLen)
	}
	for i, c := range []byte(s) {
		if (i < 8 || i >= 12) && (c < '0' || c > '9') {
			return time.Time{}, fmt.Errorf("date %q: not YYYYMMDDZZZZHHMMSS", s)
		}
	}
	if s[8:12] == "   Z" || s[8:12] == "000Z" || s[8:12] == "UTC " {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("20060102150405", s[:8]+s[12:], loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t, nil
}
