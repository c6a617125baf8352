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

type attractCore interface {
	StartReturn()
	StartStudy()
}

// attractScreen waits for a card: where the scanner is, and "Inleveren".
type attractScreen struct {
	noHint
	root         *fyne.Container
	title, hint_ *widget.Label
	// seats says per zone how many study places are free now.
	seats        *widget.Label
	news         *widget.Label
	returnButton *widget.Button
	studyButton  *widget.Button
	studyBox     fyne.CanvasObject
}

func newAttract(core attractCore) *attractScreen {
	s := &attractScreen{title: heading(""), hint_: body(""), seats: body(""), news: body("")}
	s.news.Importance = widget.HighImportance
	s.returnButton = bigButton(theme.MailReplyIcon(), func() { core.StartReturn() })
	s.studyButton = bigButton(theme.HomeIcon(), func() { core.StartStudy() })
	s.studyBox = container.New(fixedWidth{320}, s.studyButton)
	s.root = container.New(column{900}, container.NewVBox(layout.NewSpacer(), scannerPicture(56),
		s.title, s.hint_, layout.NewSpacer(), s.news, s.seats,
		container.NewCenter(row(container.New(fixedWidth{320}, s.returnButton), s.studyBox)),
		layout.NewSpacer()))
	return s
}

func (s *attractScreen) object() fyne.CanvasObject { return s.root }
func (s *attractScreen) Visible() bool             { return s.root.Visible() }

func (s *attractScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("attract.title"))
	t.label(s.hint_, lang.L("attract.hint"))
	t.button(s.returnButton, lang.L("attract.return"))
	var lines []string
	if !v.Chrome.StudyOpen && v.Chrome.Seats != nil {
		lines = append(lines, lang.L("attract.study_closed"))
	}
	for _, z := range v.Chrome.Seats {
		if !v.Chrome.StudyOpen {
			break
		}
		name := z.Names[v.Chrome.Lang]
		if name == "" {
			name = z.Names[kiosk.DefaultLanguage]
		}
		lines = append(lines, lang.N("attract.seats_free", z.Free, map[string]any{"Zone": name, "Count": z.Free, "Total": z.Total}))
	}
	t.label(s.seats, strings.Join(lines, "\n"))
	t.show(s.seats, len(lines) > 0)
	news := ""
	if v.Chrome.News != nil {
		news = lang.L("attract.news", map[string]any{"Text": zoneName(v.Chrome.News, v.Chrome.Lang)})
	}
	t.label(s.news, news)
	t.show(s.news, news != "")
	t.button(s.studyButton, lang.L("attract.study"))
	t.show(s.studyBox, v.Chrome.Seats != nil) // a kiosk with study places
}

func (s *attractScreen) clear(*texts) {}
