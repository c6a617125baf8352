package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// busyScreen is a spinner with words that say what the kiosk waits for.
type busyScreen struct {
	noHint
	root    *fyne.Container
	text    *widget.Label
	spinner *widget.Activity
}

func newBusy() *busyScreen {
	s := &busyScreen{text: body(""), spinner: widget.NewActivity()}
	s.root = container.New(column{900}, container.NewVBox(layout.NewSpacer(),
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), s.spinner)), s.text, layout.NewSpacer()))
	return s
}

func (s *busyScreen) object() fyne.CanvasObject { return s.root }

var busyKeys = map[kiosk.Busy]string{
	kiosk.BusyLookup:   "busy.lookup",
	kiosk.BusyPrinting: "busy.printing",
}

func (s *busyScreen) render(t *texts, v kiosk.View) {
	t.label(s.text, lang.L(busyKeys[v.Busy]))
}

func (s *busyScreen) clear(*texts) {}

// spin runs the spinner only while the screen shows: a spinner out of
// sight must not keep the processor busy.
func (s *busyScreen) spin(on bool) {
	if on {
		s.spinner.Start()
	} else {
		s.spinner.Stop()
	}
}

func (s *busyScreen) Visible() bool { return s.root.Visible() }
