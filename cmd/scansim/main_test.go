//go:build linux

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"golang.org/x/sys/unix"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-baud", "9600", "-term", "stxetx", "-prefix", `]C1`, "-suffix", `\x04`}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.delay < 1041*time.Microsecond || o.delay > 1042*time.Microsecond {
		t.Errorf("9600 baud: delay %v, want ~1.04 ms", o.delay)
	}
	if o.term != devices.TermSTXETX || o.prefix != "]C1" || o.suffix != "\x04" {
		t.Errorf("options = %+v", o)
	}
	if got := string(frame(o, "123")); got != "\x02]C1123\x04\x03" {
		t.Errorf("frame = %q", got)
	}
	o, err = parseFlags([]string{"-baud", "9600", "-delay", "3ms"}, io.Discard)
	if err != nil || o.delay != 3*time.Millisecond || o.term != devices.TermCR {
		t.Errorf("-delay overrides -baud: %+v, %v", o, err)
	}
	for _, args := range [][]string{{"-term", "etx"}, {"-baud", "-1"}, {"-delay", "-1s"}, {"extra"}, {"-prefix", `\q`}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// timedWriter records when each byte was written.
type timedWriter struct {
	data  []byte
	times []time.Time
}

func (w *timedWriter) Write(b []byte) (int, error) {
	for range b {
		w.times = append(w.times, time.Now())
	}
	w.data = append(w.data, b...)
	return len(b), nil
}

func TestSendPaced(t *testing.T) {
	var w timedWriter
	code := []byte("30790000000018\r")
	delay := 1041 * time.Microsecond
	if err := send(context.Background(), &w, code, delay); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.data, code) {
		t.Fatalf("sent %q", w.data)
	}
	took := w.times[len(w.times)-1].Sub(w.times[0])
	want := time.Duration(len(code)-1) * delay
	t.Logf("%d characters in %v (ideal %v)", len(code), took, want)
	if took < want || took > want+50*time.Millisecond {
		t.Errorf("took %v, want about %v", took, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := send(ctx, &w, code, time.Second); err == nil {
		t.Error("send did not stop when cancelled")
	}
}

// startSim runs scansim with args and waits for its -link to appear.
func startSim(t *testing.T, link string, stdin io.Reader, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-link", link}, args...), stdin, io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run = %v", err)
		}
	})
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(link); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no device link")
		}
	}
}

// Codes typed at the prompt reach a SerialScanner set up like the simulator.
func TestPromptToSerialScanner(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	stdin, typed := io.Pipe()
	defer typed.Close()
	startSim(t, link, stdin, "-baud", "9600", "-term", "stxetx", "-prefix", "]C1")

	scans := make(chan devices.Scan, 4)
	connected := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	sc := &devices.SerialScanner{Name: "sim", Path: link, Terminator: devices.TermSTXETX, Prefix: "]C1"}
	go func() {
		defer close(done)
		err := sc.Run(ctx, func(s devices.Scan) { scans <- s }, func(st devices.ScannerStatus) {
			if st.State == devices.Connected {
				connected <- struct{}{}
			}
		})
		if err != nil {
			t.Error(err)
		}
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-connected:
	case <-time.After(3 * time.Second):
		t.Fatal("scanner did not connect")
	}
	if _, err := io.WriteString(typed, "20790000000010\n  \n9789029538237\n"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"20790000000010", "9789029538237"} {
		select {
		case s := <-scans:
			if s.Code != want || s.Source != "sim" {
				t.Fatalf("scan %+v, want %s", s, want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("no scan %s", want)
		}
	}
}

// -file sends each code framed, skipping blank lines and comments.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	codes := filepath.Join(dir, "codes.txt")
	if err := os.WriteFile(codes, []byte("# demo\n20790000000010\n\n  30790000000018  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "scanner")
	// The pty holds what is sent until the reader opens the device.
	startSim(t, link, nil, "-file", codes, "-term", "crlf", "-interval", "1ms")
	f, err := os.OpenFile(link, os.O_RDONLY|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetReadDeadline(time.Now().Add(3 * time.Second)); err != nil {
		t.Fatal(err)
	}
	want := "20790000000010\r\n30790000000018\r\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(f, got); err != nil || string(got) != want {
		t.Fatalf("read %q (%v), want %q", got, err, want)
	}
}
