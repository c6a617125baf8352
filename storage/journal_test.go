package storage

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func withClock(s *Store) *fakeClock {
	c := &fakeClock{now: t0}
	s.Now = c.Now
	return c
}

func mustBegin(t testing.TB, s *Store, e Entry) Entry {
	t.Helper()
	got, err := s.Begin(e)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mustEntry(t testing.TB, s *Store, id string) Entry {
	t.Helper()
	e, err := s.Entry(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// checkDB runs bbolt's consistency check over the whole file.
func checkDB(t testing.TB, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("bbolt check: %v", err)
	}
}

func TestJournalLifecycle(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := withClock(s)
	promised := t0.Add(21 * 24 * time.Hour)

	e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "20790000000018", Item: "30001000012345", Due: promised})
	id, err := uuid.Parse(e.ID)
	if err != nil || id.Version() != 7 {
		t.Fatalf("id %q: version %d, %v; want a UUIDv7", e.ID, id.Version(), err)
	}
	if e.State != TxPending || e.Attempts != 0 || !e.Updated.Equal(t0) || !e.At.Equal(t0) {
		t.Fatalf("begun entry = %+v, want pending at t0", e)
	}
	if got := mustEntry(t, s, e.ID); got.Patron != e.Patron || got.Item != e.Item || !got.Due.Equal(promised) || got.State != TxPending {
		t.Fatalf("read back %+v, want %+v", got, e)
	}

	clock.Add(time.Second)
	if err := s.MarkSent(e.ID); err != nil {
		t.Fatal(err)
	}
	if got := mustEntry(t, s, e.ID); got.State != TxSent || got.Attempts != 1 || !got.Updated.Equal(t0.Add(time.Second)) {
		t.Fatalf("after MarkSent: %+v, want sent, 1 attempt, updated t0+1s", got)
	}

	clock.Add(time.Second)
	due := t0.Add(28 * 24 * time.Hour)
	if err := s.Finish(e.ID, TxDone, "Veel leesplezier", due, "De avonden"); err != nil {
		t.Fatal(err)
	}
	got := mustEntry(t, s, e.ID)
	if got.State != TxDone || got.Message != "Veel leesplezier" || !got.Due.Equal(due) ||
		got.Title != "De avonden" || got.Attempts != 1 || !got.Updated.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("after Finish: %+v", got)
	}

	// An outcome is final.
	if err := s.MarkSent(e.ID); !errors.Is(err, ErrFinished) {
		t.Errorf("MarkSent on a done entry: err = %v, want ErrFinished", err)
	}
	if err := s.Finish(e.ID, TxRefused, "", time.Time{}, ""); !errors.Is(err, ErrFinished) {
		t.Errorf("Finish on a done entry: err = %v, want ErrFinished", err)
	}
	// Finish with a zero due date and no title keeps the stored ones.
	e2 := mustBegin(t, s, Entry{Kind: TxRenew, Patron: "1234", Item: "1", Title: "Kees de jongen", Due: promised})
	if err := s.Finish(e2.ID, TxRefused, "Gereserveerd", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if got := mustEntry(t, s, e2.ID); got.State != TxRefused || got.Title != "Kees de jongen" || !got.Due.Equal(promised) {
		t.Errorf("refused renewal = %+v, want title and due kept", got)
	}
}

func TestJournalRejectsBadInput(t *testing.T) {
	s, _ := mustOpenStore(t)
	if _, err := s.Begin(Entry{Kind: "lend", Item: "1"}); err == nil {
		t.Error("Begin with an unknown kind succeeded")
	}
	e := mustBegin(t, s, Entry{Kind: TxCheckin, Item: "1"})
	for _, st := range []TxState{TxPending, TxSent, "lost"} {
		if err := s.Finish(e.ID, st, "", time.Time{}, ""); err == nil {
			t.Errorf("Finish(%q) succeeded, want an error", st)
		}
	}
	for _, id := range []string{"", "not-a-uuid", uuid.Must(uuid.NewV7()).String()} {
		if _, err := s.Entry(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Entry(%q): err = %v, want ErrNotFound", id, err)
		}
		if err := s.MarkSent(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkSent(%q): err = %v, want ErrNotFound", id, err)
		}
		if err := s.Finish(id, TxDone, "", time.Time{}, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("Finish(%q): err = %v, want ErrNotFound", id, err)
		}
	}
	if got := mustEntry(t, s, e.ID); got.State != TxPending {
		t.Errorf("entry after rejected finishes = %+v, want still pending", got)
	}
}

func TestSentEntryCanBeRetried(t *testing.T) {
	s, _ := mustOpenStore(t)
	e := mustBegin(t, s, Entry{Kind: TxCheckout, Item: "1", Offline: true})
	for range 3 {
		if err := s.MarkSent(e.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustEntry(t, s, e.ID); got.State != TxSent || got.Attempts != 3 {
		t.Errorf("after three sends: %+v, want sent with 3 attempts", got)
	}
}

func TestOfflineRefusalNeedsAttention(t *testing.T) {
	s, _ := mustOpenStore(t)
	online := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "1111222233334444", Item: "A"})
	offline := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "5555666677778888", Item: "B", Offline: true})
	if err := s.Finish(online.ID, TxRefused, "Pas geblokkeerd", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	// The patron walked out with B: the replay's refusal must reach staff.
	if err := s.Finish(offline.ID, TxRefused, "Item gereserveerd", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	list, err := s.NeedAttention()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != offline.ID || list[0].State != TxAttention || list[0].Message != "Item gereserveerd" {
		t.Fatalf("NeedAttention = %+v, want only the offline entry", list)
	}
	if got := mustEntry(t, s, online.ID); got.State != TxRefused {
		t.Errorf("online refusal state = %s, want refused", got.State)
	}
}

func TestUnfinishedOldestFirst(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := withClock(s)
	var want []string
	for i := range 1000 {
		clock.Add(time.Millisecond)
		e := mustBegin(t, s, Entry{Kind: TxCheckout, Item: fmt.Sprintf("item%04d", i)})
		switch i % 4 {
		case 0: // still pending
			want = append(want, e.Item)
		case 1:
			if err := s.MarkSent(e.ID); err != nil {
				t.Fatal(err)
			}
			want = append(want, e.Item)
		case 2:
			if err := s.Finish(e.ID, TxDone, "", time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
		case 3:
			if err := s.Finish(e.ID, TxRefused, "", time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	list, err := s.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for i, e := range list {
		items = append(items, e.Item)
		if !e.State.Unfinished() {
			t.Fatalf("Unfinished returned %s entry %s", e.State, e.Item)
		}
		if i > 0 && !(list[i-1].ID < e.ID && list[i-1].At.Before(e.At)) {
			t.Fatalf("entry %d (%s) is not after entry %d (%s)", i, e.ID, i-1, list[i-1].ID)
		}
	}
	if !slices.Equal(items, want) {
		t.Fatalf("Unfinished gave %d items, want %d in order of Begin", len(items), len(want))
	}
}

func TestJournalSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	pending := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "1", Item: "P", Offline: true})
	sent := mustBegin(t, s, Entry{Kind: TxRenew, Patron: "2", Item: "S"})
	done := mustBegin(t, s, Entry{Kind: TxCheckin, Item: "D"})
	if err := s.MarkSent(sent.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(done.ID, TxDone, "", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkDB(t, s)
	list, err := s.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != pending.ID || list[1].ID != sent.ID {
		t.Fatalf("after reopen Unfinished = %+v, want pending then sent", list)
	}
	if list[0].State != TxPending || !list[0].Offline || list[1].State != TxSent || list[1].Attempts != 1 {
		t.Errorf("states after reopen: %+v", list)
	}
}

func TestScrubForgetsPatronsButKeepsCounts(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := withClock(s)
	const card = "20790000000018"
	old := []Entry{
		mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "A"}),
		mustBegin(t, s, Entry{Kind: TxRenew, Patron: card, Item: "B"}),
		mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "C", Offline: true}),
		mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "D"}), // never finished
	}
	for i, st := range []TxState{TxDone, TxRefused, TxAttention} {
		if err := s.Finish(old[i].ID, st, "", time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	clock.Add(25 * time.Hour)
	recent := mustBegin(t, s, Entry{Kind: TxCheckin, Patron: card, Item: "E"})
	if err := s.Finish(recent.ID, TxDone, "", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	before, err := s.JournalCounts()
	if err != nil {
		t.Fatal(err)
	}

	day := Retention{Journal: 24 * time.Hour, Attention: AttentionRetention}
	n, err := s.Scrub(day)
	if err != nil || n != 2 {
		t.Fatalf("Scrub = %d, %v; want 2", n, err)
	}
	for _, e := range old[:2] {
		if got := mustEntry(t, s, e.ID); got.Patron != "" || got.Item != e.Item {
			t.Errorf("scrubbed entry %s = %+v, want no patron, item kept", e.Item, got)
		}
	}
	// Unfinished entries keep the patron the replay needs; one for staff
	// keeps it until resolved; recent ones keep it for the window.
	for _, e := range []Entry{old[2], old[3], recent} {
		if got := mustEntry(t, s, e.ID); got.Patron != card {
			t.Errorf("entry %s lost its patron: %+v", e.Item, got)
		}
	}
	after, err := s.JournalCounts()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("counts changed by Scrub: %v, was %v", after, before)
	}
	want := map[TxKind]map[TxState]int{
		TxCheckout: {TxDone: 1, TxAttention: 1, TxPending: 1},
		TxRenew:    {TxRefused: 1},
		TxCheckin:  {TxDone: 1},
	}
	if fmt.Sprint(after) != fmt.Sprint(want) {
		t.Errorf("counts = %v, want %v", after, want)
	}
	clock.Add(24*time.Hour + time.Second)
	if n, err := s.Scrub(day); err != nil || n != 1 {
		t.Errorf("second Scrub = %d, %v; want only the recent entry", n, err)
	}
	// An entry for staff nobody resolved keeps its patron for AttentionRetention.
	clock.Add(t0.Add(AttentionRetention - time.Hour).Sub(clock.Now()))
	if n, err := s.Scrub(day); err != nil || n != 0 {
		t.Errorf("Scrub before AttentionRetention = %d, %v; want 0", n, err)
	}
	clock.Add(2 * time.Hour)
	if n, err := s.Scrub(day); err != nil || n != 1 || mustEntry(t, s, old[2].ID).Patron != "" {
		t.Errorf("Scrub after AttentionRetention = %d, %v; want the entry for staff", n, err)
	}
	if got := mustEntry(t, s, old[3].ID); got.Patron != card {
		t.Errorf("an unfinished entry lost its patron after %v: %+v", clock.Now().Sub(t0), got)
	}
}

// Once staff resolve an entry it keeps its patron only for the journal's window.
func TestResolvedAttentionKeepsPatronForTheWindow(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := withClock(s)
	const card = "20790000000018"
	e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "A", Offline: true})
	if err := s.Finish(e.ID, TxRefused, "on hold for another", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	done := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "B"})
	if err := s.Finish(done.ID, TxDone, "", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Resolve(done.ID, ""); !errors.Is(err, ErrNoAttention) {
		t.Errorf("Resolve of a done entry = %v, want ErrNoAttention", err)
	}
	clock.Add(30 * 24 * time.Hour)
	if err := s.Resolve(e.ID, "item back on the shelf"); err != nil {
		t.Fatal(err)
	}
	got := mustEntry(t, s, e.ID)
	if got.State != TxDone || got.Message != "on hold for another; resolved by staff: item back on the shelf" || got.Patron != card {
		t.Errorf("resolved = %+v", got)
	}
	if list, _ := s.NeedAttention(); len(list) != 0 {
		t.Errorf("still listed for staff: %+v", list)
	}
	day := Retention{Journal: 24 * time.Hour, Attention: AttentionRetention}
	clock.Add(23 * time.Hour)
	if n, err := s.Scrub(day); err != nil || n != 1 { // only the done one, a month old
		t.Errorf("Scrub 23 h after resolving = %d, %v; want 1", n, err)
	}
	clock.Add(2 * time.Hour)
	if n, err := s.Scrub(day); err != nil || n != 1 || mustEntry(t, s, e.ID).Patron != "" {
		t.Errorf("Scrub 25 h after resolving = %d, %v; want the resolved entry", n, err)
	}
}

func TestAttentionCSVHasNoFullCard(t *testing.T) {
	s, _ := mustOpenStore(t)
	withClock(s)
	const card = "20790000000018"
	e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "30001000012345", Title: "=HYPERLINK(\"x\")",
		At: t0.Add(-time.Hour), Due: t0.Add(21 * 24 * time.Hour), Offline: true})
	mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "not-attention"})
	if err := s.MarkSent(e.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(e.ID, TxRefused, "Exemplaar gereserveerd, kan niet uitgeleend worden", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteAttentionCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), card) || strings.Contains(buf.String(), "2079000000") {
		t.Fatalf("CSV holds the full card number:\n%s", buf.String())
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "kind", "card", "item", "title", "at", "due", "attempts", "message"},
		{e.ID, "checkout", "0018", "30001000012345", "'=HYPERLINK(\"x\")", "2026-11-27T09:00:00Z", "2026-12-18T10:00:00Z", "1",
			"Exemplaar gereserveerd, kan niet uitgeleend worden"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("CSV rows =\n%q\nwant\n%q", rows, want)
	}
}

func TestConcurrentBegin(t *testing.T) {
	s, _ := mustOpenStore(t)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := s.Begin(Entry{Kind: TxCheckout, Item: fmt.Sprintf("w%d-%02d", w, i)})
				if err != nil {
					errs <- err
					return
				}
				if i%2 == 0 {
					if err := s.MarkSent(e.ID); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	list, err := s.Unfinished()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != workers*each {
		t.Fatalf("%d unfinished entries, want %d", len(list), workers*each)
	}
	if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].ID < list[j].ID }) {
		t.Error("entries are not in id order")
	}
	// Each worker's own entries keep their order, and none went missing.
	seen := map[string]bool{}
	last := map[byte]string{}
	for _, e := range list {
		if seen[e.ID] {
			t.Fatalf("duplicate id %s", e.ID)
		}
		seen[e.ID] = true
		w := e.Item[1]
		if e.Item <= last[w] {
			t.Errorf("worker %c: %s came after %s", w, e.Item, last[w])
		}
		last[w] = e.Item
	}
	checkDB(t, s)
}

func TestUnknownRecordFormatIsAnError(t *testing.T) {
	s, _ := mustOpenStore(t)
	mustBegin(t, s, Entry{Kind: TxCheckout, Item: "1"})
	id := uuid.Must(uuid.NewV7())
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).Put(id[:], []byte{9, 1, 1, 0, '{', '}'})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unfinished(); err == nil {
		t.Error("Unfinished read a record of an unknown format")
	}
	if _, err := s.JournalCounts(); err == nil {
		t.Error("JournalCounts read a record of an unknown format")
	}
}

func ExampleStore_Begin() {
	dir, err := os.MkdirTemp("", "kiosk")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	s, err := Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }

	// On disk before the SIP2 checkout goes out.
	e, err := s.Begin(Entry{Kind: TxCheckout, Patron: "20790000000018", Item: "30001000012345"})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Kind, e.Item, e.State)

	// Right before the wire, then the ILS's answer.
	if err := s.MarkSent(e.ID); err != nil {
		panic(err)
	}
	due := time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)
	if err := s.Finish(e.ID, TxDone, "Veel leesplezier", due, "De avonden"); err != nil {
		panic(err)
	}
	e, err = s.Entry(e.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.State, e.Attempts, e.Title, e.Due.Format(time.DateOnly), e.Message)
	// Output:
	// checkout 30001000012345 pending
	// done 1 De avonden 2026-12-18 Veel leesplezier
}

// BenchmarkUnfinished reads 10,000 unfinished entries out of a journal that
// also holds 50,000 finished ones.
func BenchmarkUnfinished(b *testing.B) {
	s, _ := mustOpenStoreB(b)
	fillJournal(b, s, 60_000, func(i int) TxState {
		if i%6 == 0 {
			return TxPending
		}
		return TxDone
	})
	for b.Loop() {
		list, err := s.Unfinished()
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != 10_000 {
			b.Fatalf("%d unfinished, want 10000", len(list))
		}
	}
}

func mustOpenStoreB(b *testing.B) (*Store, string) {
	path := filepath.Join(b.TempDir(), "kiosk.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

// fillJournal writes n entries straight into the bucket, a thousand per
// transaction, with the state picked by state(i).
func fillJournal(b *testing.B, s *Store, n int, state func(i int) TxState) {
	for start := 0; start < n; start += 1000 {
		err := s.db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucketJournal)
			for i := start; i < min(start+1000, n); i++ {
				id := uuid.Must(uuid.NewV7())
				v, err := encodeEntry(Entry{Kind: TxCheckout, Patron: "20790000000018", Item: fmt.Sprint(i),
					Title: "De avonden", At: t0, Updated: t0, State: state(i)})
				if err != nil {
					return err
				}
				if err := bk.Put(id[:], v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func TestBatchesAreAllOrNothing(t *testing.T) {
	s, _ := mustOpenStore(t)
	var ids []string
	for i := range 3 {
		e, err := s.Begin(Entry{Kind: TxCheckout, Patron: "20790000000010", Item: fmt.Sprintf("3079000000%04d", i), Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if err := s.MarkSentAll(ids); err != nil {
		t.Fatal(err)
	}
	_, err := s.FinishAll([]Outcome{{ID: ids[0], State: TxDone}, {ID: "01a21d01-0000-7000-8000-000000000000", State: TxDone}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("a batch with an unknown id: %v, want ErrNotFound", err)
	}
	if e, _ := s.Entry(ids[0]); e.State != TxSent {
		t.Errorf("a failed batch changed an entry: %s", e.State)
	}
	if att, err := s.FinishAll([]Outcome{{ID: ids[0], State: TxDone}, {ID: ids[1], State: TxRefused, Message: "Item not found"}}); err != nil || len(att) != 1 || att[0] != ids[1] {
		t.Fatalf("attention = %v, %v; want the refused offline entry", att, err)
	}
	if e, _ := s.Entry(ids[1]); e.State != TxAttention || e.Message != "Item not found" {
		t.Errorf("an offline entry the ILS refused is %s (%q), want attention", e.State, e.Message)
	}
	left, _ := s.Unfinished()
	if len(left) != 1 || left[0].ID != ids[2] || left[0].State != TxSent || left[0].Attempts != 1 {
		t.Errorf("unfinished = %+v, want the third, sent once", left)
	}
}

// One commit finishes a batch and marks the next as sent, all or none.
func TestFinishAllAndMarkIsOneCommit(t *testing.T) {
	s, _ := mustOpenStore(t)
	var ids []string
	for i := range 4 {
		e, err := s.Begin(Entry{Kind: TxCheckout, Patron: "20790000000010", Item: fmt.Sprintf("3079000000%04d", i), Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if err := s.MarkSentAll(ids[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishAllAndMark([]Outcome{{ID: ids[0], State: TxDone}}, []string{ids[2], "01a21d01-0000-7000-8000-000000000000"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("with an unknown id to mark: %v, want ErrNotFound", err)
	}
	if e, _ := s.Entry(ids[0]); e.State != TxSent {
		t.Errorf("a failed commit finished an entry: %s", e.State)
	}
	if e, _ := s.Entry(ids[2]); e.State != TxPending {
		t.Errorf("a failed commit marked an entry: %s", e.State)
	}
	att, err := s.FinishAllAndMark([]Outcome{{ID: ids[0], State: TxDone}, {ID: ids[1], State: TxRefused, Message: "Item not found"}}, ids[2:])
	if err != nil || len(att) != 1 || att[0] != ids[1] {
		t.Fatalf("attention = %v, %v; want the refused offline entry", att, err)
	}
	for i, want := range []TxState{TxDone, TxAttention, TxSent, TxSent} {
		if e, _ := s.Entry(ids[i]); e.State != want || (want == TxSent && e.Attempts != 1) {
			t.Errorf("entry %d: %s after %d attempts, want %s", i, e.State, e.Attempts, want)
		}
	}
}
