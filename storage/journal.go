package storage

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// The journal: every checkout, renewal and return is written here before its
// SIP2 call (DESIGN.md decision 2) and updated with the outcome after. Keys are
// the 16 bytes of a UUIDv7, so a cursor walks entries oldest first.

var bucketJournal = []byte("journal")

// TxKind is the circulation transaction an entry records.
type TxKind string

const (
	TxCheckout TxKind = "checkout"
	TxRenew    TxKind = "renew"
	TxCheckin  TxKind = "checkin"
)

// TxState is where an entry stands between the kiosk and the ILS.
type TxState string

const (
	// TxPending is written but not yet sent: safe to send (again).
	TxPending TxState = "pending"
	// TxSent is on the wire with its outcome unknown; after a crash it is in doubt.
	TxSent TxState = "sent"
	// TxDone means the ILS said ok.
	TxDone TxState = "done"
	// TxRefused means the ILS said no while online: the patron saw it.
	TxRefused TxState = "refused"
	// TxAttention is a replayed offline entry the ILS refused, or lent with another
	// due date than the patron was promised: staff must act, it is never dropped.
	TxAttention TxState = "attention"
)

// Unfinished reports whether the entry still waits for an outcome from the ILS.
func (st TxState) Unfinished() bool { return st == TxPending || st == TxSent }

// ErrNotFound means no journal entry has the given id.
var ErrNotFound = errors.New("no such journal entry")

// ErrFinished means the entry already has its outcome and cannot move again.
var ErrFinished = errors.New("the journal entry is already finished")

// ErrDiskFull means a write failed because the disk (or the file size limit)
// is full. Nothing of the failed write was kept; earlier data is intact.
var ErrDiskFull = errors.New("the disk is full")

// Entry is one circulation transaction in the journal.
type Entry struct {
	ID       string    // UUIDv7 text, assigned by Begin
	Kind     TxKind    // checkout, renew or checkin
	Patron   string    // full card number until scrubbed ("" after retention)
	Item     string    // item barcode
	Title    string    // item title, for the receipt and for staff
	At       time.Time // the transaction date (sent as SIP2 transaction date on replay)
	Due      time.Time // due date: promised (offline) or from the ILS
	Offline  bool      // made while the ILS was unreachable: replay with no block = Y
	State    TxState   // see the TxState constants
	Message  string    // the ILS's screen message or reason, for staff
	Attempts int       // how many times it went on the wire
	Updated  time.Time // last change of state, the clock for retention
}

// diskFull marks write errors caused by a full disk or file size limit with
// ErrDiskFull. bbolt formats the error of its file resize with %s, so the
// errno survives only as text there.
func diskFull(err error) error {
	if err == nil || errors.Is(err, ErrDiskFull) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) ||
		strings.HasSuffix(err.Error(), syscall.ENOSPC.Error()) ||
		strings.HasSuffix(err.Error(), syscall.EFBIG.Error()) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// Begin writes a new entry in state pending, with a fresh UUIDv7 id and
// Updated from the store's clock, and returns it once it is on disk. A zero
// At becomes now. ID, State and Attempts of e are ignored.
func (s *Store) Begin(e Entry) (Entry, error) { return s.begin(e, TxPending, 0) }

// BeginSent writes a new entry that goes on the wire at once, in state sent
// with one attempt: one durable commit instead of Begin and MarkSent's two,
// for a transaction sent while online. After a crash it is in doubt.
func (s *Store) BeginSent(e Entry) (Entry, error) { return s.begin(e, TxSent, 1) }

func (s *Store) begin(e Entry, state TxState, attempts int) (Entry, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Entry{}, fmt.Errorf("storage: journal id: %w", err)
	}
	now := s.Now().Round(0)
	e.ID, e.State, e.Attempts, e.Updated = id.String(), state, attempts, now
	if e.At.IsZero() {
		e.At = now
	}
	e.At, e.Due = e.At.Round(0), e.Due.Round(0)
	v, err := encodeEntry(e)
	if err != nil {
		return Entry{}, fmt.Errorf("storage: journal begin: %w", err)
	}
	err = s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		// Keys only ever append: fuller pages mean fewer of them to write per commit.
		b.FillPercent = appendFill
		return b.Put(id[:], v)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("storage: journal begin: %w", diskFull(err))
	}
	return e, nil
}

// update reads entry id, lets change modify it, and writes it back, all in one
// durable transaction.
func (s *Store) update(op, id string, change func(*Entry) error) error {
	return s.updateAll(op, []string{id}, func(_ int, e *Entry) error { return change(e) })
}

// updateAll changes several entries in one durable commit: all or none.
func (s *Store) updateAll(op string, ids []string, change func(i int, e *Entry) error) error {
	return s.updateValues(op, ids, func(i int, key, v []byte, now time.Time) ([]byte, error) {
		e, err := decodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("journal entry %s: %w", ids[i], err)
		}
		e.ID = ids[i] // the caller's string: found under it, no new one to make
		if err := change(i, &e); err != nil {
			return nil, err
		}
		e.Updated = now
		return encodeEntry(e)
	})
}

// updateValues replaces the stored values of several entries in one durable
// commit, all or none: change gets the value in the file (valid only during
// the call) and returns the one to store.
func (s *Store) updateValues(op string, ids []string, change func(i int, key, v []byte, now time.Time) ([]byte, error)) error {
	keys := make([]uuid.UUID, len(ids))
	for i, id := range ids {
		key, err := uuid.Parse(id)
		if err != nil {
			return fmt.Errorf("storage: journal %s %q: %w", op, id, ErrNotFound)
		}
		keys[i] = key
	}
	now := s.Now().Round(0)
	var failed string
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		c := b.Cursor() // one cursor for all the reads: Get makes a new one each time
		for i := range keys {
			key := keys[i][:]
			failed = ids[i]
			k, v := c.Seek(key)
			if v == nil || !bytes.Equal(k, key) {
				return ErrNotFound
			}
			nv, err := change(i, key, v, now)
			if err != nil {
				return err
			}
			if err := b.Put(key, nv); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: journal %s %s: %w", op, failed, diskFull(err))
	}
	return nil
}

// MarkSent moves a pending entry to sent and counts the attempt; call it right
// before the request goes on the wire. An entry already sent (in doubt after a
// crash and now retried) stays sent and counts another attempt.
func (s *Store) MarkSent(id string) error {
	return s.update("mark sent", id, func(e *Entry) error {
		if !e.State.Unfinished() {
			return fmt.Errorf("%w (%s)", ErrFinished, e.State)
		}
		e.State = TxSent
		e.Attempts++
		return nil
	})
}

// MarkSentAll marks several entries as on the wire in one durable commit, for
// a replay that sends them one after another.
//
// Only state, attempts and Updated change, all in the fixed part of the
// value: it is patched, not decoded, and keeps its size, so no page splits.
func (s *Store) MarkSentAll(ids []string) error {
	return s.updateValues("mark sent", ids, func(_ int, _, v []byte, now time.Time) ([]byte, error) {
		return markSentInPlace(v, now)
	})
}

// Outcome is the ILS's answer to one entry, for FinishAll.
type Outcome struct {
	ID      string
	State   TxState
	Message string
	Due     time.Time
	Title   string
}

// FinishAll records several outcomes in one durable commit, as Finish does
// each, and returns the ids of the entries that now need staff attention.
func (s *Store) FinishAll(outs []Outcome) (attention []string, err error) {
	return s.FinishAllAndMark(outs, nil)
}

// FinishAllAndMark records outcomes as FinishAll and marks the entries next
// as sent as MarkSentAll, all in one durable commit: a replay finishes one
// batch and readies the one after the next with a single sync.
func (s *Store) FinishAllAndMark(outs []Outcome, next []string) (attention []string, err error) {
	ids := make([]string, len(outs), len(outs)+len(next))
	for i, o := range outs {
		if o.State.Unfinished() {
			return nil, fmt.Errorf("storage: journal finish %s: %q is not an outcome", o.ID, o.State)
		}
		ids[i] = o.ID
	}
	ids = append(ids, next...)
	err = s.updateValues("finish", ids, func(i int, _, v []byte, now time.Time) ([]byte, error) {
		if i >= len(outs) {
			return markSentInPlace(v, now)
		}
		e, err := decodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("journal entry %s: %w", ids[i], err)
		}
		e.ID = ids[i]
		if err := finish(&e, outs[i]); err != nil {
			return nil, err
		}
		e.Updated = now
		if e.State == TxAttention {
			attention = append(attention, e.ID)
		}
		return encodeEntry(e)
	})
	if err != nil {
		return nil, err
	}
	return attention, nil
}

// finish applies an outcome to e. The due date check is here, not in
// kiosk.send: the journal holds the promise, and every outcome (replayed
// batch, in-doubt lookup, Finish) passes through here.
func finish(e *Entry, o Outcome) error {
	if !e.State.Unfinished() {
		return fmt.Errorf("%w (%s)", ErrFinished, e.State)
	}
	e.State, e.Message = o.State, o.Message
	if e.Offline && o.State == TxRefused {
		e.State = TxAttention
	}
	if e.Offline && e.Kind == TxCheckout && o.State == TxDone &&
		!e.Due.IsZero() && !o.Due.IsZero() && !sameDay(e.Due, o.Due, time.Local) {
		e.State = TxAttention
		e.Message = fmt.Sprintf("due date differs: promised %s, library says %s",
			e.Due.In(time.Local).Format(time.DateOnly), o.Due.In(time.Local).Format(time.DateOnly))
		if o.Message != "" {
			e.Message += "; " + o.Message
		}
	}
	if !o.Due.IsZero() {
		e.Due = o.Due.Round(0)
	}
	if o.Title != "" {
		e.Title = o.Title
	}
	return nil
}

// sameDay reports whether a and b fall on one calendar day in loc. The
// patron was promised a day, not a minute: libraries send the end of that
// day as 23:59, 23:59:59 or a date-only 00:00. Both are read in loc, the
// zone the kiosk promised in and reads SIP2 dates in, so a date the ILS
// sends in UTC or another offset cannot move the day.
func sameDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}

// Finish records the ILS's outcome: state is done, refused or attention; msg
// is the screen message for staff; a non-zero due and a non-empty title
// replace the ones stored. An offline entry that the ILS refuses becomes
// attention, never refused: the patron did not see that refusal. So does an
// offline loan the ILS accepts with a due date on another day than the one
// promised: the patron was told another date; its message names both.
func (s *Store) Finish(id string, state TxState, msg string, due time.Time, title string) error {
	if state.Unfinished() {
		return fmt.Errorf("storage: journal finish %s: %q is not an outcome", id, state)
	}
	if _, ok := code(stateCodes, state); !ok {
		return fmt.Errorf("storage: journal finish %s: unknown state %q", id, state)
	}
	return s.update("finish", id, func(e *Entry) error {
		return finish(e, Outcome{ID: id, State: state, Message: msg, Due: due, Title: title})
	})
}

// Entry returns the journal entry with the given id, or ErrNotFound.
func (s *Store) Entry(id string) (Entry, error) {
	key, err := uuid.Parse(id)
	if err != nil {
		return Entry{}, fmt.Errorf("storage: journal entry %q: %w", id, ErrNotFound)
	}
	var e Entry
	err = s.read(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketJournal).Get(key[:])
		if v == nil {
			return ErrNotFound
		}
		e, err = decodeEntry(key[:], v)
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("storage: journal entry %s: %w", id, err)
	}
	return e, nil
}

// entries returns the entries whose header passes keep, oldest first.
func (s *Store) entries(keep func(TxState) bool) ([]Entry, error) {
	var out []Entry
	err := s.read(func(tx *bolt.Tx) error {
		// Count first: the header walk is cheap, growing a slice of 10,000 entries is not.
		n := 0
		c := tx.Bucket(bucketJournal).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			st, _, _, err := header(v)
			if err != nil {
				return fmt.Errorf("journal key %x: %w", k, err)
			}
			if keep(st) {
				n++
			}
		}
		out = make([]Entry, 0, n)
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if st, _, _, _ := header(v); !keep(st) {
				continue
			}
			e, err := decodeEntry(k, v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: journal: %w", err)
	}
	return out, nil
}

// Unfinished returns the pending and sent entries, oldest first: the work of
// the sync worker.
func (s *Store) Unfinished() ([]Entry, error) {
	return s.entries(TxState.Unfinished)
}

// NeedAttention returns the replayed offline entries the ILS refused, or lent
// due on another day than promised, oldest first.
func (s *Store) NeedAttention() ([]Entry, error) {
	return s.entries(func(st TxState) bool { return st == TxAttention })
}

// WriteAttentionCSV writes the entries that need staff attention as CSV, with
// at most the last four digits of a card number.
func (s *Store) WriteAttentionCSV(w io.Writer) error {
	list, err := s.NeedAttention()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "kind", "card", "item", "title", "at", "due", "attempts", "message"}); err != nil {
		return err
	}
	for _, e := range list {
		due := ""
		if !e.Due.IsZero() {
			due = e.Due.Format(time.RFC3339)
		}
		err := cw.Write([]string{
			e.ID, string(e.Kind), cell(last4(e.Patron)), cell(e.Item), cell(e.Title),
			e.At.Format(time.RFC3339), due, strconv.Itoa(e.Attempts), cell(e.Message),
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from reading a title or ILS message as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Scrub removes the patron id from finished entries whose retention has
// passed on the store's clock, and reports how many it changed: done and
// refused ones r.Journal after their outcome, attention ones r.Attention
// after it (staff need to know who took the item). Unfinished entries keep
// it: their replay needs it. The entries themselves stay, so the counts do too.
func (s *Store) Scrub(r Retention) (int, error) {
	now := s.Now()
	finished, attention := now.Add(-r.Journal), now.Add(-r.Attention)
	n := 0
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		type change struct{ k, v []byte }
		var changes []change
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			st, _, flags, err := header(v)
			if err != nil {
				return fmt.Errorf("journal key %x: %w", k, err)
			}
			if st.Unfinished() || flags&flagPatron == 0 {
				continue
			}
			e, err := decodeEntry(k, v)
			if err != nil {
				return err
			}
			before := finished
			if st == TxAttention {
				before = attention
			}
			if !e.Updated.Before(before) {
				continue
			}
			e.Patron = ""
			nv, err := encodeEntry(e)
			if err != nil {
				return err
			}
			// Put during a cursor walk would move the cursor: collect first.
			changes = append(changes, change{bytes.Clone(k), nv})
		}
		for _, ch := range changes {
			if err := b.Put(ch.k, ch.v); err != nil {
				return err
			}
		}
		n = len(changes)
		return nil
	})
	if n > 0 {
		s.file.removed()
	}
	if err != nil {
		return 0, fmt.Errorf("storage: journal scrub: %w", diskFull(err))
	}
	return n, nil
}

// ErrNoAttention means the entry Resolve was given does not wait for staff.
var ErrNoAttention = errors.New("the journal entry does not need staff attention")

// Resolve records that staff dealt with an entry that needed attention: it
// becomes done, with note added to its message, and from now on keeps its
// patron only for the journal's retention window.
func (s *Store) Resolve(id, note string) error {
	return s.update("resolve", id, func(e *Entry) error {
		if e.State != TxAttention {
			return fmt.Errorf("%w (%s)", ErrNoAttention, e.State)
		}
		e.State = TxDone
		msg := "resolved by staff"
		if note != "" {
			msg += ": " + note
		}
		if e.Message != "" {
			msg = e.Message + "; " + msg
		}
		e.Message = msg
		return nil
	})
}

// JournalCounts counts the entries by kind and state.
func (s *Store) JournalCounts() (map[TxKind]map[TxState]int, error) {
	counts := make(map[TxKind]map[TxState]int)
	err := s.read(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			st, kind, _, err := header(v)
			if err != nil {
				return fmt.Errorf("journal key %x: %w", k, err)
			}
			if counts[kind] == nil {
				counts[kind] = make(map[TxState]int)
			}
			counts[kind][st]++
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: journal counts: %w", err)
	}
	return counts, nil
}
