package kiosk

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// StudyDesk books, checks in, extends and ends study places through a
// SeatStore. Every change is a compare-and-set on the seat's record: read,
// decide, write if nobody wrote meanwhile, else read and decide again. Two
// kiosks (or two goroutines) racing for one seat and slot: one wins, the
// other is told the seat is taken.
type StudyDesk struct {
	Plan  *StudyPlan
	Store SeatStore
	Now   func() time.Time
	// Usage, when set, counts bookings, no-shows and occupancy, anonymously.
	Usage UsageStore
}

// count adds to an anonymous usage figure; a failure only costs the figure.
func (d *StudyDesk) count(key string, n int) {
	if d.Usage != nil {
		_ = d.Usage.AddUsage(key, n)
	}
}

// Why a booking is refused, in the kiosk's words.
var (
	ErrSeatTaken   = errors.New("the seat is taken for that time")
	ErrClosed      = errors.New("the study places are closed then")
	ErrTooLong     = errors.New("longer than one booking may last")
	ErrTooFar      = errors.New("further ahead than bookings may be made")
	ErrTooMany     = errors.New("the patron has as many bookings as allowed")
	ErrNoBooking   = errors.New("the patron has no booking to check in to now")
	ErrCannotStay  = errors.New("the seat is not free for longer")
	ErrUnknownSeat = errors.New("no such seat")
)

// casTries bounds the read-decide-write rounds of one change: each lost
// round means someone else changed the seat, which ends quickly.
const casTries = 20

// change applies decide to seat's record until the write lands.
func (d *StudyDesk) change(seat string, decide func(rec SeatRecord, now time.Time) (SeatRecord, error)) error {
	for range casTries {
		rec, rev, err := d.Store.Get(seat)
		if err != nil {
			return err
		}
		now := d.Now()
		next, err := decide(rec, now)
		if err != nil {
			return err
		}
		var noShows []Booking
		next.Bookings = slices.DeleteFunc(next.Bookings, func(b Booking) bool {
			gone := b.Expired(now, d.Plan.Rules.CheckinAfter)
			if gone && !b.CheckedIn && now.Before(b.End) {
				noShows = append(noShows, b)
			}
			return gone
		})
		if _, err := d.Store.Put(seat, next, rev); errors.Is(err, ErrSeatChanged) {
			continue
		} else if err != nil {
			return err
		}
		for _, b := range noShows {
			d.count(b.Start.Format("2006-01-02")+"|no-shows", 1)
		}
		return nil
	}
	return fmt.Errorf("%w: %d tries", ErrSeatChanged, casTries)
}

func (d *StudyDesk) seat(number string) (Seat, bool) {
	i := slices.IndexFunc(d.Plan.Seats, func(s Seat) bool { return s.Number == number })
	if i < 0 {
		return Seat{}, false
	}
	return d.Plan.Seats[i], true
}

// Book gives card seat from start to end, if the rules and the seat allow.
// A booking that starts now (within the check-in window) is checked in at
// once: the patron is at the kiosk.
func (d *StudyDesk) Book(card, number string, start, end time.Time) (Booking, error) {
	s, ok := d.seat(number)
	if !ok {
		return Booking{}, ErrUnknownSeat
	}
	r := d.Plan.Rules
	now := d.Now()
	switch closes, open := d.Plan.OpenAt(start); {
	case !open || end.After(closes):
		return Booking{}, ErrClosed
	case end.Sub(start) > r.LongestStay || !end.After(start):
		return Booking{}, ErrTooLong
	case start.Sub(now) > r.Horizon:
		return Booking{}, ErrTooFar
	}
	if err := d.withinLimits(card, start, now); err != nil {
		return Booking{}, err
	}
	b := Booking{ID: uuid.NewString(), Card: card, Start: start, End: end, At: now,
		CheckedIn: !start.After(now.Add(r.CheckinBefore))}
	err := d.change(number, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
		if !d.Plan.FreeDuring(s, rec, start, end, now) {
			return rec, ErrSeatTaken
		}
		rec.Bookings = append(slices.Clone(rec.Bookings), b)
		return rec, nil
	})
	if err == nil {
		d.count(start.Format("2006-01-02")+"|bookings", 1)
	}
	return b, err
}

// withinLimits checks the patron's bookings per day and open at once.
// (Across seats this is read, then written: two kiosks booking for one
// patron in the same instant could both pass; the seat itself can never
// be double-booked.)
func (d *StudyDesk) withinLimits(card string, start, now time.Time) error {
	all, err := d.Store.All()
	if err != nil {
		return err
	}
	mine := d.Plan.Of(all, card, now)
	r := d.Plan.Rules
	sameDay := 0
	for _, b := range mine {
		if b.Start.Format("2006-01-02") == start.Format("2006-01-02") {
			sameDay++
		}
	}
	if r.OpenAtOnce > 0 && len(mine) >= r.OpenAtOnce || r.PerDay > 0 && sameDay >= r.PerDay {
		return ErrTooMany
	}
	return nil
}

// CheckIn checks card in to its booking whose window is open now.
func (d *StudyDesk) CheckIn(card string) (SeatBooking, error) {
	all, err := d.Store.All()
	if err != nil {
		return SeatBooking{}, err
	}
	now := d.Now()
	r := d.Plan.Rules
	for _, sb := range d.Plan.Of(all, card, now) {
		if sb.CheckedIn || now.Before(sb.Start.Add(-r.CheckinBefore)) {
			continue
		}
		err := d.change(sb.Seat, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
			rec.Bookings = slices.Clone(rec.Bookings)
			for i := range rec.Bookings {
				if rec.Bookings[i].ID == sb.ID {
					if rec.Bookings[i].Expired(now, r.CheckinAfter) {
						return rec, ErrNoBooking // released meanwhile
					}
					rec.Bookings[i].CheckedIn = true
					return rec, nil
				}
			}
			return rec, ErrNoBooking
		})
		sb.CheckedIn = err == nil
		return sb, err
	}
	return SeatBooking{}, ErrNoBooking
}

// Extend moves the end of a booking to end, if the seat is free until then.
func (d *StudyDesk) Extend(sb SeatBooking, end time.Time) error {
	s, ok := d.seat(sb.Seat)
	if !ok {
		return ErrUnknownSeat
	}
	if closes, open := d.Plan.OpenAt(sb.End.Add(-time.Minute)); !open || end.After(closes) {
		return ErrClosed
	}
	if end.Sub(sb.Start) > d.Plan.Rules.LongestStay {
		return ErrTooLong
	}
	return d.change(sb.Seat, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
		others := SeatRecord{}
		var found bool
		for _, b := range rec.Bookings {
			if b.ID == sb.ID {
				found = true
				continue
			}
			others.Bookings = append(others.Bookings, b)
		}
		if !found {
			return rec, ErrNoBooking
		}
		if !d.Plan.FreeDuring(s, others, sb.End, end, now) {
			return rec, ErrCannotStay
		}
		b := sb.Booking
		b.End = end
		others.Bookings = append(others.Bookings, b)
		return others, nil
	})
}

// Leave ends a booking now (or cancels one that has not begun).
func (d *StudyDesk) Leave(sb SeatBooking) error {
	return d.change(sb.Seat, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
		out := SeatRecord{}
		for _, b := range rec.Bookings {
			if b.ID != sb.ID {
				out.Bookings = append(out.Bookings, b)
			}
		}
		if len(out.Bookings) == len(rec.Bookings) {
			return rec, ErrNoBooking
		}
		return out, nil
	})
}

// ErrNoBlock: not as many seats free together as the class needs.
var ErrNoBlock = errors.New("not enough places free together for the class")

// BookBlock books n seats of zone for a class from start to end under the
// teacher's card, labelled class: side by side where it can (seats in the
// plan's order, which follows the map's rows), else any free ones of the
// zone. All or nothing: if a seat is taken meanwhile, the seats booked so
// far are given back.
func (d *StudyDesk) BookBlock(teacher, zone, class string, n int, start, end time.Time) ([]SeatBooking, error) {
	now := d.Now()
	all, err := d.Store.All()
	if err != nil {
		return nil, err
	}
	free := d.Plan.FreeSeats(all, zone, false, nil, start, end, now)
	if len(free) < n || n <= 0 {
		return nil, ErrNoBlock
	}
	seats := adjacent(free, n)
	var booked []SeatBooking
	for _, s := range seats {
		b := Booking{ID: uuid.NewString(), Card: teacher, Start: start, End: end, Class: class, At: now}
		err := d.change(s.Number, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
			if !d.Plan.FreeDuring(s, rec, start, end, now) {
				return rec, ErrSeatTaken
			}
			rec.Bookings = append(slices.Clone(rec.Bookings), b)
			return rec, nil
		})
		if err != nil {
			for _, sb := range booked {
				_ = d.Leave(sb)
			}
			return nil, err
		}
		booked = append(booked, SeatBooking{Seat: s.Number, Booking: b})
	}
	return booked, nil
}

// adjacent picks n seats from free (in the plan's order) that stand
// closest together: the run of n with the fewest row changes, then the
// first.
func adjacent(free []Seat, n int) []Seat {
	best, bestCost := 0, -1
	for i := 0; i+n <= len(free); i++ {
		cost := 0
		for j := i + 1; j < i+n; j++ {
			a, b := free[j-1], free[j]
			if a.Row != b.Row {
				cost += 10
			}
			cost += abs(b.Column - a.Column)
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return free[best : best+n]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Blocks lists the class blocks whose check-in window is open at now,
// each with how many of its seats no student has taken yet.
func (d *StudyDesk) Blocks() ([]ClassBlock, error) {
	all, err := d.Store.All()
	if err != nil {
		return nil, err
	}
	return d.Plan.blocks(all, d.Now()), nil
}

// blocks lists the class blocks in all whose check-in window is open at now.
func (p *StudyPlan) blocks(all map[string]Revisioned, now time.Time) []ClassBlock {
	r := p.Rules
	byKey := map[string]*ClassBlock{}
	var out []*ClassBlock
	for _, rec := range all {
		for _, b := range rec.Record.Bookings {
			if b.Class == "" || b.IsOutOfService() || b.Expired(now, r.CheckinAfter) || now.Before(b.Start.Add(-r.CheckinBefore)) {
				continue
			}
			key := b.Class + "|" + b.Start.String()
			cb, ok := byKey[key]
			if !ok {
				cb = &ClassBlock{Class: b.Class, Start: b.Start, End: b.End, Teacher: b.Card}
				byKey[key] = cb
				out = append(out, cb)
			}
			cb.Seats++
			if b.Card == cb.Teacher && !b.CheckedIn {
				cb.Open++
			}
		}
	}
	res := make([]ClassBlock, len(out))
	for i, cb := range out {
		res[i] = *cb
	}
	slices.SortFunc(res, func(a, b ClassBlock) int { return a.Start.Compare(b.Start) })
	return res
}

// ClassBlock is a class's seats: Open of Seats still to be taken.
type ClassBlock struct {
	Class       string
	Teacher     string
	Start, End  time.Time
	Seats, Open int
}

// JoinBlock gives a student one seat of the class block that no student
// has taken yet, checked in, on the student's own card.
func (d *StudyDesk) JoinBlock(student string, cb ClassBlock) (SeatBooking, error) {
	all, err := d.Store.All()
	if err != nil {
		return SeatBooking{}, err
	}
	for _, s := range d.Plan.Seats {
		for _, b := range all[s.Number].Record.Bookings {
			if b.Class != cb.Class || !b.Start.Equal(cb.Start) || b.Card != cb.Teacher || b.CheckedIn {
				continue
			}
			taken := b
			taken.Card, taken.CheckedIn = student, true
			err := d.change(s.Number, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
				rec.Bookings = slices.Clone(rec.Bookings)
				for i := range rec.Bookings {
					if rec.Bookings[i].ID == b.ID && rec.Bookings[i].Card == cb.Teacher && !rec.Bookings[i].CheckedIn {
						rec.Bookings[i] = taken
						return rec, nil
					}
				}
				return rec, ErrSeatTaken // another student was quicker
			})
			if errors.Is(err, ErrSeatTaken) {
				continue
			}
			return SeatBooking{Seat: s.Number, Booking: taken}, err
		}
	}
	return SeatBooking{}, ErrNoBlock
}

// CheckInBlock checks in every seat of the teacher's class block at once
// (the class arrived together).
func (d *StudyDesk) CheckInBlock(teacher string, cb ClassBlock) (int, error) {
	n := 0
	for _, s := range d.Plan.Seats {
		err := d.change(s.Number, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
			rec.Bookings = slices.Clone(rec.Bookings)
			changed := false
			for i, b := range rec.Bookings {
				if b.Class == cb.Class && b.Start.Equal(cb.Start) && b.Card == teacher && !b.CheckedIn && !b.Expired(now, d.Plan.Rules.CheckinAfter) {
					rec.Bookings[i].CheckedIn = true
					changed = true
				}
			}
			if !changed {
				return rec, errUnchanged
			}
			return rec, nil
		})
		switch {
		case err == nil:
			n++
		case !errors.Is(err, errUnchanged):
			return n, err
		}
	}
	return n, nil
}

// errUnchanged: nothing to write for this seat.
var errUnchanged = errors.New("unchanged")

// SetOutOfService takes seat out of service (on) or puts it back (off),
// for staff; bookings on it stay, for staff to move or cancel.
func (d *StudyDesk) SetOutOfService(number string, on bool) error {
	if _, ok := d.seat(number); !ok {
		return ErrUnknownSeat
	}
	return d.change(number, func(rec SeatRecord, now time.Time) (SeatRecord, error) {
		out := SeatRecord{}
		for _, b := range rec.Bookings {
			if !b.IsOutOfService() {
				out.Bookings = append(out.Bookings, b)
			}
		}
		if on {
			out.Bookings = append(out.Bookings, OutOfService(now))
		}
		return out, nil
	})
}
