package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/tarm/serial"
)

// Scan is one code read by a scanner.
type Scan struct {
	Code   string
	Source string // the scanner's Name
	At     time.Time
}

// ScannerState is whether a scanner can deliver scans right now.
type ScannerState int

const (
	Connected    ScannerState = iota + 1
	Disconnected              // the port failed, went away or cannot be opened
	Missing                   // the port path has not existed since Run started
)

func (s ScannerState) String() string {
	switch s {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case Missing:
		return "missing"
	}
	return fmt.Sprintf("ScannerState(%d)", int(s))
}

// ScannerStatus is reported when a scanner's state changes; Err is the
// first error of a Missing or Disconnected spell.
type ScannerStatus struct {
	Name  string
	State ScannerState
	Err   string // why, when not Connected
	At    time.Time
}

// Reconnect backoff: quick enough that a replugged scanner works again within
// 2 s, slow enough that a missing one costs nothing.
const (
	minBackoff = 200 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// hungUpReads is how many instant empty reads in a row mean the port hung up
// (Linux returns 0 bytes at once, without error, from a tty that went away).
const hungUpReads = 20

// SerialScanner reads scans from a barcode scanner on a serial port (USB-CDC,
// RS-232), surviving unplug and replug. Set the fields before Run.
type SerialScanner struct {
	Name        string
	Path        string        // e.g. /dev/ttyACM0 or a stable /dev/serial/by-id/… symlink
	Baud        int           // 0 means 9600
	ReadTimeout time.Duration // 0 means 100 ms; bounds how late Run sees ctx and unplug
	MaxLen      int           // longest scan, 0 means DefaultMaxScanLen

	// Line settings beyond the baud rate, as tarm/serial supports them on Linux.
	DataBits int    // 5–8; 0 means 8
	Parity   string // "none" (or ""), "even" or "odd"; N, E, O also do
	StopBits int    // 1 or 2; 0 means 1

	// Framing: how the scanner ends each code (TermAny: CR, LF or CRLF, the
	// default), and a prefix and suffix it is set up to add, to strip.
	Terminator Terminator
	Prefix     string
	Suffix     string

	// Now is the clock for Scan.At and ScannerStatus.At, and for WarnEvery;
	// nil means time.Now.
	Now func() time.Time
	// OnDrop is told about rejected lines; nil logs them as warnings: the
	// first of each reason at once, then at most one per WarnEvery (0 means
	// DefaultWarnEvery) with the count of those not logged.
	OnDrop    func(Dropped)
	WarnEvery time.Duration
	// Logger gets the scanner's log lines; nil means slog.Default().
	Logger *slog.Logger
}

var errPortGone = errors.New("port gone")

// Run opens the port, delivers scans to out and state changes to status (may
// be nil) until ctx is done, reopening with backoff after any failure. Both
// callbacks run on Run's goroutine and should return quickly. Run returns nil
// when ctx is done, or an error at once if the configuration cannot work.
func (s *SerialScanner) Run(ctx context.Context, out func(Scan), status func(ScannerStatus)) error {
	cfg, framing, err := s.config()
	if err != nil {
		return err
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("scanner", s.Name, "path", s.Path)
	var last ScannerState
	report := func(st ScannerState, err error) {
		if st == last {
			// Only changes are news: failed retries are logged at debug level.
			log.Debug("scanner still "+st.String(), "err", err)
			return
		}
		last = st
		next := ScannerStatus{Name: s.Name, State: st, At: now()}
		if err != nil {
			next.Err = err.Error()
		}
		if st == Connected {
			log.Info("scanner connected")
		} else {
			log.Warn("scanner "+st.String(), "err", next.Err)
		}
		if status != nil {
			status(next)
		}
	}
	drop := s.OnDrop
	quiet := func() {}
	if drop == nil {
		// 1 MiB of noise is some 8,000 dropped lines: not 8,000 log lines.
		warns := newWarnLimiter(log, s.WarnEvery, now)
		drop = func(d Dropped) { warns.warn(d.Reason.String(), "bytes", d.Bytes) }
		quiet = func() { warns.flush(false) }
		defer warns.flush(true)
	}
	split, err := NewSplitterWith(framing, func(code string) {
		out(Scan{Code: code, Source: s.Name, At: now()})
	}, drop)
	if err != nil {
		return err // config checked it already
	}

	backoff := minBackoff
	for {
		start := time.Now()
		err := s.session(ctx, cfg, split, func() { report(Connected, nil) }, quiet)
		if ctx.Err() != nil {
			return nil
		}
		if last != Connected && last != Disconnected && errors.Is(err, os.ErrNotExist) {
			report(Missing, err) // never seen since start: not plugged in
		} else {
			report(Disconnected, err)
		}
		if time.Since(start) > maxBackoff {
			backoff = minBackoff // it worked for a while: retry quickly
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// Validate reports a configuration that cannot work; Run checks it first.
func (s *SerialScanner) Validate() error {
	_, _, err := s.config()
	return err
}

func (s *SerialScanner) config() (*serial.Config, SplitterOptions, error) {
	framing := SplitterOptions{MaxLen: s.MaxLen, Terminator: s.Terminator, Prefix: s.Prefix, Suffix: s.Suffix}
	var errs []error
	if s.Path == "" {
		errs = append(errs, errors.New("no port path"))
	}
	baud := s.Baud
	if baud == 0 {
		baud = 9600
	}
	if !SupportedBaud(baud) {
		errs = append(errs, fmt.Errorf("unsupported baud rate %d", baud))
	}
	size := s.DataBits
	if size == 0 {
		size = serial.DefaultSize
	}
	if size < 5 || size > 8 {
		errs = append(errs, fmt.Errorf("data bits %d, want 5 to 8", s.DataBits))
	}
	var parity serial.Parity
	switch strings.ToLower(s.Parity) {
	case "", "n", "none":
		parity = serial.ParityNone
	case "e", "even":
		parity = serial.ParityEven
	case "o", "odd":
		parity = serial.ParityOdd
	default: // tarm/serial has no mark or space parity on Linux
		errs = append(errs, fmt.Errorf("parity %q, want none, even or odd", s.Parity))
	}
	var stop serial.StopBits
	switch s.StopBits {
	case 0, 1:
		stop = serial.Stop1
	case 2:
		stop = serial.Stop2
	default:
		errs = append(errs, fmt.Errorf("stop bits %d, want 1 or 2", s.StopBits))
	}
	if err := framing.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, framing, fmt.Errorf("scanner %q: %w", s.Name, errors.Join(errs...))
	}
	rt := s.ReadTimeout
	if rt <= 0 {
		rt = 100 * time.Millisecond
	}
	return &serial.Config{Name: s.Path, Baud: baud, ReadTimeout: rt, Size: byte(size), Parity: parity, StopBits: stop}, framing, nil
}

// RunScanners runs several scanners at once until ctx is done. Each Scan
// carries its scanner's Name as Source; out and status are called from one
// goroutine at a time, so the caller needs no lock. It checks every
// scanner's configuration first, and that no two share a Name, and then
// returns nil when ctx is done and every scanner has stopped.
func RunScanners(ctx context.Context, scanners []*SerialScanner, out func(Scan), status func(ScannerStatus)) error {
	var errs []error
	names := make(map[string]bool)
	for _, s := range scanners {
		if names[s.Name] {
			errs = append(errs, fmt.Errorf("scanner %q: name used twice: scans could not be told apart", s.Name))
		}
		names[s.Name] = true
		if err := s.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	var mu sync.Mutex
	serialOut := func(sc Scan) {
		mu.Lock()
		defer mu.Unlock()
		out(sc)
	}
	serialStatus := func(st ScannerStatus) {
		if status == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		status(st)
	}
	var wg sync.WaitGroup
	runErrs := make([]error, len(scanners))
	for i, s := range scanners {
		wg.Go(func() { runErrs[i] = s.Run(ctx, serialOut, serialStatus) })
	}
	wg.Wait()
	return errors.Join(runErrs...)
}

// session opens the port once and reads it until it fails or goes away;
// quiet runs after every read that brought nothing.
func (s *SerialScanner) session(ctx context.Context, cfg *serial.Config, split *Splitter, connected, quiet func()) error {
	// Stat first: tarm/serial hides the cause, and Missing needs ErrNotExist.
	opened, err := os.Stat(cfg.Name)
	if err != nil {
		return err
	}
	port, err := serial.OpenPort(cfg)
	if err != nil {
		return fmt.Errorf("open %s: %w", cfg.Name, err)
	}
	defer port.Close()
	connected()

	lastRead := time.Now()
	fast := 0
	return FrameReader(ctx, port, split, FrameOptions{
		EOFIsIdle: true,
		OnIdle: func(int) error {
			quiet()
			// On Linux an unplugged port reads as EOF without error, like a
			// timeout; so check that the path still names the port we opened.
			now := time.Now()
			if now.Sub(lastRead) < cfg.ReadTimeout/4 {
				fast++
			} else {
				fast = 0
			}
			lastRead = now
			fi, err := os.Stat(cfg.Name)
			switch {
			case err != nil:
				return fmt.Errorf("%w: %w", errPortGone, err)
			case !os.SameFile(opened, fi):
				return fmt.Errorf("%w: %s now names another device", errPortGone, cfg.Name)
			case fast >= hungUpReads:
				return fmt.Errorf("%w: %s hung up", errPortGone, cfg.Name)
			}
			return nil
		},
	})
}

// SupportedBaud reports whether tarm/serial can set rate b on Linux (it
// mirrors tarm's table), so a typo in the config is an error at start, not
// an endless reconnect. The receipt printer uses it too.
func SupportedBaud(b int) bool {
	switch b {
	case 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
		19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
		1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000:
		return true
	}
	return false
}
