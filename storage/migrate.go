package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Schema 1 stored a journal entry as the 4-byte header (format 1) and a
// JSON body. Schema 2 keeps the header and makes the body binary: decoding
// and encoding 200 JSON bodies per replayed batch cost more than the disk.

const formatJSON = 1

// bodyV1 is the JSON body of schema 1; ID, kind and state live in key and header.
type bodyV1 struct {
	Patron   string    `json:"patron,omitempty"`
	Item     string    `json:"item"`
	Title    string    `json:"title,omitempty"`
	At       time.Time `json:"at"`
	Due      time.Time `json:"due,omitzero"`
	Offline  bool      `json:"offline,omitempty"`
	Message  string    `json:"message,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Updated  time.Time `json:"updated"`
}

// decodeV1 reads a schema 1 value.
func decodeV1(v []byte) (Entry, error) {
	if len(v) < headerSize || v[0] != formatJSON {
		return Entry{}, errors.New("unknown journal record format")
	}
	st, ok1 := decodeCode(stateCodes, v[1])
	kind, ok2 := decodeCode(kindCodes, v[2])
	if !ok1 || !ok2 {
		return Entry{}, fmt.Errorf("unknown journal state %d or kind %d", v[1], v[2])
	}
	var b bodyV1
	if err := json.Unmarshal(v[headerSize:], &b); err != nil {
		return Entry{}, err
	}
	return Entry{
		Kind: kind, Patron: b.Patron, Item: b.Item, Title: b.Title,
		At: b.At, Due: b.Due, Offline: b.Offline, State: st, Message: b.Message,
		Attempts: b.Attempts, Updated: b.Updated,
	}, nil
}

// migrateJournalV2 rewrites every schema 1 entry in the binary body, inside
// the caller's transaction: the file has all entries in one format or the
// other, never a mix. An entry it cannot read stops the migration, and the
// file stays as it was.
func migrateJournalV2(tx *bolt.Tx) error {
	b := tx.Bucket(bucketJournal)
	if b == nil {
		return nil
	}
	type change struct{ k, v []byte }
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		if len(v) > 0 && v[0] == formatBinary {
			return nil
		}
		e, err := decodeV1(v)
		if err != nil {
			id, _ := uuid.FromBytes(k)
			return fmt.Errorf("journal entry %s: migrate to schema 2: %w", id, err)
		}
		nv, err := encodeEntry(e)
		if err != nil {
			return err
		}
		// Put during a walk would move the cursor: collect first.
		changes = append(changes, change{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	b.FillPercent = appendFill
	for _, ch := range changes {
		if err := b.Put(ch.k, ch.v); err != nil {
			return err
		}
	}
	return nil
}
