package devices

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
	"golang.org/x/sys/unix"
)

// benchCode is a typical library item barcode with its terminator.
var benchCode = []byte("31234000123456\r")

// minSamples makes the p99 figure stable: at least 5 samples above it.
const minSamples = 500

// measureLatency times sample once per b.Loop iteration, tops up to
// minSamples when b.N was small (-benchtime=10x), and reports the median and
// 99th percentile.
func measureLatency(b *testing.B, sample func() time.Duration) {
	var lat []time.Duration
	for b.Loop() {
		lat = append(lat, sample())
	}
	for len(lat) < minSamples { // outside the timed loop: only the percentiles use these
		lat = append(lat, sample())
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(len(lat)), "samples")
}

// BenchmarkScanLatency measures from the last byte written to the pty master
// to the scan reaching SerialScanner's callback (tarm/serial, framing, Scan).
func BenchmarkScanLatency(b *testing.B) {
	p, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	got := make(chan time.Time, 1)
	connected := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	sc := &SerialScanner{Name: "bench", Path: p.SlavePath}
	go func() {
		defer close(done)
		sc.Run(ctx, func(Scan) { got <- time.Now() }, func(st ScannerStatus) {
			if st.State == Connected {
				connected <- struct{}{}
			}
		})
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		b.Fatal("scanner did not connect")
	}

	measureLatency(b, func() time.Duration {
		written := time.Now() // before the call: the last byte goes out inside it
		if _, err := p.Write(benchCode); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-got:
			return at.Sub(written)
		case <-time.After(5 * time.Second):
			b.Fatal("no scan")
		}
		return 0
	})
}

// BenchmarkBarePTYRead is the baseline: the same bytes read straight from the
// slave opened with os.OpenFile, no framing, no tarm/serial.
func BenchmarkBarePTYRead(b *testing.B) {
	p, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	slave, err := os.OpenFile(p.SlavePath, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer slave.Close()

	buf := make([]byte, 256)
	measureLatency(b, func() time.Duration {
		written := time.Now() // before the call: the last byte goes out inside it
		if _, err := p.Write(benchCode); err != nil {
			b.Fatal(err)
		}
		for n := 0; n < len(benchCode); {
			m, err := slave.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			n += m
		}
		return time.Since(written)
	})
}
