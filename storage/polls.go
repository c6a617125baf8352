package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Quick polls (issue 13): anonymous answers and counts. Neither bucket
// holds a card, a session or an exact time: an answer keeps its day (for
// the retention), weekday and hour. The buckets are made on the first
// write, so a file without polls needs no migration.
var (
	// bucketPolls: key the day ("2006-01-02") and a sequence (uint64, big
	// endian), so the retention drops a day's answers by their key.
	bucketPolls = []byte("polls")
	// bucketPollCounts: key poll|service|event|day, value a uint64.
	bucketPollCounts = []byte("pollcounts")
)

const dayLayout = "2006-01-02"

// PollAnswer is one anonymous answer, as kiosk.Answer.
type PollAnswer struct {
	Poll     string
	Face     int // 1..4
	FollowUp int // 1-based option, 0 none
	Service  string
	Lang     string
	Kiosk    string
	Weekday  time.Weekday
	Hour     int
	Filtered bool
}

// PollCount is one count of a poll's event after a service on a day.
type PollCount struct {
	Poll, Service, Event, Day string
	N                         uint64
}

// The value of an answer (format 1): format, face, follow-up, weekday,
// hour, flags (1 byte each), then poll, service, lang and kiosk, each a
// uvarint length and the bytes.
const (
	pollFormat      = 1
	pollFixedSize   = 6
	pollFlagFilterd = 1 << 0
)

func encodeAnswer(a PollAnswer) ([]byte, error) {
	if a.Face < 1 || a.Face > 4 || a.FollowUp < 0 || a.FollowUp > 255 || a.Weekday < 0 || a.Weekday > 6 || a.Hour < 0 || a.Hour > 23 {
		return nil, fmt.Errorf("answer out of range: face %d, follow-up %d, weekday %d, hour %d", a.Face, a.FollowUp, a.Weekday, a.Hour)
	}
	v := make([]byte, pollFixedSize, pollFixedSize+4*binary.MaxVarintLen64+len(a.Poll)+len(a.Service)+len(a.Lang)+len(a.Kiosk))
	v[0], v[1], v[2], v[3], v[4] = pollFormat, byte(a.Face), byte(a.FollowUp), byte(a.Weekday), byte(a.Hour)
	if a.Filtered {
		v[5] = pollFlagFilterd
	}
	for _, s := range [...]string{a.Poll, a.Service, a.Lang, a.Kiosk} {
		v = binary.AppendUvarint(v, uint64(len(s)))
		v = append(v, s...)
	}
	return v, nil
}

func decodeAnswer(v []byte) (PollAnswer, error) {
	if len(v) < pollFixedSize || v[0] != pollFormat {
		return PollAnswer{}, errors.New("unknown poll answer format")
	}
	a := PollAnswer{Face: int(v[1]), FollowUp: int(v[2]), Weekday: time.Weekday(v[3]), Hour: int(v[4]), Filtered: v[5]&pollFlagFilterd != 0}
	pos := pollFixedSize
	for _, s := range [...]*string{&a.Poll, &a.Service, &a.Lang, &a.Kiosk} {
		l, w := binary.Uvarint(v[pos:])
		if w <= 0 || l > uint64(len(v)-pos-w) {
			return PollAnswer{}, errors.New("poll answer cut short")
		}
		pos += w
		*s = string(v[pos : pos+int(l)])
		pos += int(l)
	}
	if pos != len(v) {
		return PollAnswer{}, errors.New("poll answer has trailing bytes")
	}
	return a, nil
}

// SavePollAnswer writes one answer of day (its date only, in day's
// location) in one durable commit.
func (s *Store) SavePollAnswer(a PollAnswer, day time.Time) error {
	return s.SavePollAnswers([]PollAnswer{a}, day)
}

// SavePollAnswers writes answers of one day in one durable commit: for
// imports and tests; the kiosk saves one at a time.
func (s *Store) SavePollAnswers(as []PollAnswer, day time.Time) error {
	vs := make([][]byte, len(as))
	for i, a := range as {
		v, err := encodeAnswer(a)
		if err != nil {
			return fmt.Errorf("storage: save poll answer: %w", err)
		}
		vs[i] = v
	}
	prefix := day.Format(dayLayout)
	err := s.write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPolls)
		if err != nil {
			return err
		}
		b.FillPercent = appendFill // keys only grow within a day
		for _, v := range vs {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(binary.BigEndian.AppendUint64([]byte(prefix), seq), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: save poll answer: %w", diskFull(err))
	}
	return nil
}

// CountPoll adds one to poll's count of event after service on day.
func (s *Store) CountPoll(poll, service, event string, day time.Time) error {
	for _, f := range [...]string{poll, service, event} {
		if strings.Contains(f, "|") {
			return fmt.Errorf("storage: count poll: %q has a |", f)
		}
	}
	key := []byte(poll + "|" + service + "|" + event + "|" + day.Format(dayLayout))
	err := s.write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPollCounts)
		if err != nil {
			return err
		}
		var n uint64
		if v := b.Get(key); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return b.Put(key, binary.BigEndian.AppendUint64(nil, n+1))
	})
	if err != nil {
		return fmt.Errorf("storage: count poll: %w", diskFull(err))
	}
	return nil
}

// PollAnswers calls fn with every answer and its day, in order of day and
// saving, from one read transaction, until fn returns an error. Nothing is
// collected: an answer is decoded, passed and dropped.
func (s *Store) PollAnswers(fn func(day string, a PollAnswer) error) error {
	err := s.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPolls)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(k) != len(dayLayout)+8 {
				return fmt.Errorf("poll answer key %x", k)
			}
			a, err := decodeAnswer(v)
			if err != nil {
				return fmt.Errorf("poll answer %x: %w", k, err)
			}
			return fn(string(k[:len(dayLayout)]), a)
		})
	})
	if err != nil {
		return fmt.Errorf("storage: poll answers: %w", err)
	}
	return nil
}

// PollCounts returns every count, in key order.
func (s *Store) PollCounts() ([]PollCount, error) {
	var out []PollCount
	err := s.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPollCounts)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			f := strings.Split(string(k), "|")
			if len(f) != 4 || len(v) != 8 {
				return fmt.Errorf("poll count %q", k)
			}
			out = append(out, PollCount{Poll: f[0], Service: f[1], Event: f[2], Day: f[3], N: binary.BigEndian.Uint64(v)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: poll counts: %w", err)
	}
	return out, nil
}

// PrunePolls removes the answers and counts of the days before the day of
// before (in its location), in one commit, and reports how many went.
func (s *Store) PrunePolls(before time.Time) (int, error) {
	cut := before.Format(dayLayout)
	n := 0
	err := s.write(func(tx *bolt.Tx) error {
		var keys [][]byte
		if b := tx.Bucket(bucketPolls); b != nil {
			c := b.Cursor()
			for k, _ := c.First(); k != nil && string(k[:min(len(k), len(dayLayout))]) < cut; k, _ = c.Next() {
				keys = append(keys, append([]byte(nil), k...))
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n += len(keys)
		}
		if b := tx.Bucket(bucketPollCounts); b != nil {
			keys = keys[:0]
			err := b.ForEach(func(k, _ []byte) error {
				if i := strings.LastIndexByte(string(k), '|'); i < 0 || string(k[i+1:]) < cut {
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
			n += len(keys)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune polls: %w", diskFull(err))
	}
	if n > 0 {
		s.file.removed()
	}
	return n, nil
}
