package kiosk

import (
	"context"
	"errors"
	"time"
)

// Study places of the open learning centre (OLC): the plan the library
// configures, and the store that keeps who sits where when.

// StudyPlan is the branch's study places as configured: zones, seats,
// opening hours and the rules of booking.
type StudyPlan struct {
	Zones []Zone
	Seats []Seat
	// Week gives the opening hours per weekday; a day without hours is
	// closed. Exceptions override a date ("2026-12-24"), closed if empty.
	Week       [7][]Span
	Exceptions map[string][]Span
	Rules      StudyRules
}

// Zone is one area of study places ("Stilte", "Samenwerken").
type Zone struct {
	ID string
	// Names is the zone's name per language code; Dutch at least.
	Names map[string]string
	// Quiet: a silent zone ("any quiet place" picks from these).
	Quiet bool
}

// Feature is what a seat has.
type Feature string

const (
	FeaturePC         Feature = "pc"
	FeaturePower      Feature = "power"
	FeatureWindow     Feature = "window"
	FeatureAccessible Feature = "accessible" // a height-adjustable table, room for a wheelchair
)

// Features lists every feature a seat may have.
var Features = []Feature{FeaturePC, FeaturePower, FeatureWindow, FeatureAccessible}

// Seat is one study place.
type Seat struct {
	Number   string // as on the seat's label: "S12"
	Zone     string // a Zone's ID
	Features []Feature
	// Row and Column place the seat on its zone's map, from 1.
	Row, Column  int
	OutOfService bool
}

// Span is a time of day from Open to Close, as offsets from midnight by the
// wall clock (so 09:00 is 9 h also on a day that changes to summer time).
type Span struct {
	Open, Close time.Duration
}

// StudyRules are the limits of booking.
type StudyRules struct {
	// Slot is the step of start and end times (15 or 30 min).
	Slot time.Duration
	// LongestStay is the longest one booking may last.
	LongestStay time.Duration
	// PerDay is how many bookings a patron may have on one day; OpenAtOnce
	// how many not yet ended.
	PerDay, OpenAtOnce int
	// Horizon is how far ahead a booking may start.
	Horizon time.Duration
	// CheckinBefore and CheckinAfter are the check-in window around a
	// booking's start; a booking not checked in by its end is released.
	CheckinBefore, CheckinAfter time.Duration
	// BlockedMayStudy: a patron the ILS blocks from borrowing (fines) may
	// still book; studying is free.
	BlockedMayStudy bool
	// TeacherCategories are the patron categories (SIP2 PC) that may book a
	// block of seats for a class, besides staff cards.
	TeacherCategories []string
}

// SeatStore keeps the bookings of each seat, one record per seat under its
// number, changed only by compare-and-set on the record's revision, so the
// check that a seat is free and the write that books it are one atomic
// step, here as in a store shared by several kiosks (JetStream KV).
type SeatStore interface {
	// Get returns the seat's record and its revision; a seat never booked
	// has an empty record and revision 0.
	Get(seat string) (SeatRecord, uint64, error)
	// Put writes rec if the seat's revision is still rev (0: no record yet),
	// and returns the new revision; ErrSeatChanged if someone wrote first.
	Put(seat string, rec SeatRecord, rev uint64) (uint64, error)
	// All returns every seat's record and revision, by seat number.
	All() (map[string]Revisioned, error)
	// Watch calls changed (from any goroutine) after every Put by anyone,
	// until ctx ends; calls may be coalesced.
	Watch(ctx context.Context, changed func())
}

// ErrSeatChanged: the seat's record changed since it was read; read it
// again and decide again.
var ErrSeatChanged = errors.New("the seat was changed meanwhile")

// Revisioned is a seat's record with its revision.
type Revisioned struct {
	Record   SeatRecord
	Revision uint64
}

// SeatRecord is everything booked on one seat that has not ended yet.
type SeatRecord struct {
	Bookings []Booking
}

// Booking is one patron's (or one class's) time on a seat.
type Booking struct {
	ID    string
	Card  string // the patron's card; the teacher's for a class block
	Start time.Time
	End   time.Time
	// CheckedIn: the patron is there; a booking not checked in by
	// Start+CheckinAfter is released (Expired).
	CheckedIn bool
	// Class labels a seat of a class block ("groep 8b").
	Class string
	At    time.Time // when it was made
}

// OutOfServiceClass marks the booking that takes a seat out of service
// until staff put it back (a seat's record, so kiosks sharing a store
// agree, with no field of its own): no card, no end.
const OutOfServiceClass = "\x00out-of-service"

// OutOfService returns the booking that takes a seat out of service.
func OutOfService(at time.Time) Booking {
	return Booking{ID: "out-of-service", Class: OutOfServiceClass, Start: at, At: at,
		End: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), CheckedIn: true}
}

// IsOutOfService reports whether b takes its seat out of service.
func (b Booking) IsOutOfService() bool { return b.Class == OutOfServiceClass }

// outOfService reports whether s is out of service, by the plan or by
// staff in its record.
func outOfService(s Seat, rec SeatRecord) bool {
	if s.OutOfService {
		return true
	}
	for _, b := range rec.Bookings {
		if b.IsOutOfService() {
			return true
		}
	}
	return false
}

// Expired reports whether b no longer holds its seat at now: it ended, or
// it was never checked in within its window.
func (b Booking) Expired(now time.Time, after time.Duration) bool {
	return !now.Before(b.End) || !b.CheckedIn && now.After(b.Start.Add(after))
}

// UsageStore keeps anonymous counts of how the study places are used, for
// the library's figures: never a card or a name, only a day, an hour, a
// zone and what is counted ("2026-12-03|bookings",
// "2026-12-03|10|stilte|occupied").
type UsageStore interface {
	AddUsage(key string, n int) error
	MaxUsage(key string, v int) error
}
