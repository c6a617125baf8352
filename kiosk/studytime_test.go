package kiosk_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on a machine without time zones

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

func amsterdam(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// olc is a small open learning centre: open 09:00-21:00 every day but
// Sunday (12:00-17:00), two zones.
func olc() *kiosk.StudyPlan {
	p := &kiosk.StudyPlan{
		Zones: []kiosk.Zone{{ID: "stilte", Names: map[string]string{"nl": "Stilte"}, Quiet: true}, {ID: "samen", Names: map[string]string{"nl": "Samenwerken"}}},
		Rules: kiosk.StudyRules{Slot: 15 * time.Minute, LongestStay: 4 * time.Hour, CheckinBefore: 15 * time.Minute, CheckinAfter: 15 * time.Minute},
		Exceptions: map[string][]kiosk.Span{
			"2027-12-24": {{Open: 9 * time.Hour, Close: 17 * time.Hour}},
			"2027-12-25": nil,
		},
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		p.Week[d] = []kiosk.Span{{Open: 9 * time.Hour, Close: 21 * time.Hour}}
	}
	p.Week[time.Sunday] = []kiosk.Span{{Open: 12 * time.Hour, Close: 17 * time.Hour}}
	p.Seats = []kiosk.Seat{
		{Number: "S1", Zone: "stilte", Features: []kiosk.Feature{kiosk.FeaturePC, kiosk.FeaturePower}, Row: 1, Column: 1},
		{Number: "S2", Zone: "stilte", Features: []kiosk.Feature{kiosk.FeaturePower}, Row: 1, Column: 2},
		{Number: "S3", Zone: "stilte", Row: 1, Column: 3, OutOfService: true},
		{Number: "W1", Zone: "samen", Features: []kiosk.Feature{kiosk.FeaturePC}, Row: 1, Column: 1},
	}
	return p
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// Opening hours are wall-clock hours, also on the days the clocks change,
// and a date's exception wins over its weekday.
func TestStudyHoursFollowTheWallClock(t *testing.T) {
	loc := amsterdam(t)
	p := olc()
	for _, tc := range []struct {
		day        string
		open, shut string // "" closed
	}{
		{"2027-03-28", "12:00", "17:00"}, // Sunday, summer time begins at 02:00
		{"2026-10-25", "12:00", "17:00"}, // Sunday, winter time begins at 03:00
		{"2027-03-29", "09:00", "21:00"},
		{"2027-12-24", "09:00", "17:00"}, // closes early
		{"2027-12-25", "", ""},           // closed
	} {
		day := at(loc, tc.day+" 00:30")
		h := p.Hours(day)
		if tc.open == "" {
			if len(h) != 0 {
				t.Errorf("%s: open %v, want closed", tc.day, h)
			}
			continue
		}
		if len(h) != 1 || h[0][0].Format("15:04") != tc.open || h[0][1].Format("15:04") != tc.shut || h[0][0].Format("2006-01-02") != tc.day {
			t.Errorf("%s: hours %v, want %s-%s", tc.day, h, tc.open, tc.shut)
		}
	}
	if _, open := p.OpenAt(at(loc, "2027-03-29 21:00")); open {
		t.Error("open at closing time")
	}
	if until, open := p.OpenAt(at(loc, "2027-03-29 20:59")); !open || until.Format("15:04") != "21:00" {
		t.Errorf("at 20:59: open %v until %v", open, until)
	}
}

// "Until when" steps by the slot up to the longest stay, closing time or
// the seat's next booking, whichever comes first.
func TestUntilWhen(t *testing.T) {
	loc := amsterdam(t)
	p := olc()
	s1 := p.Seats[0]
	ends := func(rec kiosk.SeatRecord, start string) string {
		var out []string
		for _, e := range p.Until(s1, rec, at(loc, start), at(loc, start)) {
			out = append(out, e.Format("15:04"))
		}
		if len(out) == 0 {
			return "none"
		}
		return fmt.Sprintf("%s…%s (%d)", out[0], out[len(out)-1], len(out))
	}
	later := kiosk.SeatRecord{Bookings: []kiosk.Booking{{Card: "x", Start: at(loc, "2027-03-29 12:00"), End: at(loc, "2027-03-29 14:00"), CheckedIn: true}}}
	for _, tc := range []struct {
		name, start, want string
		rec               kiosk.SeatRecord
	}{
		{"longest stay", "2027-03-29 10:07", "10:15…14:00 (16)", kiosk.SeatRecord{}},
		{"closing time", "2027-03-29 19:40", "19:45…21:00 (6)", kiosk.SeatRecord{}},
		{"next booking", "2027-03-29 10:00", "10:15…12:00 (8)", later},
		{"taken", "2027-03-29 12:30", "none", later},
		{"closed", "2027-03-29 22:00", "none", kiosk.SeatRecord{}},
		{"DST day", "2027-03-28 12:00", "12:15…16:00 (16)", kiosk.SeatRecord{}},
	} {
		if got := ends(tc.rec, tc.start); got != tc.want {
			t.Errorf("%s: until %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A booking not checked in within its window is released; one checked in
// holds its seat until its end; an out-of-service seat never counts.
func TestNoShowsAreReleased(t *testing.T) {
	loc := amsterdam(t)
	p := olc()
	start := at(loc, "2027-03-29 10:00")
	recs := map[string]kiosk.Revisioned{
		"S1": {Record: kiosk.SeatRecord{Bookings: []kiosk.Booking{{Card: "a", Start: start, End: start.Add(2 * time.Hour)}}}},
		"S2": {Record: kiosk.SeatRecord{Bookings: []kiosk.Booking{{Card: "b", Start: start, End: start.Add(2 * time.Hour), CheckedIn: true}}}},
	}
	for _, tc := range []struct {
		now        string
		stilteFree int
	}{
		{"2027-03-29 10:10", 0}, // both held: S1 may still check in
		{"2027-03-29 10:16", 1}, // S1 a no-show: free again
		{"2027-03-29 12:00", 2}, // S2's booking ended
	} {
		got := p.Occupancy(recs, at(loc, tc.now))
		if got[0].Zone != "stilte" || got[0].Free != tc.stilteFree || got[0].Total != 2 {
			t.Errorf("at %s: %+v, want stilte %d of 2 free", tc.now, got[0], tc.stilteFree)
		}
	}
	if mine := p.Of(recs, "a", at(loc, "2027-03-29 10:05")); len(mine) != 1 || mine[0].Seat != "S1" {
		t.Errorf("a's bookings: %+v", mine)
	}
	if mine := p.Of(recs, "a", at(loc, "2027-03-29 10:20")); len(mine) != 0 {
		t.Errorf("a no-show still has %+v", mine)
	}
}

// "Any free place with a PC" and "any quiet place" pick from the right
// seats.
func TestAnyFreePlaceWith(t *testing.T) {
	loc := amsterdam(t)
	p := olc()
	from := at(loc, "2027-03-29 10:00")
	names := func(seats []kiosk.Seat) (out []string) {
		for _, s := range seats {
			out = append(out, s.Number)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		quiet bool
		want  []kiosk.Feature
		seats string
	}{
		{"pc", false, []kiosk.Feature{kiosk.FeaturePC}, "[S1 W1]"},
		{"power", false, []kiosk.Feature{kiosk.FeaturePower}, "[S1 S2]"},
		{"quiet", true, nil, "[S1 S2]"},
		{"quiet pc", true, []kiosk.Feature{kiosk.FeaturePC}, "[S1]"},
	} {
		got := fmt.Sprint(names(p.FreeSeats(nil, "", tc.quiet, tc.want, from, from.Add(time.Hour), from)))
		if got != tc.seats {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.seats)
		}
	}
}

// Free places for 300 seats over a day, from the records the store gives:
// the issue asks ≤ 1 ms.
func BenchmarkOccupancy300(b *testing.B) {
	loc := amsterdam(b)
	p := olc()
	p.Seats = nil
	recs := map[string]kiosk.Revisioned{}
	day := at(loc, "2027-03-29 09:00")
	for i := range 300 {
		n := fmt.Sprintf("P%03d", i)
		p.Seats = append(p.Seats, kiosk.Seat{Number: n, Zone: []string{"stilte", "samen"}[i%2], Row: i / 20, Column: i % 20})
		var rec kiosk.SeatRecord
		for j := range 4 {
			s := day.Add(time.Duration(j*3) * time.Hour)
			rec.Bookings = append(rec.Bookings, kiosk.Booking{Card: "c", Start: s, End: s.Add(2 * time.Hour), CheckedIn: j%2 == 0})
		}
		recs[n] = kiosk.Revisioned{Record: rec, Revision: 1}
	}
	now := day.Add(4 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		p.Occupancy(recs, now)
	}
}
