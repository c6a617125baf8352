package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// gap is the space between two touch targets: a finger that misses one
// must not hit the next.
const gap = 16

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
// let it shrink to one word a line. It never asks for more than width.
type fixedWidth struct{ width float32 }

func (f fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, 0)
	for _, o := range objects {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return fyne.NewSize(f.width, s.Height)
}

func (f fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// fixedHeight reserves height for its objects whether or not they show, so
// a message coming and going moves nothing around it.
type fixedHeight struct{ height float32 }

func (f fixedHeight) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objects {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	return fyne.NewSize(w, f.height)
}

func (f fixedHeight) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// spaced lines its visible objects up with gap between them, in a row
// (each as wide as it asks) or a column (each full width).
type spaced struct{ vertical bool }

func (s spaced) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var out fyne.Size
	n := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if s.vertical {
			out = fyne.NewSize(max(out.Width, m.Width), out.Height+m.Height)
		} else {
			out = fyne.NewSize(out.Width+m.Width, max(out.Height, m.Height))
		}
		n++
	}
	if n > 1 {
		if s.vertical {
			out.Height += gap * float32(n-1)
		} else {
			out.Width += gap * float32(n-1)
		}
	}
	return out
}

func (s spaced) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var at float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if s.vertical {
			o.Move(fyne.NewPos(0, at))
			o.Resize(fyne.NewSize(size.Width, m.Height))
			at += m.Height + gap
		} else {
			o.Move(fyne.NewPos(at, 0))
			o.Resize(fyne.NewSize(m.Width, size.Height))
			at += m.Width + gap
		}
	}
}

func row(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(spaced{}, objects...)
}

func stack(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(spaced{vertical: true}, objects...)
}

// split puts side beside main where the screen is wide (landscape), and
// above it where it is narrow (portrait); main takes the rest.
type split struct{ sideWidth float32 }

// wide is the body width from which side and main stand side by side.
const wide = 1000

// MinSize is what the two need side by side; standing, on a screen that
// is taller than wide, they have the height to stand one above the other.
func (s split) MinSize(objects []fyne.CanvasObject) fyne.Size {
	side, main := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(max(side.Width, main.Width), max(side.Height, main.Height))
}

func (s split) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	side, main := objects[0], objects[1]
	if size.Width >= wide {
		side.Move(fyne.NewPos(0, 0))
		side.Resize(fyne.NewSize(s.sideWidth, size.Height))
		main.Move(fyne.NewPos(s.sideWidth+2*gap, 0))
		main.Resize(fyne.NewSize(size.Width-s.sideWidth-2*gap, size.Height))
		return
	}
	h := side.MinSize().Height
	side.Move(fyne.NewPos(0, 0))
	side.Resize(fyne.NewSize(size.Width, h))
	main.Move(fyne.NewPos(0, h+gap))
	main.Resize(fyne.NewSize(size.Width, max(0, size.Height-h-gap)))
}

// outline draws a border round a button, so a light button on a light
// screen still looks like a button (3:1 against the background).
type outline struct{}

const outlineWidth = 2

func (outline) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[1].MinSize().AddWidthHeight(2*outlineWidth, 2*outlineWidth)
}

func (outline) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Resize(size)
	objects[1].Move(fyne.NewPos(outlineWidth, outlineWidth))
	objects[1].Resize(size.SubtractWidthHeight(2*outlineWidth, 2*outlineWidth))
}

func outlined(b *widget.Button) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor = colorOutline
	r.StrokeWidth = outlineWidth
	r.CornerRadius = theme.InputRadiusSize() + outlineWidth
	return container.New(outline{}, r, b)
}

// scrollPad keeps a list's buttons clear of the scroll bar.
func scrollList(content fyne.CanvasObject) *container.Scroll {
	return container.NewVScroll(container.New(rightInset{gap + 8}, content))
}

type rightInset struct{ inset float32 }

func (r rightInset) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize().AddWidthHeight(r.inset, 0)
}

func (r rightInset) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size.SubtractWidthHeight(r.inset, 0))
}
