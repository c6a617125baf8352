package kiosk

import (
	"errors"
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
		cached, ok, err := k.patrons.CachedPatron(card, k.clock.Now().Add(-k.opts.PatronCache))
		if err != nil {
			k.log.Error("patron cache not read", "card", Last4(card), "err", err)
		}
		if ok {
			p = cached
			p.Card = card
		}
	}
	// What the ILS refused online stays refused while it cannot be asked.
	switch {
	case p.Unknown:
		k.log.Info("card the library system did not know: refused offline", "card", Last4(card))
		k.forget()
		k.show(ScreenNotice, NoticeUnknownCard)
		return
	case p.Has(BlockCardLost):
		k.log.Info("card reported lost: refused offline", "card", Last4(card))
		k.forget()
		k.show(ScreenNotice, NoticeCardLost)
		return
	}
	k.visit.patron = p
	k.visit.loansState = LoadFailed // nothing to show until the ILS is back
	k.show(ScreenWelcome, NoticeNone)
	k.audit("session_start_offline", Last4(card))
	k.log.Info("session started offline", "card", Last4(card), "known", p.Name != "")
}

// offlineRows counts the loans made offline in this visit.
func (v *visit) offlineRows() int {
	n := 0
	for _, r := range v.rows {
		if r.Kind == TxCheckout && r.Offline && r.State == RowOK {
			n++
		}
	}
	return n
}

// transactOffline journals a transaction to be sent when the ILS is back,
// and shows it as done only once it is on disk.
func (k *Kiosk) transactOffline(id int, kind TxKind, item string) {
	v := k.visit
	r := v.row(id)
	loan := v.loanOf(item)
	r.describe(Result{}, loan, k.mediaOf(item)) // refused or done, the row names what it is
	switch {
	case k.chrome.ILS.Service.NoOffline:
		// The ILS takes no transaction it was not asked about at the time.
		r.State, r.Reason = RowRefused, ReasonOfflineOff
		k.publish()
		return
	case kind == TxRenew:
		r.State, r.Reason, r.Due = RowRefused, ReasonOfflineRenew, loan.Due
		k.publish()
		return
	case kind == TxCheckout && (!k.opts.OfflineBorrow || v.patron.Blocked() || v.offlineRows() >= k.opts.OfflineMaxItems):
		r.State, r.Reason = RowRefused, ReasonOfflineLimit
		if v.patron.Blocked() {
			r.Reason = ReasonPatronBlocked
		}
		k.publish()
		return
	}
	now := k.clock.Now()
	tx := Tx{Kind: kind, Card: v.patron.Card, Item: item, At: now, Offline: true}
	if kind == TxCheckout {
		days := int(k.opts.OfflineLoan / (24 * time.Hour))
		if k.opts.OfflineLoanDays != nil {
			if n := k.opts.OfflineLoanDays(item); n > 0 {
				days = n
			}
		}
		y, m, d := now.AddDate(0, 0, days).Date()
		tx.Due = time.Date(y, m, d, 23, 59, 0, 0, now.Location())
	}
	if _, err := k.journal.Begin(tx); err != nil {
		k.log.Error("journal not written: offline transaction refused", "kind", kind, "item", item, "err", err)
		r.State, r.Failure = RowFailed, NoticeStoreFull
		k.publish()
		return
	}
	k.log.Info("offline transaction journalled", "kind", kind, "item", item)
	r.State, r.Offline, r.Due = RowOK, true, tx.Due
	k.chrome.ILS.Waiting++
	k.replay.more() // the replay worker picks it up after what it is sending
	if kind == TxCheckout {
		v.patron.Loans++
	}
	k.publish()
}

// countWaiting refreshes the number of transactions still to be sent.
func (k *Kiosk) countWaiting() {
	pending, err := k.journal.Unfinished()
	if err != nil {
		k.log.Error("journal not read", "err", err)
		return
	}
	k.chrome.ILS.Waiting = len(pending)
}
