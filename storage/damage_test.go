package storage_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

const (
	pendingLoans = 5   // offline loans waiting for the library system, the last commits of the file
	history      = 250 // finished online loans before them: the journal fills several pages
)

// kioskFile is a kiosk's database as a day leaves it: a history of loans
// and sessions, a remembered card, and offline loans still to send.
type kioskFile struct {
	path  string
	at    time.Time
	items []string // the pending offline loans' items, oldest first
}

// writeKioskFile writes it as the kiosk does, through localstore, one
// durable commit at a time; the last commit is the last offline loan.
func writeKioskFile(t *testing.T) kioskFile {
	t.Helper()
	at := kiosktest.Start(t)
	clock := kiosk.NewFakeClock(at)
	_, items := kiosktest.BigLibrary(t, pendingLoans, clock.Now)
	path := filepath.Join(t.TempDir(), "kiosk.db")
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	store := localstore.New(st)
	due := at.AddDate(0, 0, 21)
	for i := range history {
		item := fmt.Sprintf("3080%010d", i) // not in the library: never sent again
		id, err := store.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardSenior, Item: item, At: at})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Finish(id, kiosk.Result{OK: true, Item: item, Due: due, Title: "Boek"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := store.RecordAudit(at, "session_start", kiosk.Last4(kiosktest.CardSenior)); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.RememberPatron(kiosk.Patron{Card: kiosktest.CardAdult, Name: "Joost Müller"}, at); err != nil {
		t.Fatal(err)
	}
	for _, item := range items {
		if err := store.RecordAudit(at, "session_start_offline", kiosk.Last4(kiosktest.CardAdult)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardAdult, Item: item, At: at, Offline: true, Due: due}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return kioskFile{path: path, at: at, items: items}
}

// copyTo copies the file to a fresh directory for one case.
func (k kioskFile) copyTo(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(k.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "data", "kiosk.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// The patron cache's key lives beside the file: a data directory has both.
	if key, err := os.ReadFile(filepath.Join(filepath.Dir(k.path), storage.PatronKeyFile)); err == nil {
		if err := os.WriteFile(filepath.Join(filepath.Dir(path), storage.PatronKeyFile), key, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// scribble writes a page's worth of random bytes over page id, as a bad
// sector or a stray write does.
func scribble(t *testing.T, path string, id uint64, pageSize int, seed uint64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, pageSize)
	rng := rand.New(rand.NewPCG(seed, id))
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	if _, err := f.WriteAt(buf, int64(id)*int64(pageSize)); err != nil {
		t.Fatal(err)
	}
}

// outcome is what a start on a damaged file came to.
type outcome struct {
	damage   *storage.Damage
	salvaged int // pending loans in the salvaged journal
	lent     int // of them, lent by the library after the replay
}

// startAndReplay opens the file as the kiosk does, replays the journal to
// the demo library and checks the kiosk works: every pending loan the
// salvage kept reaches the library exactly once, none twice, and the
// journal takes a new transaction.
func startAndReplay(t *testing.T, k kioskFile, path string) outcome {
	t.Helper()
	st, d, err := storage.OpenOrSalvage(path)
	if err != nil {
		t.Fatalf("the kiosk does not start: %v", err)
	}
	defer st.Close()
	clock := kiosk.NewFakeClock(k.at)
	st.Now = clock.Now
	waiting, err := st.Unfinished()
	if err != nil {
		t.Fatalf("journal not readable after the open: %v", err)
	}
	salvaged := map[string]bool{}
	for _, e := range waiting {
		if slices.Contains(k.items, e.Item) {
			salvaged[e.Item] = true
		}
	}
	lib, _ := kiosktest.BigLibrary(t, pendingLoans, clock.Now)
	ils := kiosktest.StartILSWith(t, lib)
	core := kiosk.New(kiosk.Options{}, ils.ILS, localstore.New(st), clock)
	if _, err := core.ReplayJournal(); err != nil {
		t.Fatalf("replay: %v", err)
	}
	lent := map[string]int{}
	for _, ev := range lib.History() {
		if ev.Kind == "checkout" && ev.OK {
			lent[ev.Item]++
		}
	}
	out := outcome{damage: d, salvaged: len(salvaged)}
	for _, item := range k.items {
		want := 0
		if salvaged[item] {
			want = 1
		}
		if lent[item] != want {
			t.Errorf("item %s lent %d times, want %d (salvaged: %v)", item, lent[item], want, salvaged[item])
		}
		out.lent += lent[item]
	}
	if left, err := st.Unfinished(); err != nil || len(left) != 0 {
		t.Errorf("after the replay %d entries unfinished, %v", len(left), err)
	}
	if _, err := st.Begin(storage.Entry{Kind: storage.TxCheckin, Item: k.items[0]}); err != nil {
		t.Errorf("the journal takes no new transaction: %v", err)
	}
	if d != nil {
		if _, err := os.Lstat(d.MovedTo); err != nil {
			t.Errorf("the damaged file is not kept: %v", err)
		}
		if got, err := st.Damages(); err != nil || len(got) != 1 || got[0].Kind != d.Kind || got[0].MovedTo != d.MovedTo {
			t.Errorf("damage records in the fresh file: %+v, %v", got, err)
		}
	}
	return out
}

func (o outcome) String() string {
	d := o.damage
	if d == nil {
		return fmt.Sprintf("no damage | opened as it was | %d of %d pending loans replayed once", o.lent, pendingLoans)
	}
	var kept []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range d.Buckets {
			if !yield(n) {
				return
			}
		}
	}) {
		c := d.Buckets[name]
		s := fmt.Sprintf("%s %d", name, c.Salvaged)
		if c.Recovered > 0 {
			s += fmt.Sprintf(" (%d from unreferenced pages)", c.Recovered)
		}
		if c.LostPages > 0 {
			s += fmt.Sprintf(", %d pages lost", c.LostPages)
		}
		if c.Dropped > 0 {
			s += fmt.Sprintf(", %d dropped", c.Dropped)
		}
		kept = append(kept, s)
	}
	lost := ""
	if d.LastCommitMayBeLost {
		lost = "; last commit may be lost"
	}
	return fmt.Sprintf("%s | %s%s | %d of %d pending loans salvaged, each replayed once", d.Kind, strings.Join(kept, "; "), lost, o.lent, pendingLoans)
}

func pagesOf(t *testing.T, path string) (int, uint64, []storage.PageInfo) {
	t.Helper()
	ps, newest, pages, err := storage.PageMap(path)
	if err != nil {
		t.Fatal(err)
	}
	return ps, newest, pages
}

// pick returns the first page that match says yes to.
func pick(t *testing.T, pages []storage.PageInfo, what string, match func(storage.PageInfo) bool) uint64 {
	t.Helper()
	for _, p := range pages {
		if match(p) {
			return p.ID
		}
	}
	t.Fatalf("the test file has no %s", what)
	return 0
}

// Every way a kiosk's file gets damaged that the issue names: the kiosk
// starts, tells what it salvaged, and every pending loan it could read
// reaches the library exactly once.
func TestDamagedDatabaseStartsAndReplays(t *testing.T) {
	k := writeKioskFile(t)
	ps, newest, pages := pagesOf(t, k.path)
	holdsPending := func(p storage.PageInfo) bool { return slices.Contains(p.States, storage.TxPending) }
	page := func(what string, match func(storage.PageInfo) bool) func(*testing.T, string) {
		return func(t *testing.T, path string) { scribble(t, path, pick(t, pages, what, match), ps, 1) }
	}
	for _, tc := range []struct {
		name    string
		damage  func(t *testing.T, path string)
		kind    string // "" for none
		allSent bool   // every pending loan reaches the library
	}{
		{"a journal page of finished loans", page("journal leaf of finished loans", func(p storage.PageInfo) bool {
			return p.Bucket == "journal" && !p.Branch && len(p.States) > 0 && !holdsPending(p)
		}), storage.DamageCorrupt, true},
		{"the journal page with the pending loans", page("journal leaf with pending loans", func(p storage.PageInfo) bool {
			return p.Bucket == "journal" && holdsPending(p)
		}), storage.DamageCorrupt, false},
		{"a page of the audit trail", page("audit leaf", func(p storage.PageInfo) bool {
			return p.Bucket == "audit" && !p.Branch && !p.Root
		}), storage.DamageCorrupt, true},
		{"the root page of the journal bucket", page("journal root branch", func(p storage.PageInfo) bool {
			return p.Bucket == "journal" && p.Root && p.Branch
		}), storage.DamageCorrupt, true},
		{"the page that holds the buckets", page("root bucket page", func(p storage.PageInfo) bool {
			return p.Bucket == "" && p.Root
		}), storage.DamageCorrupt, true},
		{"the newest meta page", func(t *testing.T, path string) { scribble(t, path, newest, ps, 1) }, storage.DamageCorrupt, true},
		{"the older meta page", func(t *testing.T, path string) { scribble(t, path, 1-newest, ps, 1) }, storage.DamageCorrupt, true},
		{"both meta pages", func(t *testing.T, path string) { scribble(t, path, 0, ps, 1); scribble(t, path, 1, ps, 1) }, storage.DamageCorrupt, true},
		{"cut to half its size", func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, storage.DamageCorrupt, false},
		{"zero length", func(t *testing.T, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}, storage.DamageEmpty, false},
		{"a directory in its place", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, storage.DamageNotAFile, false},
		// As root, the two below are writable all the same: see
		// TestReadOnlyAsAnotherUser for what the kiosk's own user gets.
		{"a read-only file", func(t *testing.T, path string) {
			if err := os.Chmod(path, 0o400); err != nil {
				t.Fatal(err)
			}
		}, "", true},
		{"a read-only directory", func(t *testing.T, path string) {
			dir := filepath.Dir(path)
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
		}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := k.copyTo(t)
			tc.damage(t, path)
			if os.Geteuid() != 0 && strings.HasPrefix(tc.name, "a read-only") {
				t.Skip("TestReadOnlyAsAnotherUser covers it for the kiosk's own user")
			}
			out := startAndReplay(t, k, path)
			switch {
			case tc.kind == "" && out.damage != nil:
				t.Errorf("damage %+v, want none", out.damage)
			case tc.kind != "" && (out.damage == nil || out.damage.Kind != tc.kind):
				t.Errorf("damage %+v, want %s", out.damage, tc.kind)
			}
			if tc.allSent && out.lent != pendingLoans {
				t.Errorf("%d of %d pending loans reached the library", out.lent, pendingLoans)
			}
			t.Logf("| %s | %s |", tc.name, out)
		})
	}
}

// Random bytes on any one page of the file, meta, root, branch, leaf or
// free: the kiosk starts, never with a panic, and no loan reaches the
// library twice.
func TestAnyDamagedPageStartsTheKiosk(t *testing.T) {
	k := writeKioskFile(t)
	ps, _, _ := pagesOf(t, k.path)
	fi, err := os.Stat(k.path)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[uint64]string{0: "meta", 1: "meta"}
	_, _, pages := pagesOf(t, k.path)
	for _, p := range pages {
		role := map[bool]string{true: "branch", false: "leaf"}[p.Branch]
		if p.Root {
			role = "root " + role
		}
		roles[p.ID] = strings.TrimSpace(p.Bucket + " " + role)
	}
	for id := uint64(0); id < uint64(fi.Size())/uint64(ps); id++ {
		role := roles[id]
		if role == "" {
			role = "free"
		}
		t.Run(fmt.Sprintf("page %d (%s)", id, role), func(t *testing.T) {
			path := k.copyTo(t)
			scribble(t, path, id, ps, 7)
			out := startAndReplay(t, k, path)
			if out.damage == nil && role != "free" {
				t.Errorf("random bytes on a page in use went unnoticed")
			}
			t.Logf("| page %d (%s) | %s |", id, role, out)
		})
	}
}

// The salvage happens once: the fresh file opens as it is, and keeps its
// record of the damage for staff.
func TestSalvagedFileOpensAsItIs(t *testing.T) {
	k := writeKioskFile(t)
	path := k.copyTo(t)
	_, newest, _ := pagesOf(t, path)
	scribble(t, path, newest, os.Getpagesize(), 3)
	at := time.Date(2026, 12, 3, 10, 50, 0, 0, time.Local)
	st, d, err := storage.OpenOrSalvageAt(path, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if want := path + ".damaged-20261203T105000"; d == nil || d.MovedTo != want || !d.LastCommitMayBeLost || !d.At.Equal(at) {
		t.Fatalf("damage = %+v, want the file moved to %s", d, want)
	}
	if d.Buckets["journal"].Salvaged != history+pendingLoans || d.Buckets["journal"].Recovered != 1 || d.Unfinished != pendingLoans {
		t.Errorf("journal salvaged %+v, unfinished %d", d.Buckets["journal"], d.Unfinished)
	}
	st, again, err := storage.OpenOrSalvage(path)
	if err != nil || again != nil {
		t.Fatalf("reopening the salvaged file: %+v, %v", again, err)
	}
	defer st.Close()
	got, err := st.Damages()
	if err != nil || len(got) != 1 || got[0].MovedTo != d.MovedTo || got[0].Unfinished != pendingLoans {
		t.Errorf("damage records = %+v, %v", got, err)
	}
	// The last loan, in the commit of the lost meta page, came back from the
	// pages that commit wrote, in doubt; the four before it as they were.
	waiting, err := st.Unfinished()
	if err != nil || len(waiting) != pendingLoans {
		t.Fatalf("unfinished: %d, %v", len(waiting), err)
	}
	for i, e := range waiting {
		want := storage.TxPending
		if i == pendingLoans-1 {
			want = storage.TxSent
		}
		if e.Item != k.items[i] || e.State != want || !e.Offline || e.Patron != kiosktest.CardAdult {
			t.Errorf("pending loan %d: %+v, want %s of %s", i, e, want, k.items[i])
		}
	}
	if events, err := st.AuditEvents(); err != nil || len(events) != history+pendingLoans {
		t.Errorf("audit trail: %d events, %v", len(events), err)
	}
	if p, ok, err := st.CachedPatron(kiosktest.CardAdult); err != nil || !ok || p.Name != "Joost Müller" {
		t.Errorf("patron cache: %+v %v %v", p, ok, err)
	}
}

// A second kiosk on a damaged file that the first one holds waits for it and
// gives up with ErrLocked: it neither reads nor moves what the first writes.
func TestDamagedFileInUseIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	first, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, _, err := storage.OpenOrSalvage(path); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if matches, _ := filepath.Glob(path + ".*"); len(matches) > 0 {
		t.Errorf("files beside the database: %v", matches)
	}
}

func ExampleOpenOrSalvage() {
	dir, err := os.MkdirTemp("", "kiosk")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kiosk.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil { // as a crash at the first start can leave it
		panic(err)
	}
	s, d, err := storage.OpenOrSalvage(path)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	fmt.Println(d.Kind, strings.TrimPrefix(d.MovedTo, path)[:9], d.Unfinished)
	records, _ := s.Damages()
	fmt.Println(len(records), records[0].Problems)
	// Output:
	// empty .damaged- 0
	// 1 [the file is empty]
}
