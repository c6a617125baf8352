package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// Golden pictures of the screens that matter, after the widget assertions of
// the other tests. Regenerate with -update-goldens... by deleting the file:
// fyne writes a missing master into testdata/ and fails once.
func TestScreensLookRight(t *testing.T) {
	h := newHarness(t)
	test.AssertImageMatches(t, "attract_nl.png", h.win.Canvas().Capture())

	h.scanCard(kiosktest.CardAdult)
	test.AssertImageMatches(t, "welcome_nl.png", h.win.Canvas().Capture())

	h.advance(50 * time.Second)
	test.AssertImageMatches(t, "warning_nl.png", h.win.Canvas().Capture())

	test.Tap(h.ui.language)
	h.settle()
	test.AssertImageMatches(t, "welcome_en.png", h.win.Canvas().Capture())
	test.Tap(h.ui.done)
	h.settle()
	h.advance(8 * time.Second)

	h.scanCard(kiosktest.CardFines)
	test.AssertImageMatches(t, "notice_fines_nl.png", h.win.Canvas().Capture())
}
