package ils_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Demo items (assets/demo/library.json).
const (
	deAvonden      = "30790000000018" // Joost's, due in 14 days
	hetDiner       = "30790000000026" // Joost's, due in 7 days, a hold for Henk
	maxHavelaar    = "30790000000034" // Henk's
	tirza          = "30790000000042" // Fatima's
	hetAchterhuis  = "30790000000067" // on the hold shelf for Ayşe
	bovenIsHetStil = "30790000000075" // available
	midnight       = "30790000000190" // Joost's, 5 days overdue, renewed 3 times (the limit)
	vanDale        = "30790000000323" // not for loan
	unknownItem    = "30790000009998"
	pinJoost       = "1234"
)

// available are items on the shelf, for filling a patron's loans.
var available = []string{"30790000000075", "30790000000083", "30790000000091", "30790000000109",
	"30790000000117", "30790000000125", "30790000000133", "30790000000141", "30790000000174",
	"30790000000182", "30790000000208", "30790000000216"}

// start is where the tests' clocks stand: the library, the client and the
// transaction dates agree on it, whatever day the suite runs (kiosktest.DateEnv).
var start = kiosktest.EnvStart()

func now() time.Time { return start }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// endOfDay is the demo's due time: 23:59 on the day.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 0, 0, time.Local)
}

// dueIn is the due date of a loan made now for days.
func dueIn(days int) time.Time { return endOfDay(now().AddDate(0, 0, days)) }

func sameMinute(a, b time.Time) bool { return a.Sub(b).Abs() < 2*time.Minute }

func TestPatronInfo(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	tests := []struct {
		name, card, pin string
		checked, valid  bool
		loans, overdue  int
		block           kiosk.Block
		msg             string
	}{
		{name: "no PIN", card: kiosktest.CardAdult, loans: 3, overdue: 1},
		{name: "right PIN", card: kiosktest.CardAdult, pin: pinJoost, checked: true, valid: true, loans: 3, overdue: 1},
		{name: "wrong PIN", card: kiosktest.CardAdult, pin: "0000", checked: true, loans: 3, overdue: 1, msg: demo.MsgInvalidPassword},
		{name: "fines", card: kiosktest.CardFines, loans: 2, block: kiosk.BlockFines, msg: demo.MsgFines},
		{name: "card lost", card: kiosktest.CardLost, loans: 1, overdue: 1, block: kiosk.BlockCardLost, msg: demo.MsgCardLost},
		{name: "hold ready", card: kiosktest.CardHold, loans: 1, msg: demo.MsgHoldReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := d.ILS.PatronInfo(ctx(t), tt.card, tt.pin)
			if err != nil {
				t.Fatal(err)
			}
			if p.Card != tt.card || p.Name == "" || p.Loans != tt.loans || p.Overdue != tt.overdue {
				t.Errorf("patron = %+v; want %d loans, %d overdue", p, tt.loans, tt.overdue)
			}
			if p.PINChecked != tt.checked || p.PINValid != tt.valid {
				t.Errorf("PINChecked, PINValid = %v, %v; want %v, %v", p.PINChecked, p.PINValid, tt.checked, tt.valid)
			}
			if tt.block != 0 && !p.Has(tt.block) || tt.block == 0 && p.Blocked() {
				t.Errorf("blocks = %v; want %v", p.Blocks, tt.block)
			}
			if tt.msg != "" && !slices.Contains(p.Messages, tt.msg) {
				t.Errorf("messages = %q; want %q among them", p.Messages, tt.msg)
			}
		})
	}
	t.Run("unknown card", func(t *testing.T) {
		if _, err := d.ILS.PatronInfo(ctx(t), kiosktest.CardUnknown, "1234"); !errors.Is(err, kiosk.ErrUnknownPatron) {
			t.Errorf("err = %v; want ErrUnknownPatron", err)
		}
	})
}

// PatronName names the patron of a card asked about in a visit, and leaves
// the visit's loans alone: the patron's own loan scanned afterwards is
// still theirs, found without an 11 (which the demo would take as a renewal).
func TestPatronName(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	if _, err := d.ILS.PatronInfo(ctx(t), kiosktest.CardAdult, pinJoost); err != nil {
		t.Fatal(err)
	}
	if name, err := d.ILS.PatronName(ctx(t), kiosktest.CardChild); err != nil || name != "Sanne de Vries" {
		t.Errorf("PatronName = %q, %v; want Sanne de Vries", name, err)
	}
	if _, err := d.ILS.PatronName(ctx(t), kiosktest.CardUnknown); !errors.Is(err, kiosk.ErrUnknownPatron) {
		t.Errorf("PatronName of an unknown card: err = %v; want ErrUnknownPatron", err)
	}
	r, err := d.ILS.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, deAvonden, now())
	if err != nil || r.OK || r.Reason != kiosk.ReasonAlreadyYours {
		t.Errorf("checkout of the own loan after PatronName = %+v, %v; want refused, already yours", r, err)
	}
	if n := d.Library.Requests()["11"]; n != 0 {
		t.Errorf("%d 11s sent: the visit's loans were forgotten", n)
	}
}

func TestLoans(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	loans, err := d.ILS.Loans(ctx(t), kiosktest.CardAdult, pinJoost)
	if err != nil {
		t.Fatal(err)
	}
	want := []kiosk.Loan{ // by due date
		{Item: midnight, Title: "The Midnight Library", Due: dueIn(-5), Overdue: true},
		{Item: hetDiner, Title: "Het diner", Due: dueIn(7)},
		{Item: deAvonden, Title: "De avonden", Due: dueIn(14)},
	}
	if len(loans) != len(want) {
		t.Fatalf("loans = %+v; want %+v", loans, want)
	}
	for i, l := range loans {
		w := want[i]
		if l.Item != w.Item || l.Title != w.Title || l.Overdue != w.Overdue || !sameMinute(l.Due, w.Due) {
			t.Errorf("loan %d = %+v; want %+v", i, l, w)
		}
	}

	t.Run("none", func(t *testing.T) {
		loans, err := d.ILS.Loans(ctx(t), kiosktest.CardStaff, "")
		if err != nil || len(loans) != 0 {
			t.Errorf("Loans = %v, %v; want none", loans, err)
		}
	})
	t.Run("unknown card", func(t *testing.T) {
		if _, err := d.ILS.Loans(ctx(t), kiosktest.CardUnknown, ""); !errors.Is(err, kiosk.ErrUnknownPatron) {
			t.Errorf("err = %v; want ErrUnknownPatron", err)
		}
	})
	t.Run("wrong PIN", func(t *testing.T) {
		if loans, err := d.ILS.Loans(ctx(t), kiosktest.CardAdult, "0000"); !errors.Is(err, ils.ErrWrongPIN) || loans != nil {
			t.Errorf("Loans = %v, %v; want ErrWrongPIN", loans, err)
		}
	})
}

// backend is the demo library with a few changes, for servers that differ.
type backend struct {
	*demo.Library
	noItemInfo bool                        // 98 leaves 17 out of BX
	pageSize   int                         // 64 sends at most this many items per list
	checkin    func(*sip2.CheckinResponse) // edits each 10
	hang       chan struct{}               // 11 waits for it
	garble     bool                        // refusals of 11 and 29 carry an unknown message
	terminal   string                      // the client's terminal password (AC)
	mu         sync.Mutex
	acs        map[string]string // request code → the AC it carried
	itemInfos  atomic.Int32      // 17s received
	pages      atomic.Int32      // 63s received with BP
}

func (b *backend) Status(req *sip2.SCStatusRequest) *sip2.ACSStatusResponse {
	r := b.Library.Status(req)
	if b.noItemInfo {
		r.Supported.ItemInformation = false
	}
	return r
}

// sawAC records the terminal password a request carried.
func (b *backend) sawAC(code, ac string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.acs == nil {
		b.acs = map[string]string{}
	}
	b.acs[code] = ac
}

func (b *backend) PatronInformation(req *sip2.PatronInformationRequest) *sip2.PatronInformationResponse {
	b.sawAC(sip2.CodePatronInformation, req.TerminalPassword)
	if req.StartItem != nil {
		b.pages.Add(1)
	}
	r := b.Library.PatronInformation(req)
	if n := b.pageSize; n > 0 {
		for _, l := range []*[]string{&r.ChargedItems, &r.OverdueItems, &r.HoldItems} {
			if len(*l) > n {
				*l = (*l)[:n]
			}
		}
	}
	return r
}

func (b *backend) ItemInformation(req *sip2.ItemInformationRequest) *sip2.ItemInformationResponse {
	b.itemInfos.Add(1)
	return b.Library.ItemInformation(req)
}

func (b *backend) Checkin(req *sip2.CheckinRequest) *sip2.CheckinResponse {
	b.sawAC(sip2.CodeCheckin, req.TerminalPassword)
	r := b.Library.Checkin(req)
	if b.checkin != nil {
		b.checkin(r)
	}
	return r
}

func (b *backend) Checkout(req *sip2.CheckoutRequest) *sip2.CheckoutResponse {
	b.sawAC(sip2.CodeCheckout, req.TerminalPassword)
	if b.hang != nil {
		<-b.hang
	}
	r := b.Library.Checkout(req)
	if b.garble && !r.OK {
		r.ScreenMessages = []string{garbled}
	}
	return r
}

func (b *backend) Renew(req *sip2.RenewRequest) *sip2.RenewResponse {
	b.sawAC(sip2.CodeRenew, req.TerminalPassword)
	r := b.Library.Renew(req)
	if b.garble && !r.OK {
		r.ScreenMessages = []string{garbled}
	}
	return r
}

// garbled is a refusal the adapter does not know.
const garbled = "Computer says no"

// Without a screen message it knows, the adapter asks 17 and 63 why.
func TestReasonFallback(t *testing.T) {
	tests := []struct {
		name       string
		renew      bool
		card, item string
		reason     kiosk.Reason
	}{
		{"checkout lent to another", false, kiosktest.CardAdult, maxHavelaar, kiosk.ReasonOnLoanOther},
		{"checkout on the hold shelf", false, kiosktest.CardAdult, hetAchterhuis, kiosk.ReasonOnHoldOther},
		{"checkout unknown item", false, kiosktest.CardAdult, unknownItem, kiosk.ReasonUnknownItem},
		{"checkout not for loan", false, kiosktest.CardAdult, vanDale, kiosk.ReasonNotForLoan},
		{"checkout fines", false, kiosktest.CardFines, bovenIsHetStil, kiosk.ReasonPatronBlocked},
		{"checkout card lost", false, kiosktest.CardLost, bovenIsHetStil, kiosk.ReasonPatronBlocked},
		{"renew held", true, kiosktest.CardAdult, hetDiner, kiosk.ReasonRenewHeld},
		{"renew not lent", true, kiosktest.CardAdult, bovenIsHetStil, kiosk.ReasonNotOnLoan},
		{"renew lent to another", true, kiosktest.CardAdult, maxHavelaar, kiosk.ReasonOnLoanOther},
		{"renew unknown item", true, kiosktest.CardAdult, unknownItem, kiosk.ReasonUnknownItem},
		{"renew fines", true, kiosktest.CardFines, tirza, kiosk.ReasonPatronBlocked},
		{"renew limit: no flag says so", true, kiosktest.CardAdult, midnight, kiosk.ReasonOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, &backend{garble: true}, 2*time.Second)
			f := s.Checkout
			if tt.renew {
				f = s.Renew
			}
			r, err := f(ctx(t), tt.card, "", tt.item, now())
			if err != nil {
				t.Fatal(err)
			}
			if r.OK || r.Reason != tt.reason || r.Message != garbled {
				t.Errorf("result = %+v; want reason %d, message %q", r, tt.reason, garbled)
			}
		})
	}
	t.Run("checkout limit", func(t *testing.T) {
		s := serve(t, &backend{garble: true}, 2*time.Second)
		for _, item := range available[:8] {
			if r, err := s.Checkout(ctx(t), kiosktest.CardChild, "", item, now()); err != nil || !r.OK {
				t.Fatalf("checkout %s: %+v, %v", item, r, err)
			}
		}
		r, err := s.Checkout(ctx(t), kiosktest.CardChild, "", available[8], now())
		if err != nil || r.OK || r.Reason != kiosk.ReasonLimit {
			t.Errorf("11th checkout = %+v, %v; want ReasonLimit", r, err)
		}
	})
}

// serve serves b on loopback and returns the adapter over a new client.
func serve(t *testing.T, b *backend, timeout time.Duration) *ils.SIP2 {
	t.Helper()
	lib, err := demo.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	b.Library = lib
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &sip2.Server{Backend: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	if b.hang != nil {
		t.Cleanup(func() { close(b.hang) }) // before the server closes: it waits for handlers
	}
	c := sip2.NewClient(sip2.ClientConfig{
		Addr: ln.Addr().String(), User: "kiosk", Password: "kiosk", Institution: lib.Institution(),
		ErrorDetection: true, RequestTimeout: timeout, MaxBackoff: 50 * time.Millisecond, Now: now,
		TerminalPassword: b.terminal,
	})
	t.Cleanup(func() { c.Close() })
	return ils.New(c)
}

// The terminal password (ils.terminal_password) goes in every request that
// carries an AC.
func TestTerminalPasswordInEveryRequest(t *testing.T) {
	b := &backend{terminal: "zuil-7"}
	s := serve(t, b, 2*time.Second)
	if _, err := s.PatronInfo(ctx(t), kiosktest.CardAdult, pinJoost); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() (kiosk.Result, error){
		func() (kiosk.Result, error) {
			return s.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, bovenIsHetStil, now())
		},
		func() (kiosk.Result, error) { return s.Renew(ctx(t), kiosktest.CardAdult, pinJoost, deAvonden, now()) },
		func() (kiosk.Result, error) { return s.Checkin(ctx(t), bovenIsHetStil, now()) },
	} {
		if _, err := f(); err != nil {
			t.Fatal(err)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, code := range []string{sip2.CodePatronInformation, sip2.CodeCheckout, sip2.CodeRenew, sip2.CodeCheckin} {
		if got, ok := b.acs[code]; !ok || got != "zuil-7" {
			t.Errorf("%s carried AC %q (sent: %v); want zuil-7", code, got, ok)
		}
	}
}

func TestLoansPaged(t *testing.T) {
	b := &backend{pageSize: 1}
	s := serve(t, b, 2*time.Second)
	loans, err := s.Loans(ctx(t), kiosktest.CardAdult, pinJoost)
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, l := range loans {
		items = append(items, l.Item)
	}
	if want := []string{midnight, hetDiner, deAvonden}; !slices.Equal(items, want) {
		t.Errorf("items = %v; want %v", items, want)
	}
	if !loans[0].Overdue || loans[1].Overdue || loans[2].Overdue {
		t.Errorf("overdue flags wrong: %+v", loans)
	}
	if n := b.pages.Load(); n != 2 {
		t.Errorf("%d 63s with BP; want 2 (items 2 and 3 of the charged list)", n)
	}
}

func TestLoansWithoutItemInformation(t *testing.T) {
	b := &backend{noItemInfo: true}
	s := serve(t, b, 2*time.Second)
	loans, err := s.Loans(ctx(t), kiosktest.CardAdult, pinJoost)
	if err != nil {
		t.Fatal(err)
	}
	if len(loans) != 3 {
		t.Fatalf("loans = %+v; want 3", loans)
	}
	overdue := 0
	for _, l := range loans {
		if l.Title != "" || !l.Due.IsZero() {
			t.Errorf("loan %+v: want no title nor due date without 17", l)
		}
		if l.Overdue {
			overdue++
			if l.Item != midnight {
				t.Errorf("overdue: %s; want %s", l.Item, midnight)
			}
		}
	}
	if overdue != 1 {
		t.Errorf("%d overdue; want 1 (from the AT list)", overdue)
	}
	if n := b.itemInfos.Load(); n != 0 {
		t.Errorf("%d 17s sent to a server without 17", n)
	}
}

func TestCheckout(t *testing.T) {
	tests := []struct {
		name, card, pin, item string
		ok                    bool
		reason                kiosk.Reason
		title                 string
		msg                   string // Message, when checked
		// noVisit: no 63 began the visit (the loan was made elsewhere since).
		noVisit bool
	}{
		{name: "available", card: kiosktest.CardAdult, pin: pinJoost, item: bovenIsHetStil, ok: true, title: "Boven is het stil"},
		{name: "own hold from the shelf", card: kiosktest.CardHold, item: hetAchterhuis, ok: true, title: "Het achterhuis"},
		{name: "on the hold shelf for another", card: kiosktest.CardAdult, item: hetAchterhuis, reason: kiosk.ReasonOnHoldOther, title: "Het achterhuis", msg: demo.MsgOnHoldForOther},
		{name: "lent to another", card: kiosktest.CardAdult, item: maxHavelaar, reason: kiosk.ReasonOnLoanOther, title: "Max Havelaar"},
		{name: "lent to another, held for this patron", card: kiosktest.CardSenior, item: hetDiner, reason: kiosk.ReasonOnLoanOther, title: "Het diner"},
		{name: "not for loan", card: kiosktest.CardAdult, item: vanDale, reason: kiosk.ReasonNotForLoan},
		{name: "fines", card: kiosktest.CardFines, item: bovenIsHetStil, reason: kiosk.ReasonPatronBlocked},
		{name: "card lost", card: kiosktest.CardLost, item: bovenIsHetStil, reason: kiosk.ReasonPatronBlocked},
		{name: "already yours", card: kiosktest.CardAdult, pin: pinJoost, item: deAvonden, reason: kiosk.ReasonAlreadyYours, title: "De avonden"},
		{name: "already yours, renewed to the limit", card: kiosktest.CardAdult, item: midnight, reason: kiosk.ReasonAlreadyYours, title: "The Midnight Library"},
		{name: "already yours, lent since the visit began", card: kiosktest.CardAdult, item: deAvonden, ok: true, reason: kiosk.ReasonAlreadyYours, title: "De avonden", noVisit: true},
		{name: "unknown item", card: kiosktest.CardAdult, item: unknownItem, reason: kiosk.ReasonUnknownItem},
		{name: "unknown card", card: kiosktest.CardUnknown, item: bovenIsHetStil, reason: kiosk.ReasonUnknownPatron, noVisit: true},
		{name: "wrong PIN", card: kiosktest.CardAdult, pin: "0000", item: bovenIsHetStil, reason: kiosk.ReasonOther, msg: demo.MsgInvalidPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := kiosktest.StartILS(t, now)
			at := now()
			if !tt.noVisit { // the visit's 63, as the kiosk sends it
				if _, err := d.ILS.PatronInfo(ctx(t), tt.card, tt.pin); err != nil {
					t.Fatal(err)
				}
			}
			r, err := d.ILS.Checkout(ctx(t), tt.card, tt.pin, tt.item, at)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.ok || r.Reason != tt.reason || r.Item != tt.item {
				t.Fatalf("result = %+v; want ok %v, reason %d", r, tt.ok, tt.reason)
			}
			if tt.title != "" && r.Title != tt.title {
				t.Errorf("title = %q; want %q", r.Title, tt.title)
			}
			if tt.msg != "" && r.Message != tt.msg {
				t.Errorf("message = %q; want %q", r.Message, tt.msg)
			}
			it, _ := d.Library.Item(tt.item)
			switch {
			case tt.ok && tt.reason == kiosk.ReasonAlreadyYours:
				// The server renewed it: what the patron has is a later due date.
				if !sameMinute(r.Due, dueIn(21)) {
					t.Errorf("due = %v; want %v", r.Due, dueIn(21))
				}
			case tt.ok:
				if !sameMinute(r.Due, dueIn(21)) {
					t.Errorf("due = %v; want %v (21 loan days)", r.Due, dueIn(21))
				}
				if it.Loan == nil || it.Loan.Patron != tt.card {
					t.Errorf("demo: item not lent to the patron: %+v", it.Loan)
				}
				h := d.Library.History()
				if e := h[len(h)-1]; e.Kind != "checkout" || !e.TransactionDate.Equal(at.Truncate(time.Second)) || e.NoBlock {
					t.Errorf("demo history: %+v; want an online checkout dated %v", e, at)
				}
			case tt.reason == kiosk.ReasonAlreadyYours:
				// The kiosk offers the renewal; nothing was renewed yet.
				if r.Due.IsZero() {
					t.Error("no due date for the patron's own loan")
				}
				for _, e := range d.Library.History() {
					t.Errorf("demo history: %+v; want no transaction", e)
				}
			default:
				if !r.Due.IsZero() {
					t.Errorf("due = %v on a refusal", r.Due)
				}
			}
		})
	}
}

func TestCheckoutLimit(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	// Sanne (CHILD, 10 loans at most) has 2.
	for _, item := range available[:8] {
		r, err := d.ILS.Checkout(ctx(t), kiosktest.CardChild, "", item, now())
		if err != nil || !r.OK {
			t.Fatalf("checkout %s: %+v, %v", item, r, err)
		}
	}
	r, err := d.ILS.Checkout(ctx(t), kiosktest.CardChild, "", available[8], now())
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || r.Reason != kiosk.ReasonLimit || r.Message != demo.MsgTooManyItems {
		t.Errorf("11th checkout = %+v; want ReasonLimit", r)
	}
	p, err := d.ILS.PatronInfo(ctx(t), kiosktest.CardChild, "")
	if err != nil || !p.Has(kiosk.BlockTooManyItems) || p.Loans != 10 {
		t.Errorf("PatronInfo = %+v, %v; want 10 loans and BlockTooManyItems", p, err)
	}
}

// Without 17 the adapter cannot ask first, so the server's renewal of an
// own loan shows as OK with ReasonAlreadyYours.
func TestCheckoutOwnLoanWithoutItemInformation(t *testing.T) {
	b := &backend{noItemInfo: true}
	s := serve(t, b, 2*time.Second)
	r, err := s.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, deAvonden, now())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.Reason != kiosk.ReasonAlreadyYours || r.Title != "De avonden" || !sameMinute(r.Due, dueIn(21)) {
		t.Errorf("result = %+v; want OK, ReasonAlreadyYours, due in 21 days", r)
	}
	r, err = s.Checkout(ctx(t), kiosktest.CardAdult, "", vanDale, now())
	if err != nil || r.OK || r.Reason != kiosk.ReasonNotForLoan {
		t.Errorf("not for loan = %+v, %v", r, err)
	}
	if n := b.itemInfos.Load(); n != 0 {
		t.Errorf("%d 17s sent to a server without 17", n)
	}
}

func TestRenew(t *testing.T) {
	tests := []struct {
		name, card, pin, item string
		ok                    bool
		reason                kiosk.Reason
		title                 string
	}{
		{name: "ok", card: kiosktest.CardAdult, pin: pinJoost, item: deAvonden, ok: true, title: "De avonden"},
		{name: "held for another", card: kiosktest.CardAdult, item: hetDiner, reason: kiosk.ReasonRenewHeld, title: "Het diner"},
		{name: "renewal limit", card: kiosktest.CardAdult, item: midnight, reason: kiosk.ReasonRenewLimit, title: "The Midnight Library"},
		{name: "lent to another", card: kiosktest.CardAdult, item: maxHavelaar, reason: kiosk.ReasonNotOnLoan},
		{name: "not lent", card: kiosktest.CardAdult, item: bovenIsHetStil, reason: kiosk.ReasonNotOnLoan},
		{name: "unknown item", card: kiosktest.CardAdult, item: unknownItem, reason: kiosk.ReasonUnknownItem},
		{name: "fines", card: kiosktest.CardFines, item: tirza, reason: kiosk.ReasonPatronBlocked, title: "Tirza"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := kiosktest.StartILS(t, now)
			r, err := d.ILS.Renew(ctx(t), tt.card, tt.pin, tt.item, now())
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.ok || r.Reason != tt.reason || r.Item != tt.item {
				t.Fatalf("result = %+v; want ok %v, reason %d", r, tt.ok, tt.reason)
			}
			if tt.title != "" && r.Title != tt.title {
				t.Errorf("title = %q; want %q", r.Title, tt.title)
			}
			if tt.ok {
				if !sameMinute(r.Due, dueIn(21)) {
					t.Errorf("due = %v; want %v", r.Due, dueIn(21))
				}
				if it, _ := d.Library.Item(tt.item); it.Loan.Renewals != 1 {
					t.Errorf("demo: renewals = %d; want 1", it.Loan.Renewals)
				}
			}
		})
	}
}

func TestCheckin(t *testing.T) {
	tests := []struct {
		name, item          string
		ok, holdShelf, desk bool
		reason              kiosk.Reason
		title               string
	}{
		{name: "ok", item: deAvonden, ok: true, title: "De avonden"},
		{name: "held for another", item: hetDiner, ok: true, holdShelf: true, title: "Het diner"},
		{name: "overdue", item: midnight, ok: true, title: "The Midnight Library"},
		{name: "not lent", item: bovenIsHetStil, reason: kiosk.ReasonNotOnLoan, title: "Boven is het stil"},
		{name: "unknown item", item: unknownItem, reason: kiosk.ReasonUnknownItem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := kiosktest.StartILS(t, now)
			r, err := d.ILS.Checkin(ctx(t), tt.item, now())
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.ok || r.Reason != tt.reason || r.HoldShelf != tt.holdShelf || r.ToDesk != tt.desk || r.Item != tt.item || r.Title != tt.title {
				t.Errorf("result = %+v; want ok %v, reason %d, hold shelf %v, desk %v, title %q",
					r, tt.ok, tt.reason, tt.holdShelf, tt.desk, tt.title)
			}
			if it, _ := d.Library.Item(tt.item); it.Loan != nil {
				t.Errorf("demo: still lent: %+v", it.Loan)
			}
		})
	}

	t.Run("then on the hold shelf", func(t *testing.T) {
		d := kiosktest.StartILS(t, now)
		if r, err := d.ILS.Checkin(ctx(t), hetDiner, now()); err != nil || !r.HoldShelf {
			t.Fatalf("checkin = %+v, %v", r, err)
		}
		r, err := d.ILS.Checkout(ctx(t), kiosktest.CardAdult, "", hetDiner, now())
		if err != nil || r.OK || r.Reason != kiosk.ReasonOnHoldOther {
			t.Errorf("checkout by Joost = %+v, %v; want ReasonOnHoldOther", r, err)
		}
		r, err = d.ILS.Checkout(ctx(t), kiosktest.CardSenior, "", hetDiner, now())
		if err != nil || !r.OK {
			t.Errorf("checkout by Henk = %+v, %v; want OK", r, err)
		}
	})
}

// Koha and Evergreen say what an alert is in CV: 01 a hold here, 02 a hold
// for another branch (transit), 04 a transfer.
func TestCheckinAlertTypes(t *testing.T) {
	tests := []struct {
		name            string
		edit            func(*sip2.CheckinResponse)
		holdShelf, desk bool
	}{
		{"demo hold", nil, true, false},
		{"CV 01", func(r *sip2.CheckinResponse) {
			r.SortBin, r.ScreenMessages = "", nil
			r.Extra = append(r.Extra, sip2.Field{ID: "CV", Value: "01"})
		}, true, false},
		{"CV 02", func(r *sip2.CheckinResponse) {
			r.Extra = append(r.Extra, sip2.Field{ID: "CV", Value: "02"})
		}, false, true},
		{"hold patron CY", func(r *sip2.CheckinResponse) {
			r.SortBin, r.ScreenMessages = "", nil
			r.Extra = append(r.Extra, sip2.Field{ID: "CY", Value: kiosktest.CardSenior})
		}, true, false},
		{"alert without a hold", func(r *sip2.CheckinResponse) {
			r.SortBin, r.ScreenMessages = "", []string{"Item belongs to another branch"}
		}, false, true},
		{"no alert", func(r *sip2.CheckinResponse) { r.Alert = false }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, &backend{checkin: tt.edit}, 2*time.Second)
			r, err := s.Checkin(ctx(t), hetDiner, now())
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK || r.HoldShelf != tt.holdShelf || r.ToDesk != tt.desk {
				t.Errorf("result = %+v; want hold shelf %v, desk %v", r, tt.holdShelf, tt.desk)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	if svc, err := d.ILS.Ping(ctx(t)); err != nil || svc.Limits() || !svc.RenewAll {
		t.Fatalf("Ping = %+v, %v; want everything allowed, renew all (65) among it", svc, err)
	}
	d.Stop(t)
	calls := []struct {
		name string
		f    func(context.Context) error
	}{
		{"PatronInfo", func(c context.Context) error { _, err := d.ILS.PatronInfo(c, kiosktest.CardAdult, ""); return err }},
		{"Loans", func(c context.Context) error { _, err := d.ILS.Loans(c, kiosktest.CardAdult, ""); return err }},
		{"Checkout", func(c context.Context) error {
			_, err := d.ILS.Checkout(c, kiosktest.CardAdult, "", bovenIsHetStil, now())
			return err
		}},
		{"Renew", func(c context.Context) error {
			_, err := d.ILS.Renew(c, kiosktest.CardAdult, "", deAvonden, now())
			return err
		}},
		{"Checkin", func(c context.Context) error { _, err := d.ILS.Checkin(c, deAvonden, now()); return err }},
		{"EndSession", func(c context.Context) error { return d.ILS.EndSession(c, kiosktest.CardAdult) }},
		{"Ping", func(c context.Context) error { _, err := d.ILS.Ping(c); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			err := c.f(ctx(t))
			if !errors.Is(err, kiosk.ErrUnavailable) || errors.Is(err, kiosk.ErrNoReply) {
				t.Errorf("err = %v; want ErrUnavailable", err)
			}
			if !errors.Is(err, sip2.ErrUnreachable) {
				t.Errorf("err = %v; want the cause, sip2.ErrUnreachable, kept", err)
			}
		})
	}
	for _, e := range d.Library.History() {
		t.Errorf("demo history: %+v; want nothing done", e)
	}

	d.Restart(t)
	var err error
	for range 50 { // past the client's back-off
		if _, err = d.ILS.PatronInfo(ctx(t), kiosktest.CardAdult, ""); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("after restart: %v", err)
	}
}

// A checkout that went out and got no answer is in doubt: ErrNoReply, not
// ErrUnavailable, so the core keeps it in the journal as uncertain.
func TestNoReply(t *testing.T) {
	s := serve(t, &backend{hang: make(chan struct{})}, 300*time.Millisecond)
	r, err := s.Checkout(ctx(t), kiosktest.CardAdult, "", bovenIsHetStil, now())
	if !errors.Is(err, kiosk.ErrNoReply) || errors.Is(err, kiosk.ErrUnavailable) || !errors.Is(err, sip2.ErrNoReply) {
		t.Errorf("Checkout = %+v, %v; want ErrNoReply wrapping sip2.ErrNoReply", r, err)
	}
}

func TestLogsLast4Only(t *testing.T) {
	var buf strings.Builder
	w := &lockedWriter{b: &buf}
	lib, err := demo.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &sip2.Server{Backend: lib, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c := sip2.NewClient(sip2.ClientConfig{Addr: ln.Addr().String(), User: "kiosk", Password: "kiosk", Now: now,
		Institution: lib.Institution(), Logger: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(func() { c.Close() })
	s := ils.New(c)
	for _, item := range []string{bovenIsHetStil, vanDale, maxHavelaar, deAvonden} {
		if _, err := s.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, item, now()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Renew(ctx(t), kiosktest.CardAdult, pinJoost, item, now()); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	w.mu.Lock()
	out := buf.String()
	w.mu.Unlock()
	if strings.Contains(out, kiosktest.CardAdult) {
		t.Errorf("log has the full card number:\n%s", out)
	}
	if !strings.Contains(out, "0010") {
		t.Errorf("log lacks the card's last 4:\n%s", out)
	}
}

func TestKnownMessage(t *testing.T) {
	tests := []struct {
		af     string
		reason kiosk.Reason
	}{
		{demo.MsgItemNotFound, kiosk.ReasonUnknownItem},
		{demo.MsgNotForLoan, kiosk.ReasonNotForLoan},
		{demo.MsgOnLoanToOther, kiosk.ReasonOnLoanOther},
		{demo.MsgOnHoldForOther, kiosk.ReasonOnHoldOther},
		{demo.MsgNotCheckedOut, kiosk.ReasonNotOnLoan},
		{demo.MsgRenewLimit, kiosk.ReasonRenewLimit},
		{demo.MsgTooManyItems, kiosk.ReasonLimit},
		{demo.MsgFines, kiosk.ReasonPatronBlocked},
		{demo.MsgCardLost, kiosk.ReasonPatronBlocked},
		{"Item is on hold shelf for another patron", kiosk.ReasonOnHoldOther},
		{"This item is already checked out to you.", kiosk.ReasonAlreadyYours},
		{"Patron has too many items", kiosk.ReasonLimit},
		{"Item not for loan", kiosk.ReasonNotForLoan},
		{"Item checked out to another patron", kiosk.ReasonOnLoanOther},
		{"Item not found", kiosk.ReasonUnknownItem},
		{"Too many renewals", kiosk.ReasonRenewLimit},
		{"Renewal denied: item on hold", kiosk.ReasonRenewHeld},
		{"Patron blocked", kiosk.ReasonPatronBlocked},
		{"Patron Blocked", kiosk.ReasonPatronBlocked},
		{"Item not checked out", kiosk.ReasonNotOnLoan},
		{"Invalid Item", kiosk.ReasonUnknownItem},
		{"Item is on hold for another patron.", kiosk.ReasonOnHoldOther},
		{"Item already checked out to another patron.  Please return item for check-in.", kiosk.ReasonOnLoanOther},
		{"Item already checked out to you: renewing item.", kiosk.ReasonAlreadyYours},
		{"Issue failed : NOT_FOR_LOAN", kiosk.ReasonNotForLoan},
		{"Issue failed : TOO_MANY", kiosk.ReasonLimit},
		{"Issue failed : UNKNOWN_BARCODE", kiosk.ReasonUnknownItem},
		{"Patron has fines - You owe €5.00.", kiosk.ReasonPatronBlocked},
		{"Patron expired on 01/01/2026", kiosk.ReasonPatronBlocked},
		{"Item unavailable due to outstanding holds", kiosk.ReasonRenewHeld},
		{"Item has reached maximum renewals", kiosk.ReasonRenewLimit},
		{"Item not checked out to Joost Müller", kiosk.ReasonNotOnLoan},
		{"Item on Hold for Another User", kiosk.ReasonOnHoldOther},
		{"Invalid Item Barcode: '123'", kiosk.ReasonUnknownItem},
		{"  ITEM NOT FOUND!  ", kiosk.ReasonUnknownItem},
	}
	for _, tt := range tests {
		if r, ok := ils.KnownMessage(tt.af); !ok || r != tt.reason {
			t.Errorf("KnownMessage(%q) = %d, %v; want %d", tt.af, r, ok, tt.reason)
		}
	}
	for _, af := range []string{"", demo.MsgRenewed, demo.MsgThankYou, demo.MsgHoldTrapped, "Item not", "Something odd happened"} {
		if r, ok := ils.KnownMessage(af); ok {
			t.Errorf("KnownMessage(%q) = %d, true; want unknown", af, r)
		}
	}
}

// lockedWriter is a writer safe for the client's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// A connection the server closes under a transaction: the adapter asks
// whether it was done and sends it once more only when it was not. The
// patron gets an answer either way, and the library does it once.
func TestDroppedConnectionUnderATransaction(t *testing.T) {
	for _, tc := range []struct {
		name  string
		code  string
		after bool // the library did it before the line dropped
		run   func(s *ils.SIP2) (kiosk.Result, error)
		check func(t *testing.T, lib *demo.Library)
	}{
		{"checkout not done", sip2.CodeCheckout, false,
			func(s *ils.SIP2) (kiosk.Result, error) {
				return s.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, bovenIsHetStil, now())
			},
			func(t *testing.T, lib *demo.Library) { lentOnce(t, lib, bovenIsHetStil, kiosktest.CardAdult) }},
		{"checkout done", sip2.CodeCheckout, true,
			func(s *ils.SIP2) (kiosk.Result, error) {
				return s.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, bovenIsHetStil, now())
			},
			func(t *testing.T, lib *demo.Library) { lentOnce(t, lib, bovenIsHetStil, kiosktest.CardAdult) }},
		{"return not done", sip2.CodeCheckin, false,
			func(s *ils.SIP2) (kiosk.Result, error) { return s.Checkin(ctx(t), deAvonden, now()) },
			func(t *testing.T, lib *demo.Library) { returned(t, lib, deAvonden) }},
		{"return done", sip2.CodeCheckin, true,
			func(s *ils.SIP2) (kiosk.Result, error) { return s.Checkin(ctx(t), deAvonden, now()) },
			func(t *testing.T, lib *demo.Library) { returned(t, lib, deAvonden) }},
		{"renewal not done", sip2.CodeRenew, false,
			func(s *ils.SIP2) (kiosk.Result, error) {
				return s.Renew(ctx(t), kiosktest.CardAdult, pinJoost, deAvonden, now())
			},
			func(t *testing.T, lib *demo.Library) { renewedOnce(t, lib, deAvonden) }},
		{"renewal done", sip2.CodeRenew, true,
			func(s *ils.SIP2) (kiosk.Result, error) {
				return s.Renew(ctx(t), kiosktest.CardAdult, pinJoost, deAvonden, now())
			},
			func(t *testing.T, lib *demo.Library) { renewedOnce(t, lib, deAvonden) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := kiosktest.StartILS(t, now)
			f := d.WithFaults(t)
			// The visit, as the kiosk begins it: the patron and the loans.
			if _, err := d.ILS.PatronInfo(ctx(t), kiosktest.CardAdult, pinJoost); err != nil {
				t.Fatal(err)
			}
			if _, err := d.ILS.Loans(ctx(t), kiosktest.CardAdult, pinJoost); err != nil {
				t.Fatal(err)
			}
			if tc.after {
				f.DropAfter(tc.code, 1)
			} else {
				f.DropBefore(tc.code, 1)
			}
			r, err := tc.run(d.ILS)
			if err != nil || !r.OK {
				t.Fatalf("result = %+v, %v; want done", r, err)
			}
			if r.Due.IsZero() && tc.code != sip2.CodeCheckin {
				t.Errorf("no due date in %+v", r)
			}
			tc.check(t, d.Library)
		})
	}
}

func lentOnce(t *testing.T, lib *demo.Library, item, card string) {
	t.Helper()
	n := 0
	for _, e := range lib.History() {
		if e.Kind == "checkout" && e.Item == item && e.OK {
			n++
		}
	}
	if it, _ := lib.Item(item); n != 1 || it.Loan == nil || it.Loan.Patron != card || it.Loan.Renewals != 0 {
		t.Errorf("lent %d times; loan %+v", n, it.Loan)
	}
}

func returned(t *testing.T, lib *demo.Library, item string) {
	t.Helper()
	if it, _ := lib.Item(item); it.Loan != nil {
		t.Errorf("still lent: %+v", it.Loan)
	}
}

func renewedOnce(t *testing.T, lib *demo.Library, item string) {
	t.Helper()
	n := 0
	for _, e := range lib.History() {
		if e.Kind == "renew" && e.Item == item && e.OK {
			n++
		}
	}
	if it, _ := lib.Item(item); n != 1 || it.Loan == nil || it.Loan.Renewals != 1 {
		t.Errorf("renewed %d times; loan %+v", n, it.Loan)
	}
}

// A character set the library cannot read is a setting to fix: the error
// says so (kiosk.ErrCharset), and the request did not happen.
func TestCharsetTheLibraryCannotReadIsNamed(t *testing.T) {
	d := kiosktest.StartILS(t, now) // the server reads UTF-8
	d.Reconfigure(t, func(c *sip2.ClientConfig) { c.Charset = sip2.IBM850; c.Location = "Bibliothèque" })
	_, err := d.ILS.Checkin(ctx(t), deAvonden, now()) // 09 carries the location (AP)
	if !errors.Is(err, kiosk.ErrCharset) || !errors.Is(err, kiosk.ErrUnavailable) || !strings.Contains(err.Error(), "[ils] charset") {
		t.Errorf("err = %v; want ErrCharset naming [ils] charset, not sent", err)
	}
	if it, _ := d.Library.Item(deAvonden); it.Loan == nil {
		t.Error("the return happened")
	}
}
