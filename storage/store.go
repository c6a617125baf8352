// Package storage keeps the kiosk's local state in one bbolt file: the schema
// version, the audit trail of patron sessions and the journal of circulation
// transactions.
package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of buckets this code reads and writes: 2 has
// binary journal bodies (migrate.go), 1 had JSON ones.
const SchemaVersion = 2

var (
	bucketMeta  = []byte("meta")
	bucketAudit = []byte("audit")
	keySchema   = []byte("schema_version")
)

// ErrLocked means another process holds the database file open.
var ErrLocked = errors.New("the database is in use by another process")

// ErrNewerSchema means the file was written by a newer kiosk than this one.
var ErrNewerSchema = errors.New("the database was written by a newer version of the kiosk")

// Store is the kiosk's bbolt file.
type Store struct {
	db   *bolt.DB
	Now  func() time.Time
	file fileState // retention.go: what lets compact swap db under the others
}

// Open opens or creates the database at path with mode 0600. A file held by
// another process gives ErrLocked after one second instead of hanging. A
// damaged file is salvaged as OpenOrSalvage does, and the damage logged.
func Open(path string) (*Store, error) {
	s, d, err := OpenOrSalvage(path)
	if d != nil {
		d.Log(slog.Default())
	}
	return s, err
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		version := 0
		if v := meta.Get(keySchema); len(v) == 8 {
			version = int(binary.BigEndian.Uint64(v))
		}
		if version > SchemaVersion {
			return fmt.Errorf("%w (schema %d, this kiosk knows %d)", ErrNewerSchema, version, SchemaVersion)
		}
		if version == 1 {
			if err := migrateJournalV2(tx); err != nil {
				return err
			}
		}
		for _, name := range [][]byte{bucketAudit, bucketJournal, bucketPatrons, bucketSeats, bucketUsage} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], SchemaVersion)
		return meta.Put(keySchema, buf[:])
	})
}

// Schema returns the schema version stored in the file.
func (s *Store) Schema() (int, error) {
	var version int
	err := s.read(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); len(v) == 8 {
			version = int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return version, err
}

// Close closes the file.
func (s *Store) Close() error {
	s.file.mu.Lock()
	defer s.file.mu.Unlock()
	s.file.closed = true
	return s.db.Close()
}

// AuditEvent is one line of the audit trail. Card holds at most the last four
// characters of a card number.
type AuditEvent struct {
	ID   string    `json:"-"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Card string    `json:"card,omitempty"`
}

// RecordAudit appends an event. The caller passes the card already cut to its
// last four digits; anything longer is cut here too, so no full card number
// reaches the disk.
func (s *Store) RecordAudit(at time.Time, kind, card string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	data, err := json.Marshal(AuditEvent{At: at.UTC(), Kind: kind, Card: last4(card)})
	if err != nil {
		return err
	}
	return diskFull(s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).Put(id[:], data)
	}))
}

// AuditEvents returns the audit trail, oldest first.
func (s *Store) AuditEvents() ([]AuditEvent, error) {
	var events []AuditEvent
	err := s.read(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			var e AuditEvent
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("audit record %x: %w", k, err)
			}
			if id, err := uuid.FromBytes(k); err == nil {
				e.ID = id.String()
			}
			events = append(events, e)
			return nil
		})
	})
	return events, err
}

// PruneAudit deletes audit events that happened before the given time and
// reports how many went.
func (s *Store) PruneAudit(before time.Time) (int, error) {
	return s.deleteWhere(bucketAudit, func(_, v []byte) bool {
		var e AuditEvent
		return json.Unmarshal(v, &e) != nil || e.At.Before(before)
	})
}

// deleteWhere deletes the records of a bucket that old says are old, in one
// commit, and reports how many went. Keys are collected first: a bbolt
// cursor skips records when the one under it is deleted.
func (s *Store) deleteWhere(bucket []byte, old func(k, v []byte) bool) (int, error) {
	n := 0
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		var keys [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if old(k, v) {
				keys = append(keys, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if n > 0 {
		s.file.removed()
	}
	return n, err
}

func last4(card string) string {
	r := []rune(strings.TrimPrefix(card, "…"))
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return string(r)
}
