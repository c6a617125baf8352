package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// keySize is a keypad key: well over the 72 px of assisted mode.
var keySize = fyne.NewSize(120, 88)

// bigButton is a tile for one of at most three choices on a screen.
func bigButton(icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon("", icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

func (u *UI) buildPIN() {
	u.pinTitle = heading("")
	u.pinDots = heading("")
	keys := container.NewGridWrap(keySize)
	for _, d := range "123456789" {
		keys.Add(u.pinKey(string(d), func() { u.core.PINDigit(d) }))
	}
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { u.core.PINBackspace() })
	u.pinOK = widget.NewButton("", func() { u.core.PINSubmit() })
	u.pinOK.Importance = widget.HighImportance
	keys.Add(back)
	keys.Add(u.pinKey("0", func() { u.core.PINDigit('0') }))
	keys.Add(u.pinOK)
	u.pinKeys = keys
	pad := container.New(fixedWidth{3*keySize.Width + 2*theme.Padding()}, keys)
	u.pin = container.NewVBox(layout.NewSpacer(), u.pinTitle, u.pinDots, container.NewCenter(pad), layout.NewSpacer())
}

func (u *UI) pinKey(label string, tapped func()) *widget.Button {
	b := widget.NewButton(label, tapped)
	return b
}

func (u *UI) buildWelcome() {
	u.welcomeTitle = heading("")
	u.welcomeLines = body("")
	u.welcomeBlock = body("")
	u.welcomeBlock.Importance = widget.DangerImportance
	u.welcomeBlock.TextStyle.Bold = true
	u.welcomeNext = body("")
	u.welcomeRows = container.NewVBox()
	u.loansButton = widget.NewButtonWithIcon("", theme.ListIcon(), func() { u.core.ShowLoans() })
	top := container.NewVBox(u.welcomeTitle, u.welcomeLines, u.welcomeBlock, u.welcomeNext)
	u.welcome = container.NewBorder(top, container.NewCenter(u.loansButton), nil, nil,
		container.NewVScroll(u.welcomeRows))
}

func (u *UI) buildLoans() {
	u.loansTitle = heading("")
	u.loansStatus = body("")
	u.loansList = container.NewVBox()
	u.renewAll = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { u.core.Renew("") })
	u.renewAll.Importance = widget.HighImportance
	u.loansBack = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { u.core.Back() })
	u.loans = container.NewBorder(container.NewVBox(u.loansTitle, u.loansStatus),
		container.NewHBox(u.loansBack, layout.NewSpacer(), u.renewAll), nil, nil,
		container.NewVScroll(u.loansList))
}

func (u *UI) buildReturn() {
	u.returnTitle = heading("")
	u.returnHint = body("")
	u.returnRows = container.NewVBox()
	u.returns = container.NewBorder(container.NewVBox(u.returnTitle, newScannerPicture(), u.returnHint), nil, nil, nil,
		container.NewVScroll(u.returnRows))
}

func (u *UI) buildReceipt() {
	u.receiptTitle = heading("")
	u.receiptPrint = bigButton(theme.DocumentPrintIcon(), func() { u.core.ChooseReceipt(kiosk.ReceiptPrint) })
	u.receiptScreen = bigButton(theme.ComputerIcon(), func() { u.core.ChooseReceipt(kiosk.ReceiptScreen) })
	u.receiptNone = bigButton(theme.CancelIcon(), func() { u.core.ChooseReceipt(kiosk.ReceiptNone) })
	u.receiptNone.Importance = widget.MediumImportance
	tiles := container.NewGridWrap(fyne.NewSize(480, 96), u.receiptPrint, u.receiptScreen, u.receiptNone)
	u.receiptChoice = container.NewVBox(layout.NewSpacer(), u.receiptTitle,
		container.NewCenter(container.New(fixedWidth{480}, tiles)), layout.NewSpacer())

	u.receiptText = widget.NewLabel("")
	u.receiptText.TextStyle.Monospace = true
	u.receiptShown = container.NewStack(container.NewVScroll(container.NewCenter(u.receiptText)))
}

func (u *UI) buildConfirm() {
	u.confirmText = body("")
	u.confirmFlash = body("")
	u.confirmFlash.Importance = widget.WarningImportance
	u.confirmFlash.Hide()
	u.confirmYes = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() { u.core.Answer(true) })
	u.confirmNo = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { u.core.Answer(false) })
	u.confirmNo.Importance = widget.HighImportance
	u.confirm = widget.NewModalPopUp(container.New(fixedWidth{640}, container.NewVBox(u.confirmText, u.confirmFlash,
		container.NewCenter(container.NewHBox(u.confirmYes, u.confirmNo)))), u.win.Canvas())
}

// dueDate writes a due date the same way in every language: 18-12-2026.
func dueDate(t time.Time) string { return t.Format("02-01-2006") }

func (u *UI) renderPIN(v kiosk.View) {
	u.setLabel(u.pinTitle, lang.L("pin.title"))
	dots := strings.Repeat("● ", v.Visit.PINLength)
	if v.Visit.PINLength == 0 {
		dots = "–"
	}
	u.setLabel(u.pinDots, strings.TrimSpace(dots))
	u.setButton(u.pinOK, lang.L("pin.ok"))
}

func (u *UI) renderWelcome(v kiosk.View) {
	p := v.Visit.Patron
	if p.Name != "" {
		u.setLabel(u.welcomeTitle, lang.L("welcome.title", map[string]any{"Name": p.Name}))
	} else {
		u.setLabel(u.welcomeTitle, lang.L("welcome.title_noname"))
	}
	var lines []string
	switch {
	case v.Chrome.ILS.Down:
		// Offline the kiosk does not know what the patron has on loan.
		lines = append(lines, lang.L("welcome.offline"))
	case p.Loans == 0:
		lines = append(lines, lang.L("welcome.no_loans"))
	default:
		lines = append(lines, lang.N("welcome.loans", p.Loans, map[string]any{"Count": p.Loans}))
	}
	if p.Overdue > 0 {
		lines = append(lines, lang.N("welcome.overdue", p.Overdue, map[string]any{"Count": p.Overdue}))
	}
	lines = append(lines, holdLines(v.Visit.Holds)...)
	if owes(p.Fines) && !p.Has(kiosk.BlockFines) {
		lines = append(lines, lang.L("welcome.fines", map[string]any{"Amount": formatMoney(p.Fines, p.Currency, v.Chrome.Lang)}))
	}
	u.setLabel(u.welcomeLines, strings.Join(lines, "\n"))
	block := ""
	switch {
	case p.Has(kiosk.BlockFines):
		block = lang.L("notice.fines", map[string]any{"Amount": formatMoney(p.Fines, p.Currency, v.Chrome.Lang)})
	case p.Has(kiosk.BlockTooManyOverdue):
		block = lang.L("block.overdue")
	case p.Has(kiosk.BlockTooManyItems):
		block = lang.L("block.too_many")
	case p.Blocked():
		block = lang.L("notice.blocked")
	}
	u.setLabel(u.welcomeBlock, block)
	showIf(u.welcomeBlock, block != "")
	if p.Blocked() {
		u.setLabel(u.welcomeNext, lang.L("welcome.next"))
	} else {
		u.setLabel(u.welcomeNext, lang.L("home.scan_item"))
	}
	u.setButton(u.loansButton, lang.L("home.loans"))
	u.renderRows(u.welcomeRows, v.Visit.Rows, v.Chrome.Lang, !v.Chrome.ILS.Service.NoRenew, &u.welcomeRowsKey)
}

// holdLines say what waits for the patron and what is reserved but not
// there yet, by title: a reservation is "ready" only when the library
// system says that item waits on the hold shelf.
func holdLines(holds []kiosk.Hold) []string {
	var lines []string
	for _, h := range holds {
		title := h.Title
		if title == "" {
			title = h.Item
		}
		switch {
		case h.Ready && h.Shelf != "":
			lines = append(lines, lang.L("welcome.hold_ready_at", map[string]any{"Title": title, "Shelf": h.Shelf}))
		case h.Ready:
			lines = append(lines, lang.L("welcome.hold_ready", map[string]any{"Title": title}))
		default:
			lines = append(lines, lang.L("welcome.hold_waiting", map[string]any{"Title": title}))
		}
	}
	return lines
}

func (u *UI) renderLoans(v kiosk.View) {
	u.setLabel(u.loansTitle, lang.L("loans.title"))
	u.setButton(u.renewAll, lang.L("loans.renew_all"))
	u.setButton(u.loansBack, lang.L("button.back"))
	status := ""
	switch v.Visit.LoansState {
	case kiosk.Loading, kiosk.NotLoaded:
		status = lang.L("loans.loading")
	case kiosk.LoadFailed:
		status = lang.L("loans.failed")
	default:
		switch {
		case len(v.Visit.Loans) == 0:
			status = lang.L("loans.none")
		case v.Chrome.ILS.Service.NoRenew:
			status = lang.L("reason.renew_off") // once, instead of a button that cannot work
		}
	}
	u.setLabel(u.loansStatus, status)
	showIf(u.loansStatus, status != "")
	showIf(u.renewAll, len(v.RenewableLoans()) > 0)

	key := fmt.Sprint(v.Chrome.Lang, v.Visit.Loans, v.Visit.Rows, v.Chrome.ILS.Service.NoRenew)
	if key == u.loansKey {
		return
	}
	u.loansKey = key
	objs := make([]fyne.CanvasObject, 0, len(v.Visit.Loans))
	for _, l := range v.Visit.Loans {
		title := l.Title
		if title == "" {
			title = l.Item
		}
		detail := lang.L("loans.due", map[string]any{"Due": dueDate(l.Due)})
		kind := rowInfo
		if l.Overdue {
			detail = lang.L("loans.overdue", map[string]any{"Due": dueDate(l.Due)})
			kind = rowWarn
		}
		var action fyne.CanvasObject
		if r, ok := lastRow(v.Visit.Rows, kiosk.TxRenew, l.Item); ok {
			detail, kind = u.rowText(r, v.Chrome.Lang)
		} else if !v.Chrome.ILS.Service.NoRenew {
			item := l.Item
			b := widget.NewButtonWithIcon(lang.L("loans.renew"), theme.ViewRefreshIcon(), func() { u.core.Renew(item) })
			action = b
		}
		objs = append(objs, rowWidget(kind, title, detail, action))
	}
	u.loansList.Objects = objs
	u.loansList.Refresh()
	u.dirty = true
}

func lastRow(rows []kiosk.Row, kind kiosk.TxKind, item string) (kiosk.Row, bool) {
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Kind == kind && rows[i].Item == item {
			return rows[i], true
		}
	}
	return kiosk.Row{}, false
}

func (u *UI) renderReturn(v kiosk.View) {
	u.setLabel(u.returnTitle, lang.L("return.title"))
	u.setLabel(u.returnHint, lang.L("return.hint"))
	u.renderRows(u.returnRows, v.Visit.Rows, v.Chrome.Lang, false, &u.returnRowsKey)
}

func (u *UI) renderReceiptChoice(v kiosk.View) {
	u.setLabel(u.receiptTitle, lang.L("receipt.title"))
	u.setButton(u.receiptPrint, lang.L("receipt.print"))
	u.setButton(u.receiptScreen, lang.L("receipt.screen"))
	u.setButton(u.receiptNone, lang.L("receipt.none"))
	showIf(u.receiptPrint, v.Chrome.CanPrint)
	for kind, b := range map[kiosk.ReceiptKind]*widget.Button{
		kiosk.ReceiptPrint: u.receiptPrint, kiosk.ReceiptScreen: u.receiptScreen, kiosk.ReceiptNone: u.receiptNone,
	} {
		want := widget.MediumImportance
		if kind == v.Visit.ReceiptDefault {
			want = widget.HighImportance
		}
		if b.Importance != want {
			b.Importance = want
			b.Refresh()
		}
	}
}

func (u *UI) renderReceiptShown(v kiosk.View) {
	u.setLabel(u.receiptText, u.receiptTextOf(v.Visit.Receipt))
}

// plainReceipt is the built-in receipt layout; main sets the printer's
// own with SetReceiptText, so the screen shows what paper would.
func plainReceipt(r kiosk.Receipt) string {
	lines := []string{r.Title, ""}
	for _, l := range r.Lines {
		lines = append(lines, strings.TrimSpace(l.Left+"   "+l.Right))
	}
	return strings.Join(append(append(lines, ""), r.Footer...), "\n")
}

// SetReceiptText sets how a receipt is laid out as text on the screen.
func (u *UI) SetReceiptText(f func(kiosk.Receipt) string) { u.receiptTextOf = f }

type rowKind int

const (
	rowInfo rowKind = iota
	rowOK
	rowWarn
	rowBusy
)

// rowWidget is one line of a list: a sign, the title and what happened.
// Results always have words as well as a colour.
func rowWidget(kind rowKind, title, detail string, action fyne.CanvasObject) fyne.CanvasObject {
	var sign fyne.CanvasObject
	switch kind {
	case rowOK:
		sign = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case rowWarn:
		sign = widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	case rowBusy:
		a := widget.NewActivity()
		a.Start()
		sign = a
	default:
		sign = widget.NewIcon(theme.FileIcon())
	}
	t := widget.NewLabel(title)
	t.TextStyle.Bold = true
	t.Wrapping = fyne.TextWrapWord
	d := widget.NewLabel(detail)
	d.Wrapping = fyne.TextWrapWord
	if kind == rowWarn {
		d.Importance = widget.WarningImportance
	}
	right := fyne.CanvasObject(layout.NewSpacer())
	if action != nil {
		right = container.NewCenter(action)
	}
	return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), sign)), right,
		container.NewVBox(t, d))
}

// renderRows shows this visit's rows, newest first. A row's widgets are made
// again only when the row changed, and the list is laid out once.
func (u *UI) renderRows(list *fyne.Container, rows []kiosk.Row, l string, canRenew bool, last *string) {
	key := fmt.Sprint(l, rows, canRenew)
	if key == *last {
		return
	}
	*last = key
	cache := u.rowCache[list]
	if cache == nil {
		cache = map[int]cachedRow{}
		u.rowCache[list] = cache
	}
	objs := make([]fyne.CanvasObject, 0, len(rows))
	seen := map[int]bool{}
	for i := len(rows) - 1; i >= 0; i-- { // newest first: it is what the patron just scanned
		r := rows[i]
		var offerRenew bool
		if canRenew && r.State == kiosk.RowRefused && r.Reason == kiosk.ReasonAlreadyYours {
			_, renewed := lastRow(rows, kiosk.TxRenew, r.Item)
			offerRenew = !renewed
		}
		rowKey := fmt.Sprint(l, r, offerRenew)
		seen[r.ID] = true
		if c, ok := cache[r.ID]; ok && c.key == rowKey {
			objs = append(objs, c.obj)
			continue
		}
		title := r.Title
		if title == "" {
			title = r.Item
		}
		detail, kind := u.rowText(r, l)
		if !canRenew && r.State == kiosk.RowRefused && r.Reason == kiosk.ReasonAlreadyYours {
			detail = lang.L("reason.already_yours_kept") // no renewal to offer now
		}
		var action fyne.CanvasObject
		if offerRenew {
			item := r.Item
			action = widget.NewButtonWithIcon(lang.L("loans.renew"), theme.ViewRefreshIcon(), func() { u.core.Renew(item) })
		}
		obj := rowWidget(kind, title, detail, action)
		cache[r.ID] = cachedRow{key: rowKey, obj: obj}
		objs = append(objs, obj)
	}
	for id := range cache {
		if !seen[id] {
			delete(cache, id)
		}
	}
	list.Objects = objs
	list.Refresh()
	u.dirty = true
}

// cachedRow is a row's widgets and the state they show.
type cachedRow struct {
	key string
	obj fyne.CanvasObject
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
func (u *UI) rowText(r kiosk.Row, l string) (string, rowKind) {
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
		text := lang.L(key)
		if r.Kind == kiosk.TxRenew && !r.Due.IsZero() {
			text += " " + lang.L("row.still_due", map[string]any{"Due": dueDate(r.Due)})
		}
		return text, rowWarn
	}
	due := map[string]any{"Due": dueDate(r.Due)}
	switch {
	case r.Offline && r.Kind == kiosk.TxCheckout:
		return lang.L("row.borrowed_offline", due), rowOK
	case r.Offline && r.Kind == kiosk.TxCheckin:
		return lang.L("row.returned_offline"), rowOK
	}
	switch r.Kind {
	case kiosk.TxCheckout:
		if r.Due.IsZero() {
			return lang.L("row.borrowed_nodue"), rowOK
		}
		return lang.L("row.borrowed", due), rowOK
	case kiosk.TxRenew:
		if r.Unchanged {
			return lang.L("row.renewed_same", due), rowInfo
		}
		return lang.L("row.renewed", due), rowOK
	}
	switch {
	case r.HoldShelf:
		return lang.L("row.hold_shelf"), rowWarn
	case r.ToDesk:
		return lang.L("row.to_desk"), rowWarn
	}
	return lang.L("row.returned"), rowOK
}

func showIf(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}
