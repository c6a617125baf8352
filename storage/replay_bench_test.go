package storage

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkReplayBatches is the journal's side of a replay of 10,000
// offline loans: each batch of 200 marked sent in one commit, then finished
// in one, as kiosk.replayPipelined does, without the network.
func BenchmarkReplayBatches(b *testing.B) {
	const n, batch = 10_000, 200
	var mark, fin, unf time.Duration
	for b.Loop() {
		b.StopTimer()
		s, _ := mustOpenStoreB(b)
		s.Now = func() time.Time { return t0 }
		fillJournal(b, s, n, func(int) TxState { return TxPending })
		b.StartTimer()
		start := time.Now()
		list, err := s.Unfinished()
		if err != nil || len(list) != n {
			b.Fatal(len(list), err)
		}
		unf += time.Since(start)
		ids := make([]string, len(list))
		for i, e := range list {
			ids[i] = e.ID
		}
		for i := 0; i < n; i += batch {
			start := time.Now()
			if err := s.MarkSentAll(ids[i : i+batch]); err != nil {
				b.Fatal(err)
			}
			mid := time.Now()
			outs := make([]Outcome, batch)
			for j := range outs {
				outs[j] = Outcome{ID: ids[i+j], State: TxDone, Due: t0.AddDate(0, 0, 21), Title: fmt.Sprintf("Boek %d", i+j)}
			}
			if err := s.FinishAll(outs); err != nil {
				b.Fatal(err)
			}
			mark, fin = mark+mid.Sub(start), fin+time.Since(mid)
		}
	}
	b.ReportMetric(float64(unf.Microseconds())/float64(b.N), "unfinished-µs/op")
	b.ReportMetric(float64(mark.Microseconds())/float64(b.N*n/batch), "mark-µs/batch")
	b.ReportMetric(float64(fin.Microseconds())/float64(b.N*n/batch), "finish-µs/batch")
}
