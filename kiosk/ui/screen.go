package ui

import (
	"fyne.io/fyne/v2"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// screen is one body of the kiosk's window. Each declares the few core
// methods it calls in an interface of its own.
type screen interface {
	object() fyne.CanvasObject
	// render shows v; it is called only while the screen is shown.
	render(t *texts, v kiosk.View)
	// clear forgets everything the screen showed of the last patron and
	// scrolls back to the top.
	clear(t *texts)
	// hint is the status line's words while no flash is in it.
	hint(v kiosk.View) string
}

// Core is everything the screens and the chrome call on the kiosk core.
type Core interface {
	chromeCore
	attractCore
	pinCore
	welcomeCore
	loansCore
	receiptCore
	confirmCore
	studyCore
	pollCore
}

var _ Core = (*kiosk.Kiosk)(nil)

// noHint is for screens without a status line.
type noHint struct{}

func (noHint) hint(kiosk.View) string { return "" }
