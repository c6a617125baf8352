package localstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// seatStart is the moment the seat tests start: kiosktest.DateEnv's if set,
// else the Monday after the clocks go forward in 2027, never today.
func seatStart(t testing.TB) time.Time {
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

func mustOpenSeats(t testing.TB) (*Seats, *kiosk.FakeClock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk.db")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clock := kiosk.NewFakeClock(seatStart(t))
	s.Now = clock.Now
	return NewSeats(s), clock, path
}

// watching is how many watchers are registered.
func (st *Seats) watching() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.watchers)
}

func booking(id, card string, start time.Time, d time.Duration, at time.Time) kiosk.Booking {
	return kiosk.Booking{ID: id, Card: card, Start: start, End: start.Add(d), At: at}
}

func sameRecord(a, b kiosk.SeatRecord) bool {
	if len(a.Bookings) != len(b.Bookings) {
		return false
	}
	for i, x := range a.Bookings {
		y := b.Bookings[i]
		if x.ID != y.ID || x.Card != y.Card || x.Class != y.Class || x.CheckedIn != y.CheckedIn ||
			!x.Start.Equal(y.Start) || !x.End.Equal(y.End) || !x.At.Equal(y.At) {
			return false
		}
	}
	return true
}

func TestSeatsCreateUpdateConflict(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	if rec, rev, err := st.Get("S12"); err != nil || rev != 0 || len(rec.Bookings) != 0 {
		t.Fatalf("a seat never booked = %+v, %d, %v; want empty, revision 0", rec, rev, err)
	}
	one := kiosk.SeatRecord{Bookings: []kiosk.Booking{booking("b1", kiosktest.CardAdult, now.Add(time.Hour), 2*time.Hour, now)}}
	r1, err := st.Put("S12", one, 0)
	if err != nil || r1 == 0 {
		t.Fatalf("create = %d, %v", r1, err)
	}
	if _, err := st.Put("S12", one, 0); !errors.Is(err, kiosk.ErrSeatChanged) {
		t.Errorf("a second create: %v, want kiosk.ErrSeatChanged", err)
	}
	two := kiosk.SeatRecord{Bookings: append(one.Bookings, kiosk.Booking{ID: "b2", Card: kiosktest.CardStaff, Class: "groep 8b",
		Start: now.Add(4 * time.Hour), End: now.Add(5 * time.Hour), At: now, CheckedIn: true})}
	r2, err := st.Put("S12", two, r1)
	if err != nil || r2 <= r1 {
		t.Fatalf("update on %d = %d, %v; want a greater revision", r1, r2, err)
	}
	if _, err := st.Put("S12", one, r1); !errors.Is(err, kiosk.ErrSeatChanged) {
		t.Errorf("an update on the old revision: %v, want kiosk.ErrSeatChanged", err)
	}
	if rec, rev, err := st.Get("S12"); err != nil || rev != r2 || !sameRecord(rec, two) {
		t.Errorf("S12 = %+v, %d, %v; want %+v at %d", rec, rev, err, two, r2)
	}
}

// 50 goroutines book the same slot of the same seat, each if it finds the
// slot free, reading again when someone wrote first: one booking comes of it.
func TestSeatsConcurrentBookingsOfOneSlotGiveOne(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	start := now.Add(time.Hour)
	// Another slot booked already, so the record is not empty.
	if _, err := st.Put("S1", kiosk.SeatRecord{Bookings: []kiosk.Booking{booking("early", kiosktest.CardChild, now, time.Hour, now)}}, 0); err != nil {
		t.Fatal(err)
	}
	var (
		wg        sync.WaitGroup
		booked    atomic.Int32
		conflicts atomic.Int32
	)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				rec, rev, err := st.Get("S1")
				if err != nil {
					t.Error(err)
					return
				}
				for _, b := range rec.Bookings {
					if b.Start.Before(start.Add(time.Hour)) && start.Before(b.End) {
						return // taken
					}
				}
				rec.Bookings = append(rec.Bookings, booking(fmt.Sprint("b", i), fmt.Sprintf("207900000%05d", i), start, time.Hour, now))
				switch _, err := st.Put("S1", rec, rev); {
				case err == nil:
					booked.Add(1)
					return
				case errors.Is(err, kiosk.ErrSeatChanged):
					conflicts.Add(1)
				default:
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rec, _, err := st.Get("S1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range rec.Bookings {
		if b.Start.Equal(start) {
			n++
		}
	}
	if n != 1 || booked.Load() != 1 || len(rec.Bookings) != 2 {
		t.Errorf("%d bookings of the slot (%d Puts succeeded, %d conflicts), want 1: %+v", n, booked.Load(), conflicts.Load(), rec.Bookings)
	}
	t.Logf("%d Puts met a change and read again", conflicts.Load())
}

// Of 50 Puts at once on one revision exactly one wins, and the seat's
// revision grows with every round.
func TestSeatsPutsOnOneRevisionOneWins(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	for round := range 5 {
		_, rev, err := st.Get("S2")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var won atomic.Int32
		var newRev atomic.Uint64
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := kiosk.SeatRecord{Bookings: []kiosk.Booking{booking(fmt.Sprint("b", i), kiosktest.CardAdult, now, time.Hour, now)}}
				n, err := st.Put("S2", rec, rev)
				switch {
				case err == nil:
					won.Add(1)
					newRev.Store(n)
				case !errors.Is(err, kiosk.ErrSeatChanged):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 || newRev.Load() <= rev {
			t.Fatalf("round %d: %d Puts on revision %d won, the last with %d; want one, with a greater revision", round, won.Load(), rev, newRev.Load())
		}
		if _, got, _ := st.Get("S2"); got != newRev.Load() {
			t.Errorf("round %d: the seat is at %d, the winner was told %d", round, got, newRev.Load())
		}
	}
}

func TestSeatsAllSeesEverySeat(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	want := map[string]uint64{}
	for i := range 30 {
		seat := fmt.Sprintf("S%02d", i)
		var rev uint64
		for j := range i%3 + 1 { // written once, twice or three times
			rec, _, _ := st.Get(seat)
			rec.Bookings = append(rec.Bookings, booking(fmt.Sprint(seat, j), kiosktest.CardAdult, now.Add(time.Duration(j)*time.Hour), time.Hour, now))
			var err error
			if rev, err = st.Put(seat, rec, rev); err != nil {
				t.Fatal(err)
			}
		}
		want[seat] = rev
	}
	all, err := st.All()
	if err != nil || len(all) != len(want) {
		t.Fatalf("All: %d seats, %v; want %d", len(all), err, len(want))
	}
	for seat, rev := range want {
		got, ok := all[seat]
		if !ok || got.Revision != rev {
			t.Errorf("All[%s] = %+v, %v; want revision %d", seat, got, ok, rev)
			continue
		}
		if rec, _, _ := st.Get(seat); !sameRecord(got.Record, rec) {
			t.Errorf("All[%s] = %+v, Get gives %+v", seat, got.Record, rec)
		}
	}
	// The records share an array: a booking added to one stays out of the next.
	s00 := all["S00"].Record
	s00.Bookings = append(s00.Bookings, booking("more", kiosktest.CardChild, now, time.Hour, now))
	if b := all["S01"].Record.Bookings[0]; b.ID != "S010" {
		t.Errorf("appending to S00's record changed S01's: %+v", b)
	}
}

func TestSeatsWatchHearsPutsUntilCtxEnds(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := make(chan struct{}, 100)
	st.Watch(ctx, func() { calls <- struct{}{} })
	rec := kiosk.SeatRecord{Bookings: []kiosk.Booking{booking("b1", kiosktest.CardAdult, now, time.Hour, now)}}
	rev, err := st.Put("S3", rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch was not called after a Put")
	}
	// A Put that fails changes nothing, and calls nothing.
	if _, err := st.Put("S3", rec, 0); !errors.Is(err, kiosk.ErrSeatChanged) {
		t.Fatalf("a stale Put: %v", err)
	}
	// Many Puts at once may come as fewer calls, but at least one after the last.
	for range 20 {
		if rev, err = st.Put("S3", rec, rev); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch was not called after 20 Puts")
	}

	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for st.watching() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the watcher is still registered 5 s after its ctx ended")
		}
		time.Sleep(time.Millisecond)
	}
	for len(calls) > 0 { // calls made before it ended
		<-calls
	}
	if _, err := st.Put("S3", rec, rev); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
		t.Error("Watch was called after its ctx ended")
	case <-time.After(50 * time.Millisecond):
	}
}

// Every watcher hears of a Put, and a slow one does not hold up the Put.
func TestSeatsWatchersDoNotBlockPut(t *testing.T) {
	st, clock, _ := mustOpenSeats(t)
	now := clock.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	st.Watch(ctx, func() { <-release })
	fast := make(chan struct{}, 100)
	st.Watch(ctx, func() { fast <- struct{}{} })
	rec := kiosk.SeatRecord{Bookings: []kiosk.Booking{booking("b1", kiosktest.CardAdult, now, time.Hour, now)}}
	var rev uint64
	for i := range 10 {
		var err error
		if rev, err = st.Put("S4", rec, rev); err != nil {
			t.Fatalf("Put %d with a watcher stuck: %v", i, err)
		}
	}
	select {
	case <-fast:
	case <-time.After(5 * time.Second):
		t.Fatal("the second watcher was not called")
	}
	close(release)
}

func TestSeatsSurviveCloseAndReopen(t *testing.T) {
	st, clock, path := mustOpenSeats(t)
	now := clock.Now()
	rec := kiosk.SeatRecord{Bookings: []kiosk.Booking{
		booking("b1", kiosktest.CardAdult, now.Add(time.Hour), 2*time.Hour, now),
		{ID: "b2", Card: kiosktest.CardStaff, Class: "groep 8b", Start: now.Add(4 * time.Hour), End: now.Add(6 * time.Hour), At: now, CheckedIn: true},
	}}
	rev, err := st.Put("S12", rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st = NewSeats(s)
	got, gotRev, err := st.Get("S12")
	if err != nil || gotRev != rev || !sameRecord(got, rec) {
		t.Errorf("after reopen S12 = %+v, %d, %v; want %+v at %d", got, gotRev, err, rec, rev)
	}
	if _, err := st.Put("S12", rec, rev-1); !errors.Is(err, kiosk.ErrSeatChanged) {
		t.Errorf("a Put on an old revision after reopen: %v", err)
	}
	if n, err := st.Put("S12", rec, rev); err != nil || n <= rev {
		t.Errorf("a Put on the revision read after reopen = %d, %v", n, err)
	}
}

// All over 300 seats with 4 bookings each: the read under the free places
// of a day, which the issue wants in 1 ms with the computation.
func BenchmarkSeatsAll300(b *testing.B) {
	st, clock, _ := mustOpenSeats(b)
	day := clock.Now().Truncate(time.Hour).Add(-90 * time.Minute) // 09:00
	for i := range 300 {
		var rec kiosk.SeatRecord
		for j := range 4 {
			start := day.Add(time.Duration(2*j) * time.Hour)
			rec.Bookings = append(rec.Bookings, kiosk.Booking{ID: fmt.Sprintf("%d-%d", i, j), Card: fmt.Sprintf("2079%010d", i*4+j),
				Start: start, End: start.Add(90 * time.Minute), At: day.Add(-24 * time.Hour), CheckedIn: j == 0})
		}
		if _, err := st.Put(fmt.Sprintf("S%03d", i), rec, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		all, err := st.All()
		if err != nil || len(all) != 300 {
			b.Fatalf("All: %d seats, %v", len(all), err)
		}
	}
}
