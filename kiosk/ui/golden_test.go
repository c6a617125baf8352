package ui

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// goldenDay is the day the golden pictures were taken on.
var goldenDay = time.Date(2026, 11, 27, 10, 30, 0, 0, time.Local)

// Golden pictures of the screens that matter, in Dutch and English, after
// the widget assertions of the other tests. To renew one, delete it: fyne
// writes the new picture to testdata/failed/ for you to look at and move.
func TestScreensLookRight(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			// The pictures show dates: they are taken on one fixed day.
			h := newHarnessSetup(t, setup{opts: kiosk.Options{PIN: kiosk.PINAlways}, start: goldenDay})
			golden := func(name string) {
				t.Helper()
				h.settle()
				h.win.Resize(fyne.NewSize(1280, 800))
				if got := h.win.Canvas().Size(); got.Height > 800 {
					t.Errorf("%s: the screen grew to %v", name, got)
				}
				assertGolden(t, name+"_"+l+".png", h.win.Canvas().Capture())
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
				return h.ui.view.Visit.LoansState == kiosk.Loaded && len(h.ui.view.Visit.Loans) == 4
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
			test.Tap(h.ui.receiptNone)
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

// assertGolden compares img with testdata/name. On a mismatch it writes img
// to testdata/failed/name and says where, with how many pixels differ and
// where they lie: never the pixels themselves.
func assertGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	failed := filepath.Join("testdata", "failed", name)
	write := func() {
		if err := os.MkdirAll(filepath.Dir(failed), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(failed)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		write()
		t.Errorf("%s: no golden picture (%v); the new one is %s", name, err, failed)
		return
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		write()
		t.Errorf("%s: golden picture unreadable (%v); the new one is %s", name, err, failed)
		return
	}
	if n, box := goldenDiff(want, img); n > 0 {
		write()
		total := img.Bounds().Dx() * img.Bounds().Dy()
		t.Errorf("%s: %d of %d pixels differ (%.2f%%), within %v; the new picture is %s",
			name, n, total, 100*float64(n)/float64(max(total, 1)), box, failed)
	}
}

// goldenDiff counts the pixels in which two pictures differ and the
// rectangle that holds them; pictures of other sizes differ everywhere.
func goldenDiff(want, got image.Image) (int, image.Rectangle) {
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Size() != gb.Size() {
		u := wb.Union(gb)
		return u.Dx() * u.Dy(), u
	}
	n := 0
	var box image.Rectangle
	for y := 0; y < gb.Dy(); y++ {
		for x := 0; x < gb.Dx(); x++ {
			r1, g1, b1, a1 := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			r2, g2, b2, a2 := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, box
}

func TestGoldenDiffCountsAndPlacesChangedPixels(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 40, 30))
	b := image.NewRGBA(image.Rect(0, 0, 40, 30))
	if n, _ := goldenDiff(a, b); n != 0 {
		t.Errorf("equal pictures differ in %d pixels", n)
	}
	b.Set(3, 4, color.White)
	b.Set(10, 20, color.White)
	if n, box := goldenDiff(a, b); n != 2 || box != image.Rect(3, 4, 11, 21) {
		t.Errorf("diff = %d within %v; want 2 within (3,4)-(11,21)", n, box)
	}
	if n, _ := goldenDiff(a, image.NewRGBA(image.Rect(0, 0, 40, 31))); n != 40*31 {
		t.Errorf("pictures of other sizes differ in %d pixels; want all", n)
	}
}
