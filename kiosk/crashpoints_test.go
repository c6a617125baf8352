package kiosk_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Each point where a kiosk can die between the journal and the ILS, set up
// in the journal as a crash leaves it, then replayed: the library must end
// with the transaction exactly once, or (online, patron told it failed) not.
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
	}{
		{"offline loan, died before sending", true, false, false, kiosk.TxCheckout, 1, storage.TxDone},
		{"offline loan, died after marking sent, before the wire", true, true, false, kiosk.TxCheckout, 1, storage.TxDone},
		{"offline loan, died after the ILS did it, before the outcome", true, true, true, kiosk.TxCheckout, 1, storage.TxDone},
		{"online loan in doubt that the ILS did", false, true, true, kiosk.TxCheckout, 1, storage.TxDone},
		{"online loan in doubt that the ILS did not do", false, true, false, kiosk.TxCheckout, 0, storage.TxRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := kiosk.NewFakeClock(at)
			d := kiosktest.StartILS(t, clock.Now)
			st, err := storage.Open(filepath.Join(t.TempDir(), "kiosk.db"))
			if err != nil {
				t.Fatal(err)
			}
			st.Now = clock.Now
			defer st.Close()
			e := storage.Entry{Kind: storage.TxKind(tc.kind), Patron: kiosktest.CardAdult, Item: item, At: at, Offline: tc.offline}
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
			if got.State != tc.wantState {
				t.Errorf("journal entry is %s (%q), want %s", got.State, got.Message, tc.wantState)
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
	clock := kiosk.NewFakeClock(at)
	d := kiosktest.StartILS(t, clock.Now)
	st, err := storage.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	defer st.Close()
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
