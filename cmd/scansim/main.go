//go:build linux

// Command scansim plays a serial barcode scanner on a pseudo-terminal, so
// the kiosk can be tried and tested without hardware. It prints the device
// path to put in the kiosk's config (or makes a stable symlink with -link),
// then sends every barcode typed at its prompt, or read from -file, framed
// as a scanner would, optionally at the pace of a real serial line.
//
//	scansim -link /tmp/scanner -baud 9600 -term crlf
//	scansim -file codes.txt -term stxetx -prefix ']C1'
//
// Closing it (Ctrl-D, Ctrl-C) is what unplugging a scanner looks like.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "scansim:", err)
		os.Exit(2)
	}
}

// options are scansim's flags.
type options struct {
	link     string
	file     string
	term     devices.Terminator
	prefix   string
	suffix   string
	delay    time.Duration // per character
	interval time.Duration // between codes from -file
	hold     bool
	quiet    bool
}

// bitsPerChar is a start bit, 8 data bits and a stop bit (8N1).
const bitsPerChar = 10

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("scansim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scansim [flags]\n\nPlays a serial barcode scanner on a pseudo-terminal: sends codes typed at the prompt or read from -file.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.link, "link", "", "also make a symlink `PATH` to the device (a stable path for the config)")
	fs.StringVar(&o.file, "file", "", "send the codes in `FILE`, one a line (# comments), instead of reading the prompt")
	term := fs.String("term", "cr", "terminator: cr, lf, crlf, tab or stxetx")
	prefix := fs.String("prefix", "", "send this before each code (Go escapes allowed: \\x02)")
	suffix := fs.String("suffix", "", "send this after each code, before the terminator")
	baud := fs.Int("baud", 0, "pace characters like a serial line at this baud rate (9600: ~1.04 ms a character); 0 sends each code at once")
	fs.DurationVar(&o.delay, "delay", 0, "delay per character; overrides -baud")
	fs.DurationVar(&o.interval, "interval", 500*time.Millisecond, "pause between codes from -file")
	fs.BoolVar(&o.hold, "hold", true, "after -file, keep the device open until interrupted (closing it looks like an unplug)")
	fs.BoolVar(&o.quiet, "q", false, "print only the device path")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.term, err = devices.ParseTerminator(*term); err != nil {
		return o, err
	}
	if o.term == devices.TermAny {
		o.term = devices.TermCR
	}
	if o.prefix, err = unescape(*prefix); err != nil {
		return o, fmt.Errorf("-prefix: %w", err)
	}
	if o.suffix, err = unescape(*suffix); err != nil {
		return o, fmt.Errorf("-suffix: %w", err)
	}
	switch {
	case *baud < 0:
		return o, fmt.Errorf("-baud %d: want a positive rate", *baud)
	case o.delay < 0:
		return o, fmt.Errorf("-delay %v: want a positive duration", o.delay)
	case o.delay == 0 && *baud > 0:
		o.delay = time.Duration(bitsPerChar * float64(time.Second) / float64(*baud))
	}
	return o, nil
}

// unescape reads Go escapes (\x02, \r, \t) in a flag value.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	return strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	p, err := pty.Open()
	if err != nil {
		return err
	}
	defer p.Close()
	if o.link != "" {
		if err := p.Link(o.link); err != nil {
			return err
		}
	}
	if o.quiet {
		fmt.Fprintln(stdout, p.SlavePath)
	} else {
		fmt.Fprintf(stdout, "scanner device: %s\n", p.SlavePath)
		if o.link != "" {
			fmt.Fprintf(stdout, "linked as:      %s\n", o.link)
		}
		fmt.Fprintf(stdout, "in the config:  path = %q, terminator = %q\n", or(o.link, p.SlavePath), o.term)
	}
	if o.file != "" {
		if err := sendFile(ctx, p, o, stdout); err != nil {
			return err
		}
		if o.hold {
			<-ctx.Done()
		}
		return nil
	}
	return prompt(ctx, p, o, stdin, stdout)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sendFile sends every code in o.file, o.interval apart.
func sendFile(ctx context.Context, w io.Writer, o options, stdout io.Writer) error {
	f, err := os.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		code := strings.TrimSpace(sc.Text())
		if code == "" || strings.HasPrefix(code, "#") {
			continue
		}
		if !first && !sleep(ctx, o.interval) {
			return nil
		}
		first = false
		if err := send(ctx, w, frame(o, code), o.delay); err != nil {
			return err
		}
		if !o.quiet {
			fmt.Fprintf(stdout, "sent %s\n", code)
		}
	}
	return sc.Err()
}

// prompt sends every line typed until EOF or ctx is done.
func prompt(ctx context.Context, w io.Writer, o options, stdin io.Reader, stdout io.Writer) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		if !o.quiet {
			fmt.Fprint(stdout, "scan> ")
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			if code := strings.TrimSpace(line); code != "" {
				if err := send(ctx, w, frame(o, code), o.delay); err != nil {
					return err
				}
			}
		}
	}
}

// frame is code as the scanner sends it: prefix, code, suffix, terminator.
func frame(o options, code string) []byte {
	return o.term.AppendFrame(nil, o.prefix+code+o.suffix)
}

// send writes b, one byte every delay (at once if delay is 0), keeping to
// the schedule rather than adding up sleep overshoot.
func send(ctx context.Context, w io.Writer, b []byte, delay time.Duration) error {
	if delay <= 0 {
		_, err := w.Write(b)
		return err
	}
	start := time.Now()
	for i := range b {
		if i > 0 && !sleep(ctx, time.Until(start.Add(time.Duration(i)*delay))) {
			return ctx.Err()
		}
		if _, err := w.Write(b[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

// sleep waits d, or until ctx is done (false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
