package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// studyBase is a valid [study] section; the tests change it line by line.
const studyBase = `[study]
[study.hours]
monday = "09:00-17:00"
[[study.zone]]
id = "stilte"
name = { nl = "Stilte", en = "Quiet zone" }
quiet = true
[[study.zone]]
id = "samen"
name = { nl = "Samenwerken" }
[[study.seat]]
number = "S01"
zone = "stilte"
features = ["pc", "power"]
row = 1
column = 1
[[study.seat]]
number = "S02"
zone = "samen"
row = 1
column = 1
`

// studyWith is studyBase with each pair of old, new replaced once.
func studyWith(pairs ...string) string {
	s := studyBase
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("studyWith: no " + pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// rule is studyBase with key = value as the first key of [study], on line 2.
func rule(kv string) string { return studyWith("[study]\n", "[study]\n"+kv+"\n") }

// seat is a [[study.seat]] to add after studyBase, from line 22.
func seat(number, zone string, row, column int, more ...string) string {
	s := "[[study.seat]]\nnumber = \"" + number + "\"\nzone = \"" + zone + "\"\n"
	s += "row = " + strconv.Itoa(row) + "\ncolumn = " + strconv.Itoa(column) + "\n"
	for _, m := range more {
		s += m + "\n"
	}
	return s
}

// studyTests are good and bad [study] sections; they also seed FuzzParse.
var studyTests = []struct {
	name string
	in   string
	line int    // 0: valid
	key  string // the key the error names
	msg  string // a part of the message
}{
	{name: "base", in: studyBase},
	{name: "split hours and an exception", in: studyWith("monday = \"09:00-17:00\"\n", "monday = \"09:00-12:30, 13:30-17:00\"\nsunday = \"\"\n") +
		"[[study.exception]]\ndate = \"2026-12-24\"\nhours = \"09:00-13:00\"\n[[study.exception]]\ndate = \"2026-12-25\"\n"},
	{name: "every seat of a zone on its own place", in: studyBase + seat("S03", "stilte", 1, 2) + seat("S04", "stilte", 2, 1)},

	// Limits.
	{name: "slot that does not divide an hour", in: rule(`slot = "25m"`), line: 2, key: "study.slot", msg: `"5m", "10m", "15m", "20m", "30m" or "60m"`},
	{name: "slot too short", in: rule(`slot = "1m"`), line: 2, key: "study.slot", msg: "from 5m to 60m"},
	{name: "slot too long", in: rule(`slot = "2h"`), line: 2, key: "study.slot", msg: "cannot be the slot"},
	{name: "slot in seconds", in: rule(`slot = "450s"`), line: 2, key: "study.slot", msg: "whole number of minutes"},
	{name: "longest stay not a multiple of the slot", in: rule("slot = \"30m\"\nlongest_stay = \"100m\""), line: 3, key: "study.longest_stay", msg: `not a whole number of slots of 30m (study.slot); use a multiple of the slot, like "1h30m"`},
	{name: "longest stay too long", in: rule(`longest_stay = "13h"`), line: 2, key: "study.longest_stay", msg: `up to "12h"`},
	{name: "bookings per day zero", in: rule("bookings_per_day = 0"), line: 2, key: "study.bookings_per_day", msg: "from 1 to 10"},
	{name: "bookings per day 11", in: rule("bookings_per_day = 11"), line: 2, key: "study.bookings_per_day", msg: "from 1 to 10"},
	{name: "open bookings zero", in: rule("open_bookings = 0"), line: 2, key: "study.open_bookings", msg: "from 1 to 10"},
	{name: "open bookings over per day", in: rule("open_bookings = 3"), line: 2, key: "study.open_bookings", msg: "more than study.bookings_per_day (2)"},
	{name: "horizon too far", in: rule(`horizon = "337h"`), line: 2, key: "study.horizon", msg: `up to "336h" (14 days)`},
	{name: "horizon negative", in: rule(`horizon = "-1h"`), line: 2, key: "study.horizon", msg: "out of range"},
	{name: "checkin before too long", in: rule(`checkin_before = "2h"`), line: 2, key: "study.checkin_before", msg: "out of range"},
	{name: "checkin after negative", in: rule(`checkin_after = "-5m"`), line: 2, key: "study.checkin_after", msg: "out of range"},
	{name: "teacher category empty", in: rule(`teacher_categories = ["LK", ""]`), line: 2, key: "study.teacher_categories", msg: "not a patron category"},
	{name: "teacher category twice", in: rule(`teacher_categories = ["LK", "LK"]`), line: 2, key: "study.teacher_categories", msg: "listed twice"},
	{name: "teacher categories as text", in: rule(`teacher_categories = "LK"`), line: 2, key: "study.teacher_categories", msg: `must be a list of text in double quotes, like ["a", "b"], not the text "LK"`},
	{name: "slot as a number", in: rule("slot = 15"), line: 2, key: "study.slot", msg: "must be a duration in double quotes"},

	// Hours.
	{name: "hours without minutes", in: studyWith(`monday = "09:00-17:00"`, `monday = "9-17"`), line: 3, key: "study.hours.monday", msg: `"9-17" is not two times of day HH:MM-HH:MM; write them like "09:00-21:00"`},
	{name: "hours one time", in: studyWith(`monday = "09:00-17:00"`, `tuesday = "09:00"`), line: 3, key: "study.hours.tuesday", msg: "not two times of day"},
	{name: "hours minute 60", in: studyWith(`monday = "09:00-17:00"`, `wednesday = "09:60-17:00"`), line: 3, key: "study.hours.wednesday", msg: "not two times of day"},
	{name: "hours after 24:00", in: studyWith(`monday = "09:00-17:00"`, `thursday = "09:00-24:30"`), line: 3, key: "study.hours.thursday", msg: "not two times of day"},
	{name: "hours closing before opening", in: studyWith(`monday = "09:00-17:00"`, `friday = "17:00-09:00"`), line: 3, key: "study.hours.friday", msg: `"17:00-09:00" closes before it opens`},
	{name: "hours closing as it opens", in: studyWith(`monday = "09:00-17:00"`, `saturday = "09:00-09:00"`), line: 3, key: "study.hours.saturday", msg: "closes before it opens"},
	{name: "hours overlapping", in: studyWith(`monday = "09:00-17:00"`, `sunday = "13:00-17:00, 09:00-13:30"`), line: 3, key: "study.hours.sunday", msg: "09:00-13:30 and 13:00-17:00 overlap"},
	{name: "hours as a number", in: studyWith(`monday = "09:00-17:00"`, `monday = 9`), line: 3, key: "study.hours.monday", msg: "must be text in double quotes"},
	{name: "unknown weekday", in: studyWith(`monday = "09:00-17:00"`, `maandag = "09:00-17:00"`), line: 3, key: "study.hours.maandag", msg: "allowed keys are monday, tuesday"},

	// Exceptions.
	{name: "exception bad date", in: studyBase + "[[study.exception]]\ndate = \"2026-02-30\"\n", line: 23, key: "study.exception[1].date", msg: `"2026-02-30" is not a date; write year-month-day in double quotes, like "2026-12-24"`},
	{name: "exception date without zeros", in: studyBase + "[[study.exception]]\ndate = \"2026-1-2\"\n", line: 23, key: "study.exception[1].date", msg: "is not a date"},
	{name: "exception bare date", in: studyBase + "[[study.exception]]\ndate = 2026-12-24\n", line: 23, key: "study.exception[1].date", msg: "must be text in double quotes, not the date/time 2026-12-24"},
	{name: "exception without date", in: studyBase + "[[study.exception]]\nhours = \"\"\n", line: 22, key: "study.exception[1].date", msg: "needs a date"},
	{name: "exception twice", in: studyBase + "[[study.exception]]\ndate = \"2026-12-24\"\n[[study.exception]]\ndate = \"2026-12-25\"\n[[study.exception]]\ndate = \"2026-12-24\"\nhours = \"\"\n", line: 27, key: "study.exception[3].date", msg: "2026-12-24 already has its hours in [[study.exception]] 1 (line 23)"},
	{name: "exception bad hours", in: studyBase + "[[study.exception]]\ndate = \"2026-12-24\"\nhours = \"09:00-17:00, 16:00-18:00\"\n", line: 24, key: "study.exception[1].hours", msg: "overlap"},
	{name: "exception unknown key", in: studyBase + "[[study.exception]]\ndate = \"2026-12-24\"\n[[study.exception]]\ndate = \"2026-12-25\"\nopen = \"\"\n", line: 26, key: "study.exception[2].open", msg: `unknown key "open" in [[study.exception]]; allowed keys are date, hours`},

	// Zones.
	{name: "duplicate zone id", in: studyWith(`id = "samen"`, `id = "stilte"`), line: 9, key: "study.zone[2].id", msg: `"stilte" is already the id of [[study.zone]] 1 (line 5)`},
	{name: "zone without id", in: studyWith("id = \"samen\"\n", ""), line: 8, key: "study.zone[2].id", msg: "needs an id"},
	{name: "zone id with capitals", in: studyWith(`id = "samen"`, `id = "Samen"`), line: 9, key: "study.zone[2].id", msg: `"Samen" cannot be a zone id`},
	{name: "zone without seats", in: studyBase + "[[study.zone]]\nid = \"leeg\"\nname = { nl = \"Leeg\" }\n", line: 23, key: "study.zone[3].id", msg: `zone "leeg" has no seats`},
	{name: "zone name without Dutch", in: studyWith(`name = { nl = "Samenwerken" }`, `name = { en = "Group work" }`), line: 10, key: "study.zone[2].name.nl", msg: "needs a Dutch name"},
	{name: "zone without a name", in: studyWith("name = { nl = \"Samenwerken\" }\n", ""), line: 8, key: "study.zone[2].name.nl", msg: "needs a Dutch name"},
	{name: "zone name in an unknown language", in: studyWith(`name = { nl = "Samenwerken" }`, `name = { nl = "Samenwerken", de = "Gruppenarbeit" }`), line: 10, key: "study.zone[2].name.de", msg: `"de" is not a language of the kiosk; name the zone in nl (Nederlands), en (English)`},
	{name: "zone name empty", in: studyWith(`name = { nl = "Samenwerken" }`, `name = { nl = " " }`), line: 10, key: "study.zone[2].name.nl", msg: "cannot be the zone's name"},
	{name: "zone name as text", in: studyWith(`name = { nl = "Samenwerken" }`, `name = "Samenwerken"`), line: 10, key: "study.zone[2].name", msg: "must be a table of text per language"},
	{name: "zone name sub-table", in: studyWith("name = { nl = \"Samenwerken\" }\n", "[study.zone.name]\nnl = \"Samenwerken\"\nen = 5\n"), line: 12, key: "study.zone[2].name.en", msg: "must be a table of text per language, like { nl = \"Stilte\", en = \"Quiet zone\" }; en is the number 5"},
	{name: "zone quiet as text", in: studyWith("quiet = true", "quiet = \"ja\""), line: 7, key: "study.zone[1].quiet", msg: "must be true or false"},
	{name: "zone unknown key", in: studyWith("quiet = true", "stil = true"), line: 7, key: "study.zone[1].stil", msg: "unknown key \"stil\" in [[study.zone]]; allowed keys are id, name, quiet"},
	{name: "zone as a table", in: strings.Replace(studyBase, "[[study.zone]]\nid = \"stilte\"", "[study.zone]\nid = \"stilte\"", 1), line: 8, msg: "not valid TOML"},
	{name: "no zone", in: "[study]\n[[study.seat]]\nnumber = \"S01\"\nzone = \"stilte\"\nrow = 1\ncolumn = 1\n", line: 1, key: "study", msg: "at least one zone"},
	{name: "empty study", in: "[kiosk]\nlanguage = \"en\"\n\n[study]\nslot = \"15m\"\n", line: 4, key: "study", msg: "at least one zone"},
	{name: "no seat", in: "[study]\n[[study.zone]]\nid = \"stilte\"\nname = { nl = \"Stilte\" }\n", line: 1, key: "study", msg: "at least one seat"},

	// Seats.
	{name: "seat in an unknown zone", in: studyBase + seat("S03", "stile", 2, 2), line: 24, key: "study.seat[3].zone", msg: `"stile" is not the id of a [[study.zone]]; use one of "stilte", "samen"`},
	{name: "seat without zone", in: studyBase + "[[study.seat]]\nnumber = \"S03\"\nrow = 2\ncolumn = 2\n", line: 22, key: "study.seat[3].zone", msg: "needs a zone"},
	{name: "duplicate seat number", in: studyBase + seat("S03", "stilte", 2, 1) + seat("S01", "stilte", 2, 2), line: 28, key: "study.seat[4].number", msg: `"S01" is already the number of [[study.seat]] 1 (line 12)`},
	{name: "seat without number", in: studyWith("number = \"S02\"\n", ""), line: 17, key: "study.seat[2].number", msg: "needs a number"},
	{name: "seat number with a space", in: studyWith(`"S02"`, `"S 02"`), line: 18, key: "study.seat[2].number", msg: "cannot be a seat number"},
	{name: "two seats on one place", in: studyBase + seat("S03", "stilte", 1, 1), line: 26, key: "study.seat[3].column", msg: `seat "S03" is on row 1, column 1 of zone "stilte", where seat "S01" (line 12) already is`},
	{name: "unknown feature", in: studyWith(`["pc", "power"]`, `["pc", "wifi"]`), line: 14, key: "study.seat[1].features", msg: `"wifi" is not a feature of a seat; use "pc", "power", "window", "accessible"`},
	{name: "feature twice", in: studyWith(`["pc", "power"]`, `["pc", "pc"]`), line: 14, key: "study.seat[1].features", msg: "listed twice"},
	{name: "features as numbers", in: studyWith(`["pc", "power"]`, `[1, 2]`), line: 14, key: "study.seat[1].features", msg: "must be a list of text"},
	{name: "row zero", in: studyWith("row = 1\ncolumn = 1\n[[study.seat]]", "row = 0\ncolumn = 1\n[[study.seat]]"), line: 15, key: "study.seat[1].row", msg: "from 1 to 100"},
	{name: "seat without column", in: studyBase + "[[study.seat]]\nnumber = \"S03\"\nzone = \"stilte\"\nrow = 2\n", line: 22, key: "study.seat[3].column", msg: "from 1 to 100"},
	{name: "column as text", in: studyBase + seat("S03", "stilte", 2, 2, `out_of_service = "ja"`), line: 27, key: "study.seat[3].out_of_service", msg: "must be true or false"},
	{name: "seat unknown key", in: studyBase + seat("S03", "stilte", 2, 2, "colour = \"red\""), line: 27, key: "study.seat[3].colour", msg: `unknown key "colour" in [[study.seat]]; allowed keys are number, zone, features, row, column, out_of_service`},
	{name: "seat as a list of numbers", in: "[study]\nseat = [1, 2]\n", line: 2, key: "study.seat[1]", msg: "every seat must be a [[study.seat]] section"},
	{name: "301 seats", in: studyBase + numbered(299, "[[study.seat]]\nnumber = \"T%d\"\n"), line: 22 + 2*298, key: "study.seat[301]", msg: "the file has 301 [[study.seat]] sections; the kiosk takes at most 300"},

	// Unknown keys of [study].
	{name: "unknown key in study", in: rule(`slots = "15m"`), line: 2, key: "study.slots", msg: `did you mean "slot"?`},
	{name: "study as a value", in: "study = true\n", line: 1, key: "study", msg: "must be a section"},
}

func TestParseStudy(t *testing.T) {
	for _, tc := range studyTests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("kiosk.toml", []byte(tc.in))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if cfg.Study == nil {
					t.Fatal("Parse: no Study")
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error = %v (%T), want *Error", err, err)
			}
			if e.File != "kiosk.toml" || e.Line != tc.line || (tc.key != "" && e.Key != tc.key) || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Parse error = %q\nwant line %d, key %q, message containing %q", e, tc.line, tc.key, tc.msg)
			}
		})
	}
}

// TestParseStudyValues: every key of [study] lands in its field, and the
// keys left out have their defaults.
func TestParseStudyValues(t *testing.T) {
	in := `[study]
slot = "30m"
longest_stay = "3h"
bookings_per_day = 3
open_bookings = 2
horizon = "48h"
checkin_before = "10m"
checkin_after = "20m"
blocked_may_study = false
teacher_categories = ["LK", "DOC"]

[study.hours]
monday = "09:00-21:00"
tuesday = "09:00-12:30, 13:30-17:00"
wednesday = "10:00-17:00"
thursday = "09:00-21:00"
friday = "09:00-17:00"
saturday = "10:00-16:00"
sunday = ""

[[study.exception]]
date = "2026-12-24"
hours = "09:00-17:00"

[[study.exception]]
date = "2026-12-25"

[[study.zone]]
id = "stilte"
name = { nl = "Stilte", en = "Quiet zone" }
quiet = true

[[study.zone]]
id = "samen"
name.nl = "Samenwerken"

[[study.seat]]
number = "S01"
zone = "stilte"
features = ["pc", "power"]
row = 1
column = 2
out_of_service = true

[[study.seat]]
number = "G01"
zone = "samen"
row = 3
column = 4
`
	cfg, err := Parse("kiosk.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Study{
		Slot: Duration{30 * time.Minute}, LongestStay: Duration{3 * time.Hour},
		BookingsPerDay: 3, OpenBookings: 2, Horizon: Duration{48 * time.Hour},
		CheckinBefore: Duration{10 * time.Minute}, CheckinAfter: Duration{20 * time.Minute},
		BlockedMayStudy: false, TeacherCategories: []string{"LK", "DOC"},
		Hours:      StudyHours{"09:00-21:00", "09:00-12:30, 13:30-17:00", "10:00-17:00", "09:00-21:00", "09:00-17:00", "10:00-16:00", ""},
		Exceptions: []StudyException{{"2026-12-24", "09:00-17:00"}, {"2026-12-25", ""}},
		Zones: []StudyZone{
			{ID: "stilte", Name: map[string]string{"nl": "Stilte", "en": "Quiet zone"}, Quiet: true},
			{ID: "samen", Name: map[string]string{"nl": "Samenwerken"}},
		},
		Seats: []StudySeat{
			{Number: "S01", Zone: "stilte", Features: []string{"pc", "power"}, Row: 1, Column: 2, OutOfService: true},
			{Number: "G01", Zone: "samen", Row: 3, Column: 4},
		},
	}
	if !reflect.DeepEqual(cfg.Study, want) {
		t.Errorf("Study =\n%+v\nwant\n%+v", cfg.Study, want)
	}
	rest := cfg
	rest.Study = nil
	if !reflect.DeepEqual(rest, Default()) {
		t.Errorf("[study] changed another section:\n%+v", rest)
	}

	// The keys left out keep their defaults.
	cfg, err = Parse("kiosk.toml", []byte(studyBase))
	if err != nil {
		t.Fatal(err)
	}
	def := *defaultStudy()
	got := *cfg.Study
	got.Hours, got.Zones, got.Seats = StudyHours{}, nil, nil
	if !reflect.DeepEqual(got, def) {
		t.Errorf("defaults =\n%+v\nwant\n%+v", got, def)
	}
	if def.Slot.Duration != 15*time.Minute || def.LongestStay.Duration != 4*time.Hour || def.BookingsPerDay != 2 || def.OpenBookings != 1 ||
		def.Horizon.Duration != 72*time.Hour || def.CheckinBefore.Duration != 15*time.Minute || def.CheckinAfter.Duration != 15*time.Minute || !def.BlockedMayStudy {
		t.Errorf("defaults are not those documented: %+v", def)
	}

	// Without [study], no study places.
	if cfg, err := Parse("kiosk.toml", nil); err != nil || cfg.Study != nil {
		t.Errorf("empty file: Study = %+v, %v", cfg.Study, err)
	}
}

func TestParseHours(t *testing.T) {
	h := func(hh, mm int) time.Duration { return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute }
	span := func(open, closing time.Duration) kiosk.Span { return kiosk.Span{Open: open, Close: closing} }
	for _, tc := range []struct {
		in   string
		want []kiosk.Span
	}{
		{"", nil},
		{"  ", nil},
		{"09:00-21:00", []kiosk.Span{span(h(9, 0), h(21, 0))}},
		{"13:30-17:00,09:00-12:30", []kiosk.Span{span(h(9, 0), h(12, 30)), span(h(13, 30), h(17, 0))}},
		{" 09:00 - 12:30 , 12:30-24:00 ", []kiosk.Span{span(h(9, 0), h(12, 30)), span(h(12, 30), h(24, 0))}},
		{"00:00-24:00", []kiosk.Span{span(0, h(24, 0))}},
	} {
		got, err := ParseHours(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseHours(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"9:00-17:00", "09:00", "09:00-", "-17:00", "09.00-17.00", "24:00-24:00", "+9:00-17:00", "09:-1-17:00", "09:00-17:00,", "a", "09:00-17:00-18:00"} {
		if got, err := ParseHours(in); err == nil {
			t.Errorf("ParseHours(%q) = %v, want an error", in, got)
		}
	}
}

// TestParseStudy300Seats: the most seats, every key written, fit in the file's limits.
func TestParseStudy300Seats(t *testing.T) {
	var b strings.Builder
	b.WriteString(readSample(t))
	b.WriteString("\n[study]\n[[study.zone]]\nid = \"z\"\nname = { nl = \"Zaal\", en = \"Hall\" }\nquiet = false\n")
	for i := range maxStudySeats {
		fmt.Fprintf(&b, "[[study.seat]]\nnumber = \"S%03d\"\nzone = \"z\"\nfeatures = [\"pc\", \"power\", \"window\"]\nrow = %d\ncolumn = %d\nout_of_service = false\n", i, i/20+1, i%20+1)
	}
	cfg, err := Parse("kiosk.toml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cfg.Study.Seats); n != maxStudySeats {
		t.Errorf("%d seats", n)
	}
}
