package storage

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The patron cache lets the kiosk recognise a card while the library system
// is down: who it is and whether the ILS last said they may borrow. It keeps
// a card only for a few days (privacy); PrunePatrons removes the rest.
//
// An entry is found by a keyed hash of the card number (HMAC-SHA256), not
// the number: the file alone does not tell which cards visited. The key is
// PatronKeyFile beside kiosk.db, mode 0600, made on first use; without it the
// entries cannot be found, so losing it only empties the cache.
var bucketPatrons = []byte("patrons")

// PatronKeyFile is the name of the patron cache's key file in the data directory.
const PatronKeyFile = "patrons.key"

// patronKeyTag starts every cache key: a key without it (the plain card
// number of an older kiosk) is dropped by PrunePatrons.
const patronKeyTag = 1

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
	key, err := s.patronKey(card)
	if err != nil {
		return fmt.Errorf("storage: remember patron: %w", err)
	}
	err = s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPatrons).Put(key, data)
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
	key, err := s.patronKey(card)
	if err != nil {
		return p, false, fmt.Errorf("storage: patron cache: %w", err)
	}
	err = s.read(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPatrons).Get(key)
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &p)
	})
	return p, found, err
}

// PrunePatrons forgets every card last seen before the given time, and
// every entry an older kiosk keyed by the plain card number.
func (s *Store) PrunePatrons(before time.Time) (int, error) {
	return s.deleteWhere(bucketPatrons, func(k, v []byte) bool {
		if len(k) != 1+sha256.Size || k[0] != patronKeyTag {
			return true
		}
		var p CachedPatron
		return json.Unmarshal(v, &p) != nil || p.Seen.Before(before)
	})
}

// patronKey is the cache's key for card.
func (s *Store) patronKey(card string) ([]byte, error) {
	secret, err := s.patronSecret()
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(card))
	return mac.Sum([]byte{patronKeyTag}), nil
}

// patronSecret reads the key file, or makes it if there is none (or it
// holds no key), once per Store.
func (s *Store) patronSecret() ([]byte, error) {
	s.file.keyMu.Lock()
	defer s.file.keyMu.Unlock()
	if s.file.key != nil {
		return s.file.key, nil
	}
	s.file.mu.RLock()
	path := s.file.path
	if path == "" {
		path = s.db.Path()
	}
	s.file.mu.RUnlock()
	path = filepath.Join(filepath.Dir(path), PatronKeyFile)
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) == sha256.Size:
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("patron key: %w", err)
		}
	case err == nil || errors.Is(err, fs.ErrNotExist):
		if key, err = newPatronSecret(path); err != nil {
			return nil, fmt.Errorf("patron key: %w", err)
		}
	default:
		return nil, fmt.Errorf("patron key: %w", err)
	}
	s.file.key = key
	return key, nil
}

// newPatronSecret writes a new random key to path, atomically.
func newPatronSecret(path string) ([]byte, error) {
	key := make([]byte, sha256.Size)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return key, nil
}
