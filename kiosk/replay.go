package kiosk

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
)

// replayer sends what the journal holds for the ILS: transactions made
// offline, and those whose outcome is in doubt. It owns "replaying": one
// replay at a time, whether the kiosk starts it when the ILS comes back or
// staff ask for it, so nothing is sent twice.
type replayer struct {
	k       *Kiosk
	ils     ILS
	journal Journal
	log     *slog.Logger

	// sending is held for a whole replay.
	sending sync.Mutex
	// Owned by the event loop: a replay is running, and more came in the
	// journal meanwhile.
	running, again bool

	// offlineOff: the ILS said offline ok N, so a replay goes without no
	// block and the ILS judges it as new.
	offlineOff atomic.Bool
	// seen: journal id → what the patron saw (a doubtSeen) of an online
	// transaction sent in this run whose outcome the journal lacks yet.
	seen sync.Map
}

func newReplayer(k *Kiosk, ils ILS, journal Journal, log *slog.Logger) *replayer {
	return &replayer{k: k, ils: ils, journal: journal, log: log}
}

// start replays in the background, on the event loop's word; the kiosk
// stays offline until it is done, so no new transaction overtakes an
// older one. done gets what was sent and why it stopped, on the loop.
func (r *replayer) start(done func(sent int, err error)) {
	if r.running {
		r.again = true
		return
	}
	r.running = true
	go func() {
		sent, err := r.Replay()
		r.k.post(func() {
			r.running = false
			if err == nil && r.again {
				r.again = false
				r.start(done)
				return
			}
			r.again = false
			done(sent, err)
		})
	}()
}

// more notes, on the event loop, that the journal got a transaction to send
// while a replay runs: it goes after what is being sent.
func (r *replayer) more() {
	if r.running {
		r.again = true
	}
}

// Replay sends what the journal holds now, in the caller's goroutine, and
// reports how many went; a replay already running is waited for first.
func (r *replayer) Replay() (int, error) {
	r.sending.Lock()
	defer r.sending.Unlock()
	return r.replayAll()
}

// ReplayJournal sends what the journal holds for the ILS now, in the
// caller's goroutine, and reports how many went. For a staff "send now"
// and for benchmarks; the kiosk replays by itself when the ILS comes back.
// It never runs beside the kiosk's own replay.
func (k *Kiosk) ReplayJournal() (int, error) { return k.replay.Replay() }

// replayBatch is how many journalled transactions are marked as sent, and
// their outcomes written, in one durable commit: a replay is then as fast as
// the ILS answers, not as the disk syncs. After a crash mid-batch the rest
// of it is in doubt and looked up (one 63 per card) before it is sent again.
const replayBatch = 500

// replayAll works through the journal until it is empty or the ILS fails.
// Transactions in doubt are looked up first, one by one; the others go in
// batches.
func (r *replayer) replayAll() (int, error) {
	pending, err := r.journal.Unfinished()
	if err != nil {
		return 0, err
	}
	charged := map[string]map[string]bool{} // card → items lent, asked once per replay
	sent := 0
	for len(pending) > 0 {
		if pending[0].InDoubt {
			if err := r.replayInDoubt(pending[0], charged); err != nil {
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
		done, err := r.replayPipelined(batches)
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
func (r *replayer) replayPipelined(batches [][]Pending) (int, error) {
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
		err := r.journal.Resend(ids(0)...)
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
				err = r.journal.FinishAndResend(outs, next...)
			}
			if err != nil || len(next) == 0 {
				break
			}
			ready <- i
		}
		close(ready)
		for outs := range outcomes { // the last batch's, or a failed one's
			if err == nil && len(outs) > 0 {
				err = r.journal.FinishAll(outs)
			}
		}
		written <- err
	}()
	sent := 0
	var failed error
	for i := range ready {
		var outs []Outcome
		outs, failed = r.send(batches[i])
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
func (r *replayer) send(batch []Pending) ([]Outcome, error) {
	outs := make([]Outcome, 0, len(batch))
	var failed error
	// One context for the batch, with no timer or watcher per entry: the SIP2
	// client bounds every exchange with its own deadline (ils.request_timeout).
	ctx := r.k.life
	for _, p := range batch {
		res, err := r.ils.Replay(ctx, p.Tx, !r.offlineOff.Load())
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
			r.log.Warn("replayed transaction refused: needs staff attention", "id", p.ID, "kind", p.Kind, "item", p.Item, "message", res.Message)
		}
		outs = append(outs, Outcome{ID: p.ID, Result: res})
	}
	return outs, failed
}

// replayInDoubt brings one transaction whose outcome was never recorded to
// the ILS exactly once, as far as SIP2 allows: it is looked up first.
func (r *replayer) replayInDoubt(p Pending, charged map[string]map[string]bool) error {
	ctx, cancel := context.WithTimeout(r.k.life, r.k.opts.RequestTimeout)
	defer cancel()
	done := false
	if p.Kind == TxCheckout {
		lent, ok := charged[p.Card]
		if !ok {
			items, err := r.ils.Charged(ctx, p.Card)
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
		r.log.Info("in-doubt transaction had reached the library system", "id", p.ID, "kind", p.Kind)
		err = r.journal.FinishAll([]Outcome{{ID: p.ID, Result: Result{OK: true, Item: p.Item, Due: p.Due, Message: "in doubt: found done"}}})
	case !p.Offline && p.Kind != TxCheckin:
		// The patron saw no success: sending it now would lend an item they
		// may have left behind, or renew what they did not ask twice.
		err = r.journal.FinishAll([]Outcome{{ID: p.ID, Result: Result{Item: p.Item, Reason: ReasonOther, Message: r.doubtMessage(p)}}})
	default:
		_, err = r.replayPipelined([][]Pending{{p}}) // a return is safe to send again
		if err == nil && p.Kind == TxCheckout {
			charged[p.Card][p.Item] = true
		}
	}
	if err == nil {
		r.seen.Delete(p.ID)
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
func (r *replayer) sent(txID string) { r.seen.Store(txID, seenNothing) }

// answered notes what the patron is shown of txID's outcome: err, else
// the ILS's result.
func (r *replayer) answered(txID string, err error) {
	seen := seenAnswer
	if err != nil {
		seen = seenFailure
	}
	r.seen.CompareAndSwap(txID, seenNothing, seen) // not if the journal has it already
}

// recorded forgets txID once the journal holds its outcome: a Finish that
// worked, for anything but no reply, which leaves the transaction in doubt.
func (r *replayer) recorded(txID string, err, ferr error) {
	if ferr == nil && !errors.Is(err, ErrNoReply) {
		r.seen.Delete(txID)
	}
}

// doubtMessage is the journal's message for an online loan or renewal in
// doubt that is closed without being sent again: what the library was
// found to have done, and what the patron saw, as far as the kiosk knows.
func (r *replayer) doubtMessage(p Pending) string {
	library := "not done at the library" // the loan is not on the patron's list
	if p.Kind != TxCheckout {
		library = "not looked up at the library, not sent again"
	}
	v, ok := r.seen.Load(p.ID)
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
