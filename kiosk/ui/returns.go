package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// returnScreen is "Inleveren": where the scanner is, and what came back.
type returnScreen struct {
	root  *fyne.Container
	title *widget.Label
	rows  *rowList
}

func newReturn() *returnScreen {
	s := &returnScreen{title: heading(""), rows: newRowList()}
	picture := container.NewVBox(s.title, newScannerPicture())
	s.root = container.New(column{1100}, container.New(split{sideWidth: 380}, picture, s.rows.scroll))
	return s
}

func (s *returnScreen) object() fyne.CanvasObject { return s.root }
func (s *returnScreen) Visible() bool             { return s.root.Visible() }

func (s *returnScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("return.title"))
	ids, lines := visitLines(v.Visit.Rows, false, nil)
	s.rows.show(ids, lines, true) // the list lays itself out
}

func (s *returnScreen) clear(*texts) { s.rows.clear() }

func (s *returnScreen) hint(v kiosk.View) string {
	if n := v.Visit.Returned(); n > 0 {
		return lang.N("return.count", n, map[string]any{"Count": n}) + " " + lang.L("return.next")
	}
	return lang.L("return.hint")
}

func (s *returnScreen) top() { s.rows.top() }

func (s *returnScreen) refit() bool { return s.rows.refit() }
