package devices

import (
	"context"
	"errors"
	"io"
	"log/slog"
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

// Splitter turns bytes, as they arrive in pieces, into scans: lines ended by
// CR, LF or CRLF. Empty lines are skipped silently (so a CRLF split across two
// writes yields no empty scan). A line longer than the max, or holding a byte
// outside printable ASCII (0x20–0x7E), is dropped whole and reported once.
// Memory is bounded by the max whatever arrives.
//
// A Splitter is not safe for concurrent use.
type Splitter struct {
	emit func(code string)
	drop func(Dropped)
	max  int
	buf  []byte // current line, never longer than max
	n    int    // length of the current line, including bytes not kept
	bad  bool   // current line holds a non-printable byte
}

// NewSplitter returns a Splitter that calls emit for every complete scan and
// drop (LogDropped if nil) for every rejected line. maxLen ≤ 0 means
// DefaultMaxScanLen; it is capped at MaxScanLenCap.
func NewSplitter(maxLen int, emit func(code string), drop func(Dropped)) *Splitter {
	if maxLen <= 0 {
		maxLen = DefaultMaxScanLen
	}
	maxLen = min(maxLen, MaxScanLenCap)
	if drop == nil {
		drop = LogDropped
	}
	return &Splitter{emit: emit, drop: drop, max: maxLen, buf: make([]byte, 0, min(maxLen, 512))}
}

// MaxLen is the longest scan this Splitter delivers.
func (s *Splitter) MaxLen() int { return s.max }

// Write feeds bytes in; it calls emit and drop before it returns. It never
// fails, so a Splitter can be the target of io.Copy.
func (s *Splitter) Write(p []byte) (int, error) {
	for _, c := range p {
		switch {
		case c == '\r' || c == '\n':
			s.endLine()
		case s.n >= s.max:
			s.n++ // too long already: count, don't keep
		default:
			if c < 0x20 || c > 0x7e {
				s.bad = true
			}
			s.buf = append(s.buf, c)
			s.n++
		}
	}
	return len(p), nil
}

func (s *Splitter) endLine() {
	n, bad := s.n, s.bad
	s.buf, s.n, s.bad = s.buf[:0], 0, false
	switch {
	case n == 0:
	case n > s.max:
		s.drop(Dropped{Reason: DropTooLong, Bytes: n})
	case bad:
		s.drop(Dropped{Reason: DropControl, Bytes: n})
	default:
		// The slice is re-used for the next line, so emit gets a copy.
		s.emit(string(s.buf[:n]))
	}
}

// Pending is the length of the unterminated line held so far.
func (s *Splitter) Pending() int { return s.n }

// Idle tells the Splitter the line went quiet: a scanner sends a whole code
// in one burst, so an unterminated line left over is a fragment (a scanner
// unplugged mid-code, noise) and is dropped rather than glued to the next scan.
func (s *Splitter) Idle() {
	if s.n == 0 {
		return
	}
	n, tooLong := s.n, s.n > s.max
	s.buf, s.n, s.bad = s.buf[:0], 0, false
	if tooLong {
		s.drop(Dropped{Reason: DropTooLong, Bytes: n})
		return
	}
	s.drop(Dropped{Reason: DropIncomplete, Bytes: n})
}

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
