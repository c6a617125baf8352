package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// Each stored value is a 4-byte header and a body. The header holds what the
// scans (Unfinished, Scrub, JournalCounts) filter on, so they skip the
// thousands of finished entries without decoding them.
//
// The body (format 2, schema 2) is binary: first the fields of fixed size,
// so that marking a batch as sent rewrites state, attempts and Updated in
// place without decoding the rest, then the strings, each a uvarint length
// and its bytes. Format 1 (schema 1) had a JSON body; migrate rewrites it.
const (
	formatBinary = 2
	headerSize   = 4
	flagPatron   = 1 << 0 // the body still holds a patron id

	// timeSize holds a time.Time in its own binary form: 15 bytes, or 16
	// for a zone offset with seconds; the rest of the slot is zero.
	timeSize = 16

	offAttempts = headerSize            // uint32, big endian
	offUpdated  = offAttempts + 4       // time
	offAt       = offUpdated + timeSize // time
	offDue      = offAt + timeSize      // time
	offOffline  = offDue + timeSize     // 1 or 0
	fixedSize   = offOffline + 1        // then patron, item, title, message

	// appendFill leaves a little room in each page for Finish to grow an entry.
	appendFill = 0.9
)

var stateCodes = []TxState{1: TxPending, 2: TxSent, 3: TxDone, 4: TxRefused, 5: TxAttention}
var kindCodes = []TxKind{1: TxCheckout, 2: TxRenew, 3: TxCheckin}

func code[T comparable](table []T, v T) (byte, bool) {
	for i, t := range table {
		if i > 0 && t == v {
			return byte(i), true
		}
	}
	return 0, false
}

func decodeCode[T comparable](table []T, c byte) (T, bool) {
	var zero T
	if c == 0 || int(c) >= len(table) {
		return zero, false
	}
	return table[c], true
}

func encodeEntry(e Entry) ([]byte, error) {
	st, ok := code(stateCodes, e.State)
	if !ok {
		return nil, fmt.Errorf("unknown journal state %q", e.State)
	}
	kind, ok := code(kindCodes, e.Kind)
	if !ok {
		return nil, fmt.Errorf("unknown transaction kind %q", e.Kind)
	}
	if e.Attempts < 0 || e.Attempts > math.MaxUint32 {
		return nil, fmt.Errorf("journal attempts %d out of range", e.Attempts)
	}
	var flags byte
	if e.Patron != "" {
		flags |= flagPatron
	}
	strs := [...]string{e.Patron, e.Item, e.Title, e.Message}
	size := fixedSize
	for _, s := range strs {
		size += uvarintLen(len(s)) + len(s)
	}
	v := make([]byte, fixedSize, size) // one allocation: the value bbolt keeps
	v[0], v[1], v[2], v[3] = formatBinary, st, kind, flags
	binary.BigEndian.PutUint32(v[offAttempts:], uint32(e.Attempts))
	for _, f := range [...]struct {
		off int
		t   time.Time
	}{{offUpdated, e.Updated}, {offAt, e.At}, {offDue, e.Due}} {
		if err := putTime(v[f.off:f.off+timeSize], f.t); err != nil {
			return nil, err
		}
	}
	if e.Offline {
		v[offOffline] = 1
	}
	for _, s := range strs {
		v = binary.AppendUvarint(v, uint64(len(s)))
		v = append(v, s...)
	}
	return v, nil
}

func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// putTime writes t into its slot of timeSize bytes.
func putTime(slot []byte, t time.Time) error {
	b, err := t.AppendBinary(slot[:0])
	if err != nil {
		return fmt.Errorf("journal time %v: %w", t, err)
	}
	if len(b) > timeSize || &b[0] != &slot[0] {
		return fmt.Errorf("journal time %v: %d bytes", t, len(b))
	}
	return nil
}

// getTime reads a slot written by putTime: the time in its own zone, or in
// Local when Local has the same offset at that moment, as JSON did.
func getTime(slot []byte) (time.Time, error) {
	n := 15
	if slot[0] == 2 { // time's binary form version 2: an offset with seconds
		n = 16
	}
	// time accepts any nanoseconds; a value we wrote has fewer than 1e9, and zero padding.
	if binary.BigEndian.Uint32(slot[9:13]) >= 1e9 || (n == 15 && slot[15] != 0) {
		return time.Time{}, errors.New("not a time")
	}
	var t time.Time
	err := t.UnmarshalBinary(slot[:n])
	return t, err
}

// header checks the header of a stored value and returns its state and kind.
func header(v []byte) (TxState, TxKind, byte, error) {
	if len(v) < fixedSize || v[0] != formatBinary {
		return "", "", 0, errors.New("unknown journal record format")
	}
	st, ok1 := decodeCode(stateCodes, v[1])
	kind, ok2 := decodeCode(kindCodes, v[2])
	if !ok1 || !ok2 {
		return "", "", 0, fmt.Errorf("unknown journal state %d or kind %d", v[1], v[2])
	}
	return st, kind, v[3], nil
}

// decodeEntry copies everything it needs out of k and v, which belong to the transaction.
func decodeEntry(k, v []byte) (Entry, error) {
	id, err := uuid.FromBytes(k)
	if err != nil {
		return Entry{}, fmt.Errorf("journal key %x: %w", k, err)
	}
	e, err := decodeValue(v)
	if err != nil {
		return Entry{}, fmt.Errorf("journal entry %s: %w", id, err)
	}
	e.ID = id.String()
	return e, nil
}

// decodeValue decodes all of an entry but its id.
func decodeValue(v []byte) (Entry, error) {
	st, kind, _, err := header(v)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: kind, State: st, Attempts: int(binary.BigEndian.Uint32(v[offAttempts:])), Offline: v[offOffline] == 1}
	for _, f := range [...]struct {
		off int
		t   *time.Time
	}{{offUpdated, &e.Updated}, {offAt, &e.At}, {offDue, &e.Due}} {
		if *f.t, err = getTime(v[f.off : f.off+timeSize]); err != nil {
			return Entry{}, fmt.Errorf("journal time: %w", err)
		}
	}
	// One string for all four: one allocation, copied out of the transaction.
	raw := v[fixedSize:]
	all := string(raw)
	pos := 0
	for _, s := range [...]*string{&e.Patron, &e.Item, &e.Title, &e.Message} {
		n, w := binary.Uvarint(raw[pos:])
		if w <= 0 || n > uint64(len(raw)-pos-w) {
			return Entry{}, errors.New("journal record cut short")
		}
		pos += w
		*s = all[pos : pos+int(n)]
		pos += int(n)
	}
	if pos != len(raw) {
		return Entry{}, errors.New("journal record has trailing bytes")
	}
	return e, nil
}

// markSentInPlace returns a copy of the stored value v moved to sent, with
// one more attempt and updated now: only the fixed part changes, so the
// strings are not decoded and the value keeps its size.
func markSentInPlace(v []byte, now time.Time) ([]byte, error) {
	st, _, _, err := header(v)
	if err != nil {
		return nil, err
	}
	if !st.Unfinished() {
		return nil, fmt.Errorf("%w (%s)", ErrFinished, st)
	}
	nv := append([]byte(nil), v...)
	sent, _ := code(stateCodes, TxSent)
	nv[1] = sent
	attempts := binary.BigEndian.Uint32(nv[offAttempts:])
	if attempts == math.MaxUint32 {
		return nil, errors.New("journal attempts out of range")
	}
	binary.BigEndian.PutUint32(nv[offAttempts:], attempts+1)
	clear(nv[offUpdated : offUpdated+timeSize])
	if err := putTime(nv[offUpdated:offUpdated+timeSize], now); err != nil {
		return nil, err
	}
	return nv, nil
}
