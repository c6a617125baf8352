package escpos

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
)

// fakePrinter plays an ESC/POS printer on the master side of a pty: it
// answers DLE EOT queries as its state says and keeps the other bytes as
// printed.
type fakePrinter struct {
	pty *pty.PTY

	mu      sync.Mutex
	state   Status
	silent  bool // answers nothing
	noisy   bool // sends XOFF and XON before each reply
	stall   bool // stops reading once it has answered the paper query
	queries []byte
	printed []byte
}

func startFake(t *testing.T, state Status) *fakePrinter {
	t.Helper()
	p, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	// Hold the slave open, so the pty does not hang up each time the
	// Printer closes it; the fake never reads it.
	hold, err := os.OpenFile(p.SlavePath, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	fp := &fakePrinter{pty: p, state: state}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fp.run()
	}()
	t.Cleanup(func() {
		p.Close()
		<-done
		hold.Close()
	})
	return fp
}

func (fp *fakePrinter) run() {
	buf := make([]byte, 4096)
	var pending []byte // a query split across reads
	for {
		n, err := fp.pty.Master.Read(buf)
		if err != nil {
			return // closed: unplugged or the test is over
		}
		pending = append(pending, buf[:n]...)
		for len(pending) > 0 {
			i := bytes.IndexByte(pending, dle)
			if i < 0 {
				fp.print(pending)
				pending = pending[:0]
				break
			}
			fp.print(pending[:i])
			if len(pending) < i+3 {
				pending = pending[i:]
				break
			}
			if pending[i+1] != eot {
				fp.print(pending[i : i+2]) // not a real-time request
				pending = pending[i+2:]
				continue
			}
			fp.answer(pending[i+2])
			pending = pending[i+3:]
		}
		fp.mu.Lock()
		stall := fp.stall && slices.Contains(fp.queries, queryPaper)
		fp.mu.Unlock()
		if stall {
			return
		}
	}
}

func (fp *fakePrinter) print(b []byte) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.printed = append(fp.printed, b...)
}

func (fp *fakePrinter) answer(n byte) {
	fp.mu.Lock()
	fp.queries = append(fp.queries, n)
	silent, noisy, st := fp.silent, fp.noisy, fp.state
	fp.mu.Unlock()
	if silent {
		return
	}
	var out []byte
	if noisy {
		out = append(out, xoff, xon)
	}
	fp.pty.Write(append(out, reply(n, st)))
}

func (fp *fakePrinter) set(f func(*fakePrinter)) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	f(fp)
}

// took returns the queries and the printed bytes, waiting up to 3 s for
// at least want bytes to arrive.
func (fp *fakePrinter) took(want int) (queries, printed []byte) {
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		fp.mu.Lock()
		queries, printed = slices.Clone(fp.queries), slices.Clone(fp.printed)
		fp.mu.Unlock()
		if len(printed) >= want || time.Now().After(end) {
			return queries, printed
		}
	}
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPrinterPrints(t *testing.T) {
	for _, tc := range []struct {
		paper  int
		golden string
	}{{58, "receipt-58mm.bin"}, {80, "receipt-80mm.bin"}, {0, "receipt-80mm.bin"}} {
		fp := startFake(t, Status{})
		p := &Printer{Path: fp.pty.SlavePath, PaperWidth: tc.paper}
		if err := p.Print(t.Context(), loanReceipt); err != nil {
			t.Fatalf("%d mm: Print = %v", tc.paper, err)
		}
		want := readGolden(t, tc.golden)
		queries, printed := fp.took(len(want))
		if !bytes.Equal(printed, want) {
			t.Errorf("%d mm: printed\n%q\nwant %s\n%q", tc.paper, printed, tc.golden, want)
		}
		if !bytes.Equal(queries, []byte{queryPrinter, queryPaper}) {
			t.Errorf("%d mm: queries %v, want [1 4]", tc.paper, queries)
		}
	}
}

func TestPrinterStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fake    func(*fakePrinter)
		want    Status
		errIs   error // from Status
		printIs error // from Print
	}{
		{name: "online", fake: func(*fakePrinter) {}, want: Status{}},
		{name: "online, noisy line", fake: func(fp *fakePrinter) { fp.noisy = true }, want: Status{}},
		{name: "paper near end", fake: func(fp *fakePrinter) { fp.state.PaperNearEnd = true }, want: Status{PaperNearEnd: true}},
		{name: "offline", fake: func(fp *fakePrinter) { fp.state.Offline = true }, want: Status{Offline: true}, printIs: ErrOffline},
		{name: "paper end", fake: func(fp *fakePrinter) { fp.state = Status{Offline: true, PaperEnd: true} },
			want: Status{Offline: true, PaperEnd: true}, printIs: ErrNoPaper},
		{name: "no answer", fake: func(fp *fakePrinter) { fp.silent = true }, want: Status{Offline: true}, errIs: ErrOffline, printIs: ErrOffline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fp := startFake(t, Status{})
			fp.set(tc.fake)
			p := &Printer{Path: fp.pty.SlavePath, PaperWidth: 58}
			if tc.errIs != nil {
				p.Timeout = 200 * time.Millisecond
			}
			start := time.Now()
			st, err := p.Status(t.Context())
			if !errors.Is(err, tc.errIs) || (tc.errIs == nil) != (err == nil) {
				t.Errorf("Status err = %v, want %v", err, tc.errIs)
			}
			if st != tc.want {
				t.Errorf("Status = %+v, want %+v", st, tc.want)
			}
			if tc.errIs != nil {
				if d := time.Since(start); d < p.Timeout || d > 2*time.Second {
					t.Errorf("Status took %v with a timeout of %v", d, p.Timeout)
				}
			}

			err = p.Print(t.Context(), loanReceipt)
			if !errors.Is(err, tc.printIs) || (tc.printIs == nil) != (err == nil) {
				t.Fatalf("Print = %v, want %v", err, tc.printIs)
			}
			if tc.printIs == ErrOffline && errors.Is(err, ErrNoPaper) || tc.printIs == ErrNoPaper && errors.Is(err, ErrOffline) {
				t.Errorf("Print = %v: both offline and out of paper", err)
			}
			want := readGolden(t, "receipt-58mm.bin")
			if err != nil {
				want = nil
			}
			_, printed := fp.took(len(want))
			if err != nil {
				time.Sleep(50 * time.Millisecond) // anything sent by mistake arrives
				_, printed = fp.took(0)
			}
			if !bytes.Equal(printed, want) {
				t.Errorf("printed %q, want %q", printed, want)
			}
		})
	}
}

func TestPrinterUnplugReplug(t *testing.T) {
	path := filepath.Join(t.TempDir(), "printer")
	fp := startFake(t, Status{})
	if err := fp.pty.Link(path); err != nil {
		t.Fatal(err)
	}
	p := &Printer{Path: path, PaperWidth: 80}
	if err := p.Print(t.Context(), loanReceipt); err != nil {
		t.Fatalf("Print = %v", err)
	}

	fp.pty.Close() // unplug
	st, err := p.Status(t.Context())
	if !errors.Is(err, ErrOffline) || !errors.Is(err, os.ErrNotExist) || !st.Offline {
		t.Errorf("unplugged: Status = %+v, %v; want offline, not exist", st, err)
	}
	if err := p.Print(t.Context(), loanReceipt); !errors.Is(err, ErrOffline) {
		t.Errorf("unplugged: Print = %v, want ErrOffline", err)
	}

	fp2 := startFake(t, Status{}) // replug
	if err := fp2.pty.Link(path); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(t.Context(), loanReceipt); err != nil {
		t.Fatalf("replugged: Print = %v", err)
	}
	want := readGolden(t, "receipt-80mm.bin")
	if _, printed := fp2.took(len(want)); !bytes.Equal(printed, want) {
		t.Errorf("replugged: printed %q", printed)
	}
}

// Two prints at once come out one after the other, not mixed.
func TestPrinterConcurrentPrints(t *testing.T) {
	fp := startFake(t, Status{})
	p := &Printer{Path: fp.pty.SlavePath, PaperWidth: 58}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = p.Print(t.Context(), loanReceipt) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat(readGolden(t, "receipt-58mm.bin"), len(errs))
	if _, printed := fp.took(len(want)); !bytes.Equal(printed, want) {
		t.Errorf("printed %d bytes, not %d receipts one after the other", len(printed), len(errs))
	}
}

func TestPrinterCancel(t *testing.T) {
	fp := startFake(t, Status{})
	fp.set(func(fp *fakePrinter) { fp.silent = true })
	p := &Printer{Path: fp.pty.SlavePath, Timeout: 20 * time.Second}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := p.Status(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOffline) {
		t.Errorf("Status = %v, want canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Status returned %v after cancel", d)
	}
	if err := p.Print(ctx, loanReceipt); !errors.Is(err, context.Canceled) {
		t.Errorf("Print after cancel = %v", err)
	}
}

// A printer that stops taking data fails the print within WriteTimeout.
func TestPrinterStalls(t *testing.T) {
	fp := startFake(t, Status{})
	fp.set(func(fp *fakePrinter) { fp.stall = true })
	long := Receipt{Title: "Lang"}
	for range 5000 {
		long.Lines = append(long.Lines, Line{Left: strings.Repeat("lang ", 9), Right: "22-03-2025"})
	}
	p := &Printer{Path: fp.pty.SlavePath, WriteTimeout: 300 * time.Millisecond}
	start := time.Now()
	err := p.Print(t.Context(), long)
	if !errors.Is(err, ErrOffline) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Print = %v, want offline by deadline", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Print returned after %v", d)
	}
}

func TestPrinterConfig(t *testing.T) {
	for _, p := range []*Printer{
		{},
		{Path: "/dev/ttyUSB0", Baud: 12345},
		{Path: "/dev/ttyUSB0", PaperWidth: 76},
		{Path: "/dev/ttyUSB0", Timeout: -time.Second},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%+v: Validate = nil", p)
		}
		if err := p.Print(t.Context(), loanReceipt); err == nil || errors.Is(err, ErrOffline) {
			t.Errorf("%+v: Print = %v, want a configuration error", p, err)
		}
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "none"), os.DevNull} {
		p := &Printer{Path: path}
		if st, err := p.Status(t.Context()); !errors.Is(err, ErrOffline) || !st.Offline {
			t.Errorf("%s: Status = %+v, %v; want offline", path, st, err)
		}
	}
}
