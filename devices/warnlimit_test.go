package devices

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

// warnings returns the WARN lines and the number of drops they stand for:
// one for each that tells a drop, and the ones each says it suppressed.
func (b *logBuffer) warnings(t *testing.T) (lines []string, drops int) {
	for _, l := range b.lines() {
		if !strings.Contains(l, "level=WARN") || !strings.Contains(l, "dropped") {
			continue
		}
		lines = append(lines, l)
		if strings.Contains(l, " bytes=") { // a drop; without, only a count
			drops++
		}
		if _, n, ok := strings.Cut(l, "suppressed="); ok {
			k, err := strconv.Atoi(strings.Fields(n)[0])
			if err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			drops += k
		}
	}
	return lines, drops
}

func TestWarnLimiter(t *testing.T) {
	clock := newFakeClock()
	var buf logBuffer
	l := newWarnLimiter(slog.New(slog.NewTextHandler(&buf, nil)), 10*time.Second, clock.Now)
	for range 100 {
		l.warn("scan too long, dropped", "bytes", 200)
		l.warn("incomplete scan, dropped", "bytes", 3)
		clock.Advance(50 * time.Millisecond)
	}
	// 5 s: only the first of each kind.
	if lines, drops := buf.warnings(t); len(lines) != 2 || drops != 2 {
		t.Fatalf("after 5 s: %d lines for %d drops:\n%s", len(lines), drops, strings.Join(lines, "\n"))
	}
	l.flush(false) // not yet due
	clock.Advance(5 * time.Second)
	l.warn("scan too long, dropped", "bytes", 300) // due: logged, with the 99 before it
	lines, drops := buf.warnings(t)
	if len(lines) != 3 || !strings.Contains(lines[2], "bytes=300 suppressed=99") {
		t.Fatalf("at 10 s:\n%s", strings.Join(lines, "\n"))
	}
	clock.Advance(10 * time.Second)
	l.flush(false) // the incomplete ones are due: a count
	l.flush(true)  // nothing left
	lines, drops = buf.warnings(t)
	if len(lines) != 4 || !strings.Contains(lines[3], `msg="incomplete scan, dropped" suppressed=99`) || drops != 201 {
		t.Fatalf("after the flush, %d drops:\n%s", drops, strings.Join(lines, "\n"))
	}
	l.warn("incomplete scan, dropped", "bytes", 3) // just counted as logged by the flush
	l.flush(true)
	if lines, drops := buf.warnings(t); len(lines) != 5 || drops != 202 {
		t.Fatalf("flush(true):\n%s", strings.Join(lines, "\n"))
	}
}

// 1 MiB of random bytes on a serial scanner: thousands of dropped lines,
// a handful of warnings that count them all, and the scan after it works.
func TestSerialScannerNoiseIsLoggedBriefly(t *testing.T) {
	p := mustOpenPTY(t)
	clock := newFakeClock()
	var buf logBuffer
	scans := make(chan Scan, 8)
	sc := &SerialScanner{Name: "noise", Path: p.SlavePath, Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	connected := make(chan struct{}, 1)
	go func() {
		done <- sc.Run(ctx, func(s Scan) { scans <- s }, func(st ScannerStatus) {
			if st.State == Connected {
				connected <- struct{}{}
			}
		})
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("scanner did not connect")
	}

	noise := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	go func() { p.Write(append(noise, "\r31234000123456\r"...)) }()
	for waiting := true; waiting; { // noise may hold a short printable line or two
		select {
		case s := <-scans:
			waiting = s.Code != "31234000123456"
		case <-time.After(20 * time.Second):
			t.Fatal("no scan after the noise")
		}
	}
	clock.Advance(DefaultWarnEvery) // the line is quiet: the counts come
	deadline := time.Now().Add(3 * time.Second)
	for {
		lines, _ := buf.warnings(t)
		if n := len(lines); n > 0 && strings.Contains(lines[n-1], "suppressed=") && !strings.Contains(lines[n-1], "bytes=") || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines, drops := buf.warnings(t)
	t.Logf("%d warning lines for %d dropped lines:\n%s", len(lines), drops, strings.Join(lines, "\n"))
	if drops < 4000 {
		t.Errorf("the warnings count %d dropped lines, want thousands", drops)
	}
	// The first of each reason (3), and a count of each.
	if len(lines) > 6 {
		t.Errorf("%d warning lines, want at most 6", len(lines))
	}
}
