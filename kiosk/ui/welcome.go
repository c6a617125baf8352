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

type welcomeCore interface {
	ShowLoans()
	Renew(item string)
}

// welcomeScreen is the patron's home: who they are, what they have and what
// waits or blocks, beside the list of what this visit borrowed.
type welcomeScreen struct {
	root                *fyne.Container
	title, lines, block *widget.Label
	loans               *widget.Button
	rows                *rowList
	// empty stands where the list will be until the first scan: where the
	// scanner is.
	empty     *fyne.Container
	emptyText *widget.Label
	core      welcomeCore
}

func newWelcome(core welcomeCore) *welcomeScreen {
	s := &welcomeScreen{title: heading(""), lines: leftBody(""), block: leftBody(""), rows: newRowList(), core: core}
	s.title.Alignment = fyne.TextAlignLeading
	s.block.Importance = widget.DangerImportance
	s.block.TextStyle.Bold = true
	s.loans = widget.NewButtonWithIcon("", theme.ListIcon(), func() { core.ShowLoans() })
	info := container.NewVBox(s.title, s.lines, s.block)
	// "Mijn leningen" stays in sight below the summary, however long it is.
	side := container.NewBorder(nil, container.NewHBox(outlined(s.loans)), nil, nil, container.NewVScroll(info))
	s.emptyText = body("")
	s.empty = container.NewVBox(layout.NewSpacer(), newScannerPicture(), s.emptyText, layout.NewSpacer())
	s.root = container.New(split{sideWidth: 380}, container.New(portraitCap{info, s.loans}, side),
		container.NewStack(s.rows.scroll, s.empty))
	return s
}

func (s *welcomeScreen) object() fyne.CanvasObject { return s.root }
func (s *welcomeScreen) Visible() bool             { return s.root.Visible() }

func (s *welcomeScreen) render(t *texts, v kiosk.View) {
	p := v.Visit.Patron
	if p.Name != "" {
		t.label(s.title, lang.L("welcome.title", map[string]any{"Name": p.Name}))
	} else {
		t.label(s.title, lang.L("welcome.title_noname"))
	}
	t.label(s.lines, strings.Join(summary(v), "\n"))
	block := blockText(p, v.Chrome.Lang)
	t.label(s.block, block)
	t.show(s.block, block != "")
	t.button(s.loans, lang.L("home.loans"))
	t.label(s.emptyText, lang.L("home.empty"))
	t.show(s.empty, len(v.Visit.Rows) == 0 && !p.Blocked())
	ids, lines := visitLines(v.Visit.Rows, !v.Chrome.ILS.Service.NoRenew, s.core.Renew)
	s.rows.show(ids, lines, true) // the list lays itself out
}

// summary is what the patron has and what waits for them, in short lines.
func summary(v kiosk.View) []string {
	p := v.Visit.Patron
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
	return lines
}

// blockText says why the patron may not borrow, and what to do.
func blockText(p kiosk.Patron, l string) string {
	switch {
	case p.Has(kiosk.BlockFines):
		return lang.L("notice.fines", map[string]any{"Amount": formatMoney(p.Fines, p.Currency, l)})
	case p.Has(kiosk.BlockTooManyOverdue):
		return lang.L("block.overdue")
	case p.Has(kiosk.BlockTooManyItems):
		return lang.L("block.too_many")
	case p.Blocked():
		return lang.L("notice.blocked")
	}
	return ""
}

func (s *welcomeScreen) clear(t *texts) {
	for _, l := range []*widget.Label{s.title, s.lines, s.block} {
		t.label(l, "")
	}
	s.rows.clear()
}

// hint counts what this visit borrowed and says what to do next.
func (s *welcomeScreen) hint(v kiosk.View) string {
	switch n := v.Visit.Borrowed(); {
	case v.Visit.Patron.Blocked():
		return lang.L("welcome.next")
	case n > 0:
		return lang.N("home.borrowed", n, map[string]any{"Count": n}) + " " + lang.L("home.scan_next")
	}
	return lang.L("home.scan_item")
}

// holdLines say what waits for the patron and what is reserved but not
// there yet, by title and where it waits: a reservation is "ready" only
// when the library system says that item waits on the hold shelf.
func holdLines(holds []kiosk.Hold) []string {
	var lines []string
	for _, h := range holds {
		data := map[string]any{"Title": itemTitle(h.Title, h.Media), "Shelf": h.Shelf}
		switch {
		case h.Ready && h.Shelf != "":
			lines = append(lines, lang.L("welcome.hold_ready_at", data))
		case h.Ready:
			lines = append(lines, lang.L("welcome.hold_ready", data))
		default:
			lines = append(lines, lang.L("welcome.hold_waiting", data))
		}
	}
	return lines
}

// portraitCap keeps the side of a split from taking more than a third of a
// tall screen: beyond 440 px it scrolls.
type portraitCap struct{ content, below fyne.CanvasObject }

func (c portraitCap) MinSize([]fyne.CanvasObject) fyne.Size {
	m, b := c.content.MinSize(), c.below.MinSize()
	return fyne.NewSize(max(m.Width, b.Width), min(m.Height, 440)+b.Height+theme.Padding())
}

func (portraitCap) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}

func (s *welcomeScreen) top() { s.rows.top() }

func (s *welcomeScreen) refit() bool { return s.rows.refit() }
