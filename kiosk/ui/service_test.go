package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// allows sets what the library system's status (98) says and lets the
// kiosk read it, as it does at start and every few minutes.
func (h *harness) allows(checkout, checkin, renew, offline bool) {
	h.t.Helper()
	h.ils.Library.SetStatusFlags(checkout, checkin, renew, offline)
	h.core.CheckILS()
	h.pumpUntil("the status read", func() bool {
		h.core.Sync()
		s := h.ui.view.Chrome.ILS.Service
		return s.NoCheckout == !checkout && s.NoCheckin == !checkin && s.NoRenew == !renew && s.NoOffline == !offline
	})
}

// What the 98 says the library system will not do, the kiosk does not send:
// it says so in words, and nothing is journalled.
func TestWhatTheLibrarySaysItWillNotDoIsNotSent(t *testing.T) {
	t.Run("no checkout", func(t *testing.T) {
		h := newHarness(t)
		h.allows(false, true, true, true)
		h.scanCard(kiosktest.CardAdult)
		h.scanItem(itemAvailable)
		if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Lenen kan nu niet bij deze zuil.") {
			t.Errorf("row = %q", got)
		}
		if n := h.ils.Library.Requests()[sip2.CodeCheckout]; n != 0 {
			t.Errorf("%d checkouts sent", n)
		}
		if left, _ := h.store.Unfinished(); len(left) != 0 {
			t.Errorf("journal: %+v", left)
		}
	})
	t.Run("no checkin", func(t *testing.T) {
		h := newHarness(t)
		h.allows(true, false, true, true)
		test.Tap(h.ui.attract.returnButton)
		h.settle()
		if !h.ui.notice.Visible() || !strings.Contains(h.ui.notice.text.Text, "Inleveren kan nu niet bij deze zuil.") {
			t.Errorf("Inleveren: notice %v %q", h.ui.notice.Visible(), h.ui.notice.text.Text)
		}
	})
	t.Run("no renewal", func(t *testing.T) {
		h := newHarness(t)
		h.allows(true, true, false, true)
		h.scanCard(kiosktest.CardAdult)
		test.Tap(h.ui.welcome.loans)
		h.pumpUntil("the loans", func() bool { h.core.Sync(); return h.ui.view.Visit.LoansState == kiosk.Loaded })
		h.settle()
		if h.ui.loans.renewAll.Visible() || button(h.ui.loans.list.box, "Verlengen") != nil {
			t.Error("renewing offered while the library allows no renewal")
		}
		if !h.ui.loans.status.Visible() || !strings.Contains(h.ui.loans.status.Text, "Verlengen kan nu niet bij deze zuil.") {
			t.Errorf("loans say %q", h.ui.loans.status.Text)
		}
		// The offer on the patron's page of an item already theirs, too.
		test.Tap(h.ui.loans.back)
		h.scanItem(itemJoosts)
		h.core.Renew(itemJoosts)
		h.pumpUntil("the renewal's row", func() bool {
			h.core.Sync()
			r, ok := h.ui.view.Visit.Row(kiosk.TxRenew, itemJoosts)
			return ok && r.State == kiosk.RowRefused
		})
		h.settle()
		if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Verlengen kan nu niet bij deze zuil.") {
			t.Errorf("rows = %q", got)
		}
		if n := h.ils.Library.Requests()[sip2.CodeRenew]; n != 0 {
			t.Errorf("%d renewals sent", n)
		}
	})
	t.Run("nothing offline", func(t *testing.T) {
		h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
		h.allows(true, true, true, false)
		h.ils.Stop(t)
		h.scanCard(kiosktest.CardAdult)
		h.scanItem(itemAvailable)
		if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Dit kan nu niet: de bibliotheek is even niet bereikbaar.") {
			t.Errorf("row = %q", got)
		}
		if left, _ := h.store.Unfinished(); len(left) != 0 {
			t.Errorf("journal: %+v", left)
		}
	})
}

// Loans made offline while the library allowed it, replayed after it said
// offline ok N: sent without no block, for the library to judge as new.
func TestAReplayGoesWithoutNoBlockWhenTheLibraryAllowsNoOffline(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable)
	test.Tap(h.ui.done)
	h.settle()
	h.ils.Library.SetStatusFlags(true, true, true, false)
	h.ils.Restart(t)
	h.clock.Advance(10 * time.Second) // the probe reads the 98, then replays
	h.pumpUntil("the replay", func() bool { left, _ := h.store.Unfinished(); return len(left) == 0 })
	var lent bool
	for _, e := range h.ils.Library.History() {
		if e.Kind == "checkout" && e.Item == itemAvailable && e.OK {
			lent = true
			if e.NoBlock {
				t.Error("replayed with no block while the library allows no offline transactions")
			}
		}
	}
	if !lent {
		t.Error("the loan was not replayed")
	}
}
