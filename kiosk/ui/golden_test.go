package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// Golden pictures of the screens that matter, in Dutch and English, after
// the widget assertions of the other tests. To renew one, delete it: fyne
// writes the new picture to testdata/failed/ for you to look at and move.
func TestScreensLookRight(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			h := newHarnessWith(t, kiosk.Options{PIN: kiosk.PINAlways})
			golden := func(name string) {
				t.Helper()
				h.settle()
				h.win.Resize(fyne.NewSize(1280, 800))
				if got := h.win.Canvas().Size(); got.Height > 800 {
					t.Errorf("%s: the screen grew to %v", name, got)
				}
				test.AssertImageMatches(t, name+"_"+l+".png", h.win.Canvas().Capture())
			}
			if l != "nl" {
				test.Tap(h.ui.language)
				h.settle()
			}
			golden("attract")

			h.typeScan(kiosktest.CardAdult)
			h.pumpUntil("the keypad", func() bool { return h.ui.pin.Visible() })
			for _, d := range "12" {
				test.Tap(button(h.ui.pinKeys, string(d)))
			}
			golden("pin")
			for _, d := range "34" {
				test.Tap(button(h.ui.pinKeys, string(d)))
			}
			test.Tap(h.ui.pinOK)
			h.pumpUntil("welcome", func() bool { return h.ui.welcome.Visible() })
			h.scanItem("30790000000075")
			h.scanItem("30790000000067")
			h.scanItem("30790000000018")
			golden("borrowing")

			test.Tap(h.ui.loansButton)
			// Three loans from before and the one just borrowed, however the
			// background fetch and the checkout interleaved.
			h.pumpUntil("the loans", func() bool {
				h.core.Sync()
				return h.ui.view.LoansState == kiosk.Loaded && len(h.ui.view.Loans) == 4
			})
			golden("loans")

			h.advance(50 * time.Second)
			golden("warning")
			test.Tap(h.ui.moreTime)

			test.Tap(h.ui.done)
			golden("receipt")
			test.Tap(h.ui.receiptScreen)
			golden("receipt_shown")
			test.Tap(h.ui.done)
			h.settle()
			h.advance(8 * time.Second)

			test.Tap(h.ui.returnButton)
			if l != "nl" {
				test.Tap(h.ui.language)
			}
			h.scanItem("30790000000042")
			h.scanItem("30790000000026")
			golden("return")
			test.Tap(h.ui.done)
			h.settle()
			h.advance(8 * time.Second)

			if l != "nl" {
				test.Tap(h.ui.language)
			}
			h.typeScan(kiosktest.CardFines)
			h.pumpUntil("the keypad", func() bool { return h.ui.pin.Visible() })
			for _, d := range "2580" {
				test.Tap(button(h.ui.pinKeys, string(d)))
			}
			test.Tap(h.ui.pinOK)
			h.pumpUntil("welcome", func() bool { return h.ui.welcome.Visible() })
			golden("blocked")
		})
	}
}
