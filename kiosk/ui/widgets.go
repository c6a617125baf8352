package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// heading is a screen's title: it wraps rather than widens the screen.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle.Bold = true
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

func body(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

func leftBody(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// bigButton is a tile for one of at most three choices on a screen.
func bigButton(icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon("", icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// newScannerPicture draws where the scanner is: a barcode above an arrow.
func newScannerPicture() fyne.CanvasObject { return scannerPicture(72) }

// scannerPicture is the picture at height h for the barcode and the arrow.
func scannerPicture(h float32) fyne.CanvasObject {
	bars := container.NewHBox()
	for _, w := range []float32{4, 2, 6, 2, 2, 8, 4, 2, 6, 2, 4, 2, 8, 2, 4} {
		r := canvas.NewRectangle(colorText)
		r.SetMinSize(fyne.NewSize(w, h))
		bars.Add(r)
	}
	arrow := widget.NewIcon(theme.MoveDownIcon())
	return container.NewCenter(container.NewVBox(container.NewCenter(bars),
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(h), arrow))))
}

func showIf(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

func showPopup(p *widget.PopUp, on bool) {
	if on && !p.Visible() {
		p.Show()
	} else if !on && p.Visible() {
		p.Hide()
	}
}

// texts sets labels and buttons only when their text differs (every
// SetText redraws) and remembers that the layout must be redone.
type texts struct{ dirty bool }

func (t *texts) label(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
		t.dirty = true
	}
}

// inPlace sets a label whose room is fixed (the status line, the clock):
// its new text needs no layout around it.
func (t *texts) inPlace(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

func (t *texts) button(b *widget.Button, text string) {
	if b.Text != text {
		b.SetText(text)
		t.dirty = true
	}
}

func (t *texts) show(o fyne.CanvasObject, on bool) {
	if o.Visible() != on {
		showIf(o, on)
		t.dirty = true
	}
}

func (t *texts) icon(b *widget.Button, r fyne.Resource) {
	if b.Icon != r {
		b.SetIcon(r)
	}
}
