package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestPatronCacheRemembersAndForgets(t *testing.T) {
	s, path := mustOpenStore(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := s.RememberPatron("20790000000010", CachedPatron{Name: "Joost Müller", Seen: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.RememberPatron("20790000000044", CachedPatron{Name: "Fatima", Blocked: true, Seen: now.Add(-8 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path) // it survives a restart
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, ok, err := s.CachedPatron("20790000000010")
	if err != nil || !ok || p.Name != "Joost Müller" || p.Blocked {
		t.Errorf("cached = %+v, %v, %v", p, ok, err)
	}
	n, err := s.PrunePatrons(now.Add(-7 * 24 * time.Hour))
	if err != nil || n != 1 {
		t.Errorf("pruned %d, %v; want 1", n, err)
	}
	if _, ok, _ := s.CachedPatron("20790000000044"); ok {
		t.Error("a card seen 8 days ago is still cached after a 7-day prune")
	}
	if _, ok, _ := s.CachedPatron("20790000099999"); ok {
		t.Error("an unknown card is cached")
	}
}

// The file does not tell which cards visited: the cache finds a card by a
// keyed hash, with its key in a file of its own, made on first use.
func TestPatronCacheDoesNotRevealTheCard(t *testing.T) {
	s, path := mustOpenStore(t)
	keyFile := filepath.Join(filepath.Dir(path), PatronKeyFile)
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Errorf("key file before first use: %v", err)
	}
	const card = "20790000000036"
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := s.RememberPatron(card, CachedPatron{Name: "Henk Jansen", Seen: now}); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := s.CachedPatron(card); err != nil || !ok || p.Name != "Henk Jansen" {
		t.Errorf("cached = %+v, %v, %v", p, ok, err)
	}
	s.Close()
	if found := readable(t, filepath.Dir(path), []string{card}); len(found) > 0 {
		t.Errorf("the card number is readable in the data directory")
	}
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Errorf("key file: %v, %v; want 32 bytes, mode 600", fi, err)
	}
}

// Losing the key file only empties the cache; the entries nobody can find
// go when their time is up.
func TestPatronCacheWithoutItsKeyIsEmpty(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	const card = "20790000000036"
	if err := s.RememberPatron(card, CachedPatron{Name: "Henk Jansen", Seen: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	keyFile := filepath.Join(filepath.Dir(path), PatronKeyFile)
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = clock.Now
	if p, ok, err := s.CachedPatron(card); err != nil || ok {
		t.Errorf("cached without the key = %+v, %v, %v; want nothing", p, ok, err)
	}
	if err := s.RememberPatron(card, CachedPatron{Name: "Henk Jansen", Seen: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := s.CachedPatron(card); err != nil || !ok || p.Name != "Henk Jansen" {
		t.Errorf("cached under the new key = %+v, %v, %v", p, ok, err)
	}
	clock.Add(8 * 24 * time.Hour)
	if got, err := s.Retain(day); err != nil || got.Forgotten != 2 {
		t.Errorf("Retain = %+v, %v; want both entries forgotten", got, err)
	}
}

// An entry an older kiosk keyed by the plain card number is never found and
// dropped at the next retention, bytes and all: it is a cache.
func TestPatronCacheDropsEntriesKeyedByTheCard(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	const card, name = "20790000000069", "Ayşe Yılmaz"
	data, err := json.Marshal(CachedPatron{Name: name, Seen: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketPatrons).Put([]byte(card), data) })
	if err != nil {
		t.Fatal(err)
	}
	if p, ok, err := s.CachedPatron(card); err != nil || ok {
		t.Errorf("an entry keyed by the card is found: %+v, %v, %v", p, ok, err)
	}
	if got, err := s.Retain(day); err != nil || got.Forgotten != 1 || !got.Compacted {
		t.Errorf("Retain = %+v, %v; want the old entry forgotten", got, err)
	}
	s.Close()
	if found := readable(t, filepath.Dir(path), []string{card, name}); len(found) > 0 {
		t.Errorf("still readable: %q", found)
	}
}
