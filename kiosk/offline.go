package kiosk

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// unreachable reports whether err means the ILS could not be asked or did not
// answer: the kiosk goes offline.
func unreachable(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoReply)
}

// offlineSession lets a patron in while the ILS is unreachable: the card
// passed its check digit; what the kiosk remembers of it decides the rest.
func (k *Kiosk) offlineSession(card string) {
	p := Patron{Card: card}
	if k.opts.PatronCache > 0 {
		cached, ok, err := k.store.CachedPatron(card, k.clock.Now().Add(-k.opts.PatronCache))
		if err != nil {
			slog.Error("patron cache not read", "card", Last4(card), "err", err)
		}
		if ok {
			p = cached
			p.Card = card
		}
	}
	if p.Has(BlockCardLost) {
		k.show(ScreenNotice, NoticeCardLost)
		return
	}
	k.view.Patron = p
	k.view.LoansState = LoadFailed // nothing to show until the ILS is back
	k.show(ScreenWelcome, NoticeNone)
	k.audit("session_start_offline", Last4(card))
	slog.Info("session started offline", "card", Last4(card), "known", p.Name != "")
}

// offlineRows counts the loans made offline in this visit.
func (k *Kiosk) offlineRows() int {
	n := 0
	for _, r := range k.view.Rows {
		if r.Kind == TxCheckout && r.Offline && r.State == RowOK {
			n++
		}
	}
	return n
}

// transactOffline journals a transaction to be sent when the ILS is back,
// and shows it as done only once it is on disk.
func (k *Kiosk) transactOffline(id int, kind TxKind, item string) {
	r := k.row(id)
	switch {
	case kind == TxRenew:
		r.State, r.Reason = RowRefused, ReasonOfflineRenew
		k.publish()
		return
	case kind == TxCheckout && (!k.opts.OfflineBorrow || k.view.Patron.Blocked() || k.offlineRows() >= k.opts.OfflineMaxItems):
		r.State, r.Reason = RowRefused, ReasonOfflineLimit
		if k.view.Patron.Blocked() {
			r.Reason = ReasonPatronBlocked
		}
		k.publish()
		return
	}
	now := k.clock.Now()
	tx := Tx{Kind: kind, Card: k.view.Patron.Card, Item: item, At: now, Offline: true}
	if kind == TxCheckout {
		y, m, d := now.AddDate(0, 0, int(k.opts.OfflineLoan/(24*time.Hour))).Date()
		tx.Due = time.Date(y, m, d, 23, 59, 0, 0, now.Location())
	}
	if _, err := k.store.Begin(tx); err != nil {
		slog.Error("journal not written: offline transaction refused", "kind", kind, "item", item, "err", err)
		r.State, r.Failure = RowFailed, NoticeStoreFull
		k.publish()
		return
	}
	slog.Info("offline transaction journalled", "kind", kind, "item", item)
	r.State, r.Offline, r.Due = RowOK, true, tx.Due
	r.Title = k.titleOf(item)
	k.view.Waiting++
	if k.replaying {
		k.again = true // the sync worker picks it up after what it is sending
	}
	if kind == TxCheckout {
		k.view.Patron.Loans++
	}
	k.publish()
}

// countWaiting refreshes the number of transactions still to be sent.
func (k *Kiosk) countWaiting() {
	pending, err := k.store.Unfinished()
	if err != nil {
		slog.Error("journal not read", "err", err)
		return
	}
	k.view.Waiting = len(pending)
}

// replay sends the journal's unfinished transactions to the ILS, oldest
// first, in the background. While it runs the kiosk stays offline, so no new
// transaction overtakes an older one.
func (k *Kiosk) replay() {
	if k.replaying {
		k.again = true
		return
	}
	k.replaying = true
	go func() {
		sent, err := k.replayAll()
		k.post(func() {
			k.replaying = false
			if err != nil {
				slog.Warn("replay stopped: library system unreachable again", "sent", sent, "err", err)
				k.countWaiting()
				k.ilsDown()
				k.publish()
				return
			}
			if k.again {
				k.again = false
				k.replay()
				return
			}
			k.countWaiting()
			switch {
			case k.view.ILSDown:
				slog.Info("journal replayed: back online", "replayed", sent,
					"offline_for", k.clock.Now().Sub(k.view.OfflineSince).Round(time.Second))
			case sent > 0:
				slog.Info("journal replayed", "replayed", sent)
			}
			k.view.ILSDown = false
			k.view.OfflineSince = time.Time{}
			k.publish()
		})
	}()
}

// replayAll works through the journal until it is empty or the ILS fails.
func (k *Kiosk) replayAll() (int, error) {
	pending, err := k.store.Unfinished()
	if err != nil {
		return 0, err
	}
	for i, p := range pending {
		if err := k.replayOne(p); err != nil {
			return i, err
		}
	}
	return len(pending), nil
}

// replayOne brings one journalled transaction to the ILS exactly once, as far
// as SIP2 allows: one whose outcome is in doubt is first looked up.
func (k *Kiosk) replayOne(p Pending) error {
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
	defer cancel()
	if p.InDoubt {
		done, err := k.alreadyDone(ctx, p)
		if err != nil {
			return err
		}
		if done {
			slog.Info("in-doubt transaction had reached the library system", "id", p.ID, "kind", p.Kind)
			return k.store.Finish(p.ID, Result{OK: true, Item: p.Item, Due: p.Due, Message: "in doubt: found done"}, nil)
		}
		if !p.Offline && p.Kind != TxCheckin {
			// The patron was told it did not work: sending it now would lend an
			// item they may have left behind.
			return k.store.Finish(p.ID, Result{Item: p.Item, Reason: ReasonOther, Message: "in doubt: not done, patron told it failed"}, nil)
		}
	}
	if err := k.store.Resend(p.ID); err != nil {
		return err
	}
	res, err := k.ils.Replay(ctx, p.Tx)
	if err != nil {
		if unreachable(err) {
			return err // stays on the wire: in doubt until the next replay
		}
		res = Result{Item: p.Item, Reason: ReasonOther, Message: err.Error()}
	}
	if !res.OK && p.Kind == TxCheckin && res.Reason == ReasonNotOnLoan {
		res.OK = true // returned already: what the patron did stands
	}
	if !res.OK {
		slog.Warn("replayed transaction refused: needs staff attention", "id", p.ID, "kind", p.Kind, "item", p.Item, "message", res.Message)
	}
	return k.store.Finish(p.ID, res, nil)
}

// alreadyDone asks the ILS whether an in-doubt transaction took effect.
func (k *Kiosk) alreadyDone(ctx context.Context, p Pending) (bool, error) {
	switch p.Kind {
	case TxCheckout:
		loans, err := k.ils.Loans(ctx, p.Card, "")
		if err != nil {
			return false, err
		}
		for _, l := range loans {
			if l.Item == p.Item {
				return true, nil
			}
		}
		return false, nil
	case TxRenew:
		return false, nil // a renewal in doubt is not repeated
	}
	return false, nil // a return is safe to send again
}
