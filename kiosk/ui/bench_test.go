package ui

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkScanToScreen measures, on the demo library over SIP2 on loopback,
// the time from the last byte of a card written to a pty that a serial
// scanner reads to the welcome text set on its label, beside the bare SIP2
// 63 round trip of the same card in the same run. The kiosk's own overhead is
// the difference (target: p99 ≤ 5 ms).
func BenchmarkScanToScreen(b *testing.B) {
	h := newHarness(b)
	// A UI thread of our own, as fyne's event loop would be.
	uiThread := make(chan func(), 64)
	h.ui.do = func(f func()) { uiThread <- f }
	go func() {
		for f := range uiThread {
			f()
		}
	}()
	defer close(uiThread)
	rendered := make(chan kiosk.Screen, 16)
	h.ui.OnRendered = func(v kiosk.View) {
		select {
		case rendered <- v.Screen:
		default:
		}
	}
	waitScreen := func(s kiosk.Screen) {
		for {
			select {
			case got := <-rendered:
				if got == s {
					return
				}
			case <-time.After(5 * time.Second):
				b.Fatalf("screen %d never shown", s)
			}
		}
	}

	p, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	connected := make(chan struct{}, 1)
	sc := &devices.SerialScanner{Name: "bench", Path: p.SlavePath}
	go sc.Run(ctx, func(s devices.Scan) { h.core.Scan(kiosk.Scan{Code: s.Code, Source: s.Source}) },
		func(st devices.ScannerStatus) {
			if st.State == devices.Connected {
				connected <- struct{}{}
			}
		})
	<-connected
	line := []byte(kiosktest.CardAdult + "\r")

	scanOnce := func() time.Duration {
		start := time.Now()
		if _, err := p.Master.Write(line); err != nil {
			b.Fatal(err)
		}
		waitScreen(kiosk.ScreenWelcome)
		took := time.Since(start)
		h.core.Done()
		waitScreen(kiosk.ScreenNotice)
		h.core.Back()
		waitScreen(kiosk.ScreenAttract)
		// Let the session's 35 finish so it does not queue before the next 63.
		h.ils.ILS.Ping(context.Background())
		return took
	}
	roundTrip := func() time.Duration {
		start := time.Now()
		_, err := h.ils.Client.PatronInformation(context.Background(), &sip2.PatronInformationRequest{PatronID: kiosktest.CardAdult})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	scanOnce() // warm up: connection, login, first layout

	const minSamples = 200
	var scans, trips []time.Duration
	for b.Loop() {
		scans = append(scans, scanOnce())
	}
	b.StopTimer()
	for len(scans) < minSamples {
		scans = append(scans, scanOnce())
	}
	for range len(scans) {
		trips = append(trips, roundTrip())
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	b.ReportMetric(us(percentile(scans, 0.50)), "scan-p50-µs")
	b.ReportMetric(us(percentile(scans, 0.99)), "scan-p99-µs")
	b.ReportMetric(us(percentile(trips, 0.50)), "sip2-p50-µs")
	b.ReportMetric(us(percentile(trips, 0.99)), "sip2-p99-µs")
	b.ReportMetric(us(percentile(scans, 0.50)-percentile(trips, 0.50)), "overhead-p50-µs")
	b.ReportMetric(us(percentile(scans, 0.99)-percentile(trips, 0.99)), "overhead-p99-µs")
	b.ReportMetric(float64(len(scans)), "scans")
}

var _ io.Writer = (*pty.PTY)(nil)
