package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is the default Fyne theme, always light, with larger text and
// padding so every button is an easy target for a finger.
type kioskTheme struct {
	fyne.Theme
}

func newTheme() fyne.Theme { return kioskTheme{Theme: theme.DefaultTheme()} }

var (
	colorAccent  = color.NRGBA{R: 0x0b, G: 0x4f, B: 0x8a, A: 0xff} // deep blue, 8.6:1 on white
	colorHeader  = color.NRGBA{R: 0xee, G: 0xf3, B: 0xf8, A: 0xff}
	colorText    = color.NRGBA{R: 0x1a, G: 0x1a, B: 0x1a, A: 0xff}
	colorWarning = color.NRGBA{R: 0xb3, G: 0x4a, B: 0x00, A: 0xff}
	colorError   = color.NRGBA{R: 0xb0, G: 0x1c, B: 0x1c, A: 0xff}
	colorSuccess = color.NRGBA{R: 0x1b, G: 0x6e, B: 0x2e, A: 0xff}
	// colorOutline borders the light buttons: 5.5:1 on white, so a button
	// is seen as one (WCAG asks 3:1 for the edge of a control).
	colorOutline = color.NRGBA{R: 0x5c, G: 0x6b, B: 0x7a, A: 0xff}
	// colorNewest marks the line the patron just scanned.
	colorNewest = color.NRGBA{R: 0xe3, G: 0xee, B: 0xfa, A: 0xff}
)

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colorAccent
	case theme.ColorNameForeground:
		return colorText
	case theme.ColorNameForegroundOnPrimary:
		return color.White
	case theme.ColorNameWarning:
		return colorWarning
	case theme.ColorNameError:
		return colorError
	case theme.ColorNameSuccess:
		return colorSuccess
	}
	return t.Theme.Color(n, theme.VariantLight)
}

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 24
	case theme.SizeNameHeadingText:
		return 36
	case theme.SizeNameSubHeadingText:
		return 28
	case theme.SizeNameCaptionText:
		return 18
	case theme.SizeNameInnerPadding:
		return 16
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInlineIcon:
		return 32
	}
	return t.Theme.Size(n)
}
