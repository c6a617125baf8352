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
	// What the ILS refused online stays refused while it cannot be asked.
	switch {
	case p.Unknown:
		slog.Info("card the library system did not know: refused offline", "card", Last4(card))
		k.show(ScreenNotice, NoticeUnknownCard)
		return
	case p.Has(BlockCardLost):
		slog.Info("card reported lost: refused offline", "card", Last4(card))
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
	case k.view.Service.NoOffline:
		// The ILS takes no transaction it was not asked about at the time.
		r.State, r.Reason = RowRefused, ReasonOfflineOff
		k.publish()
		return
	case kind == TxRenew:
		r.State, r.Reason, r.Due = RowRefused, ReasonOfflineRenew, k.dueOf(item)
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
		days := int(k.opts.OfflineLoan / (24 * time.Hour))
		if k.opts.OfflineLoanDays != nil {
			if n := k.opts.OfflineLoanDays(item); n > 0 {
				days = n
			}
		}
		y, m, d := now.AddDate(0, 0, days).Date()
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
				k.ilsDown(err)
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

// ReplayJournal sends what the journal holds for the ILS now, in the
// caller's goroutine, and reports how many went. For a staff "send now"
// and for benchmarks; the kiosk replays by itself when the ILS comes back.
func (k *Kiosk) ReplayJournal() (int, error) { return k.replayAll() }

// replayBatch is how many journalled transactions are marked as sent, and
// their outcomes written, in one durable commit: a replay is then as fast as
// the ILS answers, not as the disk syncs. After a crash mid-batch the rest
// of it is in doubt and looked up (one 63 per card) before it is sent again.
const replayBatch = 500

// replayAll works through the journal until it is empty or the ILS fails.
// Transactions in doubt are looked up first, one by one; the others go in
// batches.
func (k *Kiosk) replayAll() (int, error) {
	pending, err := k.store.Unfinished()
	if err != nil {
		return 0, err
	}
	charged := map[string]map[string]bool{} // card → items lent, asked once per replay
	sent := 0
	for len(pending) > 0 {
		if pending[0].InDoubt {
			if err := k.replayInDoubt(pending[0], charged); err != nil {
				return sent, err
			}
			sent++
			pending = pending[1:]
			continue
		}
		n := 0
		for n < len(pending) && !pending[n].InDoubt {
			n++
		}
		var batches [][]Pending
		for run := pending[:n]; len(run) > 0; {
			m := min(len(run), replayBatch)
			batches = append(batches, run[:m])
			run = run[m:]
		}
		done, err := k.replayPipelined(batches)
		sent += done
		if err != nil {
			return sent, err
		}
		pending = pending[n:]
	}
	return sent, nil
}

// replayPipelined sends batches while the journal, in one durable commit
// per batch, records the outcomes of the batch before and marks the batch
// after as sent: the disk works while the ILS answers, with one sync a
// batch. A batch is always marked before any of it is sent.
func (k *Kiosk) replayPipelined(batches [][]Pending) (int, error) {
	if len(batches) == 0 {
		return 0, nil
	}
	ids := func(i int) []string {
		if i >= len(batches) {
			return nil
		}
		out := make([]string, len(batches[i]))
		for j, p := range batches[i] {
			out[j] = p.ID
		}
		return out
	}
	ready := make(chan int, 1)          // a batch marked as sent, to send
	outcomes := make(chan []Outcome, 1) // a batch's outcomes, to record
	stop := make(chan struct{})         // the sender failed: mark nothing more
	written := make(chan error, 1)
	go func() { // the writer
		err := k.store.Resend(ids(0)...)
		if err == nil {
			ready <- 0
		}
		for i := 1; err == nil; i++ {
			// Batch i-1 is on the wire: mark batch i, and record i-2's outcomes.
			var outs []Outcome
			if i >= 2 {
				var ok bool
				if outs, ok = <-outcomes; !ok {
					break
				}
			}
			next := ids(i)
			select {
			case <-stop:
				next = nil
			default:
			}
			if len(outs) > 0 || len(next) > 0 {
				err = k.store.FinishAndResend(outs, next...)
			}
			if err != nil || len(next) == 0 {
				break
			}
			ready <- i
		}
		close(ready)
		for outs := range outcomes { // the last batch's, or a failed one's
			if err == nil && len(outs) > 0 {
				err = k.store.FinishAll(outs)
			}
		}
		written <- err
	}()
	sent := 0
	var failed error
	for i := range ready {
		var outs []Outcome
		outs, failed = k.send(batches[i])
		outcomes <- outs
		sent += len(outs)
		if failed != nil {
			close(stop) // what is marked and unsent is in doubt next time
			break
		}
	}
	close(outcomes)
	for range ready { // a batch the writer marked meanwhile
	}
	if err := <-written; err != nil {
		return 0, err
	}
	return sent, failed
}

// send sends a batch already marked as sent, one after another, and returns
// the outcomes; if the ILS fails on the way, the rest of the batch stays
// "sent": in doubt, looked up before it is sent again.
func (k *Kiosk) send(batch []Pending) ([]Outcome, error) {
	outs := make([]Outcome, 0, len(batch))
	var failed error
	// One context for the batch, with no timer or watcher per entry: the SIP2
	// client bounds every exchange with its own deadline (ils.request_timeout).
	ctx := context.Background()
	for _, p := range batch {
		res, err := k.ils.Replay(ctx, p.Tx, !k.offlineOff.Load())
		if err != nil && unreachable(err) {
			failed = err
			break
		}
		if err != nil {
			res = Result{Item: p.Item, Reason: ReasonOther, Message: err.Error()}
		}
		if !res.OK && p.Kind == TxCheckin && res.Reason == ReasonNotOnLoan {
			res.OK = true // returned already: what the patron did stands
		}
		if !res.OK {
			slog.Warn("replayed transaction refused: needs staff attention", "id", p.ID, "kind", p.Kind, "item", p.Item, "message", res.Message)
		}
		outs = append(outs, Outcome{ID: p.ID, Result: res})
	}
	return outs, failed
}

// replayInDoubt brings one transaction whose outcome was never recorded to
// the ILS exactly once, as far as SIP2 allows: it is looked up first.
func (k *Kiosk) replayInDoubt(p Pending, charged map[string]map[string]bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
	defer cancel()
	done := false
	if p.Kind == TxCheckout {
		lent, ok := charged[p.Card]
		if !ok {
			items, err := k.ils.Charged(ctx, p.Card)
			if err != nil {
				return err
			}
			lent = map[string]bool{}
			for _, it := range items {
				lent[it] = true
			}
			charged[p.Card] = lent
		}
		done = lent[p.Item]
	}
	var err error
	switch {
	case done:
		slog.Info("in-doubt transaction had reached the library system", "id", p.ID, "kind", p.Kind)
		err = k.store.FinishAll([]Outcome{{ID: p.ID, Result: Result{OK: true, Item: p.Item, Due: p.Due, Message: "in doubt: found done"}}})
	case !p.Offline && p.Kind != TxCheckin:
		// The patron saw no success: sending it now would lend an item they
		// may have left behind, or renew what they did not ask twice.
		err = k.store.FinishAll([]Outcome{{ID: p.ID, Result: Result{Item: p.Item, Reason: ReasonOther, Message: k.doubtMessage(p)}}})
	default:
		_, err = k.replayPipelined([][]Pending{{p}}) // a return is safe to send again
		if err == nil && p.Kind == TxCheckout {
			charged[p.Card][p.Item] = true
		}
	}
	if err == nil {
		k.seen.Delete(p.ID)
	}
	return err
}

// doubtSeen is what the patron saw of an online transaction sent in this
// run, kept in memory from Begin until the journal has its outcome: after
// a restart the kiosk cannot know.
type doubtSeen int

const (
	seenNothing doubtSeen = iota // no answer yet, or the patron left before it came
	seenFailure                  // the row said it did not work
	seenAnswer                   // the row showed the library's answer
)

// sent notes that txID is on its way to the ILS, the patron waiting.
func (k *Kiosk) sent(txID string) { k.seen.Store(txID, seenNothing) }

// answered notes, on the event loop, what the patron is shown of txID's
// outcome (err, else the ILS's result), unless they left before it came.
func (k *Kiosk) answered(txID string, row int, card string, err error) {
	if k.view.Patron.Card != card || k.row(row) == nil {
		return
	}
	seen := seenAnswer
	if err != nil {
		seen = seenFailure
	}
	k.seen.CompareAndSwap(txID, seenNothing, seen) // not if the journal has it already
}

// recorded forgets txID once the journal holds its outcome: a Finish that
// worked, for anything but no reply, which leaves the transaction in doubt.
func (k *Kiosk) recorded(txID string, err, ferr error) {
	if ferr == nil && !errors.Is(err, ErrNoReply) {
		k.seen.Delete(txID)
	}
}

// doubtMessage is the journal's message for an online loan or renewal in
// doubt that is closed without being sent again: what the library was
// found to have done, and what the patron saw, as far as the kiosk knows.
func (k *Kiosk) doubtMessage(p Pending) string {
	library := "not done at the library" // the loan is not on the patron's list
	if p.Kind != TxCheckout {
		library = "not looked up at the library, not sent again"
	}
	v, ok := k.seen.Load(p.ID)
	switch {
	case !ok:
		return "in doubt after a restart: " + library + "; the patron saw no answer, or was told it failed"
	case v == seenFailure:
		return "in doubt: " + library + "; the patron was told it failed"
	case v == seenAnswer:
		return "in doubt: " + library + "; the patron saw the library's answer, which the journal could not keep"
	}
	return "in doubt: " + library + "; the patron had left before the answer"
}
