package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type pinCore interface {
	PINDigit(rune)
	PINBackspace()
	PINSubmit()
}

// keySize is a keypad key: well over the 72 px of assisted mode.
var keySize = fyne.NewSize(128, 76)

// pinScreen is the keypad. Its size never changes: the dots have room for
// the longest PIN, and the tries left show in the status line.
type pinScreen struct {
	root        *fyne.Container
	title, dots *widget.Label
	keys        *fyne.Container
	ok          *widget.Button
}

func newPIN(core pinCore) *pinScreen {
	s := &pinScreen{title: heading(""), dots: heading("")}
	s.keys = container.New(keypad{})
	for _, d := range "123456789" {
		s.keys.Add(outlined(widget.NewButton(string(d), func() { core.PINDigit(d) })))
	}
	s.ok = widget.NewButton("", func() { core.PINSubmit() })
	s.ok.Importance = widget.HighImportance
	s.keys.Add(outlined(widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { core.PINBackspace() })))
	s.keys.Add(outlined(widget.NewButton("0", func() { core.PINDigit('0') })))
	s.keys.Add(s.ok)
	s.root = container.NewVBox(layout.NewSpacer(), s.title,
		container.New(fixedHeight{64}, s.dots), container.NewCenter(s.keys), layout.NewSpacer())
	return s
}

func (s *pinScreen) object() fyne.CanvasObject { return s.root }
func (s *pinScreen) Visible() bool             { return s.root.Visible() }

func (s *pinScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("pin.title"))
	dots := strings.TrimSpace(strings.Repeat("● ", v.Visit.PINLength))
	if v.Visit.PINLength == 0 {
		dots = "–"
	}
	t.label(s.dots, dots)
	t.button(s.ok, lang.L("pin.ok"))
}

func (s *pinScreen) clear(t *texts) { t.label(s.dots, "–") }

// hint says how many tries are left once one was wrong.
func (s *pinScreen) hint(v kiosk.View) string {
	left := v.Visit.PINTriesLeft
	if v.Visit.PINWrong == 0 || left <= 0 {
		return ""
	}
	return lang.N("pin.tries_left", left, map[string]any{"Count": left})
}

// keypad lays out twelve keys three a row with gap between them.
type keypad struct{}

func (keypad) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(3*keySize.Width+2*gap, 4*keySize.Height+3*gap)
}

func (keypad) Layout(objects []fyne.CanvasObject, _ fyne.Size) {
	for i, o := range objects {
		o.Move(fyne.NewPos(float32(i%3)*(keySize.Width+gap), float32(i/3)*(keySize.Height+gap)))
		o.Resize(keySize)
	}
}
