package storage

import (
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

// ScrubSeats removes the card from the bookings that ended longer than the
// retention r.Seats ago (Journal's when 0), and drops those that ended
// longer than twice that ago, on the store's clock, in one commit; it
// reports how many bookings it changed or dropped. A seat it changes gets a
// new revision, as with PutSeat: whoever read it before writes it again
// only after reading it again.
//
// Until the window has passed the card stays: the kiosk counts a patron's
// bookings of the day, ended ones too (StudyRules.PerDay), and staff may ask
// who sat where. Without it the booking still tells that the seat was used
// then, for one more window; dropping it after that keeps the records, all
// of which the kiosk reads to show the free places, as short as the
// bookings still ahead. The record itself stays, emptied, with its revision.
func (s *Store) ScrubSeats(r Retention) (int, error) {
	now := s.Now()
	scrub, drop := now.Add(-r.seats()), now.Add(-2*r.seats())
	n := 0
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeats)
		type change struct{ k, v []byte }
		var changes []change
		err := b.ForEach(func(k, v []byte) error {
			rec, err := decodeSeat(v)
			if err != nil {
				return fmt.Errorf("seat %q: %w", k, err)
			}
			kept := rec.Bookings[:0]
			changed := 0
			for _, bk := range rec.Bookings {
				switch {
				case bk.End.Before(drop):
					changed++
					continue
				case bk.End.Before(scrub) && bk.Card != "":
					bk.Card = ""
					changed++
				}
				kept = append(kept, bk)
			}
			if changed == 0 {
				return nil
			}
			if rec.Revision == math.MaxUint64 {
				return fmt.Errorf("seat %q: revision out of range", k)
			}
			n += changed
			// Put during a walk would move the cursor: collect first.
			changes = append(changes, change{append([]byte(nil), k...), encodeSeat(kept, rec.Revision+1)})
			return nil
		})
		if err != nil {
			return err
		}
		for _, ch := range changes {
			if err := b.Put(ch.k, ch.v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: scrub seats: %w", diskFull(err))
	}
	if n > 0 {
		s.file.removed()
	}
	return n, nil
}
