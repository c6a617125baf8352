package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type rowKind int

const (
	rowInfo rowKind = iota
	rowOK
	rowWarn
	rowBusy
)

// line is one entry of a list as drawn: a sign, a title, what happened,
// and perhaps a button.
type line struct {
	kind          rowKind
	title, detail string
	action        string // the button's text; "" for none
	tapped        func()
}

// drawn is a line's widgets and the line they show.
type drawn struct {
	line    line
	obj     fyne.CanvasObject
	bg      *canvas.Rectangle
	spinner *widget.Activity
}

// rowList is a list of lines, newest first. A line's widgets are made again
// only when it changed; a spinner stops as soon as its line changes; the
// newest line is marked, and a new line scrolls the list to the top so the
// patron sees what they just scanned.
type rowList struct {
	box    *fyne.Container
	scroll *container.Scroll
	drawn  map[int]*drawn
	order  []int
	first  int // the id of the newest line when last shown
	// width is what the lines were drawn for; lines is what was shown.
	width float32
	ids   []int
	lines []line
	mark  bool
}

func newRowList() *rowList {
	l := &rowList{box: container.New(layout.NewCustomPaddedVBoxLayout(4)), drawn: map[int]*drawn{}}
	l.scroll = scrollList(l.box)
	return l
}

// show draws lines in the order given (ids name them across calls) and
// reports whether anything changed. mark: the first line is highlighted.
func (l *rowList) show(ids []int, lines []line, mark bool) bool {
	l.ids, l.lines, l.mark = ids, lines, mark
	width := l.textWidth()
	if width != l.width { // turned, or first shown: every line anew
		for id, d := range l.drawn {
			d.stop()
			delete(l.drawn, id)
		}
		l.width = width
	}
	changed := len(ids) != len(l.order)
	seen := make(map[int]bool, len(ids))
	objs := make([]fyne.CanvasObject, len(ids))
	for i, id := range ids {
		seen[id] = true
		d, ok := l.drawn[id]
		if !ok || !sameLine(d.line, lines[i]) {
			if ok {
				d.stop()
			}
			d = drawLine(lines[i], width)
			l.drawn[id] = d
			changed = true
		}
		d.highlight(mark && i == 0)
		objs[i] = d.obj
		if !changed && l.order[i] != id {
			changed = true
		}
	}
	for id, d := range l.drawn {
		if !seen[id] {
			d.stop()
			delete(l.drawn, id)
		}
	}
	if !changed {
		return false
	}
	l.order = append(l.order[:0], ids...)
	// New lines draw themselves; the list only needs laying out again (by
	// the caller's flush), not every line redrawn, which would measure
	// every text once more.
	l.box.Objects = objs
	l.relayout()
	if len(ids) > 0 && ids[0] != l.first {
		l.scroll.ScrollToTop() // a new line: show it
	}
	if len(ids) > 0 {
		l.first = ids[0]
	}
	return true
}

// textWidth is the width the list's lines have, as far as it is known
// before the list is first laid out.
func (l *rowList) textWidth() float32 {
	if w := l.scroll.Size().Width; w > 0 {
		return w
	}
	return 760
}

// relayout fits the scroll to the list and lays the list out, without
// redrawing its lines (Scroll.Refresh would measure every text again). A
// list that turned out wider or narrower than guessed is drawn again.
func (l *rowList) relayout() {
	l.scroll.Base.Refresh()
	l.box.Layout.Layout(l.box.Objects, l.box.Size())
	canvas.Refresh(l.box)
}

// refit draws the lines again if the list's width changed since: call it
// after the window is laid out.
func (l *rowList) refit() bool {
	if l.scroll.Size().Width == l.width || len(l.ids) == 0 {
		return false
	}
	l.show(l.ids, l.lines, l.mark)
	return true
}

// top scrolls back to the first line.
func (l *rowList) top() { l.scroll.ScrollToTop() }

// clear forgets every line: nothing of the last patron stays in memory.
func (l *rowList) clear() {
	for id, d := range l.drawn {
		d.stop()
		delete(l.drawn, id)
	}
	l.order, l.first = l.order[:0], 0
	if len(l.box.Objects) > 0 {
		l.box.RemoveAll()
	}
	l.scroll.ScrollToTop()
}

func sameLine(a, b line) bool {
	return a.kind == b.kind && a.title == b.title && a.detail == b.detail && a.action == b.action
}

func (d *drawn) stop() {
	if d.spinner != nil {
		d.spinner.Stop()
	}
}

func (d *drawn) highlight(on bool) {
	want := color.Color(color.Transparent)
	if on {
		want = colorNewest
	}
	if d.bg.FillColor != want {
		d.bg.FillColor = want
		d.bg.Refresh()
	}
}

// rowSign is the size of a line's sign.
const rowSign = 40

// drawLine makes a line's widgets: the title on one line (cut with … when
// too long), the detail wrapped below it, the button on the right. Results
// always have words as well as a colour.
func drawLine(ln line, width float32) *drawn {
	d := &drawn{line: ln}
	var sign fyne.CanvasObject
	switch ln.kind {
	case rowOK:
		sign = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case rowWarn:
		sign = widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	case rowBusy:
		d.spinner = widget.NewActivity()
		d.spinner.Start()
		sign = d.spinner
	default:
		sign = widget.NewIcon(theme.FileIcon())
	}
	var right fyne.CanvasObject
	textWidth := width - lineChrome
	if ln.action != "" {
		b := widget.NewButtonWithIcon(ln.action, theme.ViewRefreshIcon(), ln.tapped)
		right = container.NewCenter(outlined(b))
		textWidth -= right.MinSize().Width + theme.Padding()
	}
	detailColor := theme.Color(theme.ColorNameForeground)
	if ln.kind == rowWarn {
		detailColor = theme.Color(theme.ColorNameWarning)
	}
	text := container.NewVBox(
		textBlock(ln.title, fyne.TextStyle{Bold: true}, theme.Color(theme.ColorNameForeground), textWidth, false),
		textBlock(ln.detail, fyne.TextStyle{}, detailColor, textWidth, true))
	signBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(rowSign), sign))
	d.bg = canvas.NewRectangle(color.Transparent)
	d.bg.CornerRadius = 8
	content := container.NewBorder(nil, nil, container.NewPadded(signBox), right, text)
	d.obj = container.New(&memoMin{}, container.NewStack(d.bg, container.New(layout.NewCustomPaddedLayout(3, 3, 4, 8), content)))
	return d
}

// lineChrome is what a line's sign, padding and the list's edge take of
// its width, beside the text.
const lineChrome = rowSign + 4*8 + 4 + 8 + gap + 8

// textBlock lays text out once, for the width it is drawn at: one line cut
// with …, or lines broken at spaces, each a canvas.Text. A wrapping Label
// would measure its text again on every layout pass, which makes a long
// list slow to update; a drawn line's words never change.
func textBlock(text string, style fyne.TextStyle, c color.Color, width float32, wrap bool) *fyne.Container {
	size := theme.TextSize()
	var lines []string
	switch {
	case wrap:
		lines = wrapWords(text, width, size, style)
	default:
		lines = []string{ellipsize(text, width, size, style)}
	}
	objs := make([]fyne.CanvasObject, len(lines))
	for i, l := range lines {
		t := canvas.NewText(l, c)
		t.TextStyle = style
		t.TextSize = size
		objs[i] = t
	}
	return container.New(&linesLayout{text: text, lineHeight: fyne.MeasureText("Ág", size, style).Height}, objs...)
}

// linesLayout stacks a textBlock's lines; text is the whole, for tests.
type linesLayout struct {
	text       string
	lineHeight float32
}

func (l *linesLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, l.lineHeight*float32(len(objects)))
}

func (l *linesLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for i, o := range objects {
		o.Move(fyne.NewPos(0, float32(i)*l.lineHeight))
		o.Resize(fyne.NewSize(size.Width, l.lineHeight))
	}
}

// wrapWords breaks text at spaces into lines no wider than width (a word
// longer than that gets a line of its own, cut with …).
func wrapWords(text string, width, size float32, style fyne.TextStyle) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			try := w
			if line != "" {
				try = line + " " + w
			}
			if line == "" || fyne.MeasureText(try, size, style).Width <= width {
				line = try
				continue
			}
			lines = append(lines, ellipsize(line, width, size, style))
			line = w
		}
		lines = append(lines, ellipsize(line, width, size, style))
	}
	return lines
}

// ellipsize cuts text with … to fit width.
func ellipsize(text string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 || fyne.MeasureText(text, size, style).Width <= width {
		return text
	}
	r := []rune(text)
	lo, hi := 0, len(r) // the longest prefix that fits with … is r[:lo]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// memoMin keeps the minimum size of a drawn line for as long as its width
// stays: a line's words never change (a changed line is drawn anew), and
// measuring wrapped text is the costliest part of laying out a list.
type memoMin struct {
	width float32
	min   fyne.Size
	known bool
}

func (m *memoMin) MinSize(objects []fyne.CanvasObject) fyne.Size {
	w := objects[0].Size().Width
	if !m.known || w != m.width {
		m.min, m.width, m.known = objects[0].MinSize(), w, true
	}
	return m.min
}

func (m *memoMin) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}

// dueDate writes a due date the same way in every language: 18-12-2026.
func dueDate(t time.Time) string { return t.Format("02-01-2006") }

// itemTitle is what a list calls an item: its title, or words for a title
// the library system did not give (never the barcode).
func itemTitle(title string, m kiosk.Media) string {
	if title != "" {
		return title
	}
	return lang.L("item.untitled." + m.String())
}

// this are the words for "this book", "this dvd" in a sentence, by media.
func this(m kiosk.Media) map[string]any {
	return map[string]any{"This": lang.L("item.This." + m.String()), "this": lang.L("item.this." + m.String())}
}

var reasonKeys = map[kiosk.Reason]string{
	kiosk.ReasonUnknownItem:   "reason.unknown_item",
	kiosk.ReasonOnHoldOther:   "reason.on_hold_other",
	kiosk.ReasonOnLoanOther:   "reason.on_loan_other",
	kiosk.ReasonNotForLoan:    "reason.not_for_loan",
	kiosk.ReasonLimit:         "reason.limit",
	kiosk.ReasonPatronBlocked: "reason.patron_blocked",
	kiosk.ReasonAlreadyYours:  "reason.already_yours",
	kiosk.ReasonRenewLimit:    "reason.renew_limit",
	kiosk.ReasonRenewHeld:     "reason.renew_held",
	kiosk.ReasonNotOnLoan:     "reason.not_on_loan",
	kiosk.ReasonOther:         "reason.other",
	kiosk.ReasonOfflineRenew:  "reason.offline_renew",
	kiosk.ReasonOfflineLimit:  "reason.offline_limit",
	kiosk.ReasonOfflineOff:    "reason.offline_off",
	kiosk.ReasonUnknownPatron: "reason.unknown_patron",
}

// serviceOffKeys say what the library system does not allow now, per kind.
var serviceOffKeys = map[kiosk.TxKind]string{
	kiosk.TxCheckout: "reason.checkout_off",
	kiosk.TxRenew:    "reason.renew_off",
	kiosk.TxCheckin:  "reason.checkin_off",
}

// rowText says in plain words what happened to a row.
func rowText(r kiosk.Row) (string, rowKind) {
	data := this(r.Media)
	switch r.State {
	case kiosk.RowPending:
		return lang.L("row.pending"), rowBusy
	case kiosk.RowFailed:
		if r.Failure == kiosk.NoticeStoreFull {
			return lang.L("row.store_full"), rowWarn
		}
		return lang.L("row.unavailable"), rowWarn
	case kiosk.RowRefused:
		key, ok := reasonKeys[r.Reason]
		switch {
		case r.Reason == kiosk.ReasonServiceOff:
			key, ok = serviceOffKeys[r.Kind]
		case r.Kind == kiosk.TxRenew && (r.Reason == kiosk.ReasonPatronBlocked || r.Reason == kiosk.ReasonLimit):
			key = "reason.renew_blocked" // about renewing, not borrowing
		}
		if !ok {
			key = "reason.other"
		}
		text := lang.L(key, data)
		if r.Kind == kiosk.TxRenew && !r.Due.IsZero() {
			text += " " + lang.L("row.still_due", map[string]any{"Due": dueDate(r.Due)})
		}
		return text, rowWarn
	}
	data["Due"] = dueDate(r.Due)
	switch {
	case r.Offline && r.Kind == kiosk.TxCheckout:
		return lang.L("row.borrowed_offline", data), rowOK
	case r.Offline && r.Kind == kiosk.TxCheckin:
		return lang.L("row.returned_offline", data), rowOK
	}
	switch r.Kind {
	case kiosk.TxCheckout:
		if r.Due.IsZero() {
			return lang.L("row.borrowed_nodue", data), rowOK
		}
		return lang.L("row.borrowed", data), rowOK
	case kiosk.TxRenew:
		if r.Unchanged {
			return lang.L("row.renewed_same", data), rowInfo
		}
		return lang.L("row.renewed", data), rowOK
	}
	switch {
	case r.HoldShelf:
		return lang.L("row.hold_shelf", data), rowWarn
	case r.ToDesk:
		return lang.L("row.to_desk", data), rowWarn
	}
	return lang.L("row.returned", data), rowOK
}

// visitLines are a visit's rows as lines, newest first. offer says which
// rows get a "Verlengen" button.
func visitLines(rows []kiosk.Row, canRenew bool, renew func(item string)) ([]int, []line) {
	ids := make([]int, 0, len(rows))
	lines := make([]line, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		detail, kind := rowText(r)
		ln := line{kind: kind, title: itemTitle(r.Title, r.Media), detail: detail}
		if r.State == kiosk.RowRefused && r.Reason == kiosk.ReasonAlreadyYours {
			if canRenew {
				item := r.Item
				ln.action, ln.tapped = lang.L("loans.renew"), func() { renew(item) }
			} else {
				ln.detail = lang.L("reason.already_yours_kept", this(r.Media)) // no renewal to offer now
			}
		}
		ids, lines = append(ids, r.ID), append(lines, ln)
	}
	return ids, lines
}
