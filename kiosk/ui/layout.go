package ui

import "fyne.io/fyne/v2"

// column centres its objects in a column at most width wide, so lines of text
// stay short enough to read on a wide screen.
type column struct{ width float32 }

func (c column) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (c column) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	x := (size.Width - w) / 2
	for _, o := range objects {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

// fixedWidth gives a pop-up a width of its own: a wrapping label alone would
// let it shrink to one word a line.
type fixedWidth struct{ width float32 }

func (f fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(f.width, 0)
	for _, o := range objects {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (f fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
