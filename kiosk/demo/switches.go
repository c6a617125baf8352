package demo

import (
	"maps"
	"time"
)

// SetDelay makes the library wait d before every answer, as a slow library
// system over a slow line does (30 ms is a fair figure for benchmarks).
func (l *Library) SetDelay(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.delay = d
}

// Requests returns how many requests of each code ("11", "63", ...) the
// library has answered, so a test can count round trips.
func (l *Library) Requests() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.requests)
}

// SetHoldsCountAll makes the 64's hold items count and list (summary
// position hold items) hold every hold of the patron, ready or not, as Koha
// does. By default they hold only the holds waiting on the pickup shelf.
func (l *Library) SetHoldsCountAll(all bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.holdsCountAll = all
}

// SetStatusFlags sets what the 98 says the library does: checkout ok,
// checkin ok, ACS renewal policy and off-line ok (by default all Y). The
// library then refuses what it says it will not do: 11, 09, 29 and 65 with
// a screen message, and no-block replays when offline is N.
func (l *Library) SetStatusFlags(checkoutOK, checkinOK, renewalOK, offlineOK bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.noCheckout, l.noCheckin, l.noRenewal, l.noOffline = !checkoutOK, !checkinOK, !renewalOK, !offlineOK
}

// SetIgnoreNBDueDate makes a no-block replay (11 or 29) get the library's
// own due date, counted from the replay, instead of the nb due date the
// kiosk promised, as some systems do.
func (l *Library) SetIgnoreNBDueDate(ignore bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ignoreNBDue = ignore
}

// refusal says why the library will not do what its 98 said it would not:
// a kind of transaction it does not take (off, with offMsg), or a no-block
// replay while it takes no offline ones. Holds l.mu.
func (l *Library) refusal(off bool, offMsg string, noBlock bool) string {
	switch {
	case off:
		return offMsg
	case noBlock && l.noOffline:
		return MsgNoOffline
	}
	return ""
}

// answer counts a request and waits the delay; call it before taking l.mu,
// so one slow answer does not hold up the other kiosks'.
func (l *Library) answer(code string) {
	l.mu.Lock()
	l.requests[code]++
	d := l.delay
	l.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
}
