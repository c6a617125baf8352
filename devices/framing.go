package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Scan lengths. Library barcodes and card numbers are short; a longer "line"
// is noise or a scanner in the wrong mode.
const (
	DefaultMaxScanLen = 128
	MaxScanLenCap     = 64 << 10
)

// DropReason says why a line from a scanner was not delivered as a scan.
type DropReason int

const (
	DropTooLong    DropReason = iota + 1 // longer than the splitter's max
	DropControl                          // held a byte outside printable ASCII
	DropIncomplete                       // no terminator before the line went quiet
)

func (r DropReason) String() string {
	switch r {
	case DropTooLong:
		return "scan too long, dropped"
	case DropControl:
		return "scan has non-printable bytes, dropped"
	case DropIncomplete:
		return "incomplete scan, dropped"
	}
	return "scan dropped"
}

// Dropped reports one line that was not delivered. It never carries the
// bytes themselves: they may hold a card number.
type Dropped struct {
	Reason DropReason
	Bytes  int // length of the dropped line, terminator excluded
}

// LogDropped is the default drop report: one slog warning per dropped line.
func LogDropped(d Dropped) { slog.Warn(d.Reason.String(), "bytes", d.Bytes) }

// Terminator is how a scanner ends (or frames) each code.
type Terminator int

const (
	TermAny    Terminator = iota // CR, LF or CRLF, whichever comes (the default)
	TermCR                       // CR only
	TermLF                       // LF only
	TermCRLF                     // CR followed by LF; a lone CR is part of the line
	TermTab                      // TAB, as some scanners send between fields
	TermSTXETX                   // STX code ETX; bytes between frames (a BCC, CR LF) are ignored
)

// ASCII framing bytes.
const (
	stx = 0x02
	etx = 0x03
)

var termNames = [...]string{"any", "cr", "lf", "crlf", "tab", "stxetx"}

func (t Terminator) String() string {
	if t >= 0 && int(t) < len(termNames) {
		return termNames[t]
	}
	return fmt.Sprintf("Terminator(%d)", int(t))
}

// ParseTerminator reads a configured terminator: any, cr, lf, crlf, tab or
// stxetx (case-insensitive; "" means any).
func ParseTerminator(s string) (Terminator, error) {
	if s == "" {
		return TermAny, nil
	}
	for i, n := range termNames {
		if strings.EqualFold(s, n) {
			return Terminator(i), nil
		}
	}
	return 0, fmt.Errorf("unknown terminator %q (want one of %s)", s, strings.Join(termNames[:], ", "))
}

// MarshalText makes a Terminator a plain string in config files.
func (t Terminator) MarshalText() ([]byte, error) {
	if !t.valid() {
		return nil, fmt.Errorf("invalid %v", t)
	}
	return []byte(t.String()), nil
}

// UnmarshalText lets a config decoder (TOML, JSON) read a Terminator.
func (t *Terminator) UnmarshalText(b []byte) error {
	v, err := ParseTerminator(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

func (t Terminator) valid() bool { return t >= TermAny && t <= TermSTXETX }

// AppendFrame appends code as a scanner would send it with this terminator
// (TermAny sends CR). Simulators and tests use it.
func (t Terminator) AppendFrame(dst []byte, code string) []byte {
	switch t {
	case TermLF:
		return append(append(dst, code...), '\n')
	case TermCRLF:
		return append(append(dst, code...), '\r', '\n')
	case TermTab:
		return append(append(dst, code...), '\t')
	case TermSTXETX:
		return append(append(append(dst, stx), code...), etx)
	}
	return append(append(dst, code...), '\r')
}

// forbidden is what a prefix or suffix may not hold: it would end the line.
func (t Terminator) forbidden(affix string) bool {
	switch t {
	case TermAny:
		return strings.ContainsAny(affix, "\r\n")
	case TermCR:
		return strings.ContainsRune(affix, '\r')
	case TermLF:
		return strings.ContainsRune(affix, '\n')
	case TermCRLF:
		return strings.Contains(affix, "\r\n")
	case TermTab:
		return strings.ContainsRune(affix, '\t')
	case TermSTXETX:
		return strings.ContainsAny(affix, "\x02\x03")
	}
	return true
}

// MaxAffixLen bounds a configured prefix or suffix.
const MaxAffixLen = 32

// SplitterOptions say how a scanner frames its codes. The zero value is the
// default: CR, LF or CRLF, nothing to strip, DefaultMaxScanLen.
type SplitterOptions struct {
	MaxLen     int        // longest scan delivered; ≤ 0 means DefaultMaxScanLen, capped at MaxScanLenCap
	Terminator Terminator // how a code ends
	// Prefix and Suffix are stripped from a line that starts or ends with
	// them (a line without them is delivered as it is). They may hold
	// control bytes, but not the terminator.
	Prefix, Suffix string
}

// Validate reports a configuration that cannot work.
func (o SplitterOptions) Validate() error {
	if !o.Terminator.valid() {
		return fmt.Errorf("invalid terminator %v", o.Terminator)
	}
	for _, a := range []struct{ name, v string }{{"prefix", o.Prefix}, {"suffix", o.Suffix}} {
		if len(a.v) > MaxAffixLen {
			return fmt.Errorf("%s is %d bytes, at most %d", a.name, len(a.v), MaxAffixLen)
		}
		if o.Terminator.forbidden(a.v) {
			return fmt.Errorf("%s %q holds the %v terminator", a.name, a.v, o.Terminator)
		}
	}
	return nil
}

// Splitter turns bytes, as they arrive in pieces, into scans: by default
// lines ended by CR, LF or CRLF; SplitterOptions choose another terminator,
// STX…ETX framing, and a prefix and suffix to strip. Empty lines are skipped
// silently (so a CRLF split across two writes yields no empty scan). A line
// longer than the max, or whose code holds a byte outside printable ASCII
// (0x20–0x7E), is dropped whole and reported once. Memory is bounded by the
// max whatever arrives.
//
// A Splitter is not safe for concurrent use.
type Splitter struct {
	emit   func(code string)
	drop   func(Dropped)
	max    int // longest scan delivered
	limit  int // longest line kept: max plus prefix and suffix
	term   Terminator
	prefix string
	suffix string

	buf     []byte // current line, never longer than limit
	n       int    // length of the current line, including bytes not kept
	prevCR  bool   // TermCRLF: the line's last byte is a CR
	inFrame bool   // TermSTXETX: inside STX…ETX
}

// NewSplitter returns a default Splitter (CR, LF or CRLF) that calls emit for
// every complete scan and drop (LogDropped if nil) for every rejected line.
// maxLen ≤ 0 means DefaultMaxScanLen; it is capped at MaxScanLenCap.
func NewSplitter(maxLen int, emit func(code string), drop func(Dropped)) *Splitter {
	s, _ := NewSplitterWith(SplitterOptions{MaxLen: maxLen}, emit, drop) // the zero options are valid
	return s
}

// NewSplitterWith is NewSplitter with a chosen framing; it fails only if
// opt.Validate does.
func NewSplitterWith(opt SplitterOptions, emit func(code string), drop func(Dropped)) (*Splitter, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	maxLen := opt.MaxLen
	if maxLen <= 0 {
		maxLen = DefaultMaxScanLen
	}
	maxLen = min(maxLen, MaxScanLenCap)
	if drop == nil {
		drop = LogDropped
	}
	limit := maxLen + len(opt.Prefix) + len(opt.Suffix)
	return &Splitter{emit: emit, drop: drop, max: maxLen, limit: limit, term: opt.Terminator,
		prefix: opt.Prefix, suffix: opt.Suffix, buf: make([]byte, 0, min(limit, 512))}, nil
}

// MaxLen is the longest scan this Splitter delivers.
func (s *Splitter) MaxLen() int { return s.max }

// Write feeds bytes in; it calls emit and drop before it returns. It never
// fails, so a Splitter can be the target of io.Copy.
func (s *Splitter) Write(p []byte) (int, error) {
	for _, c := range p {
		switch s.term {
		case TermAny:
			if c == '\r' || c == '\n' {
				s.endLine()
				continue
			}
		case TermCR:
			if c == '\r' {
				s.endLine()
				continue
			}
		case TermLF:
			if c == '\n' {
				s.endLine()
				continue
			}
		case TermTab:
			if c == '\t' {
				s.endLine()
				continue
			}
		case TermCRLF:
			if c == '\n' && s.prevCR {
				// The CR was kept as if it were content; take it back off.
				s.n--
				s.buf = s.buf[:min(len(s.buf), s.n)]
				s.endLine()
				continue
			}
		case TermSTXETX:
			switch {
			case c == stx: // a new frame: whatever came since the last STX was cut off
				s.abort()
				s.inFrame = true
				continue
			case !s.inFrame:
				continue
			case c == etx:
				s.endLine()
				continue
			}
		}
		if s.n < s.limit {
			s.buf = append(s.buf, c)
		}
		s.n++ // beyond the limit: count, don't keep
		s.prevCR = c == '\r'
	}
	return len(p), nil
}

// reset starts a new, empty line.
func (s *Splitter) reset() {
	s.buf, s.n, s.prevCR, s.inFrame = s.buf[:0], 0, false, false
}

func (s *Splitter) endLine() {
	n, line := s.n, s.buf
	s.reset()
	if n == 0 {
		return
	}
	if n > s.limit {
		s.drop(Dropped{Reason: DropTooLong, Bytes: n})
		return
	}
	code := line
	if p := s.prefix; p != "" && len(code) >= len(p) && string(code[:len(p)]) == p {
		code = code[len(p):]
	}
	if x := s.suffix; x != "" && len(code) >= len(x) && string(code[len(code)-len(x):]) == x {
		code = code[:len(code)-len(x)]
	}
	switch {
	case len(code) == 0: // only a prefix and suffix: nothing was read
	case len(code) > s.max:
		s.drop(Dropped{Reason: DropTooLong, Bytes: n})
	case !printableASCII(code):
		s.drop(Dropped{Reason: DropControl, Bytes: n})
	default:
		// The slice is re-used for the next line, so emit gets a copy.
		s.emit(string(code))
	}
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// abort drops an unterminated line, if any.
func (s *Splitter) abort() {
	n := s.n
	s.reset()
	switch {
	case n == 0:
	case n > s.limit:
		s.drop(Dropped{Reason: DropTooLong, Bytes: n})
	default:
		s.drop(Dropped{Reason: DropIncomplete, Bytes: n})
	}
}

// Pending is the length of the unterminated line held so far.
func (s *Splitter) Pending() int { return s.n }

// Idle tells the Splitter the line went quiet: a scanner sends a whole code
// in one burst, so an unterminated line left over is a fragment (a scanner
// unplugged mid-code, noise) and is dropped rather than glued to the next scan.
func (s *Splitter) Idle() { s.abort() }

// FrameOptions tune FrameReader.
type FrameOptions struct {
	// EOFIsIdle treats io.EOF as "no data yet" rather than the end: tarm/serial
	// returns (0, io.EOF) after every read timeout on Linux.
	EOFIsIdle bool
	// OnIdle, if set, runs after every read that brought no data, with the
	// count of such reads in a row. A non-nil error stops FrameReader with it.
	OnIdle func(emptyReads int) error
	// BufSize is the read buffer size; 0 means 256.
	BufSize int
}

// FrameReader reads r and feeds s until r ends (nil), fails (the error), an
// OnIdle hook fails, or ctx is done (ctx.Err()). The context is checked
// between reads, so r should return now and then (a read timeout). A read
// with no data calls s.Idle, dropping an unterminated fragment.
func FrameReader(ctx context.Context, r io.Reader, s *Splitter, opt FrameOptions) error {
	size := opt.BufSize
	if size <= 0 {
		size = 256
	}
	buf := make([]byte, size)
	empty := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		if n > 0 {
			empty = 0
			s.Write(buf[:n])
		}
		if errors.Is(err, io.EOF) && opt.EOFIsIdle {
			err = nil
		}
		if err != nil {
			s.Idle()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if n == 0 {
			empty++
			s.Idle()
			if opt.OnIdle != nil {
				if err := opt.OnIdle(empty); err != nil {
					return err
				}
			}
		}
	}
}
