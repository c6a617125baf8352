package devices

import (
	"log/slog"
	"time"
)

// Keyboard-wedge defaults: a USB HID scanner types a whole code within a few
// milliseconds per key; a person needs 80 ms or more.
const (
	DefaultWedgeGap    = 30 * time.Millisecond
	DefaultWedgeMinLen = 4
)

// WedgeDetector tells a keyboard-wedge scanner (a USB HID scanner that types
// its code and Enter) from a person at the keyboard, by the time between
// keys. Feed it every rune and Enter with the time it arrived; it holds keys
// back while they might still be a scan, and returns them as Human once they
// cannot be (so the UI can route them to a focused entry or PIN pad).
//
// A burst is keys with at most MaxGap between them. A burst of at least
// MinLen keys ended by Enter within MaxGap is a scan. A shorter burst is a
// person. A burst of MinLen keys or more that stops without Enter is an
// incomplete scan and is dropped, as is one longer than MaxLen or holding a
// rune outside printable ASCII (a scanner typing in the wrong keyboard layout).
//
// It is pure (no clock, no timers) and not safe for concurrent use: call it
// from the UI goroutine that receives the keys.
type WedgeDetector struct {
	Source string        // Scan.Source of detected scans; "" means "keyboard"
	MaxGap time.Duration // longest pause between a scanner's keys; 0 means DefaultWedgeGap
	MinLen int           // shortest scan; 0 means DefaultWedgeMinLen
	MaxLen int           // longest scan; 0 means DefaultMaxScanLen
	OnDrop func(Dropped) // told about dropped bursts (Bytes counts keys); nil logs them
	// Logger gets those logs (nil: slog.Default()): the first of each reason
	// at once, then at most one per DefaultWarnEvery of the keys' clock with
	// the count of those not logged, as a serial scanner's.
	Logger *slog.Logger
	warns  *warnLimiter

	keys []rune    // the burst so far, at most MaxLen
	n    int       // keys in the burst, including those not kept
	bad  bool      // the burst holds a rune outside printable ASCII
	last time.Time // when the burst's last key came
}

// WedgeEvent is what the caller should do after a key. At most one of Scan
// and Human is set; an empty event means "keys held back, nothing to do yet".
type WedgeEvent struct {
	Scan  Scan   // Scan.Code != "": a scanner typed a whole code
	Human []rune // keys a person typed, oldest first: give them to the focused entry
	Enter bool   // after Human, a person pressed Enter
}

func (w *WedgeDetector) maxGap() time.Duration {
	if w.MaxGap > 0 {
		return w.MaxGap
	}
	return DefaultWedgeGap
}

func (w *WedgeDetector) minLen() int {
	if w.MinLen > 0 {
		return w.MinLen
	}
	return DefaultWedgeMinLen
}

func (w *WedgeDetector) maxLen() int {
	if w.MaxLen > 0 {
		return min(w.MaxLen, MaxScanLenCap)
	}
	return DefaultMaxScanLen
}

// Rune feeds one typed character.
func (w *WedgeDetector) Rune(r rune, at time.Time) WedgeEvent {
	var ev WedgeEvent
	if w.n > 0 && at.Sub(w.last) > w.maxGap() {
		ev = w.endBurst()
	}
	if w.n < w.maxLen() {
		w.keys = append(w.keys, r)
	}
	w.n++
	w.bad = w.bad || r < 0x20 || r > 0x7e
	w.last = at
	return ev
}

// Enter feeds the Enter (Return) key.
func (w *WedgeDetector) Enter(at time.Time) WedgeEvent {
	if w.n == 0 {
		return WedgeEvent{Enter: true}
	}
	if at.Sub(w.last) > w.maxGap() || w.n < w.minLen() {
		ev := w.endBurst()
		if ev.Scan.Code == "" {
			ev.Enter = true
		}
		return ev
	}
	n, bad := w.n, w.bad
	code := string(w.keys)
	w.reset()
	switch {
	case n > w.maxLen():
		w.dropped(Dropped{Reason: DropTooLong, Bytes: n})
	case bad:
		w.dropped(Dropped{Reason: DropControl, Bytes: n})
	default:
		source := w.Source
		if source == "" {
			source = "keyboard"
		}
		if w.warns != nil {
			w.warns.flush(true) // a good scan: the noise is over, what was held back is counted now
		}
		return WedgeEvent{Scan: Scan{Code: code, Source: source, At: at}}
	}
	return WedgeEvent{}
}

// OtherKey tells the detector a key that is neither a rune nor Enter
// (Backspace, Tab, an arrow) came: it ends the burst. Give the returned
// Human keys to the entry first, then handle the key itself.
func (w *WedgeDetector) OtherKey() WedgeEvent {
	if w.n == 0 {
		return WedgeEvent{}
	}
	return w.endBurst()
}

// Deadline is when held-back keys go stale, and ok whether any are held.
// Call Flush at or after it (a timer), so a person's key is not kept waiting.
func (w *WedgeDetector) Deadline() (at time.Time, ok bool) {
	if w.n == 0 {
		return time.Time{}, false
	}
	return w.last.Add(w.maxGap()), true
}

// Flush ends the burst if now is at or past its Deadline: a person's keys
// come out as Human, a scanner's partial code is dropped.
func (w *WedgeDetector) Flush(now time.Time) WedgeEvent {
	if w.n == 0 || now.Sub(w.last) < w.maxGap() {
		return WedgeEvent{}
	}
	return w.endBurst()
}

// Pending is the number of keys held back.
func (w *WedgeDetector) Pending() int { return w.n }

// endBurst ends a burst not closed by Enter in time.
func (w *WedgeDetector) endBurst() WedgeEvent {
	n := w.n
	if n < w.minLen() {
		ev := WedgeEvent{Human: w.keys}
		w.keys = nil // handed over: the next burst starts a new slice
		w.reset()
		return ev
	}
	w.reset()
	if n > w.maxLen() {
		w.dropped(Dropped{Reason: DropTooLong, Bytes: n})
	} else {
		w.dropped(Dropped{Reason: DropIncomplete, Bytes: n})
	}
	return WedgeEvent{}
}

func (w *WedgeDetector) reset() {
	w.keys, w.n, w.bad = w.keys[:0], 0, false
}

func (w *WedgeDetector) dropped(d Dropped) {
	if w.OnDrop != nil {
		w.OnDrop(d)
		return
	}
	if w.warns == nil {
		log := w.Logger
		if log == nil {
			log = slog.Default()
		}
		w.warns = newWarnLimiter(log, DefaultWarnEvery, func() time.Time { return w.last })
	}
	w.warns.warn(d.Reason.String(), "bytes", d.Bytes)
}
