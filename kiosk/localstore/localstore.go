// Package localstore gives the kiosk core its Store over the bbolt file of
// package storage: the audit trail and the journal of transactions.
package localstore

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Store is the core's Store on a storage.Store.
type Store struct {
	s *storage.Store
	// AttentionCSV, when set, is a file rewritten with every transaction
	// that needs staff attention whenever one more does, for staff to open.
	AttentionCSV string
	// Log gets what the store reports; nil means slog.Default().
	Log *slog.Logger

	mu      sync.Mutex // the attention file: a replay's writer and the loop both reach it
	stale   bool       // the attention file may lack what the journal holds for staff
	failing bool       // its last write failed: reported once a streak
}

var _ kiosk.Store = (*Store)(nil)

// New wraps an open storage.Store. The attention file counts as stale until
// RetryAttention first writes it: a write that failed before a restart is
// not lost.
func New(s *storage.Store) *Store { return &Store{s: s, stale: true} }

func (st *Store) log() *slog.Logger {
	if st.Log != nil {
		return st.Log
	}
	return slog.Default()
}

// RecordAudit appends to the audit trail.
func (st *Store) RecordAudit(at time.Time, kind, card string) error {
	return st.s.RecordAudit(at, kind, card)
}

// Begin journals tx as sent, in one durable commit, right before it goes on
// the wire; a full disk gives kiosk.ErrStoreFull.
func (st *Store) Begin(tx kiosk.Tx) (string, error) {
	e := storage.Entry{Kind: storage.TxKind(tx.Kind), Patron: tx.Card, Item: tx.Item, At: tx.At, Offline: tx.Offline, Due: tx.Due}
	var err error
	if tx.Offline {
		e, err = st.s.Begin(e) // waits for the ILS to come back
	} else {
		e, err = st.s.BeginSent(e)
	}
	if errors.Is(err, storage.ErrDiskFull) {
		return "", fmt.Errorf("%w: %w", kiosk.ErrStoreFull, err)
	}
	return e.ID, err
}

// Finish records the outcome. An exchange that got no reply leaves the entry
// "sent": whether the ILS did it is in doubt until someone asks it.
func (st *Store) Finish(id string, r kiosk.Result, err error) error {
	switch {
	case errors.Is(err, kiosk.ErrNoReply):
		return nil
	case err != nil:
		return st.s.Finish(id, storage.TxRefused, "not sent: "+err.Error(), time.Time{}, "")
	case r.OK:
		return st.s.Finish(id, storage.TxDone, r.Message, r.Due, r.Title)
	default:
		msg := r.Message
		if msg == "" {
			msg = fmt.Sprintf("refused (reason %d)", r.Reason)
		}
		if err := st.s.Finish(id, storage.TxRefused, msg, r.Due, r.Title); err != nil {
			return err
		}
		switch e, err := st.s.Entry(id); {
		case err != nil:
			st.refreshAttention() // the file tells whether it needs staff
		case e.State == storage.TxAttention:
			st.needStaff(id)
		}
		return nil
	}
}

// needStaff reports entries ids (at least one) that now need staff, and
// rewrites the attention file. The journal holds them already: a file that
// cannot be written is no failure of the transaction, and is retried.
func (st *Store) needStaff(ids ...string) {
	st.log().Warn("a replayed transaction needs staff attention", "id", ids[0], "more", len(ids)-1, "file", st.AttentionCSV)
	st.refreshAttention()
}

// refreshAttention rewrites the attention file now that the journal changed.
func (st *Store) refreshAttention() {
	st.mu.Lock()
	st.stale = true
	st.mu.Unlock()
	st.RetryAttention()
}

// RetryAttention rewrites the attention file if it may lack an entry for
// staff: after one more needs staff, after a write that failed, and once
// after start. A failure is logged once until a write succeeds again.
func (st *Store) RetryAttention() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.stale || st.AttentionCSV == "" {
		return
	}
	err := st.writeAttention()
	switch {
	case err == nil && st.failing:
		st.log().Info("attention file written again", "file", st.AttentionCSV)
	case err != nil && !st.failing:
		st.log().Error("attention file not written: the journal keeps the entries, tried again later", "file", st.AttentionCSV, "err", err)
	}
	st.stale, st.failing = err != nil, err != nil
}

// writeAttention rewrites the attention file from the journal. With
// nothing for staff and no file yet, there is nothing to write.
func (st *Store) writeAttention() error {
	if _, err := os.Stat(st.AttentionCSV); errors.Is(err, os.ErrNotExist) {
		if list, err := st.s.NeedAttention(); err != nil || len(list) == 0 {
			return err
		}
	}
	tmp := st.AttentionCSV + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	err = st.s.WriteAttentionCSV(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, st.AttentionCSV)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Unfinished lists what has not reached the ILS, oldest first.
func (st *Store) Unfinished() ([]kiosk.Pending, error) {
	entries, err := st.s.Unfinished()
	if err != nil {
		return nil, err
	}
	out := make([]kiosk.Pending, len(entries))
	for i, e := range entries {
		out[i] = kiosk.Pending{
			ID:      e.ID,
			Tx:      kiosk.Tx{Kind: kiosk.TxKind(e.Kind), Card: e.Patron, Item: e.Item, At: e.At, Offline: e.Offline, Due: e.Due},
			InDoubt: e.State == storage.TxSent,
		}
	}
	return out, nil
}

// Resend marks entries as on the wire again, in one commit.
func (st *Store) Resend(ids ...string) error { return st.s.MarkSentAll(ids) }

// FinishAll records a replayed batch's outcomes in one commit. What the
// journal sends to staff (a refusal, a loan due on another day than
// promised) is rewritten into the attention file.
func (st *Store) FinishAll(outs []kiosk.Outcome) error { return st.FinishAndResend(outs) }

// FinishAndResend records a batch's outcomes and marks the entries next as
// on the wire again, in one commit.
func (st *Store) FinishAndResend(outs []kiosk.Outcome, next ...string) error {
	batch := make([]storage.Outcome, len(outs))
	for i, o := range outs {
		r := o.Result
		batch[i] = storage.Outcome{ID: o.ID, State: storage.TxDone, Message: r.Message, Due: r.Due, Title: r.Title}
		if !r.OK {
			batch[i].State = storage.TxRefused
			if batch[i].Message == "" {
				batch[i].Message = fmt.Sprintf("refused (reason %d)", r.Reason)
			}
		}
	}
	attention, err := st.s.FinishAllAndMark(batch, next)
	if err != nil {
		return err
	}
	if len(attention) > 0 {
		st.needStaff(attention...)
	}
	return nil
}

// RememberPatron keeps a card's name and whether it may borrow, or that
// the ILS refused it (unknown, reported lost).
func (st *Store) RememberPatron(p kiosk.Patron, at time.Time) error {
	c := storage.CachedPatron{Name: p.Name, Blocked: p.Blocked(), Seen: at}
	switch {
	case p.Unknown:
		c.Refused = storage.RefusedUnknown
	case p.Has(kiosk.BlockCardLost):
		c.Refused = storage.RefusedLost
	}
	return st.s.RememberPatron(p.Card, c)
}

// CachedPatron returns a card seen after since.
func (st *Store) CachedPatron(card string, since time.Time) (kiosk.Patron, bool, error) {
	c, ok, err := st.s.CachedPatron(card)
	if err != nil || !ok || c.Seen.Before(since) {
		return kiosk.Patron{}, false, err
	}
	p := kiosk.Patron{Card: card, Name: c.Name}
	switch {
	case c.Refused == storage.RefusedUnknown:
		p.Unknown = true
	case c.Refused == storage.RefusedLost:
		p.Blocks = []kiosk.Block{kiosk.BlockCardLost}
	case c.Blocked:
		p.Blocks = []kiosk.Block{kiosk.BlockOther}
	}
	return p, true, nil
}
