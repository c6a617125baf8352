package storage

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The patron cache lets the kiosk recognise a card while the library system
// is down: who it is and whether the ILS last said they may borrow. It keeps
// a card only for a few days (privacy); PrunePatrons removes the rest.
var bucketPatrons = []byte("patrons")

// CachedPatron is what the kiosk remembers of a card from its last online visit.
type CachedPatron struct {
	Name    string `json:"name"`
	Blocked bool   `json:"blocked"`
	// Refused is why the ILS refused the card outright, so that it is refused
	// offline too: RefusedUnknown or RefusedLost; "" for a card it accepted.
	Refused string    `json:"refused,omitempty"`
	Seen    time.Time `json:"seen"`
}

// Why the ILS refused a card (CachedPatron.Refused).
const (
	RefusedUnknown = "unknown"
	RefusedLost    = "lost"
)

// RememberPatron stores what the ILS said of card at a visit.
func (s *Store) RememberPatron(card string, p CachedPatron) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	err = s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPatrons).Put([]byte(card), data)
	})
	if err != nil {
		return fmt.Errorf("storage: remember patron: %w", diskFull(err))
	}
	return nil
}

// CachedPatron returns what the kiosk remembers of card, if anything.
func (s *Store) CachedPatron(card string) (CachedPatron, bool, error) {
	var p CachedPatron
	var found bool
	err := s.read(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPatrons).Get([]byte(card))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &p)
	})
	return p, found, err
}

// PrunePatrons forgets every card last seen before the given time.
func (s *Store) PrunePatrons(before time.Time) (int, error) {
	return s.deleteWhere(bucketPatrons, func(v []byte) bool {
		var p CachedPatron
		return json.Unmarshal(v, &p) != nil || p.Seen.Before(before)
	})
}
