package kiosk_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// BenchmarkReplay replays offline loans from the journal to the demo SIP2
// server on loopback, beside a bare SIP2 client sending the same no-block
// checkouts with no storage, in the same run (target: ≥ 0.9× its rate).
// KIOSK_REPLAY_N sets how many (default 2,000; the figure is 10,000).
//
// Each side gets its own fresh demo library of the same n items, its own
// server and connection, the same card and dates, and a collected heap, so
// neither lends into a library the other has already filled.
func BenchmarkReplay(b *testing.B) {
	n := envInt("KIOSK_REPLAY_N", 2000)
	var replayRate, bareRate, replayAllocs, bareAllocs float64
	mallocs := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.Mallocs
	}
	for b.Loop() {
		b.StopTimer()
		at := kiosktest.Start(b)
		clock := kiosk.NewFakeClock(at)
		due := at.AddDate(0, 0, 21)

		lib, items := kiosktest.BigLibrary(b, n, clock.Now)
		bare := kiosktest.StartILSWith(b, lib)
		runtime.GC()
		before := mallocs()
		start := time.Now()
		for _, item := range items {
			res, err := bare.Client.Checkout(context.Background(), &sip2.CheckoutRequest{
				NoBlock: true, NBDueDate: due, TransactionDate: at,
				PatronID: kiosktest.CardAdult, ItemID: item})
			if err != nil || !res.OK {
				b.Fatalf("bare checkout: %+v %v", res, err)
			}
		}
		bareRate = float64(n) / time.Since(start).Seconds()
		bareAllocs = float64(mallocs()-before) / float64(n)
		bare.Client.Close()

		lib, items = kiosktest.BigLibrary(b, n, clock.Now)
		d := kiosktest.StartILSWith(b, lib)
		st, err := storage.Open(filepath.Join(b.TempDir(), "kiosk.db"))
		if err != nil {
			b.Fatal(err)
		}
		st.Now = clock.Now
		journal := localstore.New(st)
		for _, item := range items {
			if _, err := journal.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardAdult, Item: item, At: at, Offline: true, Due: due}); err != nil {
				b.Fatal(err)
			}
		}
		core := kiosk.New(kiosk.Options{}, d.ILS, journal, clock)
		runtime.GC()
		b.StartTimer()
		before = mallocs()
		start = time.Now()
		sent, err := core.ReplayJournal()
		took := time.Since(start)
		b.StopTimer()
		replayAllocs = float64(mallocs()-before) / float64(n)
		if err != nil || sent != n {
			b.Fatalf("replayed %d of %d: %v", sent, n, err)
		}
		replayRate = float64(n) / took.Seconds()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(replayRate, "replay-entries/s")
	b.ReportMetric(bareRate, "bare-sip2/s")
	b.ReportMetric(replayRate/bareRate, "ratio")
	// Both count the in-process server's allocations too: the difference is the kiosk's.
	b.ReportMetric(replayAllocs, "replay-allocs/entry")
	b.ReportMetric(bareAllocs, "bare-allocs/entry")
}
