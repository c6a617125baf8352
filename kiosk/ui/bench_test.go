package ui

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// benchRig is a harness with a UI thread of its own (as fyne's event loop
// would be) and a serial scanner on a real pty, for measuring from the last
// byte written to the pty to what the screen shows.
type benchRig struct {
	*harness
	b       *testing.B
	scanner *pty.PTY
	views   chan kiosk.View
	// last is the View drawn last: views drops some when a burst fills it.
	last atomic.Pointer[kiosk.View]
	// renders is how long each turn of the UI thread took (read it only
	// once the UI thread is idle).
	renders []time.Duration
}

func newBenchRig(b *testing.B, items int) (*benchRig, []string) {
	return newBenchRigSetup(b, items, setup{})
}

// newBenchRigSetup is newBenchRig on s, with items more in the library.
func newBenchRigSetup(b *testing.B, items int, s setup) (*benchRig, []string) {
	var codes []string
	if items > 0 {
		s.lib = bigLibrary(b, items, &codes)
	}
	h := newHarnessSetup(b, s)
	r := &benchRig{harness: h, b: b, views: make(chan kiosk.View, 64)}
	uiThread := make(chan func(), 64)
	h.ui.do = func(f func()) { uiThread <- f }
	go func() {
		for f := range uiThread {
			start := time.Now()
			f()
			r.renders = append(r.renders, time.Since(start))
		}
	}()
	b.Cleanup(func() { close(uiThread) })
	h.ui.OnRendered = func(v kiosk.View) {
		r.last.Store(&v)
		select {
		case r.views <- v:
		default:
		}
	}
	p, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	r.scanner = p
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	connected := make(chan struct{}, 1)
	sc := &devices.SerialScanner{Name: "bench", Path: p.SlavePath}
	go sc.Run(ctx, func(s devices.Scan) { h.core.Scan(kiosk.Scan{Code: s.Code, Source: s.Source}) },
		func(st devices.ScannerStatus) {
			if st.State == devices.Connected {
				connected <- struct{}{}
			}
		})
	<-connected
	return r, codes
}

// waitView waits for a rendered View that satisfies ok.
func (r *benchRig) waitView(what string, ok func(kiosk.View) bool) {
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case v := <-r.views:
			if ok(v) {
				return
			}
		case <-tick.C: // the newest drawn, should views have dropped it
			if v := r.last.Load(); v != nil && ok(*v) {
				for len(r.views) > 0 {
					<-r.views // what came before it is stale now
				}
				return
			}
		case <-deadline:
			r.b.Fatalf("never rendered: %s", what)
		}
	}
}

// waitLent waits for item's row to show it lent; any other outcome fails.
func (r *benchRig) waitLent(item string) {
	r.waitView("the row of "+item, func(v kiosk.View) bool {
		for _, row := range v.Visit.Rows {
			if row.Item == item && row.State != kiosk.RowPending {
				if row.State != kiosk.RowOK {
					r.b.Fatalf("checkout of %s: %+v", item, row)
				}
				return true
			}
		}
		return false
	})
}

func (r *benchRig) scan(code string) {
	if _, err := r.scanner.Master.Write([]byte(code + "\r")); err != nil {
		r.b.Fatal(err)
	}
}

func screenIs(s kiosk.Screen) func(kiosk.View) bool {
	return func(v kiosk.View) bool { return v.Screen == s }
}

// endSession leaves a session for the next card, and waits for the 35.
func (r *benchRig) endSession() {
	r.core.Done()
	r.waitView("receipt or goodbye", func(v kiosk.View) bool {
		return v.Screen == kiosk.ScreenReceipt || v.Screen == kiosk.ScreenNotice
	})
	r.core.ChooseReceipt(kiosk.ReceiptNone)
	r.core.Back()
	r.waitView("attract", screenIs(kiosk.ScreenAttract))
	r.ils.ILS.Ping(context.Background())
}

// BenchmarkScanToScreen measures, on the demo library over SIP2 on loopback,
// the time from the last byte of a card written to a pty that a serial
// scanner reads to the welcome text set on its label, beside the bare SIP2
// 63 round trip of the same card in the same run. The kiosk's own overhead is
// the difference (target: p99 ≤ 5 ms).
func BenchmarkScanToScreen(b *testing.B) {
	r, _ := newBenchRig(b, 0)
	scanOnce := func() time.Duration {
		start := time.Now()
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
		took := time.Since(start)
		r.endSession()
		return took
	}
	roundTrip := func() time.Duration {
		start := time.Now()
		_, err := r.ils.Client.PatronInformation(context.Background(), &sip2.PatronInformationRequest{PatronID: kiosktest.CardAdult})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	scanOnce() // warm up: connection, login, first layout
	var scans, trips []time.Duration
	for b.Loop() {
		scans = append(scans, scanOnce())
	}
	b.StopTimer()
	for len(scans) < 200 {
		scans = append(scans, scanOnce())
	}
	for range len(scans) {
		trips = append(trips, roundTrip())
	}
	report(b, "scan", scans, "sip2", trips)
}

func report(b *testing.B, name string, got []time.Duration, base string, baseline []time.Duration) {
	b.ReportMetric(us(percentile(got, 0.50)), name+"-p50-µs")
	b.ReportMetric(us(percentile(got, 0.99)), name+"-p99-µs")
	b.ReportMetric(us(percentile(baseline, 0.50)), base+"-p50-µs")
	b.ReportMetric(us(percentile(baseline, 0.99)), base+"-p99-µs")
	b.ReportMetric(us(percentile(got, 0.50)-percentile(baseline, 0.50)), "overhead-p50-µs")
	b.ReportMetric(us(percentile(got, 0.99)-percentile(baseline, 0.99)), "overhead-p99-µs")
	b.ReportMetric(float64(len(got)), "samples")
}

// BenchmarkCheckoutScanToScreen measures an item checkout from the last byte
// of the item's barcode on the pty to its row with the due date shown, beside
// the bare SIP2 checkout (11/12) round trip in the same run (target: kiosk
// overhead p99 ≤ 5 ms). The kiosk's path also journals the transaction
// (durably, before sending); "already yours" comes from the visit's 63.
func BenchmarkCheckoutScanToScreen(b *testing.B) {
	r, items := newBenchRig(b, 2000)
	next := 0
	open := func() {
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
	}
	open()
	inSession := 0
	var firsts []bool // the visit's first item: it waits behind the loans fetch
	checkout := func() time.Duration {
		if inSession == 20 { // a real visit is short: start a new one
			r.endSession()
			open()
			inSession = 0
		}
		item := items[next]
		next++
		inSession++
		firsts = append(firsts, inSession == 1)
		start := time.Now()
		r.scan(item)
		r.waitLent(item)
		return time.Since(start)
	}
	checkout()
	firsts = firsts[:0]
	var got, trips []time.Duration
	for b.Loop() {
		got = append(got, checkout())
	}
	b.StopTimer()
	for len(got) < 200 {
		got = append(got, checkout())
	}
	for range len(got) {
		item := items[next]
		next++
		start := time.Now()
		res, err := r.ils.Client.Checkout(context.Background(), &sip2.CheckoutRequest{PatronID: kiosktest.CardSenior, ItemID: item})
		if err != nil || !res.OK {
			b.Fatalf("bare checkout: %+v %v", res, err)
		}
		trips = append(trips, time.Since(start))
	}
	report(b, "checkout", got, "sip2-11", trips)
	r.core.Sync()
	time.Sleep(50 * time.Millisecond) // the UI thread idle
	b.ReportMetric(us(percentile(r.renders, 0.50)), "draw-p50-µs")
	b.ReportMetric(us(percentile(r.renders, 0.99)), "draw-p99-µs")
	// One durable write of the same bbolt file, which the issue allows
	// beside the round trip: what is left is the kiosk's own time.
	var syncs []time.Duration
	for range len(got) {
		start := time.Now()
		if err := r.store.RecordAudit(r.clock.Now(), "bench", "0000"); err != nil {
			b.Fatal(err)
		}
		syncs = append(syncs, time.Since(start))
	}
	b.ReportMetric(us(percentile(syncs, 0.99)), "fsync-p99-µs")
	b.ReportMetric(us(percentile(got, 0.99)-percentile(trips, 0.99)-percentile(syncs, 0.99)), "beyond-trip-and-fsync-p99-µs")
	// The same without each visit's first item, which shares the one SIP2
	// connection with the visit's background fetch of the patron's loans.
	var later []time.Duration
	for i, d := range got {
		if !firsts[i] {
			later = append(later, d)
		}
	}
	b.ReportMetric(us(percentile(later, 0.99)-percentile(trips, 0.99)-percentile(syncs, 0.99)), "beyond-trip-and-fsync-p99-not-first-µs")
}

// BenchmarkTwentyItemSession runs whole visits: a card, 20 items borrowed,
// Klaar, no receipt; from the card's last byte to the 20th row shown. The
// baseline is the same ILS calls made straight through the SIP2 adapter
// (63, loans, 20 checkouts) in the same run (target: ≤ 1.2×).
func BenchmarkTwentyItemSession(b *testing.B) {
	r, items := newBenchRig(b, 4000)
	next := 0
	take := func(n int) []string {
		s := items[next : next+n]
		next += n
		return s
	}
	session := func() time.Duration {
		batch := take(20)
		start := time.Now()
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
		for _, item := range batch {
			r.scan(item)
		}
		r.waitView("20 rows", func(v kiosk.View) bool {
			done := 0
			for _, row := range v.Visit.Rows {
				if row.State == kiosk.RowOK {
					done++
				}
			}
			return done == 20
		})
		took := time.Since(start)
		r.endSession()
		return took
	}
	direct := func() time.Duration {
		batch := take(20)
		ctx := context.Background()
		at := time.Now()
		start := time.Now()
		if _, err := r.ils.ILS.PatronInfo(ctx, kiosktest.CardSenior, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := r.ils.ILS.Loans(ctx, kiosktest.CardSenior, ""); err != nil {
			b.Fatal(err)
		}
		for _, item := range batch {
			if res, err := r.ils.ILS.Checkout(ctx, kiosktest.CardSenior, "", item, at); err != nil || !res.OK {
				b.Fatalf("checkout: %+v %v", res, err)
			}
		}
		return time.Since(start)
	}
	session()
	var got, base []time.Duration
	for b.Loop() {
		got = append(got, session())
	}
	b.StopTimer()
	for range len(got) {
		base = append(base, direct())
	}
	b.ReportMetric(float64(percentile(got, 0.5).Microseconds())/1e3, "session-p50-ms")
	b.ReportMetric(float64(percentile(base, 0.5).Microseconds())/1e3, "ils-calls-p50-ms")
	b.ReportMetric(float64(percentile(got, 0.5))/float64(percentile(base, 0.5)), "ratio")
}

// BenchmarkSlowLibraryVisit runs 20-item visits against a library system
// 30 ms away (every answer held back by kiosktest.Faults), and counts the
// requests each borrowed item costs, from its scan to its row: the target is
// one round trip per item. Beside it, scan → row per item against 30 ms ×
// those round trips.
func BenchmarkSlowLibraryVisit(b *testing.B) {
	const delay = 30 * time.Millisecond
	r, items := newBenchRigSetup(b, 400, setup{faults: true})
	r.faults.SetDelay(delay)
	next := 0
	var perItem []time.Duration
	trips, borrowed := 0, 0
	visit := func() {
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
		r.waitView("the loans", func(v kiosk.View) bool { return v.Visit.LoansState == kiosk.Loaded })
		before := r.faults.Total()
		for range 20 {
			item := items[next]
			next++
			start := time.Now()
			r.scan(item)
			r.waitLent(item)
			perItem = append(perItem, time.Since(start))
		}
		trips += r.faults.Total() - before
		borrowed += 20
		r.endSession()
	}
	for b.Loop() {
		visit()
	}
	perTrip := float64(trips) / float64(borrowed)
	b.ReportMetric(perTrip, "round-trips/item")
	b.ReportMetric(float64(percentile(perItem, 0.5).Microseconds())/1e3, "scan-to-row-p50-ms")
	b.ReportMetric(float64(percentile(perItem, 0.99).Microseconds())/1e3, "scan-to-row-p99-ms")
	b.ReportMetric(perTrip*float64(delay.Milliseconds()), "trips×30ms")
}

// BenchmarkScanBurst throws 3,000 distinct item scans at a visit within
// 10 s on a real serial port (a scanner stuck in continuous mode, a child
// playing). Reported: the heap the burst leaves in use and the most it
// grew to, how long until the screen is quiet again, how long a tap then
// takes to show, and how long Run takes to stop. The baseline is issue
// 11's measurement before the rows were capped: 3.7 GB, a frozen screen.
func BenchmarkScanBurst(b *testing.B) {
	const burst = 3000
	r, items := newBenchRig(b, burst)
	for b.Loop() {
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := before.HeapInuse
		stopSampling := make(chan struct{})
		sampled := make(chan struct{})
		go func() { // the heap's high-water mark during the burst
			defer close(sampled)
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopSampling:
					return
				case <-t.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		start := time.Now()
		pace := 10 * time.Second / burst
		for i, item := range items[:burst] {
			r.scan(item)
			if wait := time.Duration(i+1)*pace - time.Since(start); wait > 0 {
				time.Sleep(wait)
			}
		}
		// Quiet: the visit is full and the last row has its answer.
		r.waitView("the full visit", func(v kiosk.View) bool {
			if !v.Visit.Full {
				return false
			}
			for _, row := range v.Visit.Rows {
				if row.State == kiosk.RowPending {
					return false
				}
			}
			return true
		})
		quiet := time.Since(start)
		close(stopSampling)
		<-sampled
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)

		tap := time.Now()
		r.core.Done()
		r.waitView("the receipt choice", screenIs(kiosk.ScreenReceipt))
		tapped := time.Since(tap)
		r.core.ChooseReceipt(kiosk.ReceiptNone)
		r.waitView("goodbye", screenIs(kiosk.ScreenNotice))

		b.ReportMetric(float64(peak-before.HeapInuse)/(1<<20), "heap-growth-peak-MiB")
		b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), "heap-after-MiB")
		b.ReportMetric(quiet.Seconds(), "burst-to-quiet-s")
		b.ReportMetric(float64(tapped.Microseconds())/1e3, "tap-after-burst-ms")
		b.ReportMetric(3.7*1024, "baseline-heap-MiB")
		r.advance(10 * time.Second)
	}
	b.StopTimer()
	// Stopping as a supervisor would, with a patron at the kiosk.
	r.scan(kiosktest.CardAdult)
	r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
	stop := time.Now()
	r.stop()
	b.ReportMetric(float64(time.Since(stop).Microseconds())/1e3, "stop-ms")
}

// BenchmarkStudyPlaceTap measures a patron's last tap on "until when" to
// the confirmation on the screen: the booking written to the bbolt file by
// compare-and-set, and the screen drawn. The budget is one 60 Hz
// frame (16.7 ms) beyond the card's 63 round trip, which comes before.
func BenchmarkStudyPlaceTap(b *testing.B) {
	r, _ := newBenchRigSetup(b, 0, setup{opts: kiosk.Options{Study: smallOLC()}})
	var got []time.Duration
	take := func() time.Duration {
		r.core.StartStudy()
		r.waitView("the card screen", screenIs(kiosk.ScreenStudyCard))
		r.scan(kiosktest.CardAdult)
		r.waitView("the zones", screenIs(kiosk.ScreenStudyZones))
		r.core.ChooseZone("", false, kiosk.FeaturePC)
		var until []time.Time
		r.waitView("until when", func(v kiosk.View) bool { until = v.Study.Until; return v.Screen == kiosk.ScreenStudyUntil })
		start := time.Now()
		r.core.ChooseUntil(until[0])
		r.waitView("the confirmation", screenIs(kiosk.ScreenStudyDone))
		took := time.Since(start)
		// Give it back for the next round.
		r.core.Done()
		r.waitView("goodbye", screenIs(kiosk.ScreenNotice))
		r.advance(10 * time.Second)
		r.core.StartStudy()
		r.waitView("the card screen", screenIs(kiosk.ScreenStudyCard))
		r.scan(kiosktest.CardAdult)
		r.waitView("the own place", func(v kiosk.View) bool { return v.Screen == kiosk.ScreenStudyZones && len(v.Study.Mine) > 0 })
		r.core.LeavePlace()
		r.waitView("left", screenIs(kiosk.ScreenNotice))
		r.advance(10 * time.Second)
		return took
	}
	for b.Loop() {
		got = append(got, take())
	}
	b.StopTimer()
	for len(got) < 30 {
		got = append(got, take())
	}
	b.ReportMetric(us(percentile(got, 0.50)), "tap-to-confirmation-p50-µs")
	b.ReportMetric(us(percentile(got, 0.99)), "tap-to-confirmation-p99-µs")
	b.ReportMetric(16667, "one-60Hz-frame-µs")
}

// BenchmarkOccupancyFollows measures a booking made elsewhere (another
// kiosk's, through the same store) to the attract screen's new count; the
// issue asks within 1 s.
func BenchmarkOccupancyFollows(b *testing.B) {
	plan := smallOLC()
	r, _ := newBenchRigSetup(b, 0, setup{opts: kiosk.Options{Study: plan}})
	desk := &kiosk.StudyDesk{Plan: plan, Store: r.seats, Now: r.clock.Now}
	var got []time.Duration
	follow := func() time.Duration {
		now := r.clock.Now()
		start := time.Now()
		bk, err := desk.Book("elsewhere", "S2", now, now.Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		r.waitView("the count after a booking", func(v kiosk.View) bool {
			return len(v.Chrome.Seats) == 1 && v.Chrome.Seats[0].Free == 1
		})
		took := time.Since(start)
		if err := desk.Leave(kiosk.SeatBooking{Seat: "S2", Booking: bk}); err != nil {
			b.Fatal(err)
		}
		r.waitView("the count after leaving", func(v kiosk.View) bool {
			return len(v.Chrome.Seats) == 1 && v.Chrome.Seats[0].Free == 2
		})
		return took
	}
	for b.Loop() {
		got = append(got, follow())
	}
	b.StopTimer()
	for len(got) < 50 {
		got = append(got, follow())
	}
	b.ReportMetric(us(percentile(got, 0.50)), "booking-to-count-p50-µs")
	b.ReportMetric(us(percentile(got, 0.99)), "booking-to-count-p99-µs")
	b.ReportMetric(1e6, "target-µs")
}

// BenchmarkPollTap measures a tap on a face to "Dank u wel" drawn: the
// answer goes to the bbolt file off the event loop, so the issue asks
// at most one 60 Hz frame.
func BenchmarkPollTap(b *testing.B) {
	poll := kiosk.Poll{ID: "b", Question: map[string]string{"nl": "Hoe ging het?"}, After: []kiosk.UsedService{kiosk.AfterCheckout}, Every: 1}
	r, items := newBenchRigSetup(b, 200, setup{opts: kiosk.Options{Polls: []kiosk.Poll{poll}}})
	r.core.SetPolls(localstore.NewPolls(r.store))
	var got []time.Duration
	next := 0
	tap := func() time.Duration {
		r.scan(kiosktest.CardAdult)
		r.waitView("welcome", screenIs(kiosk.ScreenWelcome))
		item := items[next]
		next++
		r.scan(item)
		r.waitLent(item)
		r.core.Done()
		r.waitView("the receipt choice", screenIs(kiosk.ScreenReceipt))
		r.core.ChooseReceipt(kiosk.ReceiptNone)
		r.waitView("the poll", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollFaces })
		start := time.Now()
		r.core.AnswerPoll(4)
		r.waitView("thanks", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollThanks })
		took := time.Since(start)
		r.advance(10 * time.Second)
		return took
	}
	for b.Loop() {
		got = append(got, tap())
	}
	b.StopTimer()
	for len(got) < 30 {
		got = append(got, tap())
	}
	b.ReportMetric(us(percentile(got, 0.50)), "tap-to-thanks-p50-µs")
	b.ReportMetric(us(percentile(got, 0.99)), "tap-to-thanks-p99-µs")
	b.ReportMetric(16667, "one-60Hz-frame-µs")
}
