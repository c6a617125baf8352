package devices

import (
	"sync"
	"time"
)

// DefaultDebounce is how long a repeat of the same code from the same
// scanner is ignored: a patron holding a card in front of a scanner in
// continuous mode, or pulling the trigger twice.
const DefaultDebounce = 1500 * time.Millisecond

// Debouncer lets the same code from the same source through once per window,
// measured from the read it let through. It is safe for concurrent use and
// works for serial and keyboard-wedge scans alike; its memory is bounded by
// the distinct codes seen within one window, and each read costs the same
// however many there are.
type Debouncer struct {
	Window time.Duration    // 0 means DefaultDebounce; < 0 lets every read through
	Now    func() time.Time // nil means time.Now

	mu    sync.Mutex
	seen  map[debounceKey]time.Time // when each code was last let through
	order []debounced               // the reads let through, oldest first, to forget them
	head  int                       // order[:head] is forgotten
}

type debounceKey struct{ source, code string }

type debounced struct {
	key debounceKey
	at  time.Time
}

// Accept reports whether a read of code from source now counts, and if so
// remembers it. Call it once per read.
func (d *Debouncer) Accept(source, code string) bool {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	return d.AcceptAt(source, code, now())
}

// AcceptScan is Accept for a Scan, at the time it was read (s.At, if set),
// so a scan that waited in a queue is judged by when it was read.
func (d *Debouncer) AcceptScan(s Scan) bool {
	if s.At.IsZero() {
		return d.Accept(s.Source, s.Code)
	}
	return d.AcceptAt(s.Source, s.Code, s.At)
}

// AcceptAt is Accept for a read at t.
func (d *Debouncer) AcceptAt(source, code string, t time.Time) bool {
	window := d.Window
	if window == 0 {
		window = DefaultDebounce
	}
	if window < 0 {
		return true
	}
	k := debounceKey{source, code}
	// A read a window or more ago no longer matters; one a window or more
	// ahead neither (the clock stepped back). A read just ahead is a repeat
	// too: a scan that waited, or a goroutine that read the clock first.
	stale := func(last time.Time) bool { age := t.Sub(last); return age >= window || age <= -window }

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = make(map[debounceKey]time.Time)
	}
	if last, ok := d.seen[k]; ok && !stale(last) {
		return false
	}
	// Forget from the oldest read on, until one still matters: each read
	// is forgotten once, so this costs nothing per read on the whole.
	for d.head < len(d.order) {
		r := d.order[d.head]
		if !stale(r.at) {
			break
		}
		if last, ok := d.seen[r.key]; ok && last.Equal(r.at) { // not let through again since
			delete(d.seen, r.key)
		}
		d.order[d.head] = debounced{}
		d.head++
	}
	if d.head > len(d.order)/2 { // reuse the forgotten half of the slice
		d.order = d.order[:copy(d.order, d.order[d.head:])]
		d.head = 0
	}
	d.seen[k] = t
	d.order = append(d.order, debounced{k, t})
	return true
}

// Reset forgets every code, e.g. when a session ends and the next patron may
// rightly scan the same item again at once.
func (d *Debouncer) Reset() {
	d.mu.Lock()
	clear(d.seen)
	clear(d.order)
	d.order, d.head = d.order[:0], 0
	d.mu.Unlock()
}
