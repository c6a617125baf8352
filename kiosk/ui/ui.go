// Package ui draws the kiosk's screens with Fyne. It renders kiosk.View values
// and passes taps and keyboard-wedge scans back to the core; it holds no
// patron logic of its own.
package ui

import (
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

// Core is what the screens need from the kiosk core.
type Core interface {
	Scan(kiosk.Scan)
	Done()
	MoreTime()
	Back()
	SetLanguage(string)
	Help()
	CloseHelp()
	PINDigit(rune)
	PINBackspace()
	PINSubmit()
	ShowLoans()
	Renew(item string)
	StartReturn()
	ChooseReceipt(kiosk.ReceiptKind)
	Answer(yes bool)
}

var _ Core = (*kiosk.Kiosk)(nil)

// UI is the kiosk's one window.
type UI struct {
	core Core
	win  fyne.Window
	view kiosk.View

	// OnRendered, when set, is called on the UI thread after a View is shown.
	OnRendered func(kiosk.View)

	libraryName *widget.Label
	clock       *widget.Label
	scannerIcon *widget.Label
	offlineIcon *widget.Label

	attract, busy, welcome, notice *fyne.Container
	pin, loans, returns            *fyne.Container
	receiptChoice, receiptShown    *fyne.Container

	attractTitle, attractHint *widget.Label
	returnButton              *widget.Button
	busyText                  *widget.Label
	busySpinner               *widget.Activity
	flash                     *widget.Label
	noticeIcon                *widget.Icon
	noticeText                *widget.Label
	noticeBack                *widget.Button

	pinTitle, pinDots *widget.Label
	pinKeys           *fyne.Container
	pinOK             *widget.Button

	welcomeTitle, welcomeLines, welcomeBlock, welcomeNext *widget.Label
	welcomeRows                                           *fyne.Container
	welcomeRowsKey                                        string
	rowCache                                              map[*fyne.Container]map[int]cachedRow
	loansButton                                           *widget.Button

	loansTitle, loansStatus *widget.Label
	loansList               *fyne.Container
	loansKey                string
	renewAll, loansBack     *widget.Button

	returnTitle, returnHint *widget.Label
	returnRows              *fyne.Container
	returnRowsKey           string

	receiptTitle                             *widget.Label
	receiptPrint, receiptScreen, receiptNone *widget.Button
	receiptText                              *widget.Label
	receiptTextOf                            func(kiosk.Receipt) string

	confirm               *widget.PopUp
	confirmText           *widget.Label
	confirmFlash          *widget.Label
	confirmYes, confirmNo *widget.Button

	language, help, done *widget.Button

	warning      *widget.PopUp
	warningTitle *widget.Label
	warningText  *widget.Label
	moreTime     *widget.Button

	helpPopup *widget.PopUp
	helpText  *widget.Label
	helpClose *widget.Button

	wedgeDetector Wedge
	wedgeTimer    *time.Timer
	typed         []rune // keys a person typed, until Enter
	now           func() time.Time
	// do runs a function on the UI thread: fyne.Do, or a test's queue.
	do func(func())
	// dirty is set when a text changed, so the layout must be redone.
	dirty bool
}

// setLabel changes a label's text only when it differs: every SetText
// redraws, and Render sets every text on every change of View.
func (u *UI) setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
		u.dirty = true
	}
}

func (u *UI) setButton(b *widget.Button, text string) {
	if b.Text != text {
		b.SetText(text)
		u.dirty = true
	}
}

// flushLayout lays the window out again after a text changed size, without
// redrawing the widgets that did not change.
func (u *UI) flushLayout() {
	if !u.dirty {
		return
	}
	u.dirty = false
	relayout(u.win.Content())
	if u.warning.Visible() {
		relayout(u.warning.Content)
		u.warning.Refresh()
	}
}

// relayout lays out every container under o again, top down.
func relayout(o fyne.CanvasObject) {
	c, ok := o.(*fyne.Container)
	if !ok {
		return
	}
	if c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
	for _, child := range c.Objects {
		relayout(child)
	}
}

// New builds the screens in win, sets the kiosk theme and wires the keyboard
// wedge. Call Update with each View from the core.
func New(a fyne.App, win fyne.Window, core Core, libraryName string) *UI {
	a.Settings().SetTheme(newTheme())
	u := &UI{core: core, win: win, now: time.Now, rowCache: map[*fyne.Container]map[int]cachedRow{}, do: fyne.Do, wedgeDetector: &lineWedge{}, receiptTextOf: plainReceipt}
	u.build(libraryName)
	win.Canvas().SetOnTypedRune(u.typedRune)
	win.Canvas().SetOnTypedKey(u.typedKey)
	u.Render(kiosk.View{Screen: kiosk.ScreenAttract, Chrome: kiosk.Chrome{Lang: kiosk.DefaultLanguage}})
	return u
}

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

func (u *UI) build(name string) {
	u.libraryName = widget.NewLabel(name)
	u.libraryName.TextStyle.Bold = true
	u.clock = widget.NewLabel("")
	u.scannerIcon = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	u.offlineIcon = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	u.scannerIcon.Importance = widget.WarningImportance
	u.offlineIcon.Importance = widget.DangerImportance
	headerBg := canvas.NewRectangle(colorHeader)
	header := container.NewStack(headerBg, container.NewHBox(
		u.libraryName, layout.NewSpacer(), u.scannerIcon, u.offlineIcon, u.clock))

	u.attractTitle = heading("")
	u.attractHint = body("")
	u.returnButton = bigButton(theme.MailReplyIcon(), func() { u.core.StartReturn() })
	u.attract = container.NewVBox(layout.NewSpacer(), newScannerPicture(),
		u.attractTitle, u.attractHint, layout.NewSpacer(),
		container.NewCenter(container.New(fixedWidth{360}, u.returnButton)), layout.NewSpacer())

	u.busySpinner = widget.NewActivity()
	u.busyText = body("")
	u.busy = container.NewVBox(layout.NewSpacer(), u.busySpinner, u.busyText, layout.NewSpacer())

	u.flash = body("")
	u.flash.Importance = widget.WarningImportance
	u.flash.TextStyle.Bold = true
	u.flash.Hide()
	u.buildWelcome()
	u.buildPIN()
	u.buildLoans()
	u.buildReturn()
	u.buildReceipt()

	u.noticeIcon = widget.NewIcon(theme.InfoIcon())
	u.noticeText = body("")
	u.noticeBack = widget.NewButton("", func() { u.core.Back() })
	u.noticeBack.Importance = widget.HighImportance
	iconBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), u.noticeIcon))
	u.notice = container.NewVBox(layout.NewSpacer(), iconBox, u.noticeText,
		container.NewCenter(u.noticeBack), layout.NewSpacer())

	u.language = widget.NewButton("", u.nextLanguage)
	u.help = widget.NewButtonWithIcon("", theme.QuestionIcon(), u.showHelp)
	u.done = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() { u.core.Done() })
	u.done.Importance = widget.HighImportance
	// Three fixed slots: the way out stays in the same place on every screen.
	footer := container.NewGridWithColumns(3,
		container.NewHBox(u.language),
		container.NewCenter(u.help),
		container.NewHBox(layout.NewSpacer(), u.done))

	bodyStack := container.NewStack(u.attract, u.busy, u.welcome, u.notice, u.pin, u.loans,
		u.returns, u.receiptChoice, u.receiptShown)
	pad := container.NewPadded(container.New(column{width: 900},
		container.NewBorder(u.flash, nil, nil, nil, bodyStack)))
	u.win.SetContent(container.NewBorder(header, container.NewPadded(footer), nil, nil, pad))

	u.warningTitle = heading("")
	u.warningText = body("")
	u.moreTime = widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { u.core.MoreTime() })
	u.moreTime.Importance = widget.HighImportance
	u.warning = widget.NewModalPopUp(container.New(fixedWidth{640}, container.NewVBox(u.warningTitle, u.warningText,
		container.NewCenter(u.moreTime))), u.win.Canvas())

	u.buildConfirm()
	u.helpText = body("")
	u.helpClose = widget.NewButton("", func() { u.core.CloseHelp() })
	u.helpPopup = widget.NewModalPopUp(container.New(fixedWidth{640},
		container.NewVBox(u.helpText, container.NewCenter(u.helpClose))), u.win.Canvas())
}

// newScannerPicture draws where the scanner is: a barcode above an arrow.
func newScannerPicture() fyne.CanvasObject {
	bars := container.NewHBox()
	for _, w := range []float32{4, 2, 6, 2, 2, 8, 4, 2, 6, 2, 4, 2, 8, 2, 4} {
		r := canvas.NewRectangle(colorText)
		r.SetMinSize(fyne.NewSize(w, 72))
		bars.Add(r)
	}
	arrow := widget.NewIcon(theme.MoveDownIcon())
	return container.NewCenter(container.NewVBox(container.NewCenter(bars),
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(72), arrow))))
}

// Update shows v; safe from any goroutine.
func (u *UI) Update(v kiosk.View) {
	u.do(func() { u.Render(v) })
}

// Render shows v; call it on the UI thread.
func (u *UI) Render(v kiosk.View) {
	u.view = v
	setLanguage(v.Chrome.Lang)

	u.setLabel(u.attractTitle, lang.L("attract.title"))
	u.setLabel(u.attractHint, lang.L("attract.hint"))
	u.setLabel(u.busyText, lang.L("busy.lookup"))
	u.setButton(u.language, lang.L("button.language"))
	u.setButton(u.help, lang.L("button.help"))
	u.setButton(u.done, lang.L("button.done"))
	u.setButton(u.noticeBack, lang.L("button.back"))
	u.setButton(u.moreTime, lang.L("button.more_time"))
	u.setLabel(u.helpText, lang.L("help.text"))
	u.setButton(u.helpClose, lang.L("button.close"))
	u.renderStatus(v)

	u.setButton(u.returnButton, lang.L("attract.return"))
	for c, scr := range map[*fyne.Container]kiosk.Screen{
		u.attract: kiosk.ScreenAttract, u.busy: kiosk.ScreenBusy, u.welcome: kiosk.ScreenWelcome,
		u.notice: kiosk.ScreenNotice, u.pin: kiosk.ScreenPIN, u.loans: kiosk.ScreenLoans,
		u.returns: kiosk.ScreenReturn, u.receiptChoice: kiosk.ScreenReceipt, u.receiptShown: kiosk.ScreenReceiptShown,
	} {
		showIf(c, v.Screen == scr)
	}
	if v.Screen == kiosk.ScreenBusy {
		u.busySpinner.Start()
	} else {
		u.busySpinner.Stop()
	}
	// The way out: "Klaar" in a session, "Stoppen" on the PIN screen.
	showIf(u.done, v.InSession() && v.Screen != kiosk.ScreenReceipt)
	if v.Screen == kiosk.ScreenPIN {
		u.setButton(u.done, lang.L("button.stop"))
		u.done.SetIcon(theme.CancelIcon())
	} else {
		u.setButton(u.done, lang.L("button.done"))
		u.done.SetIcon(theme.ConfirmIcon())
	}
	flash := ""
	if key, ok := noticeKeys[v.Chrome.Flash]; ok {
		flash = "⚠ " + lang.L(key)
	}
	u.setLabel(u.flash, flash)
	showIf(u.flash, flash != "" && v.Visit.Confirm == kiosk.ConfirmNone) // else it shows in the question

	u.clearPatron(v)
	switch v.Screen {
	case kiosk.ScreenWelcome:
		u.renderWelcome(v)
	case kiosk.ScreenNotice:
		u.renderNotice(v)
	case kiosk.ScreenPIN:
		u.renderPIN(v)
	case kiosk.ScreenLoans:
		u.renderLoans(v)
	case kiosk.ScreenReturn:
		u.renderReturn(v)
	case kiosk.ScreenReceipt:
		u.renderReceiptChoice(v)
	case kiosk.ScreenReceiptShown:
		u.renderReceiptShown(v)
	}

	switch v.Visit.Confirm {
	case kiosk.ConfirmSwitchPatron:
		u.setLabel(u.confirmText, lang.L("confirm.switch"))
		stay, goOn := "confirm.switch_stay", "confirm.switch_go"
		names := map[string]any{"Name": v.Visit.Patron.Name}
		if v.Visit.Patron.Name == "" {
			stay = "confirm.switch_stay_noname"
		}
		if v.Visit.SwitchName == "" {
			goOn = "confirm.switch_go_noname"
		}
		u.setButton(u.confirmNo, lang.L(stay, names))
		u.setButton(u.confirmYes, lang.L(goOn, map[string]any{"Name": v.Visit.SwitchName}))
	case kiosk.ConfirmBorrowNext:
		u.setLabel(u.confirmText, lang.L("confirm.borrow_next"))
		u.setButton(u.confirmYes, lang.L("confirm.borrow_yes"))
		u.setButton(u.confirmNo, lang.L("confirm.borrow_no"))
	}
	if v.Visit.Confirm != kiosk.ConfirmNone {
		// The flash would sit behind the question: it shows in it.
		u.setLabel(u.confirmFlash, flash)
		showIf(u.confirmFlash, flash != "")
	}
	showPopup(u.confirm, v.Visit.Confirm != kiosk.ConfirmNone)
	if v.Chrome.Warning {
		u.setLabel(u.warningTitle, lang.L("warning.title"))
		u.setLabel(u.warningText, lang.N("warning.countdown", v.Chrome.SecondsLeft, map[string]any{"Count": v.Chrome.SecondsLeft}))
		if !u.warning.Visible() {
			u.warning.Show()
		}
	} else if u.warning.Visible() {
		u.warning.Hide()
	}
	if v.Chrome.Help && !u.helpPopup.Visible() {
		u.helpPopup.Show()
	} else if !v.Chrome.Help && u.helpPopup.Visible() {
		u.helpPopup.Hide()
	}
	u.flushLayout()
	if u.OnRendered != nil {
		u.OnRendered(v)
	}
}

func (u *UI) renderStatus(v kiosk.View) {
	u.setLabel(u.clock, u.now().Format("15:04"))
	if v.Chrome.ScannerMissing() {
		u.setLabel(u.scannerIcon, "⚠ "+lang.L("status.scanner_missing"))
		u.scannerIcon.Show()
	} else {
		u.scannerIcon.Hide()
	}
	if v.Chrome.ILS.Down {
		// For patrons the promise; for staff since when and how much waits.
		text := "⚠ " + lang.L("status.offline")
		if !v.Chrome.ILS.Since.IsZero() {
			text += " · " + lang.N("status.offline_detail", v.Chrome.ILS.Waiting, map[string]any{
				"Since": v.Chrome.ILS.Since.Format("15:04"), "Count": v.Chrome.ILS.Waiting})
		}
		if key, ok := faultKeys[v.Chrome.ILS.Fault]; ok {
			// For staff: a setting to fix, not a library system to wait for.
			text += " · " + lang.L(key, map[string]any{"Keys": v.Chrome.ILS.Fault.ConfigKeys()})
		}
		u.setLabel(u.offlineIcon, text)
		u.offlineIcon.Show()
	} else {
		u.offlineIcon.Hide()
	}
}

var faultKeys = map[kiosk.ILSFault]string{
	kiosk.FaultLogin:   "status.fault_login",
	kiosk.FaultCharset: "status.fault_charset",
}

var noticeKeys = map[kiosk.Notice]string{
	kiosk.NoticeUnknownCard:   "notice.unknown_card",
	kiosk.NoticeCardLost:      "notice.card_lost",
	kiosk.NoticeUnavailable:   "notice.unavailable",
	kiosk.NoticeGoodbye:       "notice.goodbye",
	kiosk.NoticeTimedOut:      "notice.timed_out",
	kiosk.NoticeNotACard:      "notice.not_a_card",
	kiosk.NoticeStaffCard:     "notice.staff_card",
	kiosk.NoticeMisread:       "notice.misread",
	kiosk.NoticePINWrong:      "notice.pin_wrong",
	kiosk.NoticePINLocked:     "notice.pin_locked",
	kiosk.NoticeAlreadyListed: "notice.already_listed",
	kiosk.NoticeStaffIgnored:  "notice.staff_ignored",
	kiosk.NoticeCardInReturn:  "notice.card_in_return",
	kiosk.NoticeItemFirst:     "notice.item_first",
	kiosk.NoticeTakeReceipt:   "notice.take_receipt",
	kiosk.NoticePrinterFailed: "notice.printer_failed",
	kiosk.NoticeThanksReturn:  "notice.thanks_return",
	kiosk.NoticeStoreFull:     "row.store_full",
	kiosk.NoticeAnswerFirst:   "notice.answer_first",
	kiosk.NoticeReturnsOff:    "notice.returns_off",
	kiosk.NoticeVisitFull:     "notice.visit_full",
}

func (u *UI) renderNotice(v kiosk.View) {
	key, ok := noticeKeys[v.Notice]
	if !ok {
		key = "notice.blocked"
	}
	u.setLabel(u.noticeText, lang.L(key, map[string]any{"Amount": formatMoney(v.Visit.Patron.Fines, v.Visit.Patron.Currency, v.Chrome.Lang)}))
	switch v.Notice {
	case kiosk.NoticeGoodbye, kiosk.NoticeTimedOut, kiosk.NoticeTakeReceipt, kiosk.NoticeThanksReturn:
		u.noticeIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case kiosk.NoticeUnavailable, kiosk.NoticeNotACard, kiosk.NoticeStaffCard, kiosk.NoticeMisread, kiosk.NoticeItemFirst:
		u.noticeIcon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	default:
		u.noticeIcon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	}
}

// clearPatron wipes every widget that showed patron data once no patron is
// at the kiosk, so nothing of the last one lingers in memory or on screen.
func (u *UI) clearPatron(v kiosk.View) {
	if v.Visit.Patron.Card != "" || v.Screen == kiosk.ScreenReturn {
		return
	}
	for _, l := range []*widget.Label{u.welcomeTitle, u.welcomeLines, u.welcomeBlock, u.receiptText} {
		u.setLabel(l, "")
	}
	if v.Screen != kiosk.ScreenNotice {
		u.setLabel(u.noticeText, "")
	}
	for _, c := range []*fyne.Container{u.welcomeRows, u.loansList, u.returnRows} {
		if len(c.Objects) > 0 {
			c.RemoveAll()
			u.dirty = true
		}
		delete(u.rowCache, c)
	}
	u.welcomeRowsKey, u.loansKey, u.returnRowsKey = "", "", ""
}

func showPopup(p *widget.PopUp, on bool) {
	if on && !p.Visible() {
		p.Show()
	} else if !on && p.Visible() {
		p.Hide()
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

func (u *UI) showHelp() { u.core.Help() }

// StartClock keeps the header clock right until the app quits.
func (u *UI) StartClock() {
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for range t.C {
			u.do(func() {
				u.setLabel(u.clock, u.now().Format("15:04"))
				u.flushLayout()
			})
		}
	}()
}
