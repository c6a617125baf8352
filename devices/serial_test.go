package devices

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
)

// harness runs a SerialScanner on path and collects what it reports.
type harness struct {
	scans  chan Scan
	status chan ScannerStatus
	drops  chan Dropped
}

func startScanner(t *testing.T, sc *SerialScanner) *harness {
	t.Helper()
	h := &harness{scans: make(chan Scan, 64), status: make(chan ScannerStatus, 64), drops: make(chan Dropped, 64)}
	if sc.Name == "" {
		sc.Name = "test"
	}
	sc.OnDrop = func(d Dropped) { h.drops <- d }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- sc.Run(ctx, func(s Scan) { h.scans <- s }, func(st ScannerStatus) { h.status <- st })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
	return h
}

func mustOpenPTY(t *testing.T) *pty.PTY {
	t.Helper()
	p, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func mustWrite(t *testing.T, p *pty.PTY, s string) {
	t.Helper()
	if _, err := p.Write([]byte(s)); err != nil {
		t.Fatalf("write pty: %v", err)
	}
}

func (h *harness) wantState(t *testing.T, want ScannerState, within time.Duration) ScannerStatus {
	t.Helper()
	select {
	case st := <-h.status:
		if st.State != want {
			t.Fatalf("status = %+v, want %v", st, want)
		}
		return st
	case <-time.After(within):
		t.Fatalf("no %v status within %v", want, within)
	}
	return ScannerStatus{}
}

func (h *harness) wantScans(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for range want {
		select {
		case s := <-h.scans:
			got = append(got, s.Code)
		case <-time.After(3 * time.Second):
			t.Fatalf("scans = %q, want %q", got, want)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("scans = %q, want %q", got, want)
	}
}

func (h *harness) wantDrop(t *testing.T, want Dropped) {
	t.Helper()
	select {
	case d := <-h.drops:
		if d != want {
			t.Fatalf("drop = %+v, want %+v", d, want)
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("no drop %+v", want)
	}
}

func (h *harness) wantQuiet(t *testing.T) {
	t.Helper()
	select {
	case s := <-h.scans:
		t.Fatalf("unexpected scan %+v", s)
	case d := <-h.drops:
		t.Fatalf("unexpected drop %+v", d)
	case st := <-h.status:
		t.Fatalf("unexpected status %+v", st)
	default:
	}
}

func TestSerialScannerFraming(t *testing.T) {
	p := mustOpenPTY(t)
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	// A long read timeout: a loaded machine must not stall a writer long
	// enough for a split scan to look like a fragment.
	h := startScanner(t, &SerialScanner{Name: "desk", Path: p.SlavePath, ReadTimeout: 500 * time.Millisecond,
		Now: func() time.Time { return now }})
	h.wantState(t, Connected, 2*time.Second)

	t.Run("split across writes", func(t *testing.T) {
		for _, part := range []string{"2000", "1234", "5678", "9\r"} {
			mustWrite(t, p, part)
			time.Sleep(5 * time.Millisecond)
		}
		select {
		case s := <-h.scans:
			if want := (Scan{Code: "2000123456789", Source: "desk", At: now}); s != want {
				t.Fatalf("scan = %+v, want %+v", s, want)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("no scan")
		}
	})
	t.Run("CR LF CRLF", func(t *testing.T) {
		mustWrite(t, p, "A1\rB2\nC3\r\nD4\r")
		time.Sleep(5 * time.Millisecond)
		mustWrite(t, p, "\nE5\n")
		h.wantScans(t, "A1", "B2", "C3", "D4", "E5")
		h.wantQuiet(t)
	})
	t.Run("garbage and empty line", func(t *testing.T) {
		mustWrite(t, p, "\x00\xff\x1b\r\r\n\nGOOD\r")
		h.wantDrop(t, Dropped{DropControl, 3})
		h.wantScans(t, "GOOD")
		h.wantQuiet(t)
	})
	t.Run("fragment dropped after quiet", func(t *testing.T) {
		mustWrite(t, p, "1234")
		h.wantDrop(t, Dropped{DropIncomplete, 4})
		mustWrite(t, p, "5678\r")
		h.wantScans(t, "5678")
	})
}

func TestSerialScannerFlood(t *testing.T) {
	p := mustOpenPTY(t)
	// A long read timeout, so a slow race-detector run is not taken for quiet mid-flood.
	h := startScanner(t, &SerialScanner{Path: p.SlavePath, ReadTimeout: time.Second})
	h.wantState(t, Connected, 2*time.Second)

	chunk := bytes.Repeat([]byte("7"), 8<<10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range (1 << 20) / len(chunk) {
		if _, err := p.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	h.wantDrop(t, Dropped{DropTooLong, 1 << 20})
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<10 {
		t.Errorf("reading a 1 MiB line allocated %d bytes", grown)
	}
	mustWrite(t, p, "NEXT\r")
	h.wantScans(t, "NEXT")
	h.wantQuiet(t)
}

func TestSerialScannerMissingThenAppears(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scanner")
	h := startScanner(t, &SerialScanner{Path: path})
	st := h.wantState(t, Missing, 2*time.Second)
	if st.Err == "" {
		t.Errorf("missing status without a reason: %+v", st)
	}
	time.Sleep(700 * time.Millisecond) // a few retries: still one report
	h.wantQuiet(t)

	p := mustOpenPTY(t)
	if err := p.Link(path); err != nil {
		t.Fatal(err)
	}
	h.wantState(t, Connected, 3*time.Second)
	mustWrite(t, p, "ABC123\r\n")
	h.wantScans(t, "ABC123")
}

func TestSerialScannerUnplugReplug(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scanner")
	p1 := mustOpenPTY(t)
	if err := p1.Link(path); err != nil {
		t.Fatal(err)
	}
	h := startScanner(t, &SerialScanner{Path: path})
	h.wantState(t, Connected, 2*time.Second)
	mustWrite(t, p1, "FIRST\r")
	h.wantScans(t, "FIRST")

	for round := range 2 {
		p1.Close() // unplug
		if st := h.wantState(t, Disconnected, 2*time.Second); st.Err == "" {
			t.Errorf("disconnected without a reason: %+v", st)
		}
		time.Sleep(time.Duration(round) * 2500 * time.Millisecond) // 2nd round: backoff at its max

		p2 := mustOpenPTY(t) // replug
		if err := p2.Link(path); err != nil {
			t.Fatal(err)
		}
		plugged := time.Now()
		h.wantState(t, Connected, 4*time.Second)
		d := time.Since(plugged)
		t.Logf("round %d: reconnected %v after replug", round, d)
		if d > 3*time.Second { // 2 s backoff cap, plus slack for a loaded machine
			t.Errorf("round %d: reconnected %v after replug, want within 2 s", round, d)
		}
		mustWrite(t, p2, "AGAIN\r")
		h.wantScans(t, "AGAIN")
		p1 = p2
	}
}

// Re-pointing the name at another device while the old one still works
// switches over, as when udev re-uses a name for another scanner.
func TestSerialScannerRepointed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scanner")
	p1 := mustOpenPTY(t)
	if err := p1.Link(path); err != nil {
		t.Fatal(err)
	}
	h := startScanner(t, &SerialScanner{Path: path})
	h.wantState(t, Connected, 2*time.Second)
	p2 := mustOpenPTY(t)
	if err := p2.Link(path); err != nil {
		t.Fatal(err)
	}
	h.wantState(t, Disconnected, 2*time.Second)
	h.wantState(t, Connected, 3*time.Second)
	mustWrite(t, p2, "NEW\r")
	h.wantScans(t, "NEW")
}

func TestSerialScannerConfigErrors(t *testing.T) {
	for _, sc := range []*SerialScanner{
		{Name: "no path"},
		{Name: "bad baud", Path: "/dev/null", Baud: 12345},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := sc.Run(ctx, func(Scan) {}, nil)
		cancel()
		if err == nil {
			t.Errorf("%s: Run = nil, want an error", sc.Name)
		}
	}
}

func TestSerialScannerLinkRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scanner")
	p := mustOpenPTY(t)
	if err := p.Link(path); err != nil {
		t.Fatal(err)
	}
	h := startScanner(t, &SerialScanner{Path: path})
	h.wantState(t, Connected, 2*time.Second)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if st := h.wantState(t, Disconnected, 2*time.Second); !strings.Contains(st.Err, "port gone") {
		t.Errorf("status = %+v, want port gone", st)
	}
	if err := p.Link(path); err != nil {
		t.Fatal(err)
	}
	h.wantState(t, Connected, 3*time.Second)
	mustWrite(t, p, "BACK\r")
	h.wantScans(t, "BACK")
}
