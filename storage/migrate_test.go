package storage

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// copyV1 copies testdata/journal-v1.db, written by the kiosk at schema 1
// (JSON bodies), to a fresh directory.
func copyV1(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "journal-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kiosk.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The entries of testdata/journal-v1.db, as the schema 1 kiosk read them.
func v1Entries() []Entry {
	cet := time.FixedZone("", 3600)
	at := func(min int) time.Time { return time.Date(2026, 11, 27, 10, min, 0, 0, cet) }
	upd := func(min int) time.Time { return time.Date(2026, 11, 27, 9, min, 0, 0, time.UTC) }
	promised := time.Date(2026, 12, 24, 23, 59, 0, 0, cet)
	return []Entry{
		{ID: "01a23c75-dbe3-7bb0-beca-c094c57543ad", Kind: TxCheckout, Patron: "20790000000010", Item: "30790000000075",
			At: at(5), Due: promised, Offline: true, State: TxPending, Updated: upd(0)},
		{ID: "01a23c75-dbe4-722a-bcb9-46e7567fd59a", Kind: TxCheckout, Patron: "20790000000028", Item: "30790000000083",
			At: at(6), State: TxSent, Attempts: 1, Updated: upd(1)},
		{ID: "01a23c75-dbe4-75f8-8eed-57f5b8d8048c", Kind: TxCheckout, Item: "30790000000091", Title: `De "avonden": één winterverhaal`,
			At: at(7), Due: time.Date(2026, 12, 18, 23, 59, 0, 0, cet), State: TxDone, Message: "Veel leesplezier", Attempts: 1, Updated: upd(3)},
		{ID: "01a23c75-dbe4-7ea3-b4e6-a71666f12d2d", Kind: TxCheckout, Patron: "20790000000044", Item: "30790000000109",
			At: at(8), Due: promised, Offline: true, State: TxAttention, Message: "=Item not found", Attempts: 2, Updated: upd(6)},
		{ID: "01a23c75-dbe6-7540-b583-a32e010fc105", Kind: TxCheckin, Patron: "20790000000051", Item: "30790000000042", Title: "Tirza",
			At: at(9), State: TxDone, Attempts: 1, Updated: upd(8)},
		{ID: "01a23c75-dbe7-738f-bbad-4a10363b681a", Kind: TxRenew, Patron: "20790000000069", Item: "30790000000117",
			At: at(10), State: TxRefused, Message: "Item has reached its renewal limit", Attempts: 1, Updated: upd(8)},
		{ID: "01a23c75-dbe8-7149-b2c3-85d05f1fdc6b", Kind: TxCheckin, Item: "30790000000125",
			At: at(11), Offline: true, State: TxPending, Updated: time.Date(2026, 11, 29, 9, 8, 0, 0, time.UTC)},
	}
}

func sameEntry(a, b Entry) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Patron == b.Patron && a.Item == b.Item && a.Title == b.Title &&
		a.At.Equal(b.At) && a.Due.Equal(b.Due) && a.Due.IsZero() == b.Due.IsZero() && a.Offline == b.Offline &&
		a.State == b.State && a.Message == b.Message && a.Attempts == b.Attempts && a.Updated.Equal(b.Updated)
}

func allEntries(t *testing.T, s *Store) []Entry {
	t.Helper()
	list, err := s.entries(func(TxState) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A file written at schema 1 opens at schema 2 with every entry, the audit
// trail and the patron cache as they were, and works on from there.
func TestMigrateJournalFromJSON(t *testing.T) {
	path := copyV1(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Schema(); err != nil || v != 2 {
		t.Fatalf("schema = %d, %v; want 2", v, err)
	}
	want := v1Entries()
	got := allEntries(t, s)
	if len(got) != len(want) {
		t.Fatalf("%d entries after migration, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameEntry(got[i], want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			if v[0] != formatBinary {
				t.Errorf("entry %x is still in format %d", k, v[0])
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	checkDB(t, s)
	if ev, err := s.AuditEvents(); err != nil || len(ev) != 1 || ev[0].Card != "0010" {
		t.Errorf("audit trail after migration: %+v %v", ev, err)
	}
	// Schema 1 keyed the patron cache by the card number: those entries are
	// not found by the keyed hash, and the next prune drops them.
	if p, ok, err := s.CachedPatron("20790000000010"); err != nil || ok {
		t.Errorf("patron cache after migration: %+v %v %v; want the old entry not found", p, ok, err)
	}

	// The migrated journal works on: the offline loan is replayed, the
	// attention list and the counts read the new format.
	s.Now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
	pending, err := s.Unfinished()
	if err != nil || len(pending) != 3 {
		t.Fatalf("unfinished after migration: %d, %v; want 3", len(pending), err)
	}
	if err := s.MarkSentAll([]string{want[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishAll([]Outcome{{ID: want[0].ID, State: TxDone, Due: want[0].Due, Title: "Boven is het stil"}}); err != nil {
		t.Fatal(err)
	}
	if e := mustEntry(t, s, want[0].ID); e.State != TxDone || e.Attempts != 1 || e.Title != "Boven is het stil" || e.Patron != want[0].Patron {
		t.Errorf("replayed migrated entry: %+v", e)
	}
	if att, err := s.NeedAttention(); err != nil || len(att) != 1 || att[0].ID != want[3].ID {
		t.Errorf("attention after migration: %+v %v", att, err)
	}
	counts, err := s.JournalCounts()
	if err != nil || counts[TxCheckout][TxDone] != 2 || counts[TxCheckin][TxPending] != 1 {
		t.Errorf("counts after migration: %v %v", counts, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Opening again changes nothing.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := allEntries(t, s); len(got) != len(want) || !sameEntry(got[1], want[1]) {
		t.Errorf("after reopening: %+v", got)
	}
}

// An entry the migration cannot read stops it: Open fails, and the file
// stays at schema 1 with every entry as it was.
func TestMigrationFailsWhole(t *testing.T) {
	path := copyV1(t)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	bad := uuid.Must(uuid.NewV7())
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).Put(bad[:], []byte{formatJSON, 1, 1, 0, '{', 'x'})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path); err == nil {
		s.Close()
		t.Fatal("Open migrated a journal with an unreadable entry")
	}
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); binary.BigEndian.Uint64(v) != 1 {
			t.Errorf("schema = %d after a failed migration, want 1", binary.BigEndian.Uint64(v))
		}
		n := 0
		err := tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			if v[0] != formatJSON {
				t.Errorf("entry %x rewritten by a failed migration", k)
			}
			n++
			return nil
		})
		if n != len(v1Entries())+1 {
			t.Errorf("%d entries after a failed migration, want %d", n, len(v1Entries())+1)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file from a newer kiosk is refused, not rewritten.
func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion+1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path); !errors.Is(err, ErrNewerSchema) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a newer schema: %v, want ErrNewerSchema", err)
	}
}
