package devices

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestDebouncer(t *testing.T) {
	clock := newFakeClock()
	d := &Debouncer{Now: clock.Now}
	steps := []struct {
		after  time.Duration
		source string
		code   string
		want   bool
	}{
		{0, "desk", "30790000000018", true},
		{100 * time.Millisecond, "desk", "30790000000018", false},  // held in front of the scanner
		{0, "door", "30790000000018", true},                        // another scanner: counts
		{0, "desk", "30790000000026", true},                        // another code: counts
		{1300 * time.Millisecond, "desk", "30790000000018", false}, // 1.4 s after the first
		{99 * time.Millisecond, "desk", "30790000000018", false},   // 1.499 s
		{time.Millisecond, "desk", "30790000000018", true},         // 1.5 s: a new read
		{time.Millisecond, "desk", "30790000000018", false},        // window starts again
		{0, "desk", "30790000000026", false},                       // 1.4 s after its first read
	}
	for i, s := range steps {
		clock.Advance(s.after)
		if got := d.Accept(s.source, s.code); got != s.want {
			t.Fatalf("step %d: Accept(%s, %s) = %v, want %v", i, s.source, s.code, got, s.want)
		}
	}
	d.Reset()
	if !d.AcceptScan(Scan{Source: "desk", Code: "30790000000018"}) {
		t.Fatal("after Reset: not accepted")
	}
}

func TestDebouncerWindow(t *testing.T) {
	clock := newFakeClock()
	d := &Debouncer{Now: clock.Now, Window: 200 * time.Millisecond}
	if !d.Accept("s", "A") || d.Accept("s", "A") {
		t.Fatal("first read should count, the repeat not")
	}
	clock.Advance(200 * time.Millisecond)
	if !d.Accept("s", "A") {
		t.Fatal("after the window: not accepted")
	}
	clock.Advance(-time.Second) // the clock stepped back: don't block for ever
	if !d.Accept("s", "A") {
		t.Fatal("after a clock step back: not accepted")
	}
	off := &Debouncer{Window: -1}
	if !off.Accept("s", "A") || !off.Accept("s", "A") {
		t.Fatal("negative window should let every read through")
	}
}

// Thousands of distinct codes over time do not pile up.
func TestDebouncerBounded(t *testing.T) {
	clock := newFakeClock()
	d := &Debouncer{Now: clock.Now}
	for i := range 10000 {
		clock.Advance(100 * time.Millisecond)
		d.Accept("desk", fmt.Sprint(i))
	}
	if n := len(d.seen); n > 32 {
		t.Fatalf("debouncer holds %d codes", n)
	}
}

func TestDebouncerConcurrent(t *testing.T) {
	d := &Debouncer{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for range 8 {
		wg.Go(func() {
			if d.Accept("desk", "X") {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if accepted != 1 {
		t.Fatalf("%d goroutines got the same read through", accepted)
	}
}

// Forgetting a code's old read keeps the read that let it through again.
func TestDebouncerForgetsOnlyStaleReads(t *testing.T) {
	clock := newFakeClock()
	d := &Debouncer{Now: clock.Now, Window: time.Second}
	steps := []struct {
		after time.Duration
		code  string
		want  bool
	}{
		{0, "A", true},
		{time.Second, "A", true}, // a new window from here
		{500 * time.Millisecond, "B", true},
		{100 * time.Millisecond, "A", false}, // 0.6 s after its second read
		{400 * time.Millisecond, "A", true},
	}
	for i, s := range steps {
		clock.Advance(s.after)
		if got := d.Accept("desk", s.code); got != s.want {
			t.Fatalf("step %d: Accept(%s) = %v, want %v", i, s.code, got, s.want)
		}
	}
}

// A burst of distinct codes within one window all count, and a repeat of
// any of them does not; a scan that waited is judged by when it was read.
func TestDebouncerBurst(t *testing.T) {
	at := newFakeClock().Now()
	d := &Debouncer{}
	for i := range 5000 {
		if !d.AcceptAt("desk", fmt.Sprint(i), at) {
			t.Fatalf("code %d refused", i)
		}
	}
	for _, i := range []int{0, 2500, 4999} {
		if d.AcceptAt("desk", fmt.Sprint(i), at.Add(time.Second)) {
			t.Fatalf("repeat of %d accepted", i)
		}
	}
	if d.AcceptScan(Scan{Source: "desk", Code: "1", At: at.Add(DefaultDebounce - time.Millisecond)}) {
		t.Fatal("a read that waited, from within the window, accepted")
	}
	if !d.AcceptScan(Scan{Source: "desk", Code: "0", At: at.Add(DefaultDebounce)}) {
		t.Fatal("a read a window later refused")
	}
	if n := len(d.seen); n > 5000 {
		t.Fatalf("debouncer holds %d codes", n)
	}
}
