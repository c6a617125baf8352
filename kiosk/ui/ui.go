// Package ui draws the kiosk's screens with Fyne. It renders kiosk.View values
// and passes taps and keyboard-wedge scans back to the core; it holds no
// patron logic of its own. UI keeps the chrome (header, status line,
// footer, pop-ups); each screen is a type of its own in its own file.
package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type chromeCore interface {
	Scan(kiosk.Scan)
	Done()
	MoreTime()
	SetLanguage(string)
	Help()
	CloseHelp()
}

type confirmCore interface{ Answer(yes bool) }

// UI is the kiosk's one window.
type UI struct {
	core Core
	win  fyne.Window
	view kiosk.View

	// OnRendered, when set, is called on the UI thread after a View is shown.
	OnRendered func(kiosk.View)

	libraryName, clock, scannerIcon, offlineIcon *widget.Label

	// The status line, between header and body on session screens: the
	// screen's hint, or a flash in its place. Its height never changes.
	status      *fyne.Container
	hint, flash *widget.Label

	screens      map[kiosk.Screen]screen
	attract      *attractScreen
	busy         *busyScreen
	welcome      *welcomeScreen
	notice       *noticeScreen
	pin          *pinScreen
	loans        *loansScreen
	returns      *returnScreen
	receipt      *receiptScreen
	receiptShown *receiptShownScreen
	studyCard    *studyCardScreen
	studyZones   *studyZonesScreen
	studySeats   *studySeatsScreen
	studyUntil   *studyUntilScreen
	studyDone    *studyDoneScreen
	studyWhen    *studyWhenScreen
	studyClass   *studyClassScreen
	shown        kiosk.Screen

	language, help, done *widget.Button
	doneBox              fyne.CanvasObject

	confirm                   *widget.PopUp
	confirmText, confirmFlash *widget.Label
	confirmYes, confirmNo     *widget.Button

	warning                   *widget.PopUp
	warningTitle, warningText *widget.Label
	moreTime                  *widget.Button

	helpPopup *widget.PopUp
	helpText  *widget.Label
	helpClose *widget.Button

	wedgeDetector Wedge
	wedgeTimer    *time.Timer
	typed         []rune // keys a person typed, until Enter
	now           func() time.Time
	// do runs a function on the UI thread: fyne.Do, or a test's queue.
	do func(func())
	texts

	// next is the newest View not drawn yet: a burst of Views is drawn once.
	mu      sync.Mutex
	next    kiosk.View
	pending bool
}

// New builds the screens in win, sets the kiosk theme and wires the keyboard
// wedge. Call Update with each View from the core.
func New(a fyne.App, win fyne.Window, core Core, libraryName string) *UI {
	a.Settings().SetTheme(newTheme())
	u := &UI{core: core, win: win, now: time.Now, do: fyne.Do, wedgeDetector: &lineWedge{}, shown: -1}
	u.build(libraryName)
	win.Canvas().SetOnTypedRune(u.typedRune)
	win.Canvas().SetOnTypedKey(u.typedKey)
	u.Render(kiosk.View{Screen: kiosk.ScreenAttract, Chrome: kiosk.Chrome{Lang: kiosk.DefaultLanguage}})
	return u
}

func (u *UI) build(name string) {
	u.libraryName = widget.NewLabel(name)
	u.libraryName.TextStyle.Bold = true
	u.clock = widget.NewLabel("")
	// What does not work shows below the header, full width, wrapped: in
	// words of what still works, never wider than the screen.
	u.scannerIcon = leftBody("")
	u.offlineIcon = leftBody("")
	u.scannerIcon.Importance = widget.WarningImportance
	u.offlineIcon.Importance = widget.DangerImportance
	headerBg := canvas.NewRectangle(colorHeader)
	header := container.NewVBox(container.NewStack(headerBg, container.NewBorder(nil, nil, u.libraryName, u.clock)),
		u.scannerIcon, u.offlineIcon)

	// Two lines of room: a flash wraps in its own place, never pushing the
	// body down.
	u.hint = body("")
	u.flash = body("")
	u.flash.Importance = widget.WarningImportance
	u.flash.TextStyle.Bold = true
	u.flash.Hide()
	u.status = container.New(fixedHeight{statusHeight}, u.hint, u.flash)

	u.attract = newAttract(u.core)
	u.busy = newBusy()
	u.welcome = newWelcome(u.core)
	u.notice = newNotice(u.core)
	u.pin = newPIN(u.core)
	u.loans = newLoans(u.core)
	u.returns = newReturn()
	u.receipt = newReceipt(u.core)
	u.receiptShown = newReceiptShown()
	u.studyCard, u.studyZones, u.studySeats = newStudyCard(), newStudyZones(u.core), newStudySeats(u.core)
	u.studyUntil, u.studyDone, u.studyWhen = newStudyUntil(u.core), newStudyDone(u.core), newStudyWhen(u.core)
	u.studyClass = newStudyClass(u.core)
	u.screens = map[kiosk.Screen]screen{
		kiosk.ScreenAttract: u.attract, kiosk.ScreenBusy: u.busy, kiosk.ScreenWelcome: u.welcome,
		kiosk.ScreenNotice: u.notice, kiosk.ScreenPIN: u.pin, kiosk.ScreenLoans: u.loans,
		kiosk.ScreenReturn: u.returns, kiosk.ScreenReceipt: u.receipt, kiosk.ScreenReceiptShown: u.receiptShown,
		kiosk.ScreenStudyCard: u.studyCard, kiosk.ScreenStudyZones: u.studyZones, kiosk.ScreenStudySeats: u.studySeats,
		kiosk.ScreenStudyUntil: u.studyUntil, kiosk.ScreenStudyDone: u.studyDone, kiosk.ScreenStudyWhen: u.studyWhen, kiosk.ScreenStudyClass: u.studyClass,
	}
	bodies := container.NewStack()
	for _, s := range []screen{u.attract, u.busy, u.welcome, u.notice, u.pin, u.loans, u.returns, u.receipt, u.receiptShown,
		u.studyCard, u.studyZones, u.studySeats, u.studyUntil, u.studyDone, u.studyWhen, u.studyClass} {
		s.object().Hide()
		bodies.Add(s.object())
	}

	u.language = widget.NewButton("", u.nextLanguage)
	u.help = widget.NewButtonWithIcon("", theme.QuestionIcon(), func() { u.core.Help() })
	u.done = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() { u.core.Done() })
	u.done.Importance = widget.HighImportance
	// The way out is in the same place, the same size, on every screen.
	u.doneBox = container.New(fixedWidth{doneWidth}, u.done)
	footer := container.NewBorder(nil, nil, outlined(u.language), u.doneBox, container.NewCenter(outlined(u.help)))

	pad := container.NewPadded(container.New(column{1200}, container.NewBorder(u.status, nil, nil, nil, bodies)))
	u.win.SetContent(container.NewBorder(header, container.NewPadded(footer), nil, nil, pad))

	u.warningTitle = heading("")
	u.warningText = body("")
	u.moreTime = widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { u.core.MoreTime() })
	u.moreTime.Importance = widget.HighImportance
	u.warning = widget.NewModalPopUp(container.New(fixedWidth{popupWidth}, container.NewVBox(u.warningTitle, u.warningText,
		container.NewCenter(u.moreTime))), u.win.Canvas())

	u.confirmText = body("")
	u.confirmFlash = body("")
	u.confirmFlash.Importance = widget.WarningImportance
	u.confirmFlash.Hide()
	u.confirmYes = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() { u.core.Answer(true) })
	u.confirmNo = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { u.core.Answer(false) })
	u.confirmNo.Importance = widget.HighImportance
	// One answer above the other, gap apart: long names fit, no mis-tap.
	u.confirm = widget.NewModalPopUp(container.New(fixedWidth{popupWidth}, container.NewVBox(u.confirmText, u.confirmFlash,
		stack(container.New(fixedHeight{80}, u.confirmNo), container.New(fixedHeight{80}, outlined(u.confirmYes))))), u.win.Canvas())

	u.helpText = body("")
	u.helpClose = widget.NewButton("", func() { u.core.CloseHelp() })
	u.helpPopup = widget.NewModalPopUp(container.New(fixedWidth{popupWidth},
		container.NewVBox(u.helpText, container.NewCenter(u.helpClose))), u.win.Canvas())
}

// doneWidth fits "Stoppen" and "Klaar" alike; popupWidth fits a portrait screen.
const (
	statusHeight = 64
	doneWidth    = 240
	popupWidth   = 640
)

// Update shows v; safe from any goroutine. Views that come faster than the
// screen draws are drawn once, the newest.
func (u *UI) Update(v kiosk.View) {
	u.mu.Lock()
	u.next = v
	queued := u.pending
	u.pending = true
	u.mu.Unlock()
	if queued {
		return
	}
	u.do(func() {
		u.mu.Lock()
		v := u.next
		u.pending = false
		u.mu.Unlock()
		u.Render(v)
	})
}

// Render shows v; call it on the UI thread.
func (u *UI) Render(v kiosk.View) {
	u.view = v
	setLanguage(v.Chrome.Lang)
	if v.Screen != u.shown {
		u.switchTo(v)
	}
	cur := u.screens[v.Screen]
	cur.render(&u.texts, v)
	u.renderChrome(v, cur)
	u.flushLayout()
	if f, ok := cur.(interface{ refit() bool }); ok && f.refit() {
		u.dirty = true // its lines were drawn for another width
		u.flushLayout()
	}
	if u.OnRendered != nil {
		u.OnRendered(v)
	}
}

// switchTo hides the old screen and shows the new one from its top; with
// no patron at the kiosk, every screen forgets the last one.
func (u *UI) switchTo(v kiosk.View) {
	if old, ok := u.screens[u.shown]; ok {
		old.object().Hide()
	}
	if v.Visit.Patron.Card == "" && v.Screen != kiosk.ScreenReturn && v.Screen != kiosk.ScreenReceipt && v.Screen != kiosk.ScreenReceiptShown {
		for _, s := range u.screens {
			s.clear(&u.texts)
		}
	}
	next := u.screens[v.Screen]
	if t, ok := next.(interface{ top() }); ok {
		t.top() // every screen starts at its top, whoever scrolled it last
	}
	next.object().Show()
	u.busy.spin(v.Screen == kiosk.ScreenBusy)
	u.shown = v.Screen
	u.dirty = true
}

func (u *UI) renderChrome(v kiosk.View, cur screen) {
	u.label(u.helpText, lang.L("help.text"))
	u.button(u.helpClose, lang.L("button.close"))
	u.button(u.language, lang.L("button.language"))
	u.button(u.help, lang.L("button.help"))
	u.button(u.moreTime, lang.L("button.more_time"))
	u.renderStatus(v)

	// The way out: "Klaar" in a visit and on a message, "Stoppen" where
	// the patron has not got in yet or waits.
	// Hidden on the attract screen, its room kept: help stays in its place.
	u.show(u.done, v.Screen != kiosk.ScreenAttract)
	if v.Screen == kiosk.ScreenPIN || v.Screen == kiosk.ScreenBusy {
		u.button(u.done, lang.L("button.stop"))
		u.icon(u.done, theme.CancelIcon())
	} else {
		u.button(u.done, lang.L("button.done"))
		u.icon(u.done, theme.ConfirmIcon())
	}

	flash := ""
	if key, ok := noticeKeys[v.Chrome.Flash]; ok {
		flash = "⚠ " + lang.L(key)
	}
	u.show(u.status, v.InSession())
	u.inPlace(u.hint, cur.hint(v))
	u.inPlace(u.flash, flash)
	u.show(u.flash, flash != "" && v.Visit.Confirm == kiosk.ConfirmNone) // else it shows in the question
	u.show(u.hint, !u.flash.Visible())
	u.renderConfirm(v, flash)

	if v.Chrome.Warning {
		u.label(u.warningTitle, lang.L("warning.title"))
		u.label(u.warningText, lang.N("warning.countdown", v.Chrome.SecondsLeft, map[string]any{"Count": v.Chrome.SecondsLeft}))
	}
	showPopup(u.warning, v.Chrome.Warning)
	showPopup(u.helpPopup, v.Chrome.Help)
}

func (u *UI) renderConfirm(v kiosk.View, flash string) {
	switch v.Visit.Confirm {
	case kiosk.ConfirmSwitchPatron:
		u.label(u.confirmText, lang.L("confirm.switch"))
		stay, goOn := "confirm.switch_stay", "confirm.switch_go"
		if v.Visit.Patron.Name == "" {
			stay = "confirm.switch_stay_noname"
		}
		if v.Visit.SwitchName == "" {
			goOn = "confirm.switch_go_noname"
		}
		u.button(u.confirmNo, lang.L(stay, map[string]any{"Name": v.Visit.Patron.Name}))
		u.button(u.confirmYes, lang.L(goOn, map[string]any{"Name": v.Visit.SwitchName}))
		u.icon(u.confirmNo, theme.AccountIcon())
		u.icon(u.confirmYes, theme.LogoutIcon())
	case kiosk.ConfirmBorrowNext:
		u.label(u.confirmText, lang.L("confirm.borrow_next"))
		u.button(u.confirmYes, lang.L("confirm.borrow_yes"))
		u.button(u.confirmNo, lang.L("confirm.borrow_no"))
		u.icon(u.confirmYes, theme.AccountIcon())
		u.icon(u.confirmNo, theme.MailReplyIcon())
	}
	if v.Visit.Confirm != kiosk.ConfirmNone {
		// The flash would sit behind the question: it shows in it.
		u.label(u.confirmFlash, flash)
		u.show(u.confirmFlash, flash != "")
	}
	showPopup(u.confirm, v.Visit.Confirm != kiosk.ConfirmNone)
}

func (u *UI) renderStatus(v kiosk.View) {
	u.label(u.clock, u.now().Format("15:04"))
	if v.Chrome.ScannerMissing() {
		u.label(u.scannerIcon, "⚠ "+lang.L("status.scanner_missing"))
	}
	u.show(u.scannerIcon, v.Chrome.ScannerMissing())
	ils := v.Chrome.ILS
	if ils.Down {
		// For patrons what still works; for staff since when and what waits.
		text := "⚠ " + lang.L("status.offline")
		if !ils.Since.IsZero() {
			text += " · " + lang.L("status.offline_since", map[string]any{"Since": ils.Since.Format("15:04")})
		}
		if ils.Waiting > 0 {
			text += " · " + lang.N("status.offline_waiting", ils.Waiting, map[string]any{"Count": ils.Waiting})
		}
		if key, ok := faultKeys[ils.Fault]; ok {
			// For staff: a setting to fix, not a library system to wait for.
			text += " · " + lang.L(key, map[string]any{"Keys": ils.Fault.ConfigKeys()})
		}
		u.label(u.offlineIcon, text)
	}
	u.show(u.offlineIcon, ils.Down)
}

var faultKeys = map[kiosk.ILSFault]string{
	kiosk.FaultLogin:   "status.fault_login",
	kiosk.FaultCharset: "status.fault_charset",
}

// flushLayout lays the window out again after a text changed size, without
// redrawing the widgets that did not change.
func (u *UI) flushLayout() {
	if !u.dirty {
		return
	}
	u.dirty = false
	relayout(u.win.Content())
	for _, p := range []*widget.PopUp{u.warning, u.confirm, u.helpPopup} {
		if p.Visible() {
			relayout(p.Content)
			p.Refresh()
		}
	}
}

// relayout lays out every container under o again, top down; what is
// hidden waits until it shows.
func relayout(o fyne.CanvasObject) {
	if !o.Visible() {
		return
	}
	switch c := o.(type) {
	case *fyne.Container:
		if c.Layout != nil {
			c.Layout.Layout(c.Objects, c.Size())
		}
		for _, child := range c.Objects {
			relayout(child)
		}
	case *container.Scroll:
		// Its bars and its content's size, without redrawing the content
		// (Scroll.Refresh would refresh every widget in it once more).
		c.Base.Refresh()
		relayout(c.Content)
	}
}

func (u *UI) nextLanguage() {
	next := Languages[0]
	for i, l := range Languages {
		if l == u.view.Chrome.Lang {
			next = Languages[(i+1)%len(Languages)]
		}
	}
	u.core.SetLanguage(next)
}

// SetReceiptText sets how a receipt is laid out as text on the screen.
func (u *UI) SetReceiptText(f func(kiosk.Receipt) string) { u.receiptShown.textOf = f }

// StartClock keeps the header clock right until the app quits.
func (u *UI) StartClock() {
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for range t.C {
			u.do(func() {
				u.label(u.clock, u.now().Format("15:04"))
				u.flushLayout()
			})
		}
	}()
}
