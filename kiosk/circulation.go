package kiosk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// addRow puts a pending row for item at the top of the visit's list and
// returns its id. A renewal takes over the item's own row where it has one
// (the checkout that found it already lent to the patron, or a renewal
// that failed), so an item never stands on the list twice.
func (v *visit) addRow(kind TxKind, item string) int {
	if kind == TxRenew {
		if i := slices.IndexFunc(v.rows, func(r Row) bool {
			return r.Item == item && (r.Kind == TxCheckout && r.Reason == ReasonAlreadyYours || r.Kind == TxRenew && r.State == RowFailed)
		}); i >= 0 {
			old := v.rows[i]
			v.rows = append(slices.Delete(v.rows, i, i+1), Row{ID: old.ID, Kind: kind, Item: item, Title: old.Title, Media: old.Media})
			return old.ID
		}
	}
	v.nextID++
	v.rows = append(v.rows, Row{ID: v.nextID, Kind: kind, Item: item})
	return v.nextID
}

func (v *visit) row(id int) *Row {
	for i := range v.rows {
		if v.rows[i].ID == id {
			return &v.rows[i]
		}
	}
	return nil
}

// listed reports whether item already has a row of this kind that is not a
// failure, so a second scan does not make a second transaction.
func (v *visit) listed(kind TxKind, item string) bool {
	return slices.ContainsFunc(v.rows, func(r Row) bool {
		return r.Kind == kind && r.Item == item && (r.State == RowPending || r.State == RowOK)
	})
}

// transactOnce borrows or returns a scanned item, unless it is on the list
// already or the visit is full.
func (k *Kiosk) transactOnce(kind TxKind, item string) {
	switch v := k.visit; {
	case v.listed(kind, item):
		k.flash(NoticeAlreadyListed)
	case v.full():
		k.flash(NoticeVisitFull)
	default:
		k.transact(kind, item)
	}
}

// Renew renews one loan ("" renews them all).
func (k *Kiosk) Renew(item string) {
	k.post(func() {
		v := k.visit
		if v.patron.Card == "" {
			return
		}
		k.activity()
		if item != "" {
			if !v.listed(TxRenew, item) {
				k.transact(TxRenew, item)
			}
			return
		}
		loans := k.View().RenewableLoans()
		// One 65 where the ILS has it, when it would renew just these: not
		// once more a loan renewed on its own a moment ago.
		if k.chrome.ILS.Service.RenewAll && !k.chrome.ILS.Down && len(loans) > 1 && len(loans) == len(v.loans) {
			k.renewAll(loans)
			return
		}
		for _, l := range loans {
			k.transact(TxRenew, l.Item)
		}
	})
}

// renewAll journals a renewal of each loan, then renews them all with one
// request; each row shows its own outcome.
func (k *Kiosk) renewAll(loans []Loan) {
	v := k.visit
	card, pin := v.patron.Card, v.pin
	at := k.clock.Now()
	var rows []int
	var txIDs, items []string
	for _, l := range loans {
		id := v.addRow(TxRenew, l.Item)
		txID, err := k.journal.Begin(Tx{Kind: TxRenew, Card: card, Item: l.Item, At: at})
		if err != nil {
			k.log.Error("journal not written: renewal not sent", "item", l.Item, "err", err)
			r := v.row(id)
			r.State, r.Failure = RowFailed, NoticeStoreFull
			continue
		}
		rows, txIDs, items = append(rows, id), append(txIDs, txID), append(items, l.Item)
		k.replay.sent(txID)
	}
	k.publish()
	if len(items) == 0 {
		return
	}
	k.inflight.Add(1)
	go func() {
		defer k.inflight.Done()
		// A 65 and a 17 per loan: one request's time for each.
		ctx, cancel := context.WithTimeout(k.life, k.opts.RequestTimeout*time.Duration(1+len(items)))
		results, err := k.ils.RenewAll(ctx, card, pin, items, at)
		cancel()
		if len(results) != len(items) && err == nil {
			err = fmt.Errorf("%w: renew all answered %d of %d loans", ErrNoReply, len(results), len(items))
		}
		res := func(i int) Result {
			if err != nil {
				return Result{}
			}
			return results[i]
		}
		for i, txID := range txIDs {
			k.finish(txID, res(i), err)
		}
		k.post(func() {
			for i, id := range rows {
				k.answered(v, txIDs[i], id, err)
				k.transacted(v, id, res(i), err)
			}
		})
	}()
}

// transact journals one transaction, then sends it to the ILS in the
// background; its row shows the outcome.
func (k *Kiosk) transact(kind TxKind, item string) {
	v := k.visit
	id := v.addRow(kind, item)
	if svc := k.chrome.ILS.Service; svc.forbids(kind) {
		// The ILS said it would refuse: nothing is journalled or sent.
		r := v.row(id)
		l := v.loanOf(item)
		r.State, r.Reason = RowRefused, ReasonServiceOff
		r.Due = l.Due // a loan not renewed stays due when it was
		r.describe(Result{}, l, k.mediaOf(item))
		k.log.Info("transaction not sent: the library system does not allow it now", "kind", kind, "service", svc.String())
		k.publish()
		return
	}
	if k.chrome.ILS.Down {
		k.transactOffline(id, kind, item)
		return
	}
	card, pin := v.patron.Card, v.pin
	tx := Tx{Kind: kind, Card: card, Item: item, At: k.clock.Now()}
	txID, err := k.journal.Begin(tx)
	if err != nil {
		k.log.Error("journal not written: transaction not sent", "kind", kind, "item", item, "err", err)
		r := v.row(id)
		r.State, r.Failure = RowFailed, NoticeStoreFull
		k.publish()
		return
	}
	k.replay.sent(txID)
	k.publish()
	k.inflight.Add(1)
	go func() {
		defer k.inflight.Done()
		ctx, cancel := k.ctx()
		var res Result
		switch kind {
		case TxCheckout:
			res, err = k.ils.Checkout(ctx, card, pin, item, tx.At)
		case TxRenew:
			res, err = k.ils.Renew(ctx, card, pin, item, tx.At)
		case TxCheckin:
			res, err = k.ils.Checkin(ctx, item, tx.At)
		}
		cancel()
		if errors.Is(err, ErrUnavailable) {
			k.finish(txID, res, err) // not sent: closed before it is made again offline
			k.post(func() { k.transacted(v, id, res, err) })
			return
		}
		// The patron sees the ILS's answer first: from here on the ILS,
		// not the journal, knows what happened.
		k.post(func() { k.answered(v, txID, id, err); k.transacted(v, id, res, err) })
		k.finish(txID, res, err)
	}()
}

// finish records the outcome of an online transaction in the journal.
func (k *Kiosk) finish(txID string, res Result, err error) {
	ferr := k.journal.Finish(txID, res, err)
	if ferr != nil {
		k.log.Error("journal outcome not written", "id", txID, "err", ferr)
	}
	k.replay.recorded(txID, err, ferr)
}

// answered notes, on the event loop, what the patron is shown of txID's
// outcome, unless they left before it came.
func (k *Kiosk) answered(v *visit, txID string, row int, err error) {
	if k.visit == v && v.row(row) != nil {
		k.replay.answered(txID, err)
	}
}

// transacted shows the outcome of a transaction on its row, if the visit it
// belongs to is still at the kiosk.
func (k *Kiosk) transacted(v *visit, id int, res Result, err error) {
	if k.visit != v {
		return // the visit ended meanwhile; the journal has the outcome
	}
	r := v.row(id)
	if r == nil {
		return
	}
	if errors.Is(err, ErrUnavailable) {
		// Not sent: do it offline instead, as if the ILS had been down all along.
		k.log.Warn("transaction not sent: working offline", "kind", r.Kind, "item", r.Item, "err", err)
		k.ilsDown(err)
		k.countWaiting()
		k.transactOffline(id, r.Kind, r.Item)
		return
	}
	r.describe(res, v.loanOf(r.Item), k.mediaOf(r.Item))
	switch {
	case err != nil:
		k.log.Warn("transaction failed", "kind", r.Kind, "item", r.Item, "err", err)
		r.State, r.Failure = RowFailed, NoticeUnavailable
		if unreachable(err) {
			k.ilsDown(err)
		}
	case res.OK:
		r.State = RowOK
		r.Due = res.Due
		r.HoldShelf, r.ToDesk = res.HoldShelf, res.ToDesk
		if r.Kind == TxRenew {
			// Said plainly when the renewal moved nothing (a loan already
			// running as long as a new one would).
			old := v.loanOf(r.Item).Due
			r.Unchanged = !old.IsZero() && !res.Due.IsZero() && sameDay(old, res.Due)
		}
		k.chrome.ILS.Down = false
		v.updateLoans(*r, k.clock.Now())
	default:
		r.State = RowRefused
		r.Reason, r.Message = res.Reason, res.Message
		r.HoldShelf, r.ToDesk = res.HoldShelf, res.ToDesk
		if r.Kind == TxRenew {
			r.Due = res.Due // a refused renewal leaves the loan as it was
			if r.Due.IsZero() {
				r.Due = v.loanOf(r.Item).Due
			}
		}
	}
	k.publish()
}

// describe names the row's item: what the ILS said of it, else what the
// patron's loans say; its media, where neither says, is rule's (the
// barcode rules', Options.MediaOf).
func (r *Row) describe(res Result, l Loan, rule Media) {
	if res.Title != "" {
		r.Title = res.Title
	}
	if res.Media != MediaUnknown {
		r.Media = res.Media
	}
	if r.Title == "" {
		r.Title = l.Title
	}
	if r.Media == MediaUnknown {
		r.Media = l.Media
	}
	if r.Media == MediaUnknown {
		r.Media = rule
	}
}

// updateLoans keeps the loans list and the counts right after the success
// of row r, described and with the ILS's due date.
func (v *visit) updateLoans(r Row, now time.Time) {
	has := slices.ContainsFunc(v.loans, func(l Loan) bool { return l.Item == r.Item })
	switch {
	case r.Kind == TxCheckout && !has:
		v.patron.Loans++
		v.loans = append(v.loans, Loan{Item: r.Item, Title: r.Title, Media: r.Media, Due: r.Due})
		sortLoans(v.loans)
	case r.Kind == TxRenew || r.Kind == TxCheckout:
		// A checkout of a loan the patron has is one the ILS renewed (as
		// Koha and the demo do): no loan more, a later due date.
		for i := range v.loans {
			if v.loans[i].Item == r.Item {
				if !r.Due.IsZero() {
					v.loans[i].Due = r.Due
				}
				if v.loans[i].Overdue && r.Due.After(now) {
					v.loans[i].Overdue = false
					v.patron.Overdue = max(0, v.patron.Overdue-1)
				}
			}
		}
	}
}

// sortLoans orders loans as the ILS adapter does, soonest due first, so the
// list is the same whether a new loan was added here or fetched.
func sortLoans(loans []Loan) {
	slices.SortStableFunc(loans, func(a, b Loan) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return a.Due.Compare(b.Due)
	})
}

// loanOf is the patron's loan of item, as last known (zero if none).
func (v *visit) loanOf(item string) Loan {
	for _, l := range v.loans {
		if l.Item == item {
			return l
		}
	}
	return Loan{}
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// receiptRows are the rows a receipt lists: what was borrowed, renewed or
// returned.
func (k *Kiosk) receiptRows() []Row {
	var rows []Row
	for _, r := range k.visit.rows {
		if r.State == RowOK {
			rows = append(rows, r)
		}
	}
	return rows
}

// ChooseReceipt is the patron's answer on ScreenReceipt.
func (k *Kiosk) ChooseReceipt(choice ReceiptKind) {
	k.post(func() {
		if k.screen != ScreenReceipt {
			return
		}
		v := k.visit
		rec := k.receipt()
		switch choice {
		case ReceiptPrint:
			if k.printer == nil {
				k.showReceipt(rec, NoticePrinterFailed)
				return
			}
			k.busy = BusyPrinting
			k.show(ScreenBusy, NoticeNone)
			gen := k.gen
			go func() {
				ctx, cancel := k.ctx()
				err := k.printer.Print(ctx, rec)
				cancel()
				k.post(func() {
					if k.gen != gen {
						return
					}
					if err != nil {
						k.log.Warn("receipt not printed", "err", err)
						k.showReceipt(rec, NoticePrinterFailed)
						return
					}
					k.visits.goodbye(v, NoticeTakeReceipt)
				})
			}()
		case ReceiptScreen:
			k.showReceipt(rec, NoticeNone)
		default:
			k.visits.goodbye(v, NoticeGoodbye)
		}
	})
}

func (k *Kiosk) showReceipt(rec Receipt, flash Notice) {
	k.visit.receipt = rec
	k.show(ScreenReceiptShown, NoticeNone)
	if flash != NoticeNone {
		k.flash(flash)
	}
}

// receipt lists what this visit borrowed, renewed or returned, in the
// patron's language; what was done offline says it is sent later.
func (k *Kiosk) receipt() Receipt {
	t := func(key string, data map[string]any) string { return k.opts.Translate(k.chrome.Lang, key, data) }
	now := k.clock.Now()
	first := ReceiptLine{Left: now.Format("02-01-2006 15:04")}
	if card := k.visit.patron.Card; card != "" {
		first.Right = t("receipt.card", map[string]any{"Last4": Last4(card)})
	}
	rec := Receipt{Title: k.opts.LibraryName, Lines: []ReceiptLine{first}}
	offline := false
	for _, kind := range []TxKind{TxCheckout, TxRenew, TxCheckin} {
		var rows []Row
		for _, r := range k.receiptRows() {
			if r.Kind == kind {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		rec.Lines = append(rec.Lines, ReceiptLine{}, ReceiptLine{Left: t("receipt."+string(kind), nil), Bold: true})
		for _, r := range rows {
			title := r.Title
			if title == "" {
				title = t("receipt.untitled", map[string]any{"Item": r.Item})
			}
			right := dueText(r.Due)
			if r.Kind == TxCheckin {
				right = ""
			}
			rec.Lines = append(rec.Lines, ReceiptLine{Left: title, Right: right})
			offline = offline || r.Offline
		}
	}
	if offline {
		rec.Footer = append(rec.Footer, t("receipt.offline", nil))
	}
	rec.Footer = append(rec.Footer, t("receipt.footer", nil))
	return rec
}

func dueText(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("02-01-2006")
}
