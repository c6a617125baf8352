package storage

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// After the retention window a booking's card is not readable anywhere in
// the data directory; after twice the window the booking is gone; a
// booking that ended within the window, or is still ahead, keeps its card.
func TestSeatRetentionLeavesNoCardInTheFile(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := seatClock(t, s)
	r := Retention{Journal: 24 * time.Hour, Attention: AttentionRetention, Patrons: 7 * 24 * time.Hour, Seats: 24 * time.Hour}
	start := clock.Now()
	people := visitors(40)
	var kept, scrubbed, dropped []string
	for i := range 10 {
		seat := fmt.Sprintf("S%d", i)
		var bs []SeatBooking
		// Two hours three, two and one day ago, at this time of day.
		for d, p := range []visitor{people[i], people[10+i], people[20+i]} {
			b := start.AddDate(0, 0, d-3)
			bs = append(bs, SeatBooking{ID: fmt.Sprintf("old%d", i), Card: p.card, Class: "groep 8b",
				Start: b, End: b.Add(2 * time.Hour), At: b.Add(-time.Hour), CheckedIn: true})
		}
		// One that ended a few hours ago or is still ahead.
		b := start.Add(time.Duration(i-5) * time.Hour)
		bs = append(bs, SeatBooking{ID: fmt.Sprintf("new%d", i), Card: people[30+i].card, Start: b, End: b.Add(time.Hour), At: start})
		dropped = append(dropped, people[i].card, people[10+i].card)
		scrubbed = append(scrubbed, people[20+i].card)
		kept = append(kept, people[30+i].card)
		rev := uint64(0)
		for n := 1; n <= len(bs); n++ { // booked one at a time
			var err error
			if rev, err = s.PutSeat(seat, bs[:n], rev); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Yesterday's bookings ended 26 h ago (25 or 27 over a change of summer
	// time): over the window of a day; the day before's over twice that.
	clock.Advance(4 * time.Hour)
	before, _ := s.Seats()
	dir := filepath.Dir(path)
	if found := readable(t, dir, append(scrubbed, dropped...)); len(found) != 30 {
		t.Fatalf("before Retain %d of 30 cards are in the file: the test reads the wrong file", len(found))
	}

	got, err := s.Retain(r)
	if err != nil || !got.Compacted || got.Unbooked != 30 {
		t.Fatalf("Retain = %+v, %v; want 30 bookings scrubbed or dropped, and a compaction", got, err)
	}
	all, err := s.Seats()
	if err != nil || len(all) != 10 {
		t.Fatalf("after Retain: %d seats, %v; want 10", len(all), err)
	}
	for seat, rec := range all {
		if rec.Revision <= before[seat].Revision {
			t.Errorf("%s kept revision %d through the retention: a stale put would succeed", seat, rec.Revision)
		}
		if len(rec.Bookings) != 2 {
			t.Errorf("%s has %d bookings after Retain, want 2: %+v", seat, len(rec.Bookings), rec.Bookings)
			continue
		}
		if old, now := rec.Bookings[0], rec.Bookings[1]; old.Card != "" || old.Class != "groep 8b" || !old.End.Before(clock.Now().Add(-r.Seats)) || now.Card == "" {
			t.Errorf("%s after Retain = %+v; want yesterday's booking without its card, and the last with it", seat, rec.Bookings)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if found := readable(t, dir, append(scrubbed, dropped...)); len(found) > 0 {
		t.Errorf("%d of %d cards retention removed are still readable in %s, e.g. %q", len(found), len(scrubbed)+len(dropped), dir, found[0])
	}
	if found := readable(t, dir, kept); len(found) != len(kept) {
		t.Errorf("only %d of %d cards still kept are in the file", len(found), len(kept))
	}
}

// A seat's retention is the journal's unless set.
func TestSeatRetentionDefaultsToTheJournals(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := seatClock(t, s)
	now := clock.Now()
	bs := []SeatBooking{{ID: "b", Card: "20790000000010", Start: now, End: now.Add(time.Hour), At: now}}
	if _, err := s.PutSeat("S1", bs, 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(6 * time.Hour)
	if n, err := s.ScrubSeats(Retention{Journal: 24 * time.Hour}); err != nil || n != 0 {
		t.Errorf("ScrubSeats with the journal's day, 5 h after the end = %d, %v; want 0", n, err)
	}
	if n, err := s.ScrubSeats(Retention{Journal: 4 * time.Hour}); err != nil || n != 1 {
		t.Errorf("ScrubSeats with the journal's 4 h, 5 h after the end = %d, %v; want 1", n, err)
	}
	if rec, _ := s.Seat("S1"); len(rec.Bookings) != 1 || rec.Bookings[0].Card != "" || rec.Bookings[0].ID != "b" {
		t.Errorf("S1 = %+v; want the booking without its card", rec)
	}
}
