package ui

import (
	"time"
	"unicode"

	"fyne.io/fyne/v2"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// Wedge tells the keys of a keyboard-wedge scanner (a USB scanner that types
// its code and Enter within milliseconds) from a person typing. cmd/kiosk
// adapts devices.WedgeDetector to it.
type Wedge interface {
	Rune(r rune, at time.Time) KeyResult
	Enter(at time.Time) KeyResult
	// Flush ends a burst that went quiet; call it at Deadline.
	Flush(now time.Time) KeyResult
	Deadline() (time.Time, bool)
}

// KeyResult is what a Wedge made of the keys so far.
type KeyResult struct {
	Scan  string // a scanner typed this whole code
	Human []rune // a person typed these keys
	Enter bool   // and then pressed Enter
}

// SetWedge replaces the built-in key handling, which takes every line typed
// and ended with Enter as a scan.
func (u *UI) SetWedge(w Wedge) { u.wedgeDetector = w }

// lineWedge is the built-in Wedge: every line ended with Enter is a scan.
type lineWedge struct {
	keys []rune
	last time.Time
}

const wedgeMax = 128

func (w *lineWedge) Rune(r rune, at time.Time) KeyResult {
	if at.Sub(w.last) > 2*time.Second {
		w.keys = w.keys[:0] // a stale half-typed code is not a scan
	}
	w.last = at
	if unicode.IsPrint(r) && len(w.keys) < wedgeMax {
		w.keys = append(w.keys, r)
	}
	return KeyResult{}
}

func (w *lineWedge) Enter(time.Time) KeyResult {
	code := string(w.keys)
	w.keys = w.keys[:0]
	return KeyResult{Scan: code}
}

func (w *lineWedge) Flush(time.Time) KeyResult   { return KeyResult{} }
func (w *lineWedge) Deadline() (time.Time, bool) { return time.Time{}, false }

func (u *UI) typedRune(r rune) {
	u.handleKeys(u.wedgeDetector.Rune(r, u.now()))
}

func (u *UI) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		u.handleKeys(u.wedgeDetector.Enter(u.now()))
	case fyne.KeyEscape, fyne.KeyBackspace:
		u.typed = u.typed[:0]
	}
}

// handleKeys passes a scanner's code to the core; a person's keys collect in
// typed until Enter, and then count as a card number typed by hand.
func (u *UI) handleKeys(r KeyResult) {
	if r.Scan != "" {
		u.core.Scan(kiosk.Scan{Code: r.Scan, Source: "keyboard"})
	}
	for _, k := range r.Human {
		if unicode.IsPrint(k) && len(u.typed) < wedgeMax {
			u.typed = append(u.typed, k)
		}
	}
	if r.Enter {
		if code := string(u.typed); code != "" {
			u.core.Scan(kiosk.Scan{Code: code, Source: "keyboard-typed"})
		}
		u.typed = u.typed[:0]
	}
	if at, ok := u.wedgeDetector.Deadline(); ok {
		if u.wedgeTimer != nil {
			u.wedgeTimer.Stop()
		}
		u.wedgeTimer = time.AfterFunc(max(0, at.Sub(u.now())), func() {
			u.do(func() { u.handleKeys(u.wedgeDetector.Flush(u.now())) })
		})
	}
}
