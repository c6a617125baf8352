package ui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Many SIP2 servers close a connection after some silence, some after every
// reply. A patron never sees it: no error, the kiosk never goes offline, one
// row per item, and the library does each transaction once.
func TestServersThatCloseConnectionsGoUnnoticed(t *testing.T) {
	const idle = 150 * time.Millisecond // stands for the servers' 60 s
	for name, server := range map[string]func(*sip2.Server){
		"after silence":     func(s *sip2.Server) { s.IdleTimeout = idle },
		"after every reply": func(s *sip2.Server) { s.CloseAfterReply = true },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarnessSetup(t, setup{server: server})
			var wentDown atomic.Bool
			h.core.Subscribe(func(v kiosk.View) {
				if v.Chrome.ILS.Down {
					wentDown.Store(true)
				}
			})
			silence := func() { time.Sleep(2 * idle) } // on the wall clock the server reads
			h.scanCard(kiosktest.CardAdult)
			silence()
			h.scanItem(itemAvailable)
			silence()
			h.scanItem(itemAvailable2)
			silence()
			test.Tap(h.ui.welcome.loans)
			h.pumpUntil("the loans", func() bool { h.core.Sync(); return h.ui.view.Visit.LoansState == kiosk.Loaded })
			silence()
			h.core.Renew(itemJoosts)
			h.pumpUntil("the renewal", func() bool {
				h.core.Sync()
				r, ok := h.ui.view.Visit.Row(kiosk.TxRenew, itemJoosts)
				return ok && r.State != kiosk.RowPending
			})
			h.settle()
			if got := rowTexts(h.ui.loans.list.box); strings.Count(got, "De avonden") != 1 || !strings.Contains(got, "Verlengd.") {
				t.Errorf("loans after the renewal: %q", got)
			}
			failed := func() {
				for _, r := range h.ui.view.Visit.Rows {
					if r.State != kiosk.RowOK {
						t.Errorf("a row that did not work: %+v", r)
					}
				}
			}
			failed()
			test.Tap(h.ui.done)
			h.settle()
			test.Tap(h.ui.receipt.none)
			h.advance(8 * time.Second)

			silence()
			test.Tap(h.ui.attract.returnButton)
			h.scanItem(itemFatimas)
			h.settle()
			if got := rowTexts(h.ui.returns.rows.box); strings.Count(got, "Tirza") != 1 || !strings.Contains(got, "Ingeleverd.") {
				t.Errorf("return: %q", got)
			}
			if wentDown.Load() {
				t.Error("the kiosk went offline")
			}
			failed()
			count := map[string]int{}
			for _, e := range h.ils.Library.History() {
				if e.OK {
					count[e.Kind+" "+e.Item]++
				}
			}
			for _, want := range []string{"checkout " + itemAvailable, "checkout " + itemAvailable2, "renew " + itemJoosts, "checkin " + itemFatimas} {
				if count[want] != 1 {
					t.Errorf("%s done %d times at the library, want once", want, count[want])
				}
			}
		})
	}
}
