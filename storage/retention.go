package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Retention means the bytes are gone. bbolt never overwrites a page it
// frees: a card number scrubbed from an entry, or a remembered card pruned,
// stays readable in the file (grep -a) until the page happens to be reused.
// So after anything identifying is removed, Retain compacts: bbolt.Compact
// copies what is still kept into a new file, which is renamed over
// kiosk.db while the kiosk holds it; the old file, freed pages and all, is
// closed and gone.
//
// Why not crypto-shredding (card numbers encrypted with a key per period,
// the key destroyed when the period ends)? It cannot clean a file written
// before it, which already holds plain card numbers in freed pages; and a
// lost or damaged key file would lose who borrowed offline, which the
// journal promises never to lose. Compaction uses bbolt's public API only,
// and its cost is one copy of the live data, once at start and then only in
// the hours that removed something, with writes waiting meanwhile (a
// year's journal is a few MB: well under a second).

// AttentionRetention is how long an entry that needs staff attention keeps
// its patron when staff do not resolve it sooner. Staff need the card to
// tell who took an item the library refused on replay; by then the item is
// missed on its shelf or overdue: three weeks' loan, renewed twice, is 63
// days, and the reminder that follows comes within the month after.
const AttentionRetention = 90 * 24 * time.Hour

// Retention is how long the kiosk keeps what identifies a patron, counted
// on the store's clock from an entry's last change.
type Retention struct {
	Journal   time.Duration // a finished transaction's card number (kiosk.retention)
	Attention time.Duration // an unresolved transaction for staff: AttentionRetention
	Patrons   time.Duration // a remembered card and name (offline.patron_cache)
	// Seats is how long a seat's booking keeps its card after it ended
	// (ScrubSeats); 0 means as long as Journal, the kiosk's one setting of
	// how long it remembers who did what (kiosk.retention).
	Seats time.Duration
	// Polls is how long the anonymous poll answers and counts are kept, by
	// their day (months as a duration); 0 keeps them forever.
	Polls time.Duration
}

// seats is the retention of a booking's card.
func (r Retention) seats() time.Duration {
	if r.Seats == 0 {
		return r.Journal
	}
	return r.Seats
}

// Retained is what one Retain did.
type Retained struct {
	Scrubbed  int  // journal entries that lost their card number
	Forgotten int  // remembered cards removed
	Unbooked  int  // seat bookings that lost their card or were dropped
	Polls     int  // poll answers and counts of days past Retention.Polls
	Compacted bool // the file was rewritten with only what it keeps
	// Removed counts the copies of damaged files (kiosk.db.damaged-…)
	// deleted: they hold card numbers, and are kept only as long as an entry
	// for staff would be.
	Removed int
}

// Retain removes what the retention r says is old, on the store's clock,
// and then compacts the file if anything was removed since the last
// compaction (or none ran since Open), so that nothing removed can be read
// from the data directory. A failed compaction leaves the file as it was
// and is tried again at the next Retain.
func (s *Store) Retain(r Retention) (Retained, error) {
	var out Retained
	var err error
	if out.Scrubbed, err = s.Scrub(r); err != nil {
		return out, err
	}
	if out.Forgotten, err = s.PrunePatrons(s.Now().Add(-r.Patrons)); err != nil {
		return out, err
	}
	if out.Unbooked, err = s.ScrubSeats(r); err != nil {
		return out, err
	}
	if r.Polls > 0 {
		if out.Polls, err = s.PrunePolls(s.Now().Add(-r.Polls)); err != nil {
			return out, err
		}
	}
	if out.Removed, err = s.removeOldAsideCopies(s.Now().Add(-r.Attention)); err != nil {
		return out, err
	}
	if s.file.clean.Load() {
		return out, nil
	}
	if err := s.compact(); err != nil {
		return out, err
	}
	out.Compacted = true
	return out, nil
}

// fileState is what Store needs to swap its file while it is in use.
type fileState struct {
	// mu is held for reading by every transaction and for writing by
	// compact and Close, which replace or close db.
	mu     sync.RWMutex
	closed bool
	path   string // of kiosk.db: after a swap db.Path() names the temporary file
	// clean is set by a compaction and cleared by anything that removes
	// patron data: false after Open, since freed pages may hold some.
	clean atomic.Bool

	keyMu sync.Mutex
	key   []byte // of the patron cache (patrons.go), read on first use
}

// removed notes that a commit freed pages holding something removed.
func (f *fileState) removed() { f.clean.Store(false) }

// compactTxSize bounds the memory a compaction holds before it commits.
const compactTxSize = 1 << 20

// read runs fn in a read-only transaction on the current file.
func (s *Store) read(fn func(*bolt.Tx) error) error {
	s.file.mu.RLock()
	defer s.file.mu.RUnlock()
	return s.db.View(fn)
}

// write runs fn in a durable read-write transaction on the current file.
func (s *Store) write(fn func(*bolt.Tx) error) error {
	s.file.mu.RLock()
	defer s.file.mu.RUnlock()
	return s.db.Update(fn)
}

// compact copies what the file keeps into kiosk.db.compact and renames it
// over kiosk.db, with every other transaction waiting. The new file is open
// (and locked) before the rename, so no other process can take kiosk.db in
// between; a crash before the rename leaves the old file whole, and the next
// compaction removes the copy first.
func (s *Store) compact() error {
	s.file.mu.Lock()
	defer s.file.mu.Unlock()
	if s.file.closed {
		return fmt.Errorf("storage: compact: %w", bolt.ErrDatabaseNotOpen)
	}
	if s.file.path == "" {
		s.file.path = s.db.Path()
	}
	path := s.file.path
	tmp := path + ".compact"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: compact: %w", err)
	}
	old := s.db
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{
		Timeout:        time.Second,
		NoSync:         old.NoSync,
		NoGrowSync:     old.NoGrowSync,
		NoFreelistSync: old.NoFreelistSync,
		FreelistType:   old.FreelistType,
		MmapFlags:      old.MmapFlags,
	})
	if err != nil {
		return fmt.Errorf("storage: compact: %w", err)
	}
	fail := func(err error) error {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("storage: compact %s: %w", path, diskFull(err))
	}
	if err := bolt.Compact(dst, old, compactTxSize); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	old, s.db = s.db, dst // kiosk.db is dst now, whatever follows
	if err := old.Close(); err != nil {
		return fmt.Errorf("storage: compact: close the old file: %w", err)
	}
	// The rename is durable once the directory is: until then a crash
	// leaves the old file, which the next start compacts again.
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("storage: compact %s: %w", path, err)
	}
	s.file.clean.Store(true)
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeOldAsideCopies deletes the copies of damaged or read-only files that
// a salvage moved aside (asideName) before the given time, by the moment in
// their name: what could be read of them is in the live file, and they hold
// card numbers no retention would otherwise reach.
func (s *Store) removeOldAsideCopies(before time.Time) (int, error) {
	s.file.mu.RLock()
	path := s.file.path
	if path == "" {
		path = s.db.Path()
	}
	s.file.mu.RUnlock()
	removed := 0
	for _, suffix := range []string{damagedSuffix, readOnlySuffix} {
		matches, err := filepath.Glob(path + "." + suffix + "-*")
		if err != nil {
			return removed, err
		}
		for _, m := range matches {
			stamp := strings.TrimPrefix(m, path+"."+suffix+"-")
			if len(stamp) < len("20060102T150405") {
				continue
			}
			at, err := time.ParseInLocation("20060102T150405", stamp[:len("20060102T150405")], time.Local)
			if err != nil || !at.Before(before) {
				continue
			}
			if err := os.RemoveAll(m); err != nil {
				return removed, fmt.Errorf("storage: remove old copy: %w", err)
			}
			removed++
		}
	}
	return removed, nil
}
