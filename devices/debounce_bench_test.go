package devices

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkDebounceDistinct lets 50,000 distinct codes through one
// Debouncer, all within one window (a burst of noise, or a stuck clock), and
// reports the CPU time (cpuTime) per 50,000 scans, beside the baseline: the same
// codes stored in a bare map.
func BenchmarkDebounceDistinct(b *testing.B) {
	const scans = 50000
	codes := make([]string, scans)
	for i := range codes {
		codes[i] = "3079" + strconv.Itoa(10000000000+i)
	}
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	run := func(b *testing.B, accept func(code string, t time.Time)) {
		start := cpuTime(b)
		n := 0
		for b.Loop() {
			for i, c := range codes {
				accept(c, at.Add(time.Duration(i)*time.Microsecond))
			}
			n++
		}
		b.ReportMetric(float64((cpuTime(b)-start).Milliseconds())/float64(n), "ms-cpu/50k-scans")
	}
	b.Run("Debouncer", func(b *testing.B) {
		run(b, func() func(string, time.Time) {
			var d *Debouncer
			i := 0
			return func(code string, t time.Time) {
				if i%scans == 0 {
					d = &Debouncer{} // a fresh one per round
				}
				i++
				if !d.AcceptAt("desk", code, t) {
					b.Fatalf("%s refused", code)
				}
			}
		}())
	})
	b.Run("bare-map", func(b *testing.B) {
		run(b, func() func(string, time.Time) {
			var m map[debounceKey]time.Time
			i := 0
			return func(code string, t time.Time) {
				if i%scans == 0 {
					m = map[debounceKey]time.Time{}
				}
				i++
				m[debounceKey{"desk", code}] = t
			}
		}())
	})
}
