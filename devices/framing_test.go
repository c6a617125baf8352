package devices

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// collector records what a Splitter delivers.
type collector struct {
	scans []string
	drops []Dropped
}

func (c *collector) splitter(max int) *Splitter { return NewSplitter(max, c.add, c.dropped) }

func (c *collector) add(code string)   { c.scans = append(c.scans, code) }
func (c *collector) dropped(d Dropped) { c.drops = append(c.drops, d) }

var splitterCases = []struct {
	name  string
	in    string
	max   int
	scans []string
	drops []Dropped
}{
	{name: "CR", in: "12345\r", scans: []string{"12345"}},
	{name: "LF", in: "12345\n", scans: []string{"12345"}},
	{name: "CRLF", in: "12345\r\n", scans: []string{"12345"}},
	{name: "mixed terminators", in: "A\rB\nC\r\nD\n\rE\r", scans: []string{"A", "B", "C", "D", "E"}},
	{name: "empty lines skipped", in: "\r\n\r\n\n\rX\r\r", scans: []string{"X"}},
	{name: "no terminator yet", in: "12345"},
	{name: "printable ASCII kept", in: " !~ab Z\r", scans: []string{" !~ab Z"}},
	{name: "NUL rejects", in: "12\x003\rOK\r", scans: []string{"OK"}, drops: []Dropped{{DropControl, 4}}},
	{name: "ESC rejects", in: "\x1b[A\r", drops: []Dropped{{DropControl, 3}}},
	{name: "DEL rejects", in: "ab\x7f\n", drops: []Dropped{{DropControl, 3}}},
	{name: "high byte rejects", in: "caf\xc3\xa9\r", drops: []Dropped{{DropControl, 5}}},
	{name: "exactly max", in: "abcd\r", max: 4, scans: []string{"abcd"}},
	{name: "one over max", in: "abcde\rok\r", max: 4, scans: []string{"ok"}, drops: []Dropped{{DropTooLong, 5}}},
	{name: "too long wins over control", in: "a\x00cdefg\n", max: 4, drops: []Dropped{{DropTooLong, 7}}},
	{name: "default max", in: strings.Repeat("9", 129) + "\r" + strings.Repeat("8", 128) + "\r",
		scans: []string{strings.Repeat("8", 128)}, drops: []Dropped{{DropTooLong, 129}}},
	// Cases found by fuzzing:
	{name: "CR inside too-long ends it", in: "xxxxx\ryy\r", max: 2, scans: []string{"yy"}, drops: []Dropped{{DropTooLong, 5}}},
}

func TestSplitter(t *testing.T) {
	for _, tc := range splitterCases {
		t.Run(tc.name, func(t *testing.T) {
			var c collector
			s := c.splitter(tc.max)
			if n, err := s.Write([]byte(tc.in)); n != len(tc.in) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
			if !reflect.DeepEqual(c.scans, tc.scans) {
				t.Errorf("scans = %q, want %q", c.scans, tc.scans)
			}
			if !reflect.DeepEqual(c.drops, tc.drops) {
				t.Errorf("drops = %v, want %v", c.drops, tc.drops)
			}
		})
	}
}

// Splitting the same stream at every point, or byte by byte, gives the same
// scans and drops as writing it whole.
func TestSplitterEverySplitPoint(t *testing.T) {
	for _, tc := range splitterCases {
		in := []byte(tc.in)
		var whole collector
		whole.splitter(tc.max).Write(in)
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j++ {
				var c collector
				s := c.splitter(tc.max)
				s.Write(in[:i])
				s.Write(in[i:j])
				s.Write(in[j:])
				if !reflect.DeepEqual(c, whole) {
					t.Fatalf("%s: split at %d,%d: got %+v, want %+v", tc.name, i, j, c, whole)
				}
			}
		}
		var c collector
		s := c.splitter(tc.max)
		for k := range in {
			s.Write(in[k : k+1])
		}
		if !reflect.DeepEqual(c, whole) {
			t.Fatalf("%s: byte by byte: got %+v, want %+v", tc.name, c, whole)
		}
	}
}

func TestSplitterCRLFAcrossWrites(t *testing.T) {
	var c collector
	s := c.splitter(0)
	s.Write([]byte("ABC\r"))
	s.Write([]byte("\nDEF\r"))
	s.Write([]byte("\n"))
	if want := []string{"ABC", "DEF"}; !reflect.DeepEqual(c.scans, want) || c.drops != nil {
		t.Fatalf("got %q %v, want %q", c.scans, c.drops, want)
	}
}

func TestSplitterMaxLenBounds(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{0, 128}, {-5, 128}, {20, 20}, {1 << 20, 64 << 10}} {
		if got := NewSplitter(tc.in, func(string) {}, nil).MaxLen(); got != tc.want {
			t.Errorf("NewSplitter(%d).MaxLen() = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// A 1 MiB line without terminator costs no memory beyond the max, is reported
// once, and the next scan still comes through.
func TestSplitterFlood(t *testing.T) {
	var c collector
	s := c.splitter(0)
	chunk := bytes.Repeat([]byte("x"), 4096)
	allocs := testing.AllocsPerRun(256, func() { s.Write(chunk) }) // 257 × 4 KiB > 1 MiB
	if allocs != 0 {
		t.Errorf("flood allocates %.1f times per 4 KiB write", allocs)
	}
	if cap(s.buf) > s.MaxLen() {
		t.Errorf("buffer grew to %d bytes, max is %d", cap(s.buf), s.MaxLen())
	}
	if len(c.drops) != 0 || len(c.scans) != 0 {
		t.Fatalf("delivered before the line ended: %+v", c)
	}
	s.Write([]byte("\r\nNEXT\r"))
	want := collector{scans: []string{"NEXT"}, drops: []Dropped{{DropTooLong, 257 * 4096}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

func TestSplitterIdle(t *testing.T) {
	var c collector
	s := c.splitter(4)
	s.Idle() // nothing pending: nothing reported
	s.Write([]byte("12"))
	s.Idle()
	s.Write([]byte("toolong"))
	s.Idle()
	s.Write([]byte("34\r"))
	want := collector{scans: []string{"34"}, drops: []Dropped{{DropIncomplete, 2}, {DropTooLong, 7}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

// Not parallel: it swaps the default slog logger.
func TestSplitterLogsDrops(t *testing.T) {
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	s := NewSplitter(4, func(string) {}, nil)
	s.Write([]byte("1234567890\r"))
	out := logged.String()
	if !strings.Contains(out, `level=WARN msg="scan too long, dropped" bytes=10`) {
		t.Fatalf("log = %q", out)
	}
	if strings.Contains(out, "123") {
		t.Fatalf("log shows the dropped bytes: %q", out)
	}
}

// stepReader returns one step per Read, like a serial port with a timeout.
type stepReader struct {
	steps []step
}

type step struct {
	data string
	err  error
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.steps) == 0 {
		return 0, io.EOF
	}
	s := r.steps[0]
	r.steps = r.steps[1:]
	return copy(p, s.data), s.err
}

func TestFrameReader(t *testing.T) {
	boom := errors.New("boom")
	stop := errors.New("stop")
	t.Run("EOF ends a plain reader", func(t *testing.T) {
		var c collector
		err := FrameReader(context.Background(), strings.NewReader("A\rB\r"), c.splitter(0), FrameOptions{})
		if err != nil || !reflect.DeepEqual(c.scans, []string{"A", "B"}) {
			t.Fatalf("err %v, scans %q", err, c.scans)
		}
	})
	t.Run("EOF is idle for serial", func(t *testing.T) {
		var c collector
		r := &stepReader{steps: []step{{"12", nil}, {"", io.EOF}, {"AB", io.EOF}, {"C\r", nil}, {"", boom}}}
		var idles []int
		err := FrameReader(context.Background(), r, c.splitter(0), FrameOptions{
			EOFIsIdle: true,
			OnIdle:    func(n int) error { idles = append(idles, n); return nil },
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		want := collector{scans: []string{"ABC"}, drops: []Dropped{{DropIncomplete, 2}}}
		if !reflect.DeepEqual(c, want) || !reflect.DeepEqual(idles, []int{1}) {
			t.Fatalf("got %+v idles %v, want %+v idles [1]", c, idles, want)
		}
	})
	t.Run("OnIdle stops", func(t *testing.T) {
		var c collector
		r := &stepReader{steps: []step{{"", io.EOF}, {"", io.EOF}, {"", io.EOF}, {"X\r", nil}}}
		err := FrameReader(context.Background(), r, c.splitter(0), FrameOptions{
			EOFIsIdle: true,
			OnIdle: func(n int) error {
				if n == 3 {
					return stop
				}
				return nil
			},
		})
		if !errors.Is(err, stop) || len(c.scans) != 0 {
			t.Fatalf("err %v scans %q", err, c.scans)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var c collector
		if err := FrameReader(ctx, strings.NewReader("A\r"), c.splitter(0), FrameOptions{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

// reference is the obvious, whole-input model of Splitter. It also returns
// the length of the unterminated tail that Idle would drop.
func reference(data []byte, o SplitterOptions) (c collector, tail int) {
	max := o.MaxLen
	if max <= 0 {
		max = DefaultMaxScanLen
	}
	max = min(max, MaxScanLenCap)
	limit := max + len(o.Prefix) + len(o.Suffix)
	line := func(l []byte) {
		switch {
		case len(l) == 0:
			return
		case len(l) > limit:
			c.drops = append(c.drops, Dropped{DropTooLong, len(l)})
			return
		}
		code := bytes.TrimPrefix(l, []byte(o.Prefix))
		code = bytes.TrimSuffix(code, []byte(o.Suffix))
		switch {
		case len(code) == 0:
		case len(code) > max:
			c.drops = append(c.drops, Dropped{DropTooLong, len(l)})
		case !printable(code):
			c.drops = append(c.drops, Dropped{DropControl, len(l)})
		default:
			c.scans = append(c.scans, string(code))
		}
	}
	cut := func(l []byte) { // a frame restarted by STX before its ETX
		switch {
		case len(l) == 0:
		case len(l) > limit:
			c.drops = append(c.drops, Dropped{DropTooLong, len(l)})
		default:
			c.drops = append(c.drops, Dropped{DropIncomplete, len(l)})
		}
	}
	var pieces [][]byte
	switch o.Terminator {
	case TermAny:
		pieces = splitAny(data, "\r\n")
	case TermCR:
		pieces = splitAny(data, "\r")
	case TermLF:
		pieces = splitAny(data, "\n")
	case TermTab:
		pieces = splitAny(data, "\t")
	case TermCRLF:
		pieces = bytes.Split(data, []byte("\r\n"))
	case TermSTXETX:
		// Each ETX-ended piece starts outside a frame: what precedes its first
		// STX is ignored, frames restarted by a later STX are cut off, and the
		// last one is the scan.
		ps := bytes.Split(data, []byte{etx})
		for i, p := range ps {
			frames := bytes.Split(p, []byte{stx})
			if len(frames) == 1 { // no STX: between frames
				continue
			}
			for _, f := range frames[1 : len(frames)-1] {
				cut(f)
			}
			if i < len(ps)-1 {
				line(frames[len(frames)-1])
			} else {
				tail = len(frames[len(frames)-1])
			}
		}
		return c, tail
	}
	for _, p := range pieces[:len(pieces)-1] {
		line(p)
	}
	return c, len(pieces[len(pieces)-1])
}

// splitAny splits data at every byte in seps; the last piece is the tail.
func splitAny(data []byte, seps string) [][]byte {
	var out [][]byte
	start := 0
	for i, b := range data {
		if strings.IndexByte(seps, b) >= 0 {
			out = append(out, data[start:i])
			start = i + 1
		}
	}
	return append(out, data[start:])
}

func FuzzSplitter(f *testing.F) {
	for _, tc := range splitterCases {
		f.Add([]byte(tc.in), uint16(tc.max), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxLen uint16, chunk uint8) {
		checkSplitter(t, data, SplitterOptions{MaxLen: int(maxLen)}, int(chunk)+1)
	})
}

// checkSplitter feeds data in chunks of step bytes and compares with reference.
func checkSplitter(t *testing.T, data []byte, o SplitterOptions, step int) {
	t.Helper()
	var c collector
	s, err := NewSplitterWith(o, c.add, c.dropped)
	if err != nil {
		return // options the config would reject
	}
	max := s.MaxLen()
	for i := 0; i < len(data); i += step {
		s.Write(data[i:min(i+step, len(data))])
	}
	for _, code := range c.scans {
		if code == "" || len(code) > max || !printable([]byte(code)) {
			t.Fatalf("bad scan %q (max %d)", code, max)
		}
	}
	if cap(s.buf) > max+len(o.Prefix)+len(o.Suffix) {
		t.Fatalf("buffer cap %d over max %d", cap(s.buf), max)
	}
	want, tail := reference(data, o)
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("%+v in chunks of %d: got %+v, want %+v", o, step, c, want)
	}
	if s.Pending() != tail {
		t.Fatalf("pending %d, reference tail %d", s.Pending(), tail)
	}
	// Going quiet drops the unterminated tail, if any, and nothing else.
	drops := len(c.drops)
	s.Idle()
	if got := len(c.drops) - drops; got != min(tail, 1) || s.Pending() != 0 {
		t.Fatalf("Idle with %d bytes pending: %d drops, %d still pending", tail, got, s.Pending())
	}
}

func printable(l []byte) bool {
	for _, b := range l {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}
