package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	bolt "go.etcd.io/bbolt"
)

// seatStart is the moment the seat tests start: kiosktest.DateEnv's if set,
// else the Monday after the clocks go forward in 2027, never today.
func seatStart(t *testing.T) time.Time {
	t.Helper()
	if os.Getenv(kiosktest.DateEnv) != "" {
		return kiosktest.Start(t)
	}
	at, err := kiosk.ParseMoment("2027-03-29")
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func seatClock(t *testing.T, s *Store) *kiosk.FakeClock {
	t.Helper()
	c := kiosk.NewFakeClock(seatStart(t))
	s.Now = c.Now
	return c
}

func sameBookings(a, b []SeatBooking) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ID != y.ID || x.Card != y.Card || x.Class != y.Class || x.CheckedIn != y.CheckedIn ||
			!x.Start.Equal(y.Start) || !x.End.Equal(y.End) || !x.At.Equal(y.At) || x.At.IsZero() != y.At.IsZero() {
			return false
		}
	}
	return true
}

func TestSeatEncodingRoundTrips(t *testing.T) {
	at := seatStart(t)
	for _, bs := range [][]SeatBooking{
		nil,
		{{ID: "b1", Card: "20790000000010", Start: at, End: at.Add(2 * time.Hour), At: at.Add(-time.Hour).Add(123456789)}},
		{{ID: "b2", Card: "20790990000012", Class: "groep 8b", Start: at, End: at.Add(time.Hour), CheckedIn: true}, // At: the zero time
			{ID: "b3", Start: at.Add(-48 * time.Hour).UTC(), End: at.In(time.FixedZone("", 5400)), At: at}},
	} {
		v := encodeSeat(bs, 7)
		rec, err := decodeSeat(v)
		if err != nil || rec.Revision != 7 || !sameBookings(rec.Bookings, bs) {
			t.Errorf("decode(encode(%+v)) = %+v, %v", bs, rec, err)
		}
		for _, b := range rec.Bookings {
			for _, tm := range []time.Time{b.Start, b.End, b.At} {
				if !tm.IsZero() && tm.Location() != time.Local || tm.IsZero() && tm != (time.Time{}) {
					t.Errorf("time %v comes back in %v", tm, tm.Location())
				}
			}
		}
		// Every value cut short, or with a byte more, is refused.
		for n := range len(v) {
			if _, err := decodeSeat(v[:n]); err == nil {
				t.Errorf("a value cut to %d of %d bytes decoded", n, len(v))
			}
		}
		if _, err := decodeSeat(append(v[:len(v):len(v)], 0)); err == nil {
			t.Error("a value with a trailing byte decoded")
		}
	}
}

func TestPutSeatCreatesUpdatesAndRefusesAStaleRevision(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := seatClock(t, s)
	now := clock.Now()
	if rec, err := s.Seat("S12"); err != nil || rec.Revision != 0 || rec.Bookings != nil {
		t.Fatalf("a seat never booked = %+v, %v; want empty, revision 0", rec, err)
	}
	one := []SeatBooking{{ID: "b1", Card: "20790000000010", Start: now, End: now.Add(time.Hour), At: now}}
	if _, err := s.PutSeat("S12", one, 3); !errors.Is(err, ErrSeatChanged) {
		t.Errorf("a put on revision 3 of a seat without a record: %v, want ErrSeatChanged", err)
	}
	r1, err := s.PutSeat("S12", one, 0)
	if err != nil || r1 == 0 {
		t.Fatalf("create = %d, %v", r1, err)
	}
	if _, err := s.PutSeat("S12", one, 0); !errors.Is(err, ErrSeatChanged) {
		t.Errorf("a second create: %v, want ErrSeatChanged", err)
	}
	two := append(one, SeatBooking{ID: "b2", Card: "20790000000028", Start: now.Add(time.Hour), End: now.Add(3 * time.Hour), At: now})
	r2, err := s.PutSeat("S12", two, r1)
	if err != nil || r2 <= r1 {
		t.Fatalf("update on %d = %d, %v; want a greater revision", r1, r2, err)
	}
	if _, err := s.PutSeat("S12", one, r1); !errors.Is(err, ErrSeatChanged) {
		t.Errorf("an update on the old revision: %v, want ErrSeatChanged", err)
	}
	if _, err := s.PutSeat("S12", one, r2+1); !errors.Is(err, ErrSeatChanged) {
		t.Errorf("an update on a revision not yet written: %v, want ErrSeatChanged", err)
	}
	if rec, err := s.Seat("S12"); err != nil || rec.Revision != r2 || !sameBookings(rec.Bookings, two) {
		t.Errorf("S12 = %+v, %v; want revision %d and %+v", rec, err, r2, two)
	}
	// Emptied, the record keeps its revision: it never starts again.
	r3, err := s.PutSeat("S12", nil, r2)
	if err != nil || r3 <= r2 {
		t.Fatalf("emptying = %d, %v", r3, err)
	}
	if rec, err := s.Seat("S12"); err != nil || rec.Revision != r3 || len(rec.Bookings) != 0 {
		t.Errorf("emptied S12 = %+v, %v; want revision %d", rec, err, r3)
	}
	if _, err := s.PutSeat("S12", one, 0); !errors.Is(err, ErrSeatChanged) {
		t.Errorf("a create on an emptied record: %v, want ErrSeatChanged", err)
	}
	if _, err := s.PutSeat("", one, 0); err == nil {
		t.Error("a seat without a number was stored")
	}
}

func TestSeatsSurviveReopen(t *testing.T) {
	s, path := mustOpenStore(t)
	now := seatClock(t, s).Now()
	want := map[string][]SeatBooking{}
	for i := range 5 {
		seat := fmt.Sprintf("S%d", i+1)
		want[seat] = []SeatBooking{{ID: "b" + seat, Card: fmt.Sprintf("2079000000%04d", i), Start: now, End: now.Add(time.Hour), At: now}}
		if _, err := s.PutSeat(seat, want[seat], 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.Seats()
	if err != nil || len(all) != len(want) {
		t.Fatalf("after reopen: %d seats, %v; want %d", len(all), err, len(want))
	}
	for seat, bs := range want {
		if rec := all[seat]; rec.Revision != 1 || !sameBookings(rec.Bookings, bs) {
			t.Errorf("%s after reopen = %+v, want revision 1 and %+v", seat, rec, bs)
		}
	}
}

// A salvage keeps the seat records it can read, revision and all, and
// drops a value that is no seat record.
func TestSalvageKeepsSeatRecords(t *testing.T) {
	s, path := mustOpenStore(t)
	now := seatClock(t, s).Now()
	bs := []SeatBooking{{ID: "b1", Card: "20790000000010", Start: now, End: now.Add(time.Hour), At: now}}
	if _, err := s.PutSeat("S1", bs, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSeats).Put([]byte("S2"), []byte("free"))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	sc := scanPath(t, path, true)
	if sc.dropped[string(bucketSeats)] != 1 {
		t.Errorf("salvage dropped %d seat values, want the one that is none", sc.dropped[string(bucketSeats)])
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	if err := sc.write(fresh, &Damage{Kind: DamageReadOnly}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.Seats()
	if err != nil || len(all) != 1 || all["S1"].Revision != 1 || !sameBookings(all["S1"].Bookings, bs) {
		t.Errorf("salvaged seats = %+v, %v; want S1 at revision 1", all, err)
	}
}
