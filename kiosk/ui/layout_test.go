package ui

import (
	"image/color"
	"math"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// absPos is where o is on the canvas.
func absPos(w fyne.Window, o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

func welcomeWith(l string, rows int, flash kiosk.Notice) kiosk.View {
	v := goldenViews(l)[5].v // "welcome"
	v.Chrome.Flash = flash
	var rs []kiosk.Row
	for i := range rows {
		rs = append(rs, kiosk.Row{ID: i + 1, Kind: kiosk.TxCheckout, Title: "Boven is het stil", Media: kiosk.MediaBook, Due: day(21), State: kiosk.RowOK})
	}
	v.Visit.Rows = rs
	return v
}

// A misread's flash takes the place of the status line's words: the list,
// where the patron looks, does not move.
func TestAFlashMovesNothing(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	u.Render(welcomeWith("nl", 3, kiosk.NoticeNone))
	before := absPos(w, u.welcome.rows.scroll)
	u.Render(welcomeWith("nl", 3, kiosk.NoticeMisread))
	if !u.flash.Visible() || u.hint.Visible() {
		t.Fatalf("flash shown %v, hint shown %v", u.flash.Visible(), u.hint.Visible())
	}
	if after := absPos(w, u.welcome.rows.scroll); after != before {
		t.Errorf("the list moved from %v to %v when the flash came", before, after)
	}
}

// Six lines of what was borrowed fit on a 1280×800 screen without scrolling.
func TestSixLinesFitOnTheScreen(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	u.Render(welcomeWith("nl", 6, kiosk.NoticeNone))
	u.Render(welcomeWith("nl", 6, kiosk.NoticeNone))
	view := u.welcome.rows.scroll
	bottom := absPos(w, view).Y + view.Size().Height
	lines := u.welcome.rows.box.Objects
	if len(lines) != 6 {
		t.Fatalf("%d lines drawn", len(lines))
	}
	last := lines[5]
	if end := absPos(w, last).Y + last.Size().Height; end > bottom {
		t.Errorf("the sixth line ends at y=%.0f, below the list's bottom at %.0f", end, bottom)
	}
}

// A new visit starts every list at its top, however far the last patron
// scrolled.
func TestANewVisitStartsAtTheTop(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	u.Render(welcomeWith("nl", 20, kiosk.NoticeNone))
	u.welcome.rows.scroll.ScrollToBottom()
	if u.welcome.rows.scroll.Offset.Y == 0 {
		t.Fatal("the list did not scroll")
	}
	u.Render(kiosk.View{Screen: kiosk.ScreenNotice, Notice: kiosk.NoticeGoodbye, Chrome: kiosk.Chrome{Lang: "nl"}})
	u.Render(welcomeWith("nl", 20, kiosk.NoticeNone))
	if y := u.welcome.rows.scroll.Offset.Y; y != 0 {
		t.Errorf("the next patron's list starts scrolled to %.0f", y)
	}
}

// "Klaar" and "Stoppen" are one button in one place, of one width.
func TestTheWayOutStaysPut(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	var where []fyne.Position
	var sizes []fyne.Size
	for _, g := range goldenViews("nl") {
		if g.v.Screen == kiosk.ScreenAttract {
			continue
		}
		u.Render(g.v)
		if !u.done.Visible() {
			t.Errorf("%s: no way out", g.name)
			continue
		}
		where, sizes = append(where, absPos(w, u.done)), append(sizes, u.done.Size())
	}
	for i := range where {
		if where[i] != where[0] || sizes[i] != sizes[0] {
			t.Errorf("the way out is at %v size %v on one screen, %v size %v on another", where[0], sizes[0], where[i], sizes[i])
		}
	}
}

// The outline of a light button stands out 3:1 from the white screen
// (WCAG 1.4.11), so a patron sees it is a button.
func TestButtonsAreVisiblyButtons(t *testing.T) {
	if r := contrast(colorOutline, color.White); r < 3 {
		t.Errorf("outline contrast %.2f:1, want ≥ 3:1", r)
	}
	u, _ := fixedUI(t, "nl")
	for name, b := range map[string]fyne.CanvasObject{"language": u.language, "help": u.help} {
		if !hasOutline(u.win.Content(), b) {
			t.Errorf("the %s button has no outline", name)
		}
	}
}

// hasOutline reports whether b sits in an outline somewhere under o.
func hasOutline(o, b fyne.CanvasObject) bool {
	c, ok := o.(*fyne.Container)
	if !ok {
		return false
	}
	if _, ok := c.Layout.(outline); ok && len(c.Objects) == 2 && c.Objects[1] == b {
		return true
	}
	for _, child := range c.Objects {
		if hasOutline(child, b) {
			return true
		}
	}
	return false
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// gapBetween is the free space between two rectangles on the canvas (0 if
// they touch or overlap).
func gapBetween(w fyne.Window, a, b fyne.CanvasObject) float32 {
	pa, pb := absPos(w, a), absPos(w, b)
	sa, sb := a.Size(), b.Size()
	dx := max(pb.X-(pa.X+sa.Width), pa.X-(pb.X+sb.Width), 0)
	dy := max(pb.Y-(pa.Y+sa.Height), pa.Y-(pb.Y+sb.Height), 0)
	return max(dx, dy)
}

// Keys, tiles and answers stand at least 16 px apart: a finger that misses
// one does not press the next.
func TestTargetsStandApart(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	views := map[string]kiosk.View{}
	for _, g := range goldenViews("nl") {
		views[g.name] = g.v
	}
	check := func(what string, objs []fyne.CanvasObject) {
		for i := range objs {
			for j := i + 1; j < len(objs); j++ {
				if g := gapBetween(w, objs[i], objs[j]); g < gap {
					t.Errorf("%s %d and %d are %.0f px apart, want ≥ %d", what, i, j, g, gap)
				}
			}
		}
	}
	u.Render(views["pin"])
	check("keys", u.pin.keys.Objects)
	u.Render(views["receipt"])
	check("receipt tiles", []fyne.CanvasObject{u.receipt.print, u.receipt.screen, u.receipt.none})
	u.Render(views["switch"])
	check("answers", []fyne.CanvasObject{u.confirmYes, u.confirmNo})
}

// running reports whether a spinner turns (Activity keeps it unexported).
func running(a *widget.Activity) bool {
	return reflect.ValueOf(a).Elem().FieldByName("started").Bool()
}

// A spinner turns only while its line waits: once the answer is in, or
// the patron has gone, it stops (a forgotten one kept the CPU at 60%).
func TestASpinnerStopsWithItsLine(t *testing.T) {
	_ = test.NewTempApp(t)
	l := newRowList()
	l.show([]int{1}, []line{{kind: rowBusy, title: "Tirza", detail: "Een moment…"}}, true)
	waiting := l.drawn[1].spinner
	if waiting == nil || !running(waiting) {
		t.Fatal("a waiting line has no turning spinner")
	}
	l.show([]int{1}, []line{{kind: rowOK, title: "Tirza", detail: "Geleend."}}, true)
	if running(waiting) {
		t.Error("the spinner still turns after the answer came")
	}
	l.show([]int{2}, []line{{kind: rowBusy, title: "Het diner", detail: "Een moment…"}}, true)
	next := l.drawn[2].spinner
	l.clear()
	if running(next) {
		t.Error("the spinner still turns after the visit ended")
	}
}

// The footer never moves: help is in the same place with or without the
// way out beside it.
func TestHelpStaysPut(t *testing.T) {
	u, w := fixedUI(t, "nl")
	w.Resize(fyne.NewSize(1280, 800))
	views := goldenViews("nl")
	u.Render(views[0].v) // attract: no way out
	first := absPos(w, u.help)
	u.Render(views[5].v) // welcome
	if got := absPos(w, u.help); got != first {
		t.Errorf("help moved from %v to %v", first, got)
	}
}
