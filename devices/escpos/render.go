package escpos

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Receipt is what a patron takes home: a heading, lines and a footer.
type Receipt struct {
	Title  string   // printed centred, bold, in double width and height
	Lines  []Line   // the body; a zero Line is an empty line
	Footer []string // centred lines under the body, e.g. opening hours
}

// Line is one entry of a receipt: Left word-wraps over as many lines as it
// needs, Right stays right-aligned on the first of them (a due date, an amount).
type Line struct {
	Left, Right string
	Bold        bool
}

// Characters per line at font A (12×24 dots) for the usual paper widths.
const (
	Width58 = 32
	Width80 = 48
)

// ESC/POS bytes used here.
const (
	esc = 0x1b
	gs  = 0x1d
	dle = 0x10
	eot = 0x04
	lf  = '\n'
)

// codeTablePC858 is ESC t 19: PC858, which is PC850 (Western European) with
// the euro sign.
const codeTablePC858 = 19

// minWidth is the narrowest layout: the heading needs one double-width character.
const minWidth = 2

// feedLines is how far the paper moves before the cut, so the last line is
// past the cutter.
const feedLines = 4

var (
	cmdInit        = []byte{esc, '@'}
	cmdCodeTable   = []byte{esc, 't', codeTablePC858}
	cmdAlignLeft   = []byte{esc, 'a', 0}
	cmdAlignCentre = []byte{esc, 'a', 1}
	cmdBoldOn      = []byte{esc, 'E', 1}
	cmdBoldOff     = []byte{esc, 'E', 0}
	cmdDoubleSize  = []byte{gs, '!', 0x11} // double width and double height
	cmdNormalSize  = []byte{gs, '!', 0x00}
	cmdFeed        = []byte{esc, 'd', feedLines}
	cmdCut         = []byte{gs, 'V', 1} // partial cut: the receipt hangs until taken
)

// block is a laid-out part of a receipt: every line fits the width.
type block struct {
	kind  blockKind
	bold  bool
	lines []string
}

type blockKind int

const (
	heading blockKind = iota // centred, double width: lines hold at most width/2 runes
	body                     // left-aligned, already padded for Right
	footer                   // centred
	gap                      // one empty line between sections
)

// Render returns the ESC/POS bytes that print r on paper width characters
// wide (Width58, Width80), from printer reset to cut. Text the code page
// lacks prints as '?'.
func Render(r Receipt, width int) []byte {
	var b []byte
	b = append(b, cmdInit...)
	b = append(b, cmdCodeTable...)
	for _, bl := range layout(r, width) {
		switch bl.kind {
		case heading:
			b = append(b, cmdAlignCentre...)
			b = append(b, cmdDoubleSize...)
		case footer:
			b = append(b, cmdAlignCentre...)
		}
		if bl.bold {
			b = append(b, cmdBoldOn...)
		}
		for _, l := range bl.lines {
			b = appendPC858(b, strings.TrimRight(l, " "))
			b = append(b, lf)
		}
		if bl.bold {
			b = append(b, cmdBoldOff...)
		}
		switch bl.kind {
		case heading:
			b = append(b, cmdNormalSize...)
			b = append(b, cmdAlignLeft...)
		case footer:
			b = append(b, cmdAlignLeft...)
		}
	}
	b = append(b, cmdFeed...)
	b = append(b, cmdCut...)
	return b
}

// Text returns r as plain text in the layout Render prints, for showing the
// receipt on screen when it cannot be printed. It keeps the characters the
// printer lacks; every line ends in a newline.
func Text(r Receipt, width int) string {
	width = max(width, minWidth)
	var sb strings.Builder
	for _, bl := range layout(r, width) {
		for _, l := range bl.lines {
			l = strings.TrimRight(l, " ")
			if l != "" && (bl.kind == heading || bl.kind == footer) {
				sb.WriteString(pad(utf8.RuneCountInString(l), (width+utf8.RuneCountInString(l))/2))
			}
			sb.WriteString(l)
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// layout breaks r into blocks whose lines fit width, with one empty line
// between the heading, the body and the footer.
func layout(r Receipt, width int) []block {
	width = max(width, minWidth)
	var blocks []block
	section := func(bl ...block) {
		if len(blocks) > 0 {
			blocks = append(blocks, block{kind: gap, lines: []string{""}})
		}
		blocks = append(blocks, bl...)
	}
	if title := clean(r.Title); title != "" {
		section(block{kind: heading, bold: true, lines: wrap(title, width/2, width/2)})
	}
	if len(r.Lines) > 0 {
		bls := make([]block, 0, len(r.Lines))
		for _, l := range r.Lines {
			bls = append(bls, block{kind: body, bold: l.Bold, lines: layoutLine(l, width)})
		}
		section(bls...)
	}
	var foot []string
	for _, f := range r.Footer {
		foot = append(foot, wrap(clean(f), width, width)...)
	}
	if len(foot) > 0 {
		section(block{kind: footer, lines: foot})
	}
	return blocks
}

// layoutLine wraps l.Left and puts l.Right at the end of its first line, or
// on lines of its own, right-aligned, when it would leave Left too little room.
func layoutLine(l Line, width int) []string {
	left, right := clean(l.Left), clean(l.Right)
	if right == "" {
		return wrap(left, width, width)
	}
	n := utf8.RuneCountInString(right)
	if n+1 > width-width/3 {
		var lines []string
		if left != "" {
			lines = wrap(left, width, width)
		}
		for _, r := range wrap(right, width, width) {
			lines = append(lines, pad(utf8.RuneCountInString(r), width)+r)
		}
		return lines
	}
	lines := wrap(left, width-n-1, width)
	lines[0] += pad(utf8.RuneCountInString(lines[0]), width-n) + right
	return lines
}

func pad(n, width int) string { return strings.Repeat(" ", max(width-n, 0)) }

// wrap breaks text at spaces into lines of at most first runes, then rest
// runes (first <= rest). A word that does not fit the first line starts on the
// second; a word longer than a whole line is cut. It returns at least one line.
func wrap(text string, first, rest int) []string {
	first, rest = max(first, 1), max(rest, 1)
	var lines []string
	var cur []rune
	limit := first
	next := func() {
		lines = append(lines, string(cur))
		cur = cur[:0]
		limit = rest
	}
	for w := range strings.FieldsSeq(text) {
		word := []rune(w)
		for len(word) > 0 {
			switch {
			case len(cur) == 0 && len(word) <= limit:
				cur = append(cur, word...)
				word = nil
			case len(cur) > 0 && len(cur)+1+len(word) <= limit:
				cur = append(append(cur, ' '), word...)
				word = nil
			case len(cur) > 0 || limit < rest:
				next()
			default: // longer than a whole line
				cur = append(cur, word[:limit]...)
				word = word[limit:]
				next()
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// clean prepares text for a fixed-width layout of one column per rune: NFC,
// typographic punctuation folded to ASCII (PC858 lacks it, and ILS titles are
// full of ’), white space made plain spaces, and controls, invisible format
// characters and leftover combining marks dropped.
func clean(s string) string {
	s = norm.NFC.String(s)
	var sb strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			sb.WriteByte(' ')
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me):
		case r == utf8.RuneError:
			sb.WriteByte('?')
		default:
			if f, ok := fold[r]; ok {
				sb.WriteString(f)
			} else {
				sb.WriteRune(r)
			}
		}
	}
	return strings.TrimSpace(sb.String())
}

var fold = map[rune]string{
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'",
	'“': `"`, '”': `"`, '„': `"`, '″': `"`,
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
	'…': "...", '•': "*",
}

// appendPC858 appends s in code page 858, one byte per rune, '?' for what it lacks.
func appendPC858(b []byte, s string) []byte {
	for _, r := range s {
		c, ok := charmap.CodePage858.EncodeRune(r)
		if !ok || c < 0x20 || c == 0x7f { // never a control byte: DLE EOT would be obeyed mid-text
			c = '?'
		}
		b = append(b, c)
	}
	return b
}
