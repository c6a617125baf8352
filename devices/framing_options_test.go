package devices

import (
	"reflect"
	"strings"
	"testing"
)

var framingCases = []struct {
	name  string
	opt   SplitterOptions
	in    string
	scans []string
	drops []Dropped
}{
	{name: "CR only", opt: SplitterOptions{Terminator: TermCR}, in: "A1\rB2\r", scans: []string{"A1", "B2"}},
	{name: "CR only: LF is not a terminator", opt: SplitterOptions{Terminator: TermCR}, in: "A1\r\nB2\r",
		scans: []string{"A1"}, drops: []Dropped{{DropControl, 3}}},
	{name: "LF only", opt: SplitterOptions{Terminator: TermLF}, in: "A1\nB2\n\n", scans: []string{"A1", "B2"}},
	{name: "CRLF", opt: SplitterOptions{Terminator: TermCRLF}, in: "A1\r\nB2\r\n\r\n", scans: []string{"A1", "B2"}},
	{name: "CRLF: lone CR is content", opt: SplitterOptions{Terminator: TermCRLF}, in: "A\rB\r\nOK\r\n",
		scans: []string{"OK"}, drops: []Dropped{{DropControl, 3}}},
	{name: "CRLF: CR CR LF", opt: SplitterOptions{Terminator: TermCRLF}, in: "AB\r\r\n", drops: []Dropped{{DropControl, 3}}},
	{name: "CRLF: suffix CR", opt: SplitterOptions{Terminator: TermCRLF, Suffix: "\r"}, in: "AB\r\r\n", scans: []string{"AB"}},
	{name: "CRLF at max", opt: SplitterOptions{Terminator: TermCRLF, MaxLen: 3}, in: "ABC\r\nABCD\r\n",
		scans: []string{"ABC"}, drops: []Dropped{{DropTooLong, 4}}},
	{name: "TAB", opt: SplitterOptions{Terminator: TermTab}, in: "A1\tB2\t\t", scans: []string{"A1", "B2"}},
	{name: "TAB: CR is not a terminator", opt: SplitterOptions{Terminator: TermTab}, in: "A1\r\t", drops: []Dropped{{DropControl, 3}}},
	{name: "STX ETX", opt: SplitterOptions{Terminator: TermSTXETX}, in: "\x02A1\x03\x02B2\x03", scans: []string{"A1", "B2"}},
	{name: "STX ETX with CR LF and BCC between frames", opt: SplitterOptions{Terminator: TermSTXETX},
		in: "junk\x02A1\x03\x7f\r\n\x02B2\x03\x00", scans: []string{"A1", "B2"}},
	{name: "STX restarts a frame", opt: SplitterOptions{Terminator: TermSTXETX}, in: "\x02A1\x02B2\x03",
		scans: []string{"B2"}, drops: []Dropped{{DropIncomplete, 2}}},
	{name: "STX ETX: CR inside is content", opt: SplitterOptions{Terminator: TermSTXETX}, in: "\x02A\rB\x03",
		drops: []Dropped{{DropControl, 3}}},
	{name: "STX ETX: lone ETX ignored", opt: SplitterOptions{Terminator: TermSTXETX}, in: "\x03\x02\x03\x02X\x03", scans: []string{"X"}},
	{name: "STX ETX too long", opt: SplitterOptions{Terminator: TermSTXETX, MaxLen: 2}, in: "\x02ABC\x03\x02ABCD\x02AB\x03",
		scans: []string{"AB"}, drops: []Dropped{{DropTooLong, 3}, {DropTooLong, 4}}},
	{name: "prefix and suffix stripped", opt: SplitterOptions{Prefix: "]C0", Suffix: "#"}, in: "]C0123#\r",
		scans: []string{"123"}},
	{name: "missing prefix kept as is", opt: SplitterOptions{Prefix: "]C0", Suffix: "#"}, in: "123#\r]C0456\r",
		scans: []string{"123", "456"}},
	{name: "control prefix stripped before the check", opt: SplitterOptions{Prefix: "\x1b", Suffix: "\x04"},
		in: "\x1bABC\x04\r\x1bA\x00C\x04\r", scans: []string{"ABC"}, drops: []Dropped{{DropControl, 5}}},
	{name: "only prefix and suffix", opt: SplitterOptions{Prefix: "<", Suffix: ">"}, in: "<>\r<\rX\r", scans: []string{"X"}},
	{name: "max excludes prefix and suffix", opt: SplitterOptions{MaxLen: 3, Prefix: "P", Suffix: "S"},
		in: "PABCS\rPABCDS\rABCS\rABCDS\r", scans: []string{"ABC", "ABC"},
		drops: []Dropped{{DropTooLong, 6}, {DropTooLong, 5}}},
	{name: "prefix with STX ETX", opt: SplitterOptions{Terminator: TermSTXETX, Prefix: "K"}, in: "\x02K42\x03\r\n", scans: []string{"42"}},
	{name: "prefix overlaps suffix", opt: SplitterOptions{Prefix: "ab", Suffix: "b"}, in: "ab\r", scans: nil},
}

func TestSplitterOptions(t *testing.T) {
	for _, tc := range framingCases {
		t.Run(tc.name, func(t *testing.T) {
			var c collector
			s, err := NewSplitterWith(tc.opt, c.add, c.dropped)
			if err != nil {
				t.Fatal(err)
			}
			s.Write([]byte(tc.in))
			if !reflect.DeepEqual(c.scans, tc.scans) || !reflect.DeepEqual(c.drops, tc.drops) {
				t.Errorf("got %q %v, want %q %v", c.scans, c.drops, tc.scans, tc.drops)
			}
			checkSplitter(t, []byte(tc.in), tc.opt, len(tc.in)+1)
		})
	}
}

// Splitting the stream at any two points, or byte by byte, changes nothing,
// for every terminator.
func TestSplitterOptionsEverySplitPoint(t *testing.T) {
	for _, tc := range framingCases {
		in := []byte(tc.in)
		var whole collector
		s, _ := NewSplitterWith(tc.opt, whole.add, whole.dropped)
		s.Write(in)
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j++ {
				var c collector
				s, _ := NewSplitterWith(tc.opt, c.add, c.dropped)
				s.Write(in[:i])
				s.Write(in[i:j])
				s.Write(in[j:])
				if !reflect.DeepEqual(c, whole) {
					t.Fatalf("%s: split at %d,%d: got %+v, want %+v", tc.name, i, j, c, whole)
				}
			}
		}
		checkSplitter(t, in, tc.opt, 1)
	}
}

// What a simulator frames with AppendFrame, a Splitter with the same
// terminator reads back.
func TestTerminatorRoundTrip(t *testing.T) {
	codes := []string{"20790000000010", "9780306406157", "X"}
	for term := TermAny; term <= TermSTXETX; term++ {
		var stream []byte
		for _, c := range codes {
			stream = term.AppendFrame(stream, c)
		}
		var c collector
		s, err := NewSplitterWith(SplitterOptions{Terminator: term}, c.add, c.dropped)
		if err != nil {
			t.Fatal(err)
		}
		s.Write(stream)
		if !reflect.DeepEqual(c.scans, codes) || c.drops != nil || s.Pending() != 0 {
			t.Errorf("%v: got %+v, pending %d", term, c, s.Pending())
		}
		parsed, err := ParseTerminator(strings.ToUpper(term.String()))
		if err != nil || parsed != term {
			t.Errorf("ParseTerminator(%v) = %v, %v", term, parsed, err)
		}
		var u Terminator
		if text, err := term.MarshalText(); err != nil || u.UnmarshalText(text) != nil || u != term {
			t.Errorf("%v: text round trip gave %v (%v)", term, u, err)
		}
	}
	if term, err := ParseTerminator(""); term != TermAny || err != nil {
		t.Errorf(`ParseTerminator("") = %v, %v`, term, err)
	}
	if _, err := ParseTerminator("etx"); err == nil {
		t.Error(`ParseTerminator("etx") did not fail`)
	}
}

func TestSplitterOptionsValidate(t *testing.T) {
	for _, o := range []SplitterOptions{
		{Terminator: TermAny, Prefix: "\r"},
		{Terminator: TermAny, Suffix: "a\nb"},
		{Terminator: TermCR, Suffix: "\r"},
		{Terminator: TermLF, Prefix: "\n"},
		{Terminator: TermCRLF, Suffix: "\r\n"},
		{Terminator: TermTab, Prefix: "\t"},
		{Terminator: TermSTXETX, Prefix: "\x02"},
		{Terminator: TermSTXETX, Suffix: "\x03"},
		{Terminator: Terminator(9)},
		{Prefix: strings.Repeat("p", MaxAffixLen+1)},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v: Validate = nil, want an error", o)
		}
		if _, err := NewSplitterWith(o, func(string) {}, nil); err == nil {
			t.Errorf("%+v: NewSplitterWith did not fail", o)
		}
	}
	for _, o := range []SplitterOptions{{}, {Terminator: TermCR, Prefix: "\n"}, {Terminator: TermCRLF, Suffix: "\r"}, {Terminator: TermSTXETX, Prefix: "\r\n"}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

func FuzzSplitterOptions(f *testing.F) {
	for _, tc := range framingCases {
		f.Add([]byte(tc.in), uint16(tc.opt.MaxLen), uint8(2), uint8(tc.opt.Terminator), tc.opt.Prefix, tc.opt.Suffix)
	}
	f.Fuzz(func(t *testing.T, data []byte, maxLen uint16, chunk, term uint8, prefix, suffix string) {
		o := SplitterOptions{MaxLen: int(maxLen), Terminator: Terminator(term % 6), Prefix: prefix, Suffix: suffix}
		checkSplitter(t, data, o, int(chunk)+1)
	})
}

// A 1 MiB flood inside an STX frame, or between frames, costs no memory
// beyond the max; the next frame still comes through.
func TestSplitterOptionsFlood(t *testing.T) {
	var c collector
	s, err := NewSplitterWith(SplitterOptions{Terminator: TermSTXETX, Prefix: "]C1"}, c.add, c.dropped)
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat("x", 4096))
	s.Write([]byte{stx})
	if allocs := testing.AllocsPerRun(256, func() { s.Write(chunk) }); allocs != 0 {
		t.Errorf("flood in a frame allocates %.1f times per 4 KiB", allocs)
	}
	s.Write([]byte{etx})
	if allocs := testing.AllocsPerRun(256, func() { s.Write(chunk) }); allocs != 0 {
		t.Errorf("flood between frames allocates %.1f times per 4 KiB", allocs)
	}
	if cap(s.buf) > s.MaxLen()+3 {
		t.Errorf("buffer grew to %d bytes", cap(s.buf))
	}
	s.Write([]byte("\x02]C1NEXT\x03"))
	want := collector{scans: []string{"NEXT"}, drops: []Dropped{{DropTooLong, 257 * 4096}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}
