package kiosk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// addRow appends a pending row and returns its id.
func (k *Kiosk) addRow(kind TxKind, item string) int {
	k.nextRow++
	k.view.Rows = append(k.view.Rows, Row{ID: k.nextRow, Kind: kind, Item: item})
	return k.nextRow
}

func (k *Kiosk) row(id int) *Row {
	for i := range k.view.Rows {
		if k.view.Rows[i].ID == id {
			return &k.view.Rows[i]
		}
	}
	return nil
}

// listed reports whether item already has a row of this kind that is not a
// failure, so a second scan does not make a second transaction.
func (k *Kiosk) listed(kind TxKind, item string) bool {
	for _, r := range k.view.Rows {
		if r.Kind == kind && r.Item == item && (r.State == RowPending || r.State == RowOK) {
			return true
		}
	}
	return false
}

func (k *Kiosk) checkout(item string) {
	if k.listed(TxCheckout, item) {
		k.flash(NoticeAlreadyListed)
		return
	}
	k.transact(TxCheckout, item)
}

func (k *Kiosk) checkin(item string) {
	if k.listed(TxCheckin, item) {
		k.flash(NoticeAlreadyListed)
		return
	}
	k.transact(TxCheckin, item)
}

// Renew renews one loan ("" renews them all).
func (k *Kiosk) Renew(item string) {
	k.post(func() {
		if k.view.Patron.Card == "" {
			return
		}
		k.activity()
		if item != "" {
			if !k.listed(TxRenew, item) {
				k.transact(TxRenew, item)
			}
			return
		}
		loans := k.view.RenewableLoans()
		// One 65 where the ILS has it, when it would renew just these: not
		// once more a loan renewed on its own a moment ago.
		if k.view.Service.RenewAll && !k.view.ILSDown && len(loans) > 1 && len(loans) == len(k.view.Loans) {
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
	card, pin := k.view.Patron.Card, k.pin
	at := k.clock.Now()
	var rows []int
	var txIDs, items []string
	for _, l := range loans {
		id := k.addRow(TxRenew, l.Item)
		txID, err := k.store.Begin(Tx{Kind: TxRenew, Card: card, Item: l.Item, At: at})
		if err != nil {
			slog.Error("journal not written: renewal not sent", "item", l.Item, "err", err)
			r := k.row(id)
			r.State, r.Failure = RowFailed, NoticeStoreFull
			continue
		}
		rows, txIDs, items = append(rows, id), append(txIDs, txID), append(items, l.Item)
		k.sent(txID)
	}
	k.publish()
	if len(items) == 0 {
		return
	}
	go func() {
		// A 65 and a 17 per loan: one request's time for each.
		ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout*time.Duration(1+len(items)))
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
			ferr := k.store.Finish(txID, res(i), err)
			if ferr != nil {
				slog.Error("journal outcome not written", "id", txID, "err", ferr)
			}
			k.recorded(txID, err, ferr)
		}
		k.post(func() {
			for i, id := range rows {
				k.answered(txIDs[i], id, card, err)
				k.transacted(id, card, res(i), err)
			}
		})
	}()
}

// RenewableLoans are the loans "Alles verlengen" would renew: those not
// renewed or refused yet in this visit (a refusal would only come again),
// none when the library system allows no renewals now.
func (v View) RenewableLoans() []Loan {
	if v.Service.NoRenew || v.LoansState != Loaded {
		return nil
	}
	var out []Loan
	for _, l := range v.Loans {
		tried := slices.ContainsFunc(v.Rows, func(r Row) bool {
			return r.Kind == TxRenew && r.Item == l.Item && r.State != RowFailed
		})
		if !tried {
			out = append(out, l)
		}
	}
	return out
}

// transact journals one transaction, then sends it to the ILS in the
// background; its row shows the outcome.
func (k *Kiosk) transact(kind TxKind, item string) {
	id := k.addRow(kind, item)
	if k.view.Service.forbids(kind) {
		// The ILS said it would refuse: nothing is journalled or sent.
		r := k.row(id)
		r.State, r.Reason = RowRefused, ReasonServiceOff
		r.Title, r.Due = k.titleOf(item), k.dueOf(item) // a loan not renewed stays due when it was
		slog.Info("transaction not sent: the library system does not allow it now", "kind", kind, "service", k.view.Service.String())
		k.publish()
		return
	}
	if k.view.ILSDown {
		k.transactOffline(id, kind, item)
		return
	}
	card, pin := k.view.Patron.Card, k.pin
	tx := Tx{Kind: kind, Card: card, Item: item, At: k.clock.Now()}
	txID, err := k.store.Begin(tx)
	if err != nil {
		slog.Error("journal not written: transaction not sent", "kind", kind, "item", item, "err", err)
		r := k.row(id)
		r.State, r.Failure = RowFailed, NoticeStoreFull
		k.publish()
		return
	}
	k.sent(txID)
	k.publish()
	go func() {
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
		finish := func() {
			ferr := k.store.Finish(txID, res, err)
			if ferr != nil {
				slog.Error("journal outcome not written", "id", txID, "err", ferr)
			}
			k.recorded(txID, err, ferr)
		}
		if errors.Is(err, ErrUnavailable) {
			finish() // not sent: closed before it is made again offline
			k.post(func() { k.transacted(id, card, res, err) })
			return
		}
		// The patron sees the ILS's answer first: from here on the ILS,
		// not the journal, knows what happened.
		k.post(func() { k.answered(txID, id, card, err); k.transacted(id, card, res, err) })
		finish()
	}()
}

func (k *Kiosk) transacted(id int, card string, res Result, err error) {
	if k.view.Patron.Card != card {
		return // the session ended meanwhile; the journal has the outcome
	}
	r := k.row(id)
	if r == nil {
		return
	}
	switch {
	case errors.Is(err, ErrUnavailable):
		// Not sent: do it offline instead, as if the ILS had been down all along.
		slog.Warn("transaction not sent: working offline", "kind", r.Kind, "item", r.Item, "err", err)
		k.ilsDown(err)
		k.countWaiting()
		k.transactOffline(id, r.Kind, r.Item)
		return
	case err != nil:
		slog.Warn("transaction failed", "kind", r.Kind, "item", r.Item, "err", err)
		r.State, r.Failure = RowFailed, NoticeUnavailable
		if unreachable(err) {
			k.ilsDown(err)
		}
	case res.OK:
		r.State = RowOK
		r.Title, r.Due = res.Title, res.Due
		r.HoldShelf, r.ToDesk = res.HoldShelf, res.ToDesk
		if r.Kind == TxRenew {
			// Said plainly when the renewal moved nothing (a loan already
			// running as long as a new one would).
			old := k.dueOf(r.Item)
			r.Unchanged = !old.IsZero() && !res.Due.IsZero() && sameDay(old, res.Due)
		}
		k.view.ILSDown = false
		k.updateLoans(r.Kind, res)
	default:
		r.State = RowRefused
		r.Title, r.Reason, r.Message = res.Title, res.Reason, res.Message
		r.HoldShelf, r.ToDesk = res.HoldShelf, res.ToDesk
		if r.Kind == TxRenew {
			r.Due = res.Due // a refused renewal leaves the loan as it was
			if r.Due.IsZero() {
				r.Due = k.dueOf(r.Item)
			}
		}
	}
	if r.Title == "" {
		r.Title = k.titleOf(r.Item)
	}
	k.publish()
}

// updateLoans keeps the loans list and the counts right after a success.
func (k *Kiosk) updateLoans(kind TxKind, res Result) {
	switch kind {
	case TxCheckout:
		k.view.Patron.Loans++
		if !slices.ContainsFunc(k.view.Loans, func(l Loan) bool { return l.Item == res.Item }) {
			k.view.Loans = append(k.view.Loans, Loan{Item: res.Item, Title: res.Title, Due: res.Due})
		}
		sortLoans(k.view.Loans)
	case TxRenew:
		for i := range k.view.Loans {
			if k.view.Loans[i].Item == res.Item {
				if !res.Due.IsZero() {
					k.view.Loans[i].Due = res.Due
				}
				if k.view.Loans[i].Overdue && res.Due.After(k.clock.Now()) {
					k.view.Loans[i].Overdue = false
					k.view.Patron.Overdue = max(0, k.view.Patron.Overdue-1)
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
func (k *Kiosk) loanOf(item string) Loan {
	for _, l := range k.view.Loans {
		if l.Item == item {
			return l
		}
	}
	return Loan{}
}

// dueOf is the due date of the patron's loan of item, as last known.
func (k *Kiosk) dueOf(item string) time.Time { return k.loanOf(item).Due }

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

func (k *Kiosk) titleOf(item string) string { return k.loanOf(item).Title }

// receiptRows are the rows a receipt lists: what was borrowed or renewed.
func (k *Kiosk) receiptRows() []Row {
	var rows []Row
	for _, r := range k.view.Rows {
		if r.State == RowOK && (r.Kind == TxCheckout || r.Kind == TxRenew) {
			rows = append(rows, r)
		}
	}
	return rows
}

// ChooseReceipt is the patron's answer on ScreenReceipt.
func (k *Kiosk) ChooseReceipt(choice ReceiptKind) {
	k.post(func() {
		if k.view.Screen != ScreenReceipt {
			return
		}
		rec := k.receipt()
		switch choice {
		case ReceiptPrint:
			if k.printer == nil {
				k.showReceipt(rec, NoticePrinterFailed)
				return
			}
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
						slog.Warn("receipt not printed", "err", err)
						k.showReceipt(rec, NoticePrinterFailed)
						return
					}
					k.endSession("session_end")
					k.show(ScreenNotice, NoticeTakeReceipt)
				})
			}()
		case ReceiptScreen:
			k.showReceipt(rec, NoticeNone)
		default:
			k.endSession("session_end")
			k.show(ScreenNotice, NoticeGoodbye)
		}
	})
}

func (k *Kiosk) showReceipt(rec Receipt, flash Notice) {
	k.view.Receipt = rec
	k.show(ScreenReceiptShown, NoticeNone)
	if flash != NoticeNone {
		k.flash(flash)
	}
}

// receipt lists what this visit borrowed and renewed, in the patron's language.
func (k *Kiosk) receipt() Receipt {
	t := func(key string, data map[string]any) string { return k.opts.Translate(k.view.Lang, key, data) }
	now := k.clock.Now()
	rec := Receipt{
		Title: k.opts.LibraryName,
		Lines: []ReceiptLine{
			{Left: now.Format("02-01-2006 15:04"), Right: t("receipt.card", map[string]any{"Last4": Last4(k.view.Patron.Card)})},
		},
	}
	for _, kind := range []TxKind{TxCheckout, TxRenew} {
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
				title = r.Item
			}
			rec.Lines = append(rec.Lines, ReceiptLine{Left: title, Right: dueText(r.Due)})
		}
	}
	rec.Footer = []string{t("receipt.footer", nil)}
	return rec
}

func dueText(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("02-01-2006")
}
