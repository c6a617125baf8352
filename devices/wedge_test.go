package devices

import (
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// key is one key press for a WedgeDetector test: a rune, Enter ('\n'),
// another key ('\t'), or a Flush (0); after is the gap since the previous key.
type key struct {
	r     rune
	after time.Duration
}

// typed is text typed with the same gap before every key; "\n" is Enter.
func typed(text string, gap time.Duration) []key {
	var ks []key
	for _, r := range text {
		ks = append(ks, key{r, gap})
	}
	return ks
}

func keys(parts ...[]key) []key {
	var all []key
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// wedgeLog is what a WedgeDetector handed back, in order.
type wedgeLog struct {
	scans []string
	human string // human keys, "\n" for a human Enter
	drops []Dropped
}

func runWedge(w *WedgeDetector, ks []key) wedgeLog {
	var log wedgeLog
	w.OnDrop = func(d Dropped) { log.drops = append(log.drops, d) }
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, k := range ks {
		at = at.Add(k.after)
		var ev WedgeEvent
		switch k.r {
		case '\n':
			ev = w.Enter(at)
		case '\t':
			ev = w.OtherKey()
		case 0:
			ev = w.Flush(at)
		default:
			ev = w.Rune(k.r, at)
		}
		if ev.Scan.Code != "" {
			if ev.Human != nil || ev.Enter {
				panic("scan and human keys in one event")
			}
			log.scans = append(log.scans, ev.Scan.Code)
		}
		log.human += string(ev.Human)
		if ev.Enter {
			log.human += "\n"
		}
	}
	return log
}

const ms = time.Millisecond

var wedgeCases = []struct {
	name string
	keys []key
	want wedgeLog
}{
	{"scanner", typed("30790000000018\n", 4*ms), wedgeLog{scans: []string{"30790000000018"}}},
	{"scanner at the threshold", typed("ABCD\n", 30*ms), wedgeLog{scans: []string{"ABCD"}}},
	{"scanner, all in one instant", typed("ABCD\n", 0), wedgeLog{scans: []string{"ABCD"}}},
	{"person typing", typed("1234\n", 150*ms), wedgeLog{human: "1234\n"}},
	{"person just too slow", typed("ABCD\n", 31*ms), wedgeLog{human: "ABCD\n"}},
	{"short fast burst is a person", typed("12\n", 5*ms), wedgeLog{human: "12\n"}},
	{"Enter alone", typed("\n", 0), wedgeLog{human: "\n"}},
	{"slow Enter after a fast code", keys(typed("ABCDEF", 5*ms), []key{{'\n', 200 * ms}}),
		wedgeLog{human: "\n", drops: []Dropped{{DropIncomplete, 6}}}},
	{"one slow key inside a code", keys(typed("ABC", 5*ms), []key{{'D', 100 * ms}}, typed("EF\n", 5*ms)),
		wedgeLog{human: "ABCDEF\n"}}, // two short bursts: a person
	{"stale partial then a scan", keys(typed("3079", 5*ms), []key{{'3', 500 * ms}}, typed("0790000000018\n", 5*ms)),
		wedgeLog{scans: []string{"30790000000018"}, drops: []Dropped{{DropIncomplete, 4}}}},
	{"person types, then scans", keys(typed("12", 200*ms), []key{{'2', 300 * ms}}, typed("0790000000010\n", 3*ms)),
		wedgeLog{human: "12", scans: []string{"20790000000010"}}},
	{"two scans in a row", keys(typed("ABCD\n", 3*ms), typed("WXYZ\n", 3*ms)), wedgeLog{scans: []string{"ABCD", "WXYZ"}}},
	{"flush releases a person's key", []key{{'7', 0}, {0, 10 * ms}, {0, 20 * ms}, {'8', 100 * ms}, {0, 40 * ms}},
		wedgeLog{human: "78"}},
	{"flush drops a scanner's partial", keys(typed("ABCDE", 2*ms), []key{{0, 30 * ms}}),
		wedgeLog{drops: []Dropped{{DropIncomplete, 5}}}},
	{"other key ends a burst", keys(typed("ab", 5*ms), []key{{'\t', 5 * ms}}, typed("c\n", 5*ms)), wedgeLog{human: "abc\n"}},
	{"wrong keyboard layout", typed("30é90000000018\n", 3*ms), wedgeLog{drops: []Dropped{{DropControl, 14}}}},
	{"too long", typed(strings.Repeat("9", 129)+"\n", 1*ms), wedgeLog{drops: []Dropped{{DropTooLong, 129}}}},
	{"exactly max", typed(strings.Repeat("9", 128)+"\n", 1*ms), wedgeLog{scans: []string{strings.Repeat("9", 128)}}},
}

func TestWedgeDetector(t *testing.T) {
	for _, tc := range wedgeCases {
		t.Run(tc.name, func(t *testing.T) {
			got := runWedge(&WedgeDetector{}, tc.keys)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestWedgeDetectorScan(t *testing.T) {
	w := &WedgeDetector{Source: "hid", MaxGap: 10 * ms, MinLen: 2, MaxLen: 5}
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	w.Rune('4', at)
	if d, ok := w.Deadline(); !ok || !d.Equal(at.Add(10*ms)) || w.Pending() != 1 {
		t.Fatalf("Deadline = %v %v, pending %d", d, ok, w.Pending())
	}
	if ev := w.Flush(at.Add(9 * ms)); !reflect.DeepEqual(ev, WedgeEvent{}) {
		t.Fatalf("Flush before the deadline = %+v", ev)
	}
	w.Rune('2', at.Add(9*ms))
	ev := w.Enter(at.Add(19 * ms))
	if want := (Scan{Code: "42", Source: "hid", At: at.Add(19 * ms)}); ev.Scan != want {
		t.Fatalf("scan = %+v, want %+v", ev.Scan, want)
	}
	if _, ok := w.Deadline(); ok || w.Pending() != 0 {
		t.Fatal("keys still held after a scan")
	}
	if got := runWedge(w, typed("123456\n", ms)); !reflect.DeepEqual(got.drops, []Dropped{{DropTooLong, 6}}) {
		t.Fatalf("over MaxLen: %+v", got)
	}
	var d WedgeDetector
	if ev := d.Rune('x', at); ev.Scan.Code != "" || d.Enter(at).Scan.Source != "" {
		t.Fatal("short scan")
	}
	for _, r := range "ABCD" {
		d.Rune(r, at)
	}
	if ev := d.Enter(at); ev.Scan.Source != "keyboard" {
		t.Fatalf("default source = %q", ev.Scan.Source)
	}
}

// Human keys handed back are not overwritten by later keys.
func TestWedgeDetectorHumanKeysStay(t *testing.T) {
	var w WedgeDetector
	at := time.Now()
	w.Rune('a', at)
	ev := w.Rune('b', at.Add(time.Second))
	w.Rune('c', at.Add(time.Second+ms))
	w.Rune('d', at.Add(time.Second+2*ms))
	if string(ev.Human) != "a" {
		t.Fatalf("human keys = %q, want a", string(ev.Human))
	}
}

// Every rune fed comes out exactly once: in a scan, as a human key, or
// counted in a drop.
func FuzzWedgeDetector(f *testing.F) {
	for _, tc := range wedgeCases {
		var text []rune
		var gaps []byte
		for _, k := range tc.keys {
			text = append(text, k.r)
			gaps = append(gaps, byte(min(k.after/ms, 255)))
		}
		f.Add(string(text), gaps)
	}
	f.Fuzz(func(t *testing.T, text string, gaps []byte) {
		var ks []key
		fed := 0
		for i, r := range []rune(text) {
			var gap time.Duration
			if i < len(gaps) {
				gap = time.Duration(gaps[i]) * ms
			}
			ks = append(ks, key{r, gap})
			if r != '\n' && r != '\t' && r != 0 {
				fed++
			}
		}
		ks = append(ks, key{0, time.Hour}) // flush whatever is left
		w := &WedgeDetector{}
		got := runWedge(w, ks)
		out := len([]rune(strings.ReplaceAll(got.human, "\n", "")))
		for _, s := range got.scans {
			if len(s) < DefaultWedgeMinLen || len(s) > DefaultMaxScanLen {
				t.Fatalf("scan %q of bad length", s)
			}
			out += len([]rune(s))
		}
		for _, d := range got.drops {
			out += d.Bytes
		}
		if out != fed || w.Pending() != 0 {
			t.Fatalf("fed %d runes, %d came out, %d pending: %+v", fed, out, w.Pending(), got)
		}
	})
}

func BenchmarkWedgeDetector(b *testing.B) {
	var w WedgeDetector
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range "30790000000018" {
			at = at.Add(ms)
			w.Rune(r, at)
		}
		if ev := w.Enter(at.Add(ms)); ev.Scan.Code == "" {
			b.Fatal("no scan")
		}
	}
}

// A keyboard flooded with junk (a scanner in the wrong mode, a cat on the
// keys) logs a few warnings that count the rest, not one per burst; a good
// scan afterwards logs what was held back.
func TestWedgeNoiseIsLoggedBriefly(t *testing.T) {
	var logs logBuffer
	w := &WedgeDetector{MaxLen: 16, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	at := time.Date(2027, 3, 28, 10, 30, 0, 0, time.UTC)
	const bursts = 1000
	for range bursts { // twenty keys in a row, each burst too long
		for range 20 {
			w.Rune('x', at)
			at = at.Add(time.Millisecond)
		}
		w.Enter(at)
		at = at.Add(100 * time.Millisecond) // 100 s of noise in all
	}
	for _, r := range "20790000000010" {
		w.Rune(r, at)
		at = at.Add(time.Millisecond)
	}
	if ev := w.Enter(at); ev.Scan.Code != "20790000000010" {
		t.Fatalf("the good scan after the noise: %+v", ev)
	}
	lines := logs.lines()
	logged := 0
	for _, l := range lines {
		if strings.Contains(l, "bytes=") { // a burst of its own; a flush only counts
			logged++
		}
		if i := strings.Index(l, "suppressed="); i >= 0 {
			n, _ := strconv.Atoi(strings.Fields(l[i+len("suppressed="):])[0])
			logged += n
		}
	}
	if len(lines) > 6 || logged != bursts {
		t.Errorf("%d lines counting %d bursts, want a few lines counting all %d:\n%s", len(lines), logged, bursts, strings.Join(lines, "\n"))
	}
}
