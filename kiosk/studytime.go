package kiosk

import (
	"slices"
	"time"
)

// Hours are the day's opening hours as moments on that day, by the wall
// clock of day's location: 09:00 is 09:00 also on the days the clocks
// change.
func (p *StudyPlan) Hours(day time.Time) [][2]time.Time {
	spans := p.Week[day.Weekday()]
	if ex, ok := p.Exceptions[day.Format("2006-01-02")]; ok {
		spans = ex
	}
	out := make([][2]time.Time, 0, len(spans))
	for _, s := range spans {
		out = append(out, [2]time.Time{wallClock(day, s.Open), wallClock(day, s.Close)})
	}
	return out
}

// wallClock is the moment on day's date at offset d past midnight as a
// clock on the wall reads it.
func wallClock(day time.Time, d time.Duration) time.Time {
	y, m, dd := day.Date()
	h, min := int(d/time.Hour), int(d%time.Hour/time.Minute)
	return time.Date(y, m, dd, h, min, 0, 0, day.Location())
}

// OpenAt reports whether the study places are open at t, and until when.
func (p *StudyPlan) OpenAt(t time.Time) (time.Time, bool) {
	for _, h := range p.Hours(t) {
		if !t.Before(h[0]) && t.Before(h[1]) {
			return h[1], true
		}
	}
	return time.Time{}, false
}

// holds reports whether b holds its seat at some moment of [from, to).
func (r StudyRules) holds(b Booking, from, to, now time.Time) bool {
	if b.Expired(now, r.CheckinAfter) {
		return false
	}
	return b.Start.Before(to) && from.Before(b.End)
}

// FreeDuring reports whether seat s is free for the whole of [from, to)
// as rec says at now: in service and no booking holding it meanwhile.
func (p *StudyPlan) FreeDuring(s Seat, rec SeatRecord, from, to, now time.Time) bool {
	if outOfService(s, rec) {
		return false
	}
	for _, b := range rec.Bookings {
		if p.Rules.holds(b, from, to, now) {
			return false
		}
	}
	return true
}

// ZoneCount is how many of a zone's seats are free now, of how many in
// service.
type ZoneCount struct {
	Zone        string
	Names       map[string]string // the zone's name per language
	Free, Total int
}

// Occupancy counts, per zone in the plan's order, the seats free at now
// (for at least one slot) out of those in service.
func (p *StudyPlan) Occupancy(recs map[string]Revisioned, now time.Time) []ZoneCount {
	return p.OccupancyAt(recs, now, now)
}

// OccupancyAt counts, per zone, the seats free for one slot from at, as
// the records stand at now.
func (p *StudyPlan) OccupancyAt(recs map[string]Revisioned, at, now time.Time) []ZoneCount {
	counts := make([]ZoneCount, len(p.Zones))
	index := make(map[string]int, len(p.Zones))
	for i, z := range p.Zones {
		counts[i].Zone, counts[i].Names = z.ID, z.Names
		index[z.ID] = i
	}
	slot := at.Add(max(p.Rules.Slot, time.Minute))
	for _, s := range p.Seats {
		i, ok := index[s.Zone]
		if !ok || outOfService(s, recs[s.Number].Record) {
			continue
		}
		counts[i].Total++
		if p.FreeDuring(s, recs[s.Number].Record, at, slot, now) {
			counts[i].Free++
		}
	}
	return counts
}

// Until lists the ends a booking of seat s starting at start may have, in
// slot steps: up to the longest stay, closing time, or the seat's next
// booking, whichever comes first. None if the seat is not free at start
// or the places are closed.
func (p *StudyPlan) Until(s Seat, rec SeatRecord, start, now time.Time) []time.Time {
	closes, open := p.OpenAt(start)
	if !open || outOfService(s, rec) {
		return nil
	}
	limit := earliest(closes, start.Add(p.Rules.LongestStay))
	for _, b := range rec.Bookings {
		if p.Rules.holds(b, start, limit, now) {
			if !b.Start.After(start) {
				return nil // taken at start
			}
			limit = earliest(limit, b.Start)
		}
	}
	slot := max(p.Rules.Slot, time.Minute)
	var out []time.Time
	for end := nextSlot(start, slot); !end.After(limit); end = end.Add(slot) {
		out = append(out, end)
	}
	if len(out) == 0 || out[len(out)-1].Before(limit) && limit.Equal(closes) {
		out = append(out, limit) // closing time, even off the slot grid
	}
	return out
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// nextSlot is the first slot boundary after t: 10:07 with 15-minute slots
// is 10:15, 10:15 is 10:30.
func nextSlot(t time.Time, slot time.Duration) time.Time {
	midnight := wallClock(t, 0)
	since := t.Sub(midnight)
	return midnight.Add((since/slot + 1) * slot)
}

// FreeSeats are the seats of zone (any zone if "") free for [from, to) at
// now with every feature in want, in the plan's order; quiet asks for a
// quiet zone.
func (p *StudyPlan) FreeSeats(recs map[string]Revisioned, zone string, quiet bool, want []Feature, from, to, now time.Time) []Seat {
	quietZone := map[string]bool{}
	for _, z := range p.Zones {
		quietZone[z.ID] = z.Quiet
	}
	var out []Seat
	for _, s := range p.Seats {
		switch {
		case zone != "" && s.Zone != zone, quiet && !quietZone[s.Zone]:
			continue
		case !hasAll(s.Features, want):
			continue
		}
		if p.FreeDuring(s, recs[s.Number].Record, from, to, now) {
			out = append(out, s)
		}
	}
	return out
}

func hasAll(have, want []Feature) bool {
	for _, f := range want {
		if !slices.Contains(have, f) {
			return false
		}
	}
	return true
}

// Of returns the bookings of card that have not expired at now, over all
// seats, with their seats, soonest first.
func (p *StudyPlan) Of(recs map[string]Revisioned, card string, now time.Time) []SeatBooking {
	var out []SeatBooking
	for seat, r := range recs {
		for _, b := range r.Record.Bookings {
			if b.Card == card && !b.Expired(now, p.Rules.CheckinAfter) {
				out = append(out, SeatBooking{Seat: seat, Booking: b})
			}
		}
	}
	slices.SortFunc(out, func(a, b SeatBooking) int { return a.Start.Compare(b.Start) })
	return out
}

// SeatBooking is a booking with the seat it is for.
type SeatBooking struct {
	Seat string
	Booking
}

// Starts are the times a booking may start on day, in slot steps from the
// opening (or the next slot after now) until one slot before closing.
func (p *StudyPlan) Starts(day, now time.Time) []time.Time {
	slot := max(p.Rules.Slot, time.Minute)
	var out []time.Time
	for _, h := range p.Hours(day) {
		t := h[0]
		if t.Before(now) {
			t = nextSlot(now, slot)
		}
		for ; !t.Add(slot).After(h[1]); t = t.Add(slot) {
			out = append(out, t)
		}
	}
	return out
}

// Days are the days from now's within the booking horizon on which a
// booking can still start, at noon of each.
func (p *StudyPlan) Days(now time.Time) []time.Time {
	var out []time.Time
	for d := 0; d <= int(p.Rules.Horizon/(24*time.Hour)); d++ {
		y, m, dd := now.Date()
		day := time.Date(y, m, dd+d, 12, 0, 0, 0, now.Location())
		starts := p.Starts(day, now)
		if len(starts) > 0 && starts[0].Sub(now) <= p.Rules.Horizon {
			out = append(out, day)
		}
	}
	return out
}
