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
func FormatDate(t time.Time) string { return string(appendDate(make([]byte, 0, DateLen), t)) }

// appendDate is FormatDate without fmt or time.Format: it is on every request's path.
func appendDate(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, BlankDate...)
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		y = min(max(y, 0), 9999) // the field has four digits
	}
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	dst = append2(dst, int(mo))
	dst = append2(dst, d)
	if t.Location() == time.UTC {
		dst = append(dst, "   Z"...)
	} else {
		dst = append(dst, "    "...)
	}
	dst = append2(dst, h)
	dst = append2(dst, mi)
	return append2(dst, s)
}

func append2(dst []byte, v int) []byte { return append(dst, byte('0'+v/10), byte('0'+v%10)) }

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
	for i := 0; i < len(s); i++ {
		if c := s[i]; (i < 8 || i >= 12) && (c < '0' || c > '9') {
			return time.Time{}, fmt.Errorf("date %q: not YYYYMMDDZZZZHHMMSS", s)
		}
	}
	if z := s[8:12]; z == "   Z" || z == "000Z" || z == "UTC " {
		loc = time.UTC
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d := num(0, 4), num(4, 2), num(6, 2)
	h, mi, sec := num(12, 2), num(14, 2), num(16, 2)
	// time.Date normalises 31 February to March; a date that moves is not one.
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("date %q: out of range", s)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q: day out of range", s)
	}
	return t, nil
}
