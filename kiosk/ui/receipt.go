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

type receiptCore interface{ ChooseReceipt(kiosk.ReceiptKind) }

// receiptScreen asks: print, show or no receipt?
type receiptScreen struct {
	noHint
	root                *fyne.Container
	title               *widget.Label
	print, screen, none *widget.Button
	printTile           fyne.CanvasObject
}

func newReceipt(core receiptCore) *receiptScreen {
	s := &receiptScreen{title: heading("")}
	s.print = bigButton(theme.DocumentPrintIcon(), func() { core.ChooseReceipt(kiosk.ReceiptPrint) })
	s.screen = bigButton(theme.ComputerIcon(), func() { core.ChooseReceipt(kiosk.ReceiptScreen) })
	s.none = bigButton(theme.CancelIcon(), func() { core.ChooseReceipt(kiosk.ReceiptNone) })
	s.printTile = s.tile(s.print)
	tiles := stack(s.printTile, s.tile(s.screen), s.tile(s.none))
	s.root = container.NewVBox(layout.NewSpacer(), s.title,
		container.NewCenter(container.New(fixedWidth{480}, tiles)), layout.NewSpacer())
	return s
}

// tile is a choice 96 px high.
func (s *receiptScreen) tile(b *widget.Button) fyne.CanvasObject {
	return container.New(fixedHeight{96}, outlined(b))
}

func (s *receiptScreen) object() fyne.CanvasObject { return s.root }
func (s *receiptScreen) Visible() bool             { return s.root.Visible() }

func (s *receiptScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("receipt.title"))
	t.button(s.print, lang.L("receipt.print"))
	t.button(s.screen, lang.L("receipt.screen"))
	t.button(s.none, lang.L("receipt.none"))
	t.show(s.printTile, v.Chrome.CanPrint)
	t.show(s.print, v.Chrome.CanPrint)
	for kind, b := range map[kiosk.ReceiptKind]*widget.Button{
		kiosk.ReceiptPrint: s.print, kiosk.ReceiptScreen: s.screen, kiosk.ReceiptNone: s.none,
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

func (s *receiptScreen) clear(*texts) {}

// receiptShownScreen is the receipt on the screen, laid out as on paper.
type receiptShownScreen struct {
	noHint
	root   *fyne.Container
	scroll *container.Scroll
	text   *widget.Label
	textOf func(kiosk.Receipt) string
}

func newReceiptShown() *receiptShownScreen {
	s := &receiptShownScreen{text: widget.NewLabel(""), textOf: plainReceipt}
	s.text.TextStyle.Monospace = true
	s.scroll = container.NewVScroll(container.NewCenter(s.text))
	s.root = container.NewStack(s.scroll)
	return s
}

func (s *receiptShownScreen) object() fyne.CanvasObject { return s.root }
func (s *receiptShownScreen) Visible() bool             { return s.root.Visible() }

func (s *receiptShownScreen) render(t *texts, v kiosk.View) {
	t.label(s.text, s.textOf(v.Visit.Receipt))
}

func (s *receiptShownScreen) clear(t *texts) {
	t.label(s.text, "")
	s.scroll.ScrollToTop()
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

func (s *receiptShownScreen) top() { s.scroll.ScrollToTop() }
