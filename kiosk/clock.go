package kiosk

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// Clock is the kiosk's sense of time. Timeouts read it, so tests can use a
// FakeClock and never sleep.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call made by Clock.AfterFunc.
type Timer interface {
	Stop() bool
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc calls f in its own goroutine after d.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// FakeClock is a Clock that moves only when Advance is called.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	clock *FakeClock
	at    time.Time
	f     func()
	done  bool
}

// NewFakeClock returns a clock standing at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f for when the clock has been advanced by d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// Advance moves the clock forward by d, calling every timer that falls due on
// the way, in time order, in the caller's goroutine.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.at.After(end) {
				next = t
				break
			}
		}
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		next.done = true
		if next.at.After(c.now) {
			c.now = next.at
		}
		live := c.timers[:0]
		for _, t := range c.timers {
			if !t.done {
				live = append(live, t)
			}
		}
		c.timers = live
		c.mu.Unlock()
		next.f()
	}
}

// ClockEnv names the environment variable that starts a kiosk's clock (and
// its demo library's) at another moment, for demonstrations and for tests of
// the whole program on a chosen day: 2006-01-02 (10:30 that day, local
// time) or 2006-01-02T15:04. The clock then runs on from there.
const ClockEnv = "KIOSK_CLOCK"

// ParseMoment reads a moment as ClockEnv writes it.
func ParseMoment(v string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02T15:04", v, time.Local); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2027-03-28 or 2027-03-28T01:30", v)
	}
	y, m, d := t.Date() // by the wall clock: midnight plus 10.5 h is 11:30 on a DST day
	return time.Date(y, m, d, 10, 30, 0, 0, time.Local), nil
}

// ShiftedClock is the wall clock moved by Offset: it ticks in real time.
type ShiftedClock struct{ Offset time.Duration }

// ClockFromEnv is the clock ClockEnv asks for: the system clock when it is
// unset, else a ShiftedClock that reads that moment now.
func ClockFromEnv() (Clock, error) {
	v := os.Getenv(ClockEnv)
	if v == "" {
		return SystemClock{}, nil
	}
	at, err := ParseMoment(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ClockEnv, err)
	}
	return ShiftedClock{Offset: time.Until(at)}, nil
}

// Now returns the shifted time.
func (c ShiftedClock) Now() time.Time { return time.Now().Add(c.Offset) }

// AfterFunc calls f in its own goroutine after d.
func (ShiftedClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
