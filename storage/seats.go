package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The study places: one record per seat, under its number, with the
// bookings on it. A record changes only by compare-and-set on its revision
// (PutSeat), so that the check that a seat is free and the booking are one
// step, as in a key-value store shared by several kiosks (JetStream KV,
// with its per-key revisions).
//
// The revision is kept in the value, and each write of a seat stores the
// one it replaced plus one: per seat it only ever grows, and it survives a
// compaction and a salvage, which copy values but not bucket sequences. A
// record is never deleted, only emptied, so a seat's revision never starts
// again at 1 while someone may still hold an older one.
var bucketSeats = []byte("seats")

// ErrSeatChanged means the seat's stored revision is not the one PutSeat
// was given: someone wrote the seat since it was read.
var ErrSeatChanged = errors.New("storage: the seat was changed meanwhile")

// SeatBooking is one booking of a seat. Card is the patron's full card
// number until the retention scrubs it (Retention.Seats).
type SeatBooking struct {
	ID        string
	Card      string
	Class     string
	Start     time.Time
	End       time.Time
	At        time.Time // when it was made
	CheckedIn bool
}

// SeatRecord is a seat's bookings and the revision they were stored with.
type SeatRecord struct {
	Bookings []SeatBooking
	Revision uint64
}

// The value of a seat (format 1): a format byte, the revision (uint64, big
// endian), the number of bookings (uvarint), and per booking a flags byte,
// its three times (each the Unix seconds, int64 big endian, and the
// nanoseconds, uint32: fixed, which decodes faster than varints) and its
// three strings (each a uvarint length and the bytes).
//
// Binary rather than JSON: the kiosk reads every seat to show the free
// places (300 seats, a few bookings each), and JSON's parsing of 3 600 times
// would take most of the millisecond that may cost; this decodes with one
// allocation per record for its strings and one for its bookings. Times come
// back in time.Local (the kiosk's wall clock), the zero time as the zero time.
const (
	seatFormat     = 1
	seatHeaderSize = 1 + 8
	seatCheckedIn  = 1 << 0
	seatTimeSize   = 8 + 4
	// seatFixedSize is a booking's flags and times, before its strings.
	seatFixedSize = 1 + 3*seatTimeSize
)

// zeroUnix is the Unix second of the zero time.
var zeroUnix = time.Time{}.Unix()

func encodeSeat(bookings []SeatBooking, rev uint64) []byte {
	size := seatHeaderSize + binary.MaxVarintLen64
	for _, b := range bookings {
		size += seatFixedSize + 3*binary.MaxVarintLen64 + len(b.ID) + len(b.Card) + len(b.Class)
	}
	v := make([]byte, seatHeaderSize, size)
	v[0] = seatFormat
	binary.BigEndian.PutUint64(v[1:], rev)
	v = binary.AppendUvarint(v, uint64(len(bookings)))
	for _, b := range bookings {
		var flags byte
		if b.CheckedIn {
			flags |= seatCheckedIn
		}
		v = append(v, flags)
		for _, t := range [...]time.Time{b.Start, b.End, b.At} {
			v = binary.BigEndian.AppendUint64(v, uint64(t.Unix()))
			v = binary.BigEndian.AppendUint32(v, uint32(t.Nanosecond()))
		}
		for _, s := range [...]string{b.ID, b.Card, b.Class} {
			v = binary.AppendUvarint(v, uint64(len(s)))
			v = append(v, s...)
		}
	}
	return v
}

// seatRevision reads the revision of a stored value without decoding the rest.
func seatRevision(v []byte) (uint64, error) {
	if len(v) < seatHeaderSize || v[0] != seatFormat {
		return 0, errors.New("unknown seat record format")
	}
	return binary.BigEndian.Uint64(v[1:]), nil
}

// decodeSeat copies everything out of v, which belongs to the transaction.
func decodeSeat(v []byte) (SeatRecord, error) { return decodeSeatInto(v, nil) }

// decodeSeatInto decodes v into buf's array if it has room, else into a new one.
func decodeSeatInto(v []byte, buf []SeatBooking) (SeatRecord, error) {
	rev, err := seatRevision(v)
	if err != nil {
		return SeatRecord{}, err
	}
	raw := v[seatHeaderSize:]
	short := errors.New("seat record cut short")
	n, w := binary.Uvarint(raw)
	// A booking takes seatFixedSize+3 bytes at least: a bound before allocating.
	if w <= 0 || n > uint64(len(raw)-w)/(seatFixedSize+3) {
		return SeatRecord{}, short
	}
	pos := w
	rec := SeatRecord{Revision: rev}
	switch {
	case n > 0 && uint64(cap(buf)) >= n:
		rec.Bookings = buf[:n]
		clear(rec.Bookings)
	case n > 0:
		rec.Bookings = make([]SeatBooking, n)
	}
	all := string(raw) // one string for all the record's strings: one allocation
	for i := range rec.Bookings {
		b := &rec.Bookings[i]
		if len(raw)-pos < seatFixedSize {
			return SeatRecord{}, short
		}
		if raw[pos]&^seatCheckedIn != 0 {
			return SeatRecord{}, errors.New("seat record: bad booking flags")
		}
		b.CheckedIn = raw[pos]&seatCheckedIn != 0
		pos++
		for _, t := range [...]*time.Time{&b.Start, &b.End, &b.At} {
			sec := int64(binary.BigEndian.Uint64(raw[pos:]))
			nsec := binary.BigEndian.Uint32(raw[pos+8:])
			if nsec >= 1e9 {
				return SeatRecord{}, errors.New("seat record: not a time")
			}
			pos += seatTimeSize
			if sec != zeroUnix || nsec != 0 {
				*t = time.Unix(sec, int64(nsec))
			}
		}
		for _, s := range [...]*string{&b.ID, &b.Card, &b.Class} {
			l, w := binary.Uvarint(raw[pos:])
			if w <= 0 || l > uint64(len(raw)-pos-w) {
				return SeatRecord{}, short
			}
			pos += w
			*s = all[pos : pos+int(l)]
			pos += int(l)
		}
	}
	if pos != len(raw) {
		return SeatRecord{}, errors.New("seat record has trailing bytes")
	}
	return rec, nil
}

// Seat returns a seat's bookings and revision; a seat never written has
// none and revision 0.
func (s *Store) Seat(seat string) (SeatRecord, error) {
	var rec SeatRecord
	err := s.read(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSeats).Get([]byte(seat))
		if v == nil {
			return nil
		}
		var err error
		rec, err = decodeSeat(v)
		return err
	})
	if err != nil {
		return SeatRecord{}, fmt.Errorf("storage: seat %q: %w", seat, err)
	}
	return rec, nil
}

// PutSeat stores bookings as the seat's record if its stored revision is
// still rev (0: the seat has no record yet), in one durable commit, and
// returns the new revision; ErrSeatChanged if it is not. Empty bookings
// keep the record, emptied, with its revision.
func (s *Store) PutSeat(seat string, bookings []SeatBooking, rev uint64) (uint64, error) {
	if seat == "" {
		return 0, errors.New("storage: put seat: no seat number")
	}
	if rev == math.MaxUint64 {
		return 0, fmt.Errorf("storage: put seat %q: %w", seat, ErrSeatChanged)
	}
	v := encodeSeat(bookings, rev+1)
	if len(seat) > bolt.MaxKeySize || len(v) > bolt.MaxValueSize {
		return 0, fmt.Errorf("storage: put seat %q: too large", seat)
	}
	dropsCard := false
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeats)
		var stored uint64
		if cur := b.Get([]byte(seat)); cur != nil {
			old, err := decodeSeat(cur)
			if err != nil {
				return err
			}
			stored, dropsCard = old.Revision, dropsCards(old.Bookings, bookings)
		}
		if stored != rev {
			return ErrSeatChanged
		}
		return b.Put([]byte(seat), v)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: put seat %q: %w", seat, diskFull(err))
	}
	if dropsCard {
		// The page freed holds a card the file no longer keeps: the next
		// Retain compacts it away.
		s.file.removed()
	}
	return rev + 1, nil
}

// dropsCards reports whether a card of old is not in bookings.
func dropsCards(old, bookings []SeatBooking) bool {
	for _, o := range old {
		if o.Card == "" {
			continue
		}
		kept := false
		for _, b := range bookings {
			if b.Card == o.Card {
				kept = true
				break
			}
		}
		if !kept {
			return true
		}
	}
	return false
}

// Seats returns every seat's record, by seat number, from one transaction.
func (s *Store) Seats() (map[string]SeatRecord, error) {
	out := make(map[string]SeatRecord)
	err := s.EachSeat(func(seat string, rec SeatRecord) error {
		rec.Bookings = slices.Clone(rec.Bookings)
		out[seat] = rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachSeat calls fn with every seat's record, in the order of the seat
// numbers' bytes, from one read transaction, until fn returns an error.
// rec.Bookings is valid only during the call: the next reuses its array
// (its strings stay valid). It saves the copy Seats makes, for a caller that
// converts the bookings anyway.
func (s *Store) EachSeat(fn func(seat string, rec SeatRecord) error) error {
	var buf []SeatBooking
	err := s.read(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSeats).ForEach(func(k, v []byte) error {
			rec, err := decodeSeatInto(v, buf)
			if err != nil {
				return fmt.Errorf("seat %q: %w", k, err)
			}
			if cap(rec.Bookings) > cap(buf) {
				buf = rec.Bookings
			}
			return fn(string(k), rec)
		})
	})
	if err != nil {
		return fmt.Errorf("storage: seats: %w", err)
	}
	return nil
}
