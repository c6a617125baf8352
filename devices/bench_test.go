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

// reportLatency reports the median and 99th percentile of the latencies.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
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

	var lat []time.Duration
	for b.Loop() {
		written := time.Now() // before the call: the last byte goes out inside it
		if _, err := p.Write(benchCode); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-got:
			lat = append(lat, at.Sub(written))
		case <-time.After(5 * time.Second):
			b.Fatal("no scan")
		}
	}
	reportLatency(b, lat)
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
	var lat []time.Duration
	for b.Loop() {
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
		lat = append(lat, time.Since(written))
	}
	reportLatency(b, lat)
}
