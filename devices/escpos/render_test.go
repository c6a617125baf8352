package escpos

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// loanReceipt is the receipt of the golden files.
var loanReceipt = Receipt{
	Title: "Bibliotheek Zoetermeer",
	Lines: []Line{
		{Left: "Uitleenbon", Right: "za 1 mrt 2025 10:42", Bold: true},
		{Left: "Pas ****1234"},
		{},
		{Left: "De helaasheid der dingen / Dimitri Verhulst", Right: "22-03-2025"},
		{Left: "موسم الهجرة إلى الشمال / الطيب صالح", Right: "22-03-2025"},
		{Left: "Zoë's geheim: een spannend verhaal over vriendschap, verraad en een zomer aan zee", Right: "22-03-2025"},
		{},
		{Left: "Openstaande boete", Right: "€ 12,50", Bold: true},
	},
	Footer: []string{"Terugbrengen kan 24/7 bij de inleverbus.", "Dank je wel en veel leesplezier!"},
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width int
	}{{"receipt-58mm", Width58}, {"receipt-80mm", Width80}} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name+".bin", Render(loanReceipt, tc.width))
			golden(t, tc.name+".txt", []byte(Text(loanReceipt, tc.width)))
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if that is intended):\ngot:\n%q\nwant:\n%q", name, got, want)
	}
}

func TestTextLayout(t *testing.T) {
	got := Text(loanReceipt, Width58)
	want := `
          Bibliotheek
           Zoetermeer

Uitleenbon   za 1 mrt 2025 10:42
Pas ****1234

De helaasheid der     22-03-2025
dingen / Dimitri Verhulst
موسم الهجرة إلى       22-03-2025
الشمال / الطيب صالح
Zoë's geheim: een     22-03-2025
spannend verhaal over
vriendschap, verraad en een
zomer aan zee

Openstaande boete        € 12,50

  Terugbrengen kan 24/7 bij de
          inleverbus.
Dank je wel en veel leesplezier!
`[1:]
	if got != want {
		t.Errorf("Text =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderCommands(t *testing.T) {
	got := Render(Receipt{Title: "Hi", Lines: []Line{{Left: "a", Right: "€1", Bold: true}}, Footer: []string{"bye"}}, 8)
	want := "\x1b@" + "\x1bt\x13" +
		"\x1ba\x01" + "\x1d!\x11" + "\x1bE\x01" + "Hi\n" + "\x1bE\x00" + "\x1d!\x00" + "\x1ba\x00" +
		"\n" +
		"\x1bE\x01" + "a     \xd51\n" + "\x1bE\x00" +
		"\n" +
		"\x1ba\x01" + "bye\n" + "\x1ba\x00" +
		"\x1bd\x04" + "\x1dV\x01"
	if string(got) != want {
		t.Errorf("Render =\n%q\nwant\n%q", got, want)
	}
}

var layoutCases = []struct {
	name  string
	width int
	r     Receipt
	text  string // Text, when the case checks it
}{
	{name: "empty", width: 32, r: Receipt{}, text: ""},
	{name: "zero line is blank", width: 10, r: Receipt{Lines: []Line{{Left: "a"}, {}, {Left: "b"}}}, text: "a\n\nb\n"},
	{name: "right only", width: 10, r: Receipt{Lines: []Line{{Right: "12,50"}}}, text: "     12,50\n"},
	{name: "first word too long beside right", width: 16, r: Receipt{Lines: []Line{{Left: "Uitleenbevestiging", Right: "1-3-2025"}}},
		text: "        1-3-2025\nUitleenbevestigi\nng\n"},
	{name: "first word moves down", width: 16, r: Receipt{Lines: []Line{{Left: "Leesplezier", Right: "1-3-2025"}}},
		text: "        1-3-2025\nLeesplezier\n"},
	{name: "right too long to share", width: 16, r: Receipt{Lines: []Line{{Left: "Datum", Right: "zaterdag 1 maart 2025"}}},
		text: "Datum\nzaterdag 1 maart\n            2025\n"},
	{name: "white space and controls", width: 20, r: Receipt{Lines: []Line{{Left: " a\tb\r\nc\x00d\u200f\x10e  "}}}, text: "a b cde\n"},
	{name: "typographic folded", width: 40, r: Receipt{Lines: []Line{{Left: "‘Zoë’s’ – „geheim” …"}}}, text: "'Zoë's' - \"geheim\" ...\n"},
	{name: "NFD composed", width: 10, r: Receipt{Lines: []Line{{Left: "Zoe\u0308", Right: "x"}}}, text: "Zoë      x\n"},
	{name: "title only", width: 12, r: Receipt{Title: "Welkom"}, text: "   Welkom\n"},
	{name: "title and footer", width: 12, r: Receipt{Title: "A", Footer: []string{"", "b"}}, text: "     A\n\n\n     b\n"},
	{name: "tiny width", width: 1, r: loanReceipt},
	{name: "width 3", width: 3, r: loanReceipt},
	{name: "long words", width: 8, r: Receipt{Title: strings.Repeat("W", 20), Lines: []Line{{Left: strings.Repeat("x", 30), Right: strings.Repeat("9", 20)}}}},
}

func TestLayout(t *testing.T) {
	for _, tc := range layoutCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.text != "" || tc.name == "empty" {
				if got := Text(tc.r, tc.width); got != tc.text {
					t.Errorf("Text =\n%q\nwant\n%q", got, tc.text)
				}
			}
			checkPrinted(t, tc.r, tc.width)
		})
	}
	for _, w := range []int{Width58, Width80} {
		checkPrinted(t, loanReceipt, w)
	}
}

// checkPrinted plays Render's bytes on a model printer: every line fits the
// paper, and the paper shows Text's lines with '?' for what PC858 lacks.
func checkPrinted(t *testing.T, r Receipt, width int) {
	t.Helper()
	lines, err := play(Render(r, width), max(width, minWidth))
	if err != nil {
		t.Fatalf("width %d: %v", width, err)
	}
	var want []string
	for l := range strings.Lines(Text(r, width)) {
		want = append(want, strings.TrimSuffix(l, "\n"))
	}
	for i := range max(len(lines), len(want)) {
		var g, w string
		if i < len(lines) {
			g = lines[i]
		}
		if i < len(want) {
			w = strings.Map(func(r rune) rune {
				if _, ok := charmap.CodePage858.EncodeRune(r); !ok {
					return '?'
				}
				return r
			}, want[i])
		}
		if g != w {
			t.Errorf("width %d line %d: printed %q, Text has %q", width, i, g, w)
		}
	}
}

// play interprets the commands Render uses and returns the printed lines,
// decoded, with centred ones centred the way Text does on screen.
func play(b []byte, width int) ([]string, error) {
	if !bytes.HasPrefix(b, []byte("\x1b@\x1bt\x13")) || !bytes.HasSuffix(b, []byte("\x1bd\x04\x1dV\x01")) {
		return nil, fmt.Errorf("no init, code page, feed and cut around %q", b)
	}
	b = b[5 : len(b)-6]
	var lines []string
	var cur []byte
	cols, centre := 1, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == esc || c == gs:
			if i+2 >= len(b) {
				return nil, fmt.Errorf("cut command at %d", i)
			}
			cmd := string(b[i : i+3])
			switch cmd[:2] {
			case "\x1ba":
				centre = cmd[2] == 1
			case "\x1bE":
			case "\x1d!":
				cols = 1 + int(cmd[2]>>4)
			default:
				return nil, fmt.Errorf("unexpected command %q", cmd)
			}
			i += 2
		case c == lf:
			if n := len(cur) * cols; n > width {
				return nil, fmt.Errorf("line %q takes %d columns of %d", cur, n, width)
			}
			var sb strings.Builder
			for _, c := range cur {
				sb.WriteRune(charmap.CodePage858.DecodeByte(c))
			}
			l := sb.String()
			if centre && l != "" {
				l = strings.Repeat(" ", (width-len(cur))/2) + l
			}
			lines = append(lines, l)
			cur = cur[:0]
		case c < 0x20 || c == 0x7f:
			return nil, fmt.Errorf("control byte %#x in text", c)
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		return nil, fmt.Errorf("unterminated line %q", cur)
	}
	return lines, nil
}

func TestPC858(t *testing.T) {
	for in, want := range map[string]string{
		"€ 12,50":         "\xd5 12,50",
		"Zoë ÄÖÜ ß é ç ñ": "Zo\x89 \x8e\x99\x9a \xe1 \x82 \x87 \xa4",
		"موسم":            "????",
		"ı":               "?", // PC850's dotless i made way for the euro sign
		"\x10\x04\x01":    "???",
	} {
		if got := string(appendPC858(nil, in)); got != want {
			t.Errorf("appendPC858(%q) = %q, want %q", in, got, want)
		}
	}
	if n := utf8.RuneCountInString(clean("ﬁ")); n != 1 {
		t.Errorf("ligature: %d runes", n)
	}
}
