package kiosk_test

import (
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

func TestParseMoment(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	old := time.Local
	time.Local = ams
	t.Cleanup(func() { time.Local = old })
	for _, tc := range []struct {
		in, want string // want in RFC 3339, "" for an error
	}{
		{"2027-03-28", "2027-03-28T10:30:00+02:00"}, // DST day: 10:30 on the wall clock, not midnight + 10.5 h
		{"2026-10-25", "2026-10-25T10:30:00+01:00"},
		{"2026-12-31T23:30", "2026-12-31T23:30:00+01:00"},
		{"2027-03-28T01:30", "2027-03-28T01:30:00+01:00"},
		{"", ""},
		{"28-03-2027", ""},
		{"2027-02-30", ""},
		{"2027-03-28T25:00", ""},
		{"2027-03-28 10:30", ""},
		{"2027-03-28T10:30\x00", ""},
	} {
		got, err := kiosk.ParseMoment(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseMoment(%q) = %v; want an error", tc.in, got)
		case tc.want != "" && (err != nil || got.Format(time.RFC3339) != tc.want):
			t.Errorf("ParseMoment(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseMoment: any text either fails with a message naming the form, or
// gives a moment that reads back as the same day.
func FuzzParseMoment(f *testing.F) {
	for _, s := range []string{"2027-03-28", "2026-12-31T23:30", "", "2027-02-30", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := kiosk.ParseMoment(s)
		if err != nil {
			return
		}
		if day := got.Format("2006-01-02"); len(s) < 10 || s[:10] != day {
			t.Errorf("ParseMoment(%q) = %v: another day than it says", s, got)
		}
	})
}
