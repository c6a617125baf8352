package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var day = Retention{Journal: 24 * time.Hour, Attention: AttentionRetention, Patrons: 7 * 24 * time.Hour}

// visitor is one patron of the retention tests: a distinct card and name.
type visitor struct{ card, name string }

func visitors(n int) []visitor {
	first := []string{"Sanne", "Joost", "Fatima", "Henk", "Ayşe", "Piotr", "Olena", "Marieke", "Daan", "Noor",
		"Sem", "Lotte", "Milan", "Emma", "Mohammed", "Julia", "Luuk", "Zoë", "Bram", "Yara"}
	last := []string{"de Vries", "Jansen", "El Amrani", "Bakker", "Yılmaz", "Kowalski", "Shevchenko", "Visser",
		"Smit", "Meijer", "de Boer", "Mulder"}
	out := make([]visitor, n)
	for i := range out {
		out[i] = visitor{fmt.Sprintf("20791%09d", 100003+i*7919), first[i%len(first)] + " " + last[i/len(first)]}
	}
	return out
}

// readable reports which of needles can be read anywhere in the files of dir.
func readable(t *testing.T, dir string, needles []string) []string {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all [][]byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b)
	}
	var found []string
	for _, n := range needles {
		for _, b := range all {
			if bytes.Contains(b, []byte(n)) {
				found = append(found, n)
				break
			}
		}
	}
	return found
}

// After the retention window no card number or name that it removed can be
// read in any file of the data directory; what is still kept (an offline
// loan not yet replayed, a transaction for staff) keeps its card.
func TestRetentionLeavesNoCardOrNameInTheDataDirectory(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	dir := filepath.Dir(path)
	people := visitors(210)
	visited, waiting := people[:200], people[200:]
	var staff []string // cards of transactions staff must look at
	var gone []string  // what retention must remove
	for i, p := range visited {
		clock.Add(time.Minute)
		if err := s.RememberPatron(p.card, CachedPatron{Name: p.name, Seen: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		loan, err := s.BeginSent(Entry{Kind: TxCheckout, Patron: p.card, Item: fmt.Sprintf("3079%010d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(loan.ID, TxDone, "", clock.Now().Add(21*24*time.Hour), "De avonden"); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			renew, err := s.BeginSent(Entry{Kind: TxRenew, Patron: p.card, Item: "30790000000190"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Finish(renew.ID, TxRefused, "renewed as often as allowed", time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
		}
		gone = append(gone, p.name)
		if i%10 == 0 { // an offline loan the library refuses on replay
			e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: p.card, Item: "30790000000026", Offline: true, Due: clock.Now().Add(21 * 24 * time.Hour)})
			if _, err := s.FinishAll([]Outcome{{ID: e.ID, State: TxRefused, Message: "on hold for another patron"}}); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, p.card)
			continue
		}
		gone = append(gone, p.card)
	}
	clock.Add(8 * 24 * time.Hour)
	var unfinished []string
	for i, p := range waiting { // offline now: not replayed yet
		if err := s.RememberPatron(p.card, CachedPatron{Name: p.name, Seen: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: p.card, Item: fmt.Sprintf("3079100%07d", i), Offline: true})
		if i%2 == 0 {
			if err := s.MarkSent(e.ID); err != nil { // in doubt
				t.Fatal(err)
			}
		}
		unfinished = append(unfinished, e.ID)
	}

	// What the kiosk did until now: remove, and leave the bytes.
	if _, err := s.Scrub(day); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrunePatrons(clock.Now().Add(-day.Patrons)); err != nil {
		t.Fatal(err)
	}
	without := readable(t, dir, gone)
	got, err := s.Retain(day)
	if err != nil || !got.Compacted {
		t.Fatalf("Retain = %+v, %v; want a compaction", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	found := readable(t, dir, gone)
	t.Logf("cards and names retention removed, still readable in %s: %d of %d without compaction, %d with",
		dir, len(without), len(gone), len(found))
	if len(found) > 0 {
		t.Errorf("%d of %d removed cards and names are still readable, e.g. %q", len(found), len(gone), found[0])
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("kiosk.db after compaction: %v, %v; want mode 600", fi, err)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("the compaction's copy is left: %v", err)
	}

	// Reopened: what waits for the library and what waits for staff kept its card.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = clock.Now
	list, err := s.Unfinished()
	if err != nil || len(list) != len(waiting) {
		t.Fatalf("Unfinished = %d entries, %v; want %d", len(list), err, len(waiting))
	}
	for i, e := range list {
		if e.ID != unfinished[i] || e.Patron != waiting[i].card {
			t.Errorf("unfinished entry %d = %s for %q, want %s for %s", i, e.ID, e.Patron, unfinished[i], waiting[i].card)
		}
	}
	att, err := s.NeedAttention()
	if err != nil || len(att) != len(staff) {
		t.Fatalf("NeedAttention = %d entries, %v; want %d", len(att), err, len(staff))
	}
	for i, e := range att {
		if e.Patron != staff[i] {
			t.Errorf("entry for staff %d has card %q, want %s", i, e.Patron, staff[i])
		}
	}
	for _, p := range waiting {
		if c, ok, err := s.CachedPatron(p.card); err != nil || !ok || c.Name != p.name {
			t.Errorf("a card seen today is not cached: %+v, %v, %v", c, ok, err)
		}
	}

	// All replayed, and staff never came: after AttentionRetention nothing is left.
	outs := make([]Outcome, len(list))
	for i, e := range list {
		outs[i] = Outcome{ID: e.ID, State: TxDone}
	}
	if _, err := s.FinishAll(outs); err != nil {
		t.Fatal(err)
	}
	clock.Add(AttentionRetention)
	if got, err := s.Retain(day); err != nil || !got.Compacted || got.Scrubbed != len(waiting)+len(staff) {
		t.Fatalf("Retain = %+v, %v; want %d scrubbed and a compaction", got, err, len(waiting)+len(staff))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var everyone []string
	for _, p := range people {
		everyone = append(everyone, p.card, p.name)
	}
	if found := readable(t, dir, everyone); len(found) > 0 {
		t.Errorf("%d of %d cards and names still readable after every window, e.g. %q", len(found), len(everyone), found[0])
	}
}

// Retain compacts once after Open and then only when something was removed.
func TestRetainCompactsOnlyAfterARemoval(t *testing.T) {
	s, _ := mustOpenStore(t)
	clock := withClock(s)
	const card = "20790000000010"
	e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: card, Item: "A"})
	if err := s.Finish(e.ID, TxDone, "", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	for i, want := range []Retained{{Compacted: true}, {}} {
		if got, err := s.Retain(day); err != nil || got != want {
			t.Errorf("Retain %d = %+v, %v; want %+v", i, got, err, want)
		}
	}
	clock.Add(25 * time.Hour)
	if got, err := s.Retain(day); err != nil || got != (Retained{Scrubbed: 1, Compacted: true}) {
		t.Errorf("Retain after the window = %+v, %v; want one scrubbed and a compaction", got, err)
	}
}

// A compaction that fails leaves the file as it was, in use, and is tried
// again at the next Retain.
func TestFailedCompactionIsRetried(t *testing.T) {
	s, path := mustOpenStore(t)
	withClock(s)
	// A directory where the copy goes: it cannot be removed or created.
	block := filepath.Join(path+".compact", "x")
	if err := os.MkdirAll(block, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retain(day); err == nil {
		t.Fatal("Retain with no room for the copy did not fail")
	}
	e := mustBegin(t, s, Entry{Kind: TxCheckin, Item: "A"})
	if err := os.RemoveAll(path + ".compact"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Retain(day); err != nil || !got.Compacted {
		t.Errorf("Retain after the failure = %+v, %v; want a compaction", got, err)
	}
	if got := mustEntry(t, s, e.ID); got.Item != "A" {
		t.Errorf("entry after compaction = %+v", got)
	}
}

// A copy left by a crash during compaction holds the same data: the next
// compaction removes it first.
func TestCompactionRemovesTheCopyACrashLeft(t *testing.T) {
	s, path := mustOpenStore(t)
	withClock(s)
	if err := os.WriteFile(path+".compact", []byte("20790000000010 Joost Müller"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Retain(day); err != nil || !got.Compacted {
		t.Fatalf("Retain = %+v, %v", got, err)
	}
	if found := readable(t, filepath.Dir(path), []string{"20790000000010", "Joost Müller"}); len(found) > 0 {
		t.Errorf("still readable: %q", found)
	}
}

// Journal writes, reads and the patron cache go on while the file is
// compacted under them, and nothing written is lost.
func TestCompactionWhileTheKioskWrites(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	const writers, each = 4, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				card := fmt.Sprintf("2079%02d%08d", w, i)
				e, err := s.Begin(Entry{Kind: TxCheckout, Patron: card, Item: "A", Offline: true})
				if err == nil {
					err = s.MarkSentAll([]string{e.ID})
				}
				if err == nil {
					_, err = s.FinishAll([]Outcome{{ID: e.ID, State: TxDone}})
				}
				if err == nil {
					err = s.RememberPatron(card, CachedPatron{Name: "x", Seen: clock.Now()})
				}
				if err == nil {
					_, _, err = s.CachedPatron(card)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	compactions := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if err := s.compact(); err != nil {
			t.Fatal(err)
		}
		compactions++
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	counts, err := s.JournalCounts()
	if err != nil || counts[TxCheckout][TxDone] != writers*each {
		t.Errorf("after %d compactions: counts %v, %v; want %d done", compactions, counts, err, writers*each)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if counts, err := s.JournalCounts(); err != nil || counts[TxCheckout][TxDone] != writers*each {
		t.Errorf("after reopening: counts %v, %v; want %d done", counts, err, writers*each)
	}
}

// A copy a salvage moved aside holds card numbers: it goes once an entry
// for staff would have gone, by the moment in its name.
func TestRetainRemovesOldCopiesOfDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2027, 3, 28, 10, 30, 0, 0, time.Local)
	st.Now = func() time.Time { return now }
	old := path + ".damaged-" + now.AddDate(0, 0, -91).Format("20060102T150405")
	recent := path + ".readonly-" + now.AddDate(0, 0, -10).Format("20060102T150405")
	for _, f := range []string{old, recent} {
		if err := os.WriteFile(f, []byte("20790000000010"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Retain(Retention{Journal: 24 * time.Hour, Attention: AttentionRetention, Patrons: 7 * 24 * time.Hour})
	if _, gone := os.Stat(old); err != nil || got.Removed != 1 || gone == nil {
		t.Fatalf("removed %d, %v; want the copy of 91 days ago", got.Removed, err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("the copy of 10 days ago is gone: %v", err)
	}
}
