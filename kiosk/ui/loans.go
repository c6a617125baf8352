package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type loansCore interface {
	Renew(item string)
	Back()
}

// loansScreen is "Mijn leningen": every loan with its due date and late
// mark, whatever was done to it, and a way to renew one or all.
type loansScreen struct {
	root           *fyne.Container
	title, status  *widget.Label
	list           *rowList
	renewAll, back *widget.Button
	core           loansCore
	nextID         map[string]int // item → a line id of its own
}

func newLoans(core loansCore) *loansScreen {
	s := &loansScreen{title: heading(""), status: body(""), list: newRowList(), core: core, nextID: map[string]int{}}
	s.renewAll = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { core.Renew("") })
	s.renewAll.Importance = widget.HighImportance
	s.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { core.Back() })
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Alignment = fyne.TextAlignLeading
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.renewAll, s.title), s.status)
	s.root = container.New(column{1100}, container.NewBorder(top, container.NewHBox(outlined(s.back)), nil, nil, s.list.scroll))
	return s
}

func (s *loansScreen) object() fyne.CanvasObject { return s.root }
func (s *loansScreen) Visible() bool             { return s.root.Visible() }

func (s *loansScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("loans.title"))
	t.button(s.renewAll, lang.L("loans.renew_all"))
	t.button(s.back, lang.L("button.back"))
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
	t.label(s.status, status)
	t.show(s.status, status != "")
	t.show(s.renewAll, len(v.RenewableLoans()) > 0)

	ids := make([]int, 0, len(v.Visit.Loans))
	lines := make([]line, 0, len(v.Visit.Loans))
	for _, l := range v.Visit.Loans {
		ids = append(ids, s.id(l.Item))
		lines = append(lines, s.loanLine(l, v))
	}
	s.list.show(ids, lines, false) // the list lays itself out
}

// id gives each loan a line id of its own for as long as the screen lives.
func (s *loansScreen) id(item string) int {
	if id, ok := s.nextID[item]; ok {
		return id
	}
	id := len(s.nextID) + 1
	s.nextID[item] = id
	return id
}

// loanLine always says when the loan is due and whether it is late; what a
// renewal of it did comes after.
func (s *loansScreen) loanLine(l kiosk.Loan, v kiosk.View) line {
	ln := line{kind: rowInfo, title: itemTitle(l.Title, l.Media)}
	ln.detail = lang.L("loans.due", map[string]any{"Due": dueDate(l.Due)})
	if l.Overdue {
		ln.detail = lang.L("loans.overdue", map[string]any{"Due": dueDate(l.Due)})
		ln.kind = rowWarn
	}
	if r, ok := v.Visit.Row(kiosk.TxRenew, l.Item); ok {
		if r.State != kiosk.RowOK {
			r.Due = time.Time{} // the line says when it is due already
		}
		text, kind := rowText(r)
		switch r.State {
		case kiosk.RowOK:
			ln.detail = text // the new date, which is the due date now
		default:
			ln.detail += "\n" + text
		}
		if kind != rowInfo || ln.kind == rowInfo {
			ln.kind = kind
		}
		return ln
	}
	if !v.Chrome.ILS.Service.NoRenew {
		item := l.Item
		ln.action, ln.tapped = lang.L("loans.renew"), func() { s.core.Renew(item) }
	}
	return ln
}

func (s *loansScreen) clear(t *texts) {
	s.list.clear()
	clear(s.nextID)
}

func (s *loansScreen) hint(v kiosk.View) string {
	if len(v.RenewableLoans()) > 0 {
		return lang.L("loans.hint")
	}
	return ""
}

func (s *loansScreen) top() { s.list.top() }

func (s *loansScreen) refit() bool { return s.list.refit() }
