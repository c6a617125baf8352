package kiosk_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Each point where a kiosk can die between the journal and the ILS, set up
// in the journal as a crash leaves it, then replayed: the library must end
// with the transaction exactly once, or (online, the patron shown no success) not.
func TestEveryCrashPointReplaysExactlyOnce(t *testing.T) {
	const item = "30790000000075" // Boven is het stil, available
	at := kiosktest.Start(t)
	due := at.AddDate(0, 0, 21)
	for _, tc := range []struct {
		name string
		// offline: made offline; sent: marked sent (died after that);
		// reached: the ILS had done it before the kiosk died.
		offline, sent, reached bool
		kind                   kiosk.TxKind
		wantLent               int
		wantState              storage.TxState
		wantMsg                string // "": the library's own
	}{
		{"offline loan, died before sending", true, false, false, kiosk.TxCheckout, 1, storage.TxDone, ""},
		{"offline loan, died after marking sent, before the wire", true, true, false, kiosk.TxCheckout, 1, storage.TxDone, ""},
		{"offline loan, died after the ILS did it, before the outcome", true, true, true, kiosk.TxCheckout, 1, storage.TxDone, ""},
		{"online loan in doubt that the ILS did", false, true, true, kiosk.TxCheckout, 1, storage.TxDone, "in doubt: found done"},
		// The kiosk died before the answer, or after it said the loan failed: it cannot know which.
		{"online loan in doubt that the ILS did not do", false, true, false, kiosk.TxCheckout, 0, storage.TxRefused,
			"in doubt after a restart: not done at the library; the patron saw no answer, or was told it failed"},
		{"online renewal in doubt", false, true, false, kiosk.TxRenew, 0, storage.TxRefused,
			"in doubt after a restart: not looked up at the library, not sent again; the patron saw no answer, or was told it failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock, d, st, _ := replayRig(t, at)
			e := storage.Entry{Kind: storage.TxKind(tc.kind), Patron: kiosktest.CardAdult, Item: item, At: at, Offline: tc.offline}
			var err error
			if tc.offline {
				e.Due = due
			}
			if tc.sent {
				e, err = st.BeginSent(e)
			} else {
				e, err = st.Begin(e)
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.reached {
				res, err := d.Client.Checkout(context.Background(), &sip2.CheckoutRequest{NoBlock: true, NBDueDate: due,
					TransactionDate: at, PatronID: kiosktest.CardAdult, ItemID: item})
				if err != nil || !res.OK {
					t.Fatalf("setting up: %+v %v", res, err)
				}
			}
			core := kiosk.New(kiosk.Options{}, d.ILS, localstore.New(st), clock)
			if _, err := core.ReplayJournal(); err != nil {
				t.Fatal(err)
			}
			lent := 0
			for _, ev := range d.Library.History() {
				if ev.Kind == "checkout" && ev.OK && ev.Item == item {
					lent++
				}
			}
			if lent != tc.wantLent {
				t.Errorf("the library lent it %d times, want %d", lent, tc.wantLent)
			}
			got, _ := st.Entry(e.ID)
			if got.State != tc.wantState || tc.wantMsg != "" && got.Message != tc.wantMsg {
				t.Errorf("journal entry is %s (%q), want %s (%q)", got.State, got.Message, tc.wantState, tc.wantMsg)
			}
			if left, _ := st.Unfinished(); len(left) != 0 {
				t.Errorf("%d entries still unfinished", len(left))
			}
		})
	}
}

// A return in doubt is sent again: returning twice is harmless, and the
// second "not on loan" counts as done.
func TestReturnInDoubtIsSentAgain(t *testing.T) {
	const item = "30790000000042" // Tirza, lent to Fatima
	at := kiosktest.Start(t)
	clock, d, st, _ := replayRig(t, at)
	e, err := st.BeginSent(storage.Entry{Kind: storage.TxCheckin, Item: item, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ILS.Checkin(context.Background(), item, at); err != nil { // it did reach the ILS
		t.Fatal(err)
	}
	core := kiosk.New(kiosk.Options{}, d.ILS, localstore.New(st), clock)
	if _, err := core.ReplayJournal(); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Entry(e.ID); got.State != storage.TxDone {
		t.Errorf("return in doubt ended %s (%q), want done", got.State, got.Message)
	}
	if it, _ := d.Library.Item(item); it.Loan != nil {
		t.Errorf("the item is still lent: %+v", it.Loan)
	}
}

// noReplyILS is the demo library but for loans: the request goes out and
// no answer comes (after release, if set), and the library did not lend it.
type noReplyILS struct {
	kiosk.ILS
	release chan struct{}
}

func (n noReplyILS) Checkout(ctx context.Context, card, pin, item string, at time.Time) (kiosk.Result, error) {
	if n.release != nil {
		<-n.release
	}
	return kiosk.Result{}, fmt.Errorf("%w: test", kiosk.ErrNoReply)
}

// A loan left in doubt in this run is closed, when the library is found not
// to have done it, with what the patron saw: that it failed, or nothing, as
// they had left before the answer came.
func TestInDoubtInThisRunSaysWhatThePatronSaw(t *testing.T) {
	const item = "30790000000075" // Boven is het stil, available
	for _, tc := range []struct {
		name  string
		leave bool // the patron ends the visit before the answer
		want  string
	}{
		{"told it failed", false, "in doubt: not done at the library; the patron was told it failed"},
		{"left before the answer", true, "in doubt: not done at the library; the patron had left before the answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock, d, st, _ := replayRig(t, kiosktest.Start(t))
			ils := noReplyILS{ILS: d.ILS}
			if tc.leave {
				ils.release = make(chan struct{})
			}
			core := kiosk.New(kiosk.Options{}, ils, localstore.New(st), clock)
			views := make(chan kiosk.View, 100)
			core.Subscribe(func(v kiosk.View) {
				select {
				case views <- v:
				default:
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { core.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			until := func(what string, ok func(kiosk.View) bool) {
				t.Helper()
				for {
					select {
					case v := <-views:
						if ok(v) {
							return
						}
					case <-time.After(5 * time.Second):
						t.Fatalf("never: %s", what)
					}
				}
			}

			core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
			until("welcome", func(v kiosk.View) bool { return v.Screen == kiosk.ScreenWelcome })
			core.Scan(kiosk.Scan{Code: item})
			until("the loan's row", func(v kiosk.View) bool { return len(v.Visit.Rows) == 1 })
			if tc.leave {
				core.Done()
				until("the visit's end", func(v kiosk.View) bool { return v.Visit.Patron.Card == "" })
				close(ils.release)
			} else {
				until("the row failed", func(v kiosk.View) bool { return len(v.Visit.Rows) == 1 && v.Visit.Rows[0].State == kiosk.RowFailed })
			}
			core.Sync()

			var id string
			for deadline := time.Now().Add(5 * time.Second); id == ""; {
				left, err := st.Unfinished()
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range left {
					if e.Item == item {
						id = e.ID
					}
				}
				if time.Now().After(deadline) {
					t.Fatal("the loan is not in the journal, in doubt")
				}
			}
			for deadline := time.Now().Add(5 * time.Second); ; {
				if _, err := core.ReplayJournal(); err != nil {
					t.Fatal(err)
				}
				got, err := st.Entry(id)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != storage.TxSent {
					if got.State != storage.TxRefused || got.Message != tc.want {
						t.Errorf("journal entry is %s (%q), want refused (%q)", got.State, got.Message, tc.want)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the loan stayed in doubt")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// replayRig is the demo library and a journal in a bbolt file in dir, both
// on one test clock that starts at at, as the replay tests need them.
func replayRig(t *testing.T, at time.Time) (*kiosk.FakeClock, *kiosktest.ILS, *storage.Store, string) {
	t.Helper()
	clock := kiosk.NewFakeClock(at)
	d := kiosktest.StartILS(t, clock.Now)
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	t.Cleanup(func() { st.Close() })
	return clock, d, st, dir
}
