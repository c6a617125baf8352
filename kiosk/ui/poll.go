package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type pollCore interface {
	AnswerPoll(face int)
	AnswerFollowUp(option int)
	SkipPoll()
}

// faceSize is a face's button: well over 120 px.
var faceSize = fyne.NewSize(150, 190)

// pollPanel is the quick poll under the goodbye: four faces with their
// words, a follow-up after a poor answer, a skip always in sight.
type pollPanel struct {
	root     *fyne.Container
	question *widget.Label
	faces    *fyne.Container
	faceText [4]*widget.Label
	follow   *choices
	skip     *widget.Button
	thanks   *widget.Label
	core     pollCore
}

var faceColors = [4]color.Color{colorError, colorWarning, colorSuccess, colorSuccess}

func newPollPanel(core pollCore) *pollPanel {
	p := &pollPanel{question: body(""), thanks: heading(""), follow: newChoices(2, fyne.NewSize(400, 72)), core: core}
	p.question.TextStyle.Bold = true
	p.faces = container.New(spaced{})
	for i := range 4 {
		face := i + 1
		p.faceText[i] = body("")
		b := widget.NewButton("", func() { core.AnswerPoll(face) })
		drawing := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(80), newFace(face)))
		tile := container.NewStack(b, container.NewBorder(nil, p.faceText[i], nil, nil, drawing))
		p.faces.Add(container.New(fixedWidth{faceSize.Width}, container.New(fixedHeight{faceSize.Height}, outlinedObj(tile, b))))
	}
	p.skip = widget.NewButton("", func() { core.SkipPoll() })
	p.root = container.NewVBox(p.question, container.NewCenter(p.faces), p.follow.box, p.thanks,
		container.NewCenter(container.New(fixedHeight{64}, outlined(p.skip))))
	return p
}

// outlinedObj draws the outline of button b round a tile that holds it.
func outlinedObj(tile fyne.CanvasObject, b *widget.Button) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor = colorOutline
	r.StrokeWidth = outlineWidth
	r.CornerRadius = 8
	return container.New(outline{}, r, tile)
}

var faceKeys = [4]string{"poll.face_1", "poll.face_2", "poll.face_3", "poll.face_4"}

func (p *pollPanel) render(t *texts, v kiosk.View) {
	pv := v.Poll
	t.show(p.root, pv.Stage != kiosk.PollNone)
	if pv.Stage == kiosk.PollNone {
		return
	}
	l := v.Chrome.Lang
	t.show(p.faces, pv.Stage == kiosk.PollFaces)
	t.show(p.follow.box, pv.Stage == kiosk.PollFollowUp)
	t.show(p.thanks, pv.Stage == kiosk.PollThanks)
	t.show(p.skip, pv.Stage != kiosk.PollThanks)
	t.show(p.question, pv.Stage != kiosk.PollThanks)
	switch pv.Stage {
	case kiosk.PollFaces:
		t.label(p.question, zoneName(pv.Question, l))
	case kiosk.PollFollowUp:
		t.label(p.question, zoneName(pv.FollowUp.Question, l))
		var texts []string
		var on []bool
		var taps []func()
		for i, o := range pv.FollowUp.Options {
			option := i + 1
			texts, on, taps = append(texts, zoneName(o, l)), append(on, false), append(taps, func() { p.core.AnswerFollowUp(option) })
		}
		p.follow.set(t, texts, on, taps)
	}
	for i, ft := range p.faceText {
		t.label(ft, lang.L(faceKeys[i]))
	}
	t.label(p.thanks, lang.L("poll.thanks"))
	t.button(p.skip, lang.L("poll.skip"))
}

// newFace draws face n of four: a circle, two eyes, a mouth from a frown
// (1) to a wide smile (4), in its colour; the word under it says the same.
func newFace(n int) fyne.CanvasObject {
	c := faceColors[n-1]
	head := canvas.NewCircle(color.Transparent)
	head.StrokeColor, head.StrokeWidth = c, 5
	eyeL, eyeR := canvas.NewCircle(c), canvas.NewCircle(c)
	// The mouth: three segments bent by how good the answer is.
	bend := [4]float32{-14, -6, 6, 14}[n-1]
	var mouth []fyne.CanvasObject
	xs := []float32{28, 40, 56, 68}
	ys := []float32{62 - bend/2, 62 + bend/2, 62 + bend/2, 62 - bend/2}
	for i := 0; i < 3; i++ {
		l := canvas.NewLine(c)
		l.StrokeWidth = 5
		l.Position1, l.Position2 = fyne.NewPos(xs[i], ys[i]), fyne.NewPos(xs[i+1], ys[i+1])
		mouth = append(mouth, l)
	}
	objs := append([]fyne.CanvasObject{head, eyeL, eyeR}, mouth...)
	return container.New(faceLayout{}, objs...)
}

// faceLayout places a face's parts on a 96 px square.
type faceLayout struct{}

func (faceLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSquareSize(96) }

func (faceLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	s := size.Width / 96
	objects[0].Move(fyne.NewPos(4*s, 4*s))
	objects[0].Resize(fyne.NewSquareSize(88 * s))
	objects[1].Move(fyne.NewPos(30*s, 32*s))
	objects[1].Resize(fyne.NewSquareSize(10 * s))
	objects[2].Move(fyne.NewPos(56*s, 32*s))
	objects[2].Resize(fyne.NewSquareSize(10 * s))
}
