package localstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Seats is the core's SeatStore on the seats of a storage.Store, for a
// kiosk that books its study places alone. Watch sees the Puts made through
// this Seats: the file has no other writer while the kiosk holds it. The
// retention (storage.Store.ScrubSeats) also gives the seats it changes a new
// revision, but calls no watcher: it changes only bookings long ended, which
// hold no seat, and a Put on the revision before gets ErrSeatChanged.
type Seats struct {
	s *storage.Store

	// last is how many seats and bookings All found last time (high and
	// low 32 bits), to size the next one's allocations.
	last atomic.Uint64

	mu       sync.Mutex
	watchers map[*watcher]struct{}
}

var _ kiosk.SeatStore = (*Seats)(nil)

// NewSeats wraps an open storage.Store.
func NewSeats(s *storage.Store) *Seats {
	return &Seats{s: s, watchers: map[*watcher]struct{}{}}
}

// watcher is one Watch: a Put that finds its channel full has been
// coalesced with the one before, not yet seen.
type watcher struct{ ch chan struct{} }

// Get returns the seat's record and revision; 0 for a seat never booked.
func (st *Seats) Get(seat string) (kiosk.SeatRecord, uint64, error) {
	rec, err := st.s.Seat(seat)
	if err != nil {
		return kiosk.SeatRecord{}, 0, err
	}
	return toRecord(rec.Bookings), rec.Revision, nil
}

// Put writes rec if the seat's revision is still rev; kiosk.ErrSeatChanged
// if not, kiosk.ErrStoreFull if the disk is. Every watcher hears of a Put
// that succeeded.
func (st *Seats) Put(seat string, rec kiosk.SeatRecord, rev uint64) (uint64, error) {
	bs := make([]storage.SeatBooking, len(rec.Bookings))
	for i, b := range rec.Bookings {
		bs[i] = storage.SeatBooking{ID: b.ID, Card: b.Card, Class: b.Class, Start: b.Start, End: b.End, At: b.At, CheckedIn: b.CheckedIn}
	}
	n, err := st.s.PutSeat(seat, bs, rev)
	switch {
	case errors.Is(err, storage.ErrSeatChanged):
		return 0, fmt.Errorf("seat %s: %w", seat, kiosk.ErrSeatChanged)
	case errors.Is(err, storage.ErrDiskFull):
		return 0, fmt.Errorf("%w: %w", kiosk.ErrStoreFull, err)
	case err != nil:
		return 0, err
	}
	st.changed()
	return n, nil
}

// All returns every seat with a record, by number, as one moment saw them.
func (st *Seats) All() (map[string]kiosk.Revisioned, error) {
	// All the bookings in one array, sized by the last call: each record
	// has its part, capped, so that appending to one copies it.
	seats, bookings := st.last.Load()>>32, st.last.Load()&math.MaxUint32
	out := make(map[string]kiosk.Revisioned, seats)
	slab := make([]kiosk.Booking, 0, bookings)
	err := st.s.EachSeat(func(seat string, rec storage.SeatRecord) error {
		r := kiosk.Revisioned{Revision: rec.Revision}
		if len(rec.Bookings) > 0 {
			from := len(slab)
			for _, b := range rec.Bookings {
				slab = append(slab, kiosk.Booking{ID: b.ID, Card: b.Card, Class: b.Class, Start: b.Start, End: b.End, At: b.At, CheckedIn: b.CheckedIn})
			}
			r.Record.Bookings = slab[from:len(slab):len(slab)]
		}
		out[seat] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.last.Store(uint64(min(len(out), math.MaxUint32))<<32 | uint64(min(len(slab), math.MaxUint32)))
	return out, nil
}

func toRecord(bs []storage.SeatBooking) kiosk.SeatRecord {
	if len(bs) == 0 {
		return kiosk.SeatRecord{}
	}
	out := make([]kiosk.Booking, len(bs))
	for i, b := range bs {
		out[i] = kiosk.Booking{ID: b.ID, Card: b.Card, Class: b.Class, Start: b.Start, End: b.End, At: b.At, CheckedIn: b.CheckedIn}
	}
	return kiosk.SeatRecord{Bookings: out}
}

// Watch calls changed, from a goroutine of its own, after every Put that
// succeeds from now on, until ctx ends; Puts that come while changed runs,
// or before it starts, give one call after. It returns at once. Once it has
// seen ctx end it starts no call, and its goroutine is gone.
func (st *Seats) Watch(ctx context.Context, changed func()) {
	w := &watcher{ch: make(chan struct{}, 1)}
	st.mu.Lock()
	st.watchers[w] = struct{}{}
	st.mu.Unlock()
	go func() {
		defer func() {
			st.mu.Lock()
			delete(st.watchers, w)
			st.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.ch:
				if ctx.Err() != nil {
					return
				}
				changed()
			}
		}
	}()
}

// changed tells every watcher that a Put succeeded, without waiting for any.
func (st *Seats) changed() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for w := range st.watchers {
		select {
		case w.ch <- struct{}{}:
		default: // one is pending already: it covers this Put too
		}
	}
}

// AddUsage adds to an anonymous usage count (kiosk.UsageStore).
func (s *Seats) AddUsage(key string, n int) error { return s.s.AddUsage(key, n) }

// MaxUsage keeps the largest of an anonymous usage figure.
func (s *Seats) MaxUsage(key string, v int) error { return s.s.MaxUsage(key, v) }

var _ kiosk.UsageStore = (*Seats)(nil)
