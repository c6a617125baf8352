package storage

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fillUntilFull begins entries with a bulky title until Begin fails, and
// returns the items that made it and the error.
func fillUntilFull(t *testing.T, s *Store) ([]string, error) {
	t.Helper()
	title := strings.Repeat("x", 1500)
	var items []string
	for i := range 100_000 {
		item := fmt.Sprintf("item%06d", i)
		if _, err := s.Begin(Entry{Kind: TxCheckout, Patron: "1234", Item: item, Title: title}); err != nil {
			return items, err
		}
		items = append(items, item)
	}
	t.Fatal("the disk never filled up")
	return nil, nil
}

// checkIntact asserts that exactly the given items are in the journal and the
// file is consistent.
func checkIntact(t *testing.T, s *Store, items []string) {
	t.Helper()
	checkDB(t, s)
	list, err := s.Unfinished()
	if err != nil {
		t.Fatalf("reading back after a full disk: %v", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Item)
	}
	if !slices.Equal(got, items) {
		t.Fatalf("journal holds %d entries, want the %d written before the disk filled", len(got), len(items))
	}
}

func TestDiskFullFileSizeLimit(t *testing.T) {
	if dir := os.Getenv("STORAGE_FSIZE_CHILD"); dir != "" {
		diskFullChild(t, dir)
		return
	}
	// RLIMIT_FSIZE holds for the whole process: set it in a child, not here.
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullFileSizeLimit$", "-test.v")
	cmd.Env = append(os.Environ(), "STORAGE_FSIZE_CHILD="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func diskFullChild(t *testing.T, dir string) {
	// Without this the kernel kills the process instead of failing the write with EFBIG.
	signal.Ignore(syscall.SIGXFSZ)
	s, err := Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &orig); err != nil {
		t.Fatal(err)
	}
	small := orig
	small.Cur = 300 << 10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &small); err != nil {
		t.Fatal(err)
	}
	items, err := fillUntilFull(t, s)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Begin on a full file: err = %v, want ErrDiskFull", err)
	}
	t.Logf("full after %d entries: %v", len(items), err)
	checkIntact(t, s, items)

	// Room again: the same store takes new entries.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &orig); err != nil {
		t.Fatal(err)
	}
	e := mustBegin(t, s, Entry{Kind: TxCheckin, Item: "after"})
	if err := s.MarkSent(e.ID); err != nil {
		t.Fatal(err)
	}
	checkIntact(t, s, append(items, "after"))
}

// TestJournalSurvivesKill kills a process right after MarkSent, with the
// store still open: the entry must come back as sent, in doubt.
func TestJournalSurvivesKill(t *testing.T) {
	path := os.Getenv("STORAGE_KILL_CHILD")
	if path != "" {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "1", Item: "pending", Offline: true})
		e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "1", Item: "sent"})
		if err := s.MarkSent(e.ID); err != nil {
			t.Fatal(err)
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	path = filepath.Join(t.TempDir(), "kiosk.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournalSurvivesKill$")
	cmd.Env = append(os.Environ(), "STORAGE_KILL_CHILD="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkDB(t, s)
	list, err := s.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Item != "pending" || list[0].State != TxPending ||
		list[1].Item != "sent" || list[1].State != TxSent || list[1].Attempts != 1 {
		t.Fatalf("after the crash Unfinished = %+v, want pending then sent", list)
	}
}

func TestDiskFullTmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=512k,mode=0700"); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	s, err := Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) // before the unmount

	items, err := fillUntilFull(t, s)
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Begin on a full tmpfs: err = %v, want ErrDiskFull and ENOSPC", err)
	}
	t.Logf("full after %d entries: %v", len(items), err)
	checkIntact(t, s, items)

	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "size=4m"); err != nil {
		t.Fatalf("grow the tmpfs: %v", err)
	}
	mustBegin(t, s, Entry{Kind: TxCheckin, Item: "after"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(filepath.Join(dir, "kiosk.db")); err != nil {
		t.Fatal(err)
	}
	checkIntact(t, s, append(items, "after"))
}

// The benchmarks below compare one durable Begin with the least a durable
// write can cost: the same number of bytes written and fdatasync'ed to a file
// in the same directory. Run them in one go, e.g.
//
//	go test -run '^$' -bench 'Begin|RawWrite' -benchtime 2000x ./storage/

// benchEntry is a typical checkout.
var benchEntry = Entry{Kind: TxCheckout, Patron: "20790000000018", Item: "30001000012345",
	Title: "De avonden: een winterverhaal", Due: t0.Add(21 * 24 * time.Hour)}

func benchEntrySize(b *testing.B) int {
	e := benchEntry
	e.ID, e.State, e.At, e.Updated = "", TxPending, t0, t0
	v, err := encodeEntry(e)
	if err != nil {
		b.Fatal(err)
	}
	return len(v) + 16 // the value and its key
}

func reportLatency(b *testing.B, name string, d []time.Duration) time.Duration {
	slices.Sort(d)
	p50, p99 := d[len(d)/2], d[len(d)*99/100]
	b.ReportMetric(float64(p50.Nanoseconds()), "p50-"+name+"-ns")
	b.ReportMetric(float64(p99.Nanoseconds()), "p99-"+name+"-ns")
	return p50
}

// rawWriter writes n bytes and fdatasyncs them: in place in a file that
// already holds them (the floor), or appended to a growing file.
type rawWriter struct {
	f      *os.File
	buf    []byte
	append bool
}

func newRawWriter(b *testing.B, dir string, n int, appendMode bool) *rawWriter {
	f, err := os.OpenFile(filepath.Join(dir, "raw"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	w := &rawWriter{f: f, buf: []byte(strings.Repeat("j", n)), append: appendMode}
	if !appendMode {
		if _, err := f.WriteAt(w.buf, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	return w
}

func (w *rawWriter) write(b *testing.B) {
	var err error
	if w.append {
		_, err = w.f.Write(w.buf)
	} else {
		_, err = w.f.WriteAt(w.buf, 0)
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := syscall.Fdatasync(int(w.f.Fd())); err != nil {
		b.Fatal(err)
	}
}

func benchStore(b *testing.B) (*Store, string) {
	dir := b.TempDir()
	s, err := Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// A journal with some history, as on a kiosk after a few days.
	for range 500 {
		e, err := s.Begin(benchEntry)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Finish(e.ID, TxDone, "", time.Time{}, ""); err != nil {
			b.Fatal(err)
		}
	}
	return s, dir
}

func BenchmarkBegin(b *testing.B) {
	s, _ := benchStore(b)
	b.SetBytes(int64(benchEntrySize(b)))
	var d []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := s.Begin(benchEntry); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportLatency(b, "begin", d)
}

func BenchmarkRawWriteFdatasync(b *testing.B) {
	for _, mode := range []string{"overwrite", "append"} {
		b.Run(mode, func(b *testing.B) {
			n := benchEntrySize(b)
			w := newRawWriter(b, b.TempDir(), n, mode == "append")
			b.SetBytes(int64(n))
			var d []time.Duration
			for b.Loop() {
				start := time.Now()
				w.write(b)
				d = append(d, time.Since(start))
			}
			reportLatency(b, "raw", d)
		})
	}
}

// BenchmarkBeginVsRaw alternates one Begin and one raw write of the same size
// in the same directory, so both see the same disk at the same moment, and
// reports the ratio of their medians.
func BenchmarkBeginVsRaw(b *testing.B) {
	for _, mode := range []string{"overwrite", "append"} {
		b.Run(mode, func(b *testing.B) {
			s, dir := benchStore(b)
			w := newRawWriter(b, dir, benchEntrySize(b), mode == "append")
			var begin, raw []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.Begin(benchEntry); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				w.write(b)
				begin, raw = append(begin, mid.Sub(start)), append(raw, time.Since(mid))
			}
			pb, pr := reportLatency(b, "begin", begin), reportLatency(b, "raw", raw)
			b.ReportMetric(float64(pb)/float64(pr), "p50-ratio")
		})
	}
}
