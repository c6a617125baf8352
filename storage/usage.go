package storage

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketUsage holds anonymous counts for the library's figures: how busy
// the study places were per zone and hour, bookings and no-shows per day.
// A key names a day, maybe an hour and a zone, and what is counted; there
// is never a card or a name in it, so retention leaves it alone.
var bucketUsage = []byte("usage")

// AddUsage adds n to the count under key.
func (s *Store) AddUsage(key string, n int) error {
	return s.usage(key, func(old uint64) uint64 { return old + uint64(max(n, 0)) })
}

// MaxUsage keeps the largest value seen under key.
func (s *Store) MaxUsage(key string, v int) error {
	return s.usage(key, func(old uint64) uint64 { return max(old, uint64(max(v, 0))) })
}

func (s *Store) usage(key string, next func(uint64) uint64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsage)
		var old uint64
		v := b.Get([]byte(key))
		if len(v) == 8 {
			old = binary.BigEndian.Uint64(v)
		}
		nv := next(old)
		if nv == old && v != nil {
			return nil // nothing new: no write, no sync
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], nv)
		return b.Put([]byte(key), buf[:])
	})
	if err != nil {
		return fmt.Errorf("usage %s: %w", key, err)
	}
	return nil
}

// Usage returns every count, by key.
func (s *Store) Usage() (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsage).ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				out[string(k)] = int(binary.BigEndian.Uint64(v))
			}
			return nil
		})
	})
	return out, err
}
