package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
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

	// Now is the clock for Scan.At and ScannerStatus.At; nil means time.Now.
	Now func() time.Time
	// OnDrop is told about rejected lines; nil logs them with slog.
	OnDrop func(Dropped)
}

var errPortGone = errors.New("port gone")

// Run opens the port, delivers scans to out and state changes to status (may
// be nil) until ctx is done, reopening with backoff after any failure. Both
// callbacks run on Run's goroutine and should return quickly. Run returns nil
// when ctx is done, or an error at once if the configuration cannot work.
func (s *SerialScanner) Run(ctx context.Context, out func(Scan), status func(ScannerStatus)) error {
	cfg, err := s.config()
	if err != nil {
		return err
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	log := slog.With("scanner", s.Name, "path", s.Path)
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
	if drop == nil {
		drop = func(d Dropped) { log.Warn(d.Reason.String(), "bytes", d.Bytes) }
	}
	split := NewSplitter(s.MaxLen, func(code string) {
		out(Scan{Code: code, Source: s.Name, At: now()})
	}, drop)

	backoff := minBackoff
	for {
		start := time.Now()
		err := s.session(ctx, cfg, split, func() { report(Connected, nil) })
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

func (s *SerialScanner) config() (*serial.Config, error) {
	if s.Path == "" {
		return nil, fmt.Errorf("scanner %q: no port path", s.Name)
	}
	baud := s.Baud
	if baud == 0 {
		baud = 9600
	}
	if !supportedBaud(baud) {
		return nil, fmt.Errorf("scanner %q: unsupported baud rate %d", s.Name, baud)
	}
	rt := s.ReadTimeout
	if rt <= 0 {
		rt = 100 * time.Millisecond
	}
	return &serial.Config{Name: s.Path, Baud: baud, ReadTimeout: rt}, nil
}

// session opens the port once and reads it until it fails or goes away.
func (s *SerialScanner) session(ctx context.Context, cfg *serial.Config, split *Splitter, connected func()) error {
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

// supportedBaud mirrors tarm/serial's table on Linux, so a typo in the config
// is an error at start, not an endless reconnect.
func supportedBaud(b int) bool {
	switch b {
	case 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
		19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
		1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000:
		return true
	}
	return false
}
