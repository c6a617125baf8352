package storage

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReplayBatches is the journal's side of a replay of 10,000
// offline loans: each batch of 200 marked sent in one commit, then finished
// in one, as kiosk.replayPipelined does, without the network.
func BenchmarkReplayBatches(b *testing.B) {
	const n, batch = 10_000, 200
	var mark, fin, unf, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, _ := mustOpenStoreB(b)
		s.Now = func() time.Time { return t0 }
		fillJournal(b, s, n, func(int) TxState { return TxPending })
		b.StartTimer()
		cpu0 := cpuTime()
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
			if _, err := s.FinishAll(outs); err != nil {
				b.Fatal(err)
			}
			mark, fin = mark+mid.Sub(start), fin+time.Since(mid)
		}
		cpu += cpuTime() - cpu0
	}
	b.ReportMetric(float64(unf.Microseconds())/float64(b.N), "unfinished-µs/op")
	b.ReportMetric(float64(mark.Microseconds())/float64(b.N*n/batch), "mark-µs/batch")
	b.ReportMetric(float64(fin.Microseconds())/float64(b.N*n/batch), "finish-µs/batch")
	// The disk's time varies from run to run; the CPU the replay takes from
	// the SIP2 exchanges beside it is what the code decides.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
