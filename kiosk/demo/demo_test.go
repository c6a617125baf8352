package demo_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

const (
	joost   = "20790000000010" // adult, 3 loans, 1 overdue
	sanne   = "20790000000028" // child
	henk    = "20790000000036" // senior, hold waiting on 30790000000026
	fatima  = "20790000000044" // fines 12.50 > 10.00
	piotr   = "20790000000051" // card lost
	ayse    = "20790000000069" // hold ready: 30790000000067
	staff   = "20790990000012"
	unknown = "20790000999996"

	avonden    = "30790000000018" // on loan to Joost
	diner      = "30790000000026" // on loan to Joost, hold for Henk
	achterhuis = "30790000000067" // hold ready for Ayşe
	bovenStil  = "30790000000075" // available
	vanDale    = "30790000000323" // not for loan
)

// start is where the tests' clocks stand, whatever day the suite runs
// (kiosktest.DateEnv): the library and the client read it.
var start = kiosktest.EnvStart()

func now() time.Time { return start }

func serve(t testing.TB) (*demo.Library, *sip2.Client) {
	t.Helper()
	lib, err := demo.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	return lib, serveLib(t, lib)
}

// serveLib serves lib on loopback and returns a client logged in as kiosk.
func serveLib(t testing.TB, lib *demo.Library) *sip2.Client {
	t.Helper()
	lib.SetLogin("kiosk", "kiosk")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &sip2.Server{Backend: lib}
	go srv.Serve(ln)
	c := sip2.NewClient(sip2.ClientConfig{Addr: ln.Addr().String(), User: "kiosk", Password: "kiosk",
		Institution: "ZTM", ErrorDetection: true, KeepAlive: -1, Now: now})
	t.Cleanup(func() { c.Close(); srv.Close() })
	return c
}

func TestCatalogue(t *testing.T) {
	lib, err := demo.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	items, patrons := lib.Items(), lib.Patrons()
	if len(items) < 30 || len(patrons) < 7 {
		t.Errorf("%d items, %d patrons", len(items), len(patrons))
	}
	media := map[string]int{}
	for _, it := range items {
		if !demo.ValidBarcode(it.Barcode) || !strings.HasPrefix(it.Barcode, "30790") {
			t.Errorf("item barcode %s", it.Barcode)
		}
		media[it.Media]++
	}
	for _, m := range []string{"book", "dvd", "magazine", "audiobook", "reference"} {
		if media[m] == 0 {
			t.Errorf("no %s among the items: media = %v", m, media)
		}
	}
	var staffCards int
	for _, p := range patrons {
		if !demo.ValidBarcode(p.Barcode) || !strings.HasPrefix(p.Barcode, "20790") || len(p.PIN) != 4 {
			t.Errorf("patron %s %q", p.Barcode, p.PIN)
		}
		if p.Staff {
			staffCards++
			if !strings.HasPrefix(p.Barcode, "2079099") {
				t.Errorf("staff card %s outside the staff range", p.Barcode)
			}
		}
	}
	if staffCards != 1 {
		t.Errorf("%d staff cards", staffCards)
	}
	if demo.CheckDigit("2079000000001") != '0' || demo.ValidBarcode("20790000000011") {
		t.Error("check digit")
	}
	tbl := lib.Barcodes()
	for _, want := range []string{joost, "Joost Müller", "1234", staff, "9999", vanDale, "not for loan", "overdue"} {
		if !strings.Contains(tbl, want) {
			t.Errorf("Barcodes() lacks %q", want)
		}
	}
}

func info(t *testing.T, c *sip2.Client, id, pin string, summary sip2.ItemList) *sip2.PatronInformationResponse {
	t.Helper()
	r, err := c.PatronInformation(context.Background(), &sip2.PatronInformationRequest{
		Language: "005", PatronID: id, PatronPassword: pin, Summary: summary})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPatronInformation(t *testing.T) {
	_, c := serve(t)

	r := info(t, c, joost, "1234", sip2.ChargedItems)
	if r.PersonalName != "Joost Müller" || r.ValidPatron != sip2.Yes || r.ValidPatronPassword != sip2.Yes ||
		r.Status.Blocked() || r.ChargedItemsCount != 3 || r.OverdueItemsCount != 1 || len(r.ChargedItems) != 3 ||
		r.CurrencyType != "EUR" || r.ChargedItemsLimit == nil || *r.ChargedItemsLimit != 20 || r.Language != "005" {
		t.Errorf("joost: %+v", r)
	}
	if r := info(t, c, joost, "0000", sip2.NoItems); r.ValidPatronPassword != sip2.No || r.ValidPatron != sip2.Yes {
		t.Errorf("wrong pin: %+v", r)
	}
	if r := info(t, c, joost, "", sip2.OverdueItems); r.ValidPatronPassword != sip2.Unset || len(r.OverdueItems) != 1 {
		t.Errorf("no pin / overdue list: %+v", r)
	}
	one, two := 2, 3
	r, err := c.PatronInformation(context.Background(), &sip2.PatronInformationRequest{PatronID: joost, Summary: sip2.ChargedItems, StartItem: &one, EndItem: &two})
	if err != nil || len(r.ChargedItems) != 2 {
		t.Errorf("BP/BQ range: %+v, %v", r, err)
	}

	r = info(t, c, unknown, "1234", sip2.NoItems)
	if r.ValidPatron != sip2.No || r.ValidPatronPassword != sip2.No || r.PersonalName != "" || !r.Status.ChargePrivilegesDenied {
		t.Errorf("unknown: %+v", r)
	}

	r = info(t, c, fatima, "2580", sip2.NoItems)
	if !r.Status.ExcessiveOutstandingFines || !r.Status.ChargePrivilegesDenied || r.FeeAmount != "12.50" ||
		r.FeeLimit != "10.00" || !contains(r.ScreenMessages, demo.MsgFines) {
		t.Errorf("fatima: %+v", r)
	}

	r = info(t, c, piotr, "7777", sip2.NoItems)
	if !r.Status.CardReportedLost || !r.Status.ChargePrivilegesDenied || !contains(r.ScreenMessages, demo.MsgCardLost) {
		t.Errorf("piotr: %+v", r)
	}

	r = info(t, c, ayse, "3690", sip2.HoldItems)
	if r.HoldItemsCount != 1 || len(r.HoldItems) != 1 || r.HoldItems[0] != achterhuis || r.PersonalName != "Ayşe Yılmaz" {
		t.Errorf("ayse: %+v", r)
	}
	r = info(t, c, henk, "1945", sip2.UnavailableHoldItems)
	if r.UnavailableHoldsCount != 1 || len(r.UnavailableHoldItems) != 1 || r.UnavailableHoldItems[0] != diner {
		t.Errorf("henk: %+v", r)
	}
	if r := info(t, c, staff, "9999", sip2.NoItems); r.ValidPatronPassword != sip2.Yes || r.PersonalName != "Marieke Bakker" {
		t.Errorf("staff: %+v", r)
	}

	es, err := c.EndPatronSession(context.Background(), &sip2.EndPatronSessionRequest{PatronID: joost})
	if err != nil || !es.EndSession {
		t.Errorf("end session: %+v, %v", es, err)
	}
	es, err = c.EndPatronSession(context.Background(), &sip2.EndPatronSessionRequest{PatronID: unknown})
	if err != nil || es.EndSession {
		t.Errorf("end session unknown: %+v, %v", es, err)
	}
	st, err := c.Status(context.Background())
	if err != nil || !st.OnlineStatus || !st.Supported.Supports("63") || !st.Supported.Supports("11") || !st.Supported.Supports("17") || !st.Supported.Supports("23") || st.InstitutionID != "ZTM" {
		t.Errorf("status: %+v, %v", st, err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCirculation(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	co := func(patron, item string) *sip2.CheckoutResponse {
		t.Helper()
		r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: patron, ItemID: item})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := co(sanne, bovenStil)
	if !r.OK || r.TitleID != "Boven is het stil" || r.Desensitize != sip2.Yes {
		t.Fatalf("checkout: %+v", r)
	}
	if due, err := r.Due(time.Local); err != nil || due.Before(now().AddDate(0, 0, 20)) {
		t.Errorf("due %q: %v %v", r.DueDate, due, err)
	}
	if it, _ := lib.Item(bovenStil); it.Loan == nil || it.Loan.Patron != sanne {
		t.Errorf("item after checkout: %+v", it)
	}
	for _, tc := range []struct{ patron, item, msg string }{
		{joost, bovenStil, demo.MsgOnLoanToOther},
		{joost, vanDale, demo.MsgNotForLoan},
		{joost, achterhuis, demo.MsgOnHoldForOther},
		{fatima, "30790000000083", demo.MsgFines},
		{piotr, "30790000000083", demo.MsgCardLost},
		{joost, "30790000999990", demo.MsgItemNotFound},
		{unknown, "30790000000083", demo.MsgPatronNotFound},
	} {
		if r := co(tc.patron, tc.item); r.OK || !contains(r.ScreenMessages, tc.msg) {
			t.Errorf("checkout %s by …%s: %+v, want refused with %q", tc.item, tc.patron[10:], r, tc.msg)
		}
	}
	// Ayşe picks up her hold: the hold goes.
	if r := co(ayse, achterhuis); !r.OK {
		t.Errorf("pickup: %+v", r)
	}
	if it, _ := lib.Item(achterhuis); it.Hold != nil {
		t.Errorf("hold not cleared: %+v", it.Hold)
	}
	// An offline replay is accepted even for a blocked patron, with the promised due date.
	promised := time.Date(2026, 12, 24, 23, 59, 0, 0, time.Local)
	rr, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: fatima, ItemID: "30790000000083", NoBlock: true,
		TransactionDate: promised.AddDate(0, 0, -21), NBDueDate: promised})
	if err != nil || !rr.OK || rr.DueDate != sip2.FormatDate(promised) {
		t.Errorf("no-block replay: %+v, %v", rr, err)
	}
	// Renew: Joost's De avonden is free; Het diner has a hold for Henk.
	rn, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: avonden})
	if err != nil || !rn.OK {
		t.Errorf("renew: %+v, %v", rn, err)
	}
	rn, err = c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: diner})
	if err != nil || rn.OK || !contains(rn.ScreenMessages, demo.MsgOnHoldForOther) {
		t.Errorf("renew held item: %+v, %v", rn, err)
	}
	// Returning Het diner traps Henk's hold.
	ci, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: diner, CurrentLocation: "ZTM"})
	if err != nil || !ci.OK || !ci.Alert || ci.SortBin != "HOLD" || ci.PatronID != joost {
		t.Errorf("checkin: %+v, %v", ci, err)
	}
	if r := info(t, c, henk, "", sip2.HoldItems); r.HoldItemsCount != 1 || r.HoldItems[0] != diner {
		t.Errorf("henk after trap: %+v", r)
	}
	ci, err = c.Checkin(ctx, &sip2.CheckinRequest{ItemID: diner, CurrentLocation: "ZTM"})
	if err != nil || !ci.OK || !contains(ci.ScreenMessages, demo.MsgNotCheckedOut) {
		t.Errorf("second checkin: %+v, %v", ci, err)
	}
}

func TestLoginAndConcurrency(t *testing.T) {
	lib, c := serve(t)
	p, _ := lib.Patron(joost)
	if p.Name != "Joost Müller" {
		t.Fatal(p)
	}
	// wrong credentials
	addr := c.Config().Addr
	bad := sip2.NewClient(sip2.ClientConfig{Addr: addr, User: "kiosk", Password: "nope", KeepAlive: -1})
	defer bad.Close()
	if err := bad.Login(context.Background()); !errors.Is(err, sip2.ErrLoginFailed) {
		t.Errorf("wrong password: %v", err)
	}
	// several kiosks at once
	var wg sync.WaitGroup
	for k := range 4 {
		wg.Go(func() {
			kc := sip2.NewClient(sip2.ClientConfig{Addr: addr, User: "kiosk", Password: "kiosk", Institution: "ZTM", KeepAlive: -1})
			defer kc.Close()
			for range 10 {
				if _, err := kc.PatronInformation(context.Background(), &sip2.PatronInformationRequest{PatronID: joost}); err != nil {
					t.Errorf("kiosk %d: %v", k, err)
					return
				}
				kc.Checkin(context.Background(), &sip2.CheckinRequest{ItemID: bovenStil})
			}
		})
	}
	wg.Wait()
}

func TestSaveLoad(t *testing.T) {
	lib, c := serve(t)
	if r, err := c.Checkout(context.Background(), &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || !r.OK {
		t.Fatal(r, err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := lib.Save(path); err != nil {
		t.Fatal(err)
	}
	again, err := demo.LoadFile(path, now)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := lib.Item(bovenStil)
	b, _ := again.Item(bovenStil)
	if b.Loan == nil || b.Loan.Patron != sanne || !b.Loan.Due.Equal(a.Loan.Due) {
		t.Errorf("after reload: %+v", b.Loan)
	}
	if len(again.Items()) != len(lib.Items()) {
		t.Error("item count changed")
	}
}

func TestRenewLimitStatusItemInfoAndHistory(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	// Sanne (child, 2 renewals) borrows and renews until the limit.
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || !r.OK {
		t.Fatal(r, err)
	}
	for i := range 3 {
		rn, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: sanne, ItemID: bovenStil})
		if err != nil {
			t.Fatal(err)
		}
		if want := i < 2; rn.OK != want || (!want && !contains(rn.ScreenMessages, demo.MsgRenewLimit)) {
			t.Errorf("renewal %d: %+v", i+1, rn)
		}
	}
	// Wrong PIN on checkout.
	if r, _ := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: joost, PatronPassword: "0000", ItemID: "30790000000083"}); r.OK || !contains(r.ScreenMessages, demo.MsgInvalidPassword) {
		t.Errorf("wrong pin checkout: %+v", r)
	}

	// 23
	ps, err := c.PatronStatus(ctx, &sip2.PatronStatusRequest{PatronID: fatima, PatronPassword: "2580"})
	if err != nil || ps.PersonalName != "Fatima El Amrani" || ps.ValidPatronPassword != sip2.Yes || !ps.Status.ExcessiveOutstandingFines || ps.FeeAmount != "12.50" {
		t.Errorf("23 fatima: %+v, %v", ps, err)
	}
	ps, err = c.PatronStatus(ctx, &sip2.PatronStatusRequest{PatronID: piotr, PatronPassword: "1"})
	if err != nil || !ps.Status.CardReportedLost || ps.ValidPatronPassword != sip2.No {
		t.Errorf("23 piotr: %+v, %v", ps, err)
	}
	// 17
	for _, tc := range []struct {
		item string
		want sip2.CirculationStatus
	}{{avonden, sip2.CircCharged}, {achterhuis, sip2.CircWaitingOnHold}, {"30790000000083", sip2.CircAvailable}, {vanDale, sip2.CircOther}} {
		ii, err := c.ItemInformation(ctx, &sip2.ItemInformationRequest{ItemID: tc.item})
		if err != nil || ii.CirculationStatus != tc.want || ii.TitleID == "" {
			t.Errorf("17 %s: %+v, %v", tc.item, ii, err)
		}
	}
	if ok, err := c.Supports(ctx, "29"); !ok || err != nil {
		t.Errorf("Supports(29) = %v, %v", ok, err)
	}
	if ok, err := c.Supports(ctx, "17"); !ok || err != nil {
		t.Errorf("Supports(17) = %v, %v", ok, err)
	}

	// An offline checkout and return, replayed later: the library keeps the kiosk's dates.
	lent := time.Date(2026, 3, 14, 16, 42, 0, 0, time.Local)
	promised := lent.AddDate(0, 0, 21)
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: piotr, ItemID: "30790000000083", NoBlock: true,
		TransactionDate: lent, NBDueDate: promised}); err != nil || !r.OK {
		t.Fatalf("offline checkout by a blocked patron: %+v, %v", r, err)
	}
	returned := lent.Add(48 * time.Hour)
	if r, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: avonden, NoBlock: true, TransactionDate: returned, ReturnDate: returned}); err != nil || !r.OK {
		t.Fatalf("offline checkin: %+v, %v", r, err)
	}

	path := filepath.Join(t.TempDir(), "state.json")
	if err := lib.Save(path); err != nil {
		t.Fatal(err)
	}
	again, err := demo.LoadFile(path, now)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := again.Item("30790000000083")
	if it.Loan == nil || it.Loan.Patron != piotr || !it.Loan.Since.Equal(lent) || !it.Loan.Due.Equal(promised) {
		t.Errorf("offline loan after reload: %+v", it.Loan)
	}
	if it, _ := again.Item(bovenStil); it.Loan == nil || it.Loan.Renewals != 2 {
		t.Errorf("renewals after reload: %+v", it.Loan)
	}
	h := again.History()
	var sawCheckout, sawCheckin bool
	for _, e := range h {
		if e.Kind == "checkout" && e.NoBlock && e.Item == "30790000000083" && e.OK && e.TransactionDate.Equal(lent) && e.Due.Equal(promised) {
			sawCheckout = true
		}
		if e.Kind == "checkin" && e.NoBlock && e.Item == avonden && e.Patron == joost && e.TransactionDate.Equal(returned) {
			sawCheckin = true
		}
	}
	if !sawCheckout || !sawCheckin || len(h) != 7 {
		t.Errorf("history (%d events) lacks the offline checkout (%v) or checkin (%v): %+v", len(h), sawCheckout, sawCheckin, h)
	}
}

// TestRenewAll: 65 renews what 29 would and lists the rest.
func TestRenewAll(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	const midnight = "30790000000190" // Joost's, overdue, renewed 3 times already
	before, _ := lib.Item(avonden)
	r, err := c.RenewAll(ctx, &sip2.RenewAllRequest{PatronID: joost, PatronPassword: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.RenewedCount != 1 || r.UnrenewedCount != 2 || !slices.Equal(r.RenewedItems, []string{avonden}) ||
		!slices.Equal(r.UnrenewedItems, []string{midnight, diner}) ||
		!contains(r.ScreenMessages, demo.MsgRenewLimit) || !contains(r.ScreenMessages, demo.MsgOnHoldForOther) {
		t.Errorf("renew all: %+v", r)
	}
	if it, _ := lib.Item(avonden); it.Loan.Renewals != before.Loan.Renewals+1 || !it.Loan.Due.After(before.Loan.Due) {
		t.Errorf("avonden after renew all: %+v", it.Loan)
	}
	// The same rules as 29.
	for _, item := range []string{midnight, diner} {
		if rn, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: item}); err != nil || rn.OK {
			t.Errorf("29 of %s: %+v, %v, want refused as by 65", item, rn, err)
		}
	}
	for _, tc := range []struct{ patron, pin, msg string }{
		{unknown, "", demo.MsgPatronNotFound}, {joost, "0000", demo.MsgInvalidPassword},
	} {
		if r, err := c.RenewAll(ctx, &sip2.RenewAllRequest{PatronID: tc.patron, PatronPassword: tc.pin}); err != nil || r.OK || r.RenewedCount != 0 || !contains(r.ScreenMessages, tc.msg) {
			t.Errorf("renew all by …%s: %+v, %v", tc.patron[10:], r, err)
		}
	}
	// Piotr's card is lost: nothing renewed, all listed.
	if r, err := c.RenewAll(ctx, &sip2.RenewAllRequest{PatronID: piotr}); err != nil || r.RenewedCount != 0 || r.UnrenewedCount != 1 || !contains(r.ScreenMessages, demo.MsgCardLost) {
		t.Errorf("renew all, card lost: %+v, %v", r, err)
	}
	if ok, err := c.Supports(ctx, "65"); !ok || err != nil {
		t.Errorf("Supports(65) = %v, %v", ok, err)
	}
}

// TestUnsupportedRequests: a request the library does not handle is
// answered or the connection closed at once, not left to the timeout.
func TestUnsupportedRequests(t *testing.T) {
	_, c := serve(t)
	date := sip2.FormatDate(now())
	for _, m := range []sip2.Message{
		{Code: "01", Fixed: "N" + date, Fields: []sip2.Field{{ID: "AO", Value: "ZTM"}, {ID: "AL", Value: "stolen"}, {ID: "AA", Value: joost}, {ID: "AC"}}},
		{Code: "15", Fixed: "+" + date, Fields: []sip2.Field{{ID: "AO", Value: "ZTM"}, {ID: "AA", Value: joost}, {ID: "AB", Value: bovenStil}}},
		{Code: "25", Fixed: date, Fields: []sip2.Field{{ID: "AO", Value: "ZTM"}, {ID: "AA", Value: joost}, {ID: "AC"}, {ID: "AD"}}},
		{Code: "37", Fixed: date + "0100EUR", Fields: []sip2.Field{{ID: "BV", Value: "12.50"}, {ID: "AO", Value: "ZTM"}, {ID: "AA", Value: fatima}}},
		{Code: "55", Fixed: "garbage"},
	} {
		start := time.Now()
		reply, err := c.Do(context.Background(), m)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: answered after %v (%+v, %v)", m.Code, d, reply, err)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			t.Errorf("%s: err = %v, want an answer or EOF", m.Code, err)
		}
	}
	if r := info(t, c, joost, "1234", sip2.NoItems); r.PersonalName != "Joost Müller" {
		t.Errorf("after the unsupported requests: %+v", r)
	}
}

// TestUnknownItemMagneticMedia: of an item it does not know the library
// cannot say whether it is magnetic: U, not N.
func TestUnknownItemMagneticMedia(t *testing.T) {
	_, c := serve(t)
	ctx := context.Background()
	const nowhere = "30790000999990"
	co, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: joost, ItemID: nowhere})
	if err != nil || co.OK || co.MagneticMedia != sip2.Unknown {
		t.Errorf("12 for an unknown item: %+v, %v", co, err)
	}
	ci, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: nowhere})
	if err != nil || ci.OK || ci.MagneticMedia != sip2.Unknown {
		t.Errorf("10 for an unknown item: %+v, %v", ci, err)
	}
	if co, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: joost, ItemID: bovenStil}); err != nil || co.MagneticMedia != sip2.No {
		t.Errorf("12 for a book: %+v, %v", co, err)
	}
}

// TestMediaTypes: the library sends each item's media as a CK the kiosk's
// adapter reads as that media (a reference copy as a book), in 18, 12, 30
// and 10 alike.
func TestMediaTypes(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	for _, it := range lib.Items() {
		want := kiosk.ParseMedia(it.Media)
		if it.Media == "reference" {
			want = kiosk.MediaBook
		}
		if want == kiosk.MediaUnknown {
			t.Errorf("item %s: media %q is no kiosk media", it.Barcode, it.Media)
			continue
		}
		r, err := c.ItemInformation(ctx, &sip2.ItemInformationRequest{ItemID: it.Barcode})
		if err != nil {
			t.Fatal(err)
		}
		if got := ils.MediaType(r.MediaType); got != want {
			t.Errorf("18 of %s (%s): CK %q reads as %v", it.Barcode, it.Media, r.MediaType, got)
		}
	}
	const soof = "30790000000307" // a dvd on the shelf
	co, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: joost, ItemID: soof})
	if err != nil || !co.OK || ils.MediaType(co.MediaType) != kiosk.MediaDVD {
		t.Errorf("12 of a dvd: %+v, %v", co, err)
	}
	rn, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: soof})
	if err != nil || ils.MediaType(rn.MediaType) != kiosk.MediaDVD {
		t.Errorf("30 of a dvd: %+v, %v", rn, err)
	}
	ci, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: soof})
	if err != nil || !ci.OK || ils.MediaType(ci.MediaType) != kiosk.MediaDVD {
		t.Errorf("10 of a dvd: %+v, %v", ci, err)
	}
}

// TestDelayAndRequests: SetDelay slows every answer; Requests counts them.
func TestDelayAndRequests(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	info(t, c, joost, "1234", sip2.NoItems)
	lib.SetDelay(50 * time.Millisecond)
	start := time.Now()
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || !r.OK {
		t.Fatalf("checkout: %+v, %v", r, err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("checkout answered in %v with a 50ms delay", d)
	}
	if got, want := lib.Requests(), map[string]int{"93": 1, "63": 1, "11": 1}; !maps.Equal(got, want) {
		t.Errorf("Requests() = %v, want %v", got, want)
	}
}

// BenchmarkSlowILS lends and takes back one item after another from a
// library that answers in 30 ms: the time and the round trips per item.
func BenchmarkSlowILS(b *testing.B) {
	lib, c := serve(b)
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		b.Fatal(err)
	}
	lib.SetDelay(30 * time.Millisecond)
	before := lib.Requests()
	for b.Loop() {
		if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || !r.OK {
			b.Fatalf("checkout: %+v, %v", r, err)
		}
		if r, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: bovenStil}); err != nil || !r.OK {
			b.Fatalf("checkin: %+v, %v", r, err)
		}
	}
	trips := 0
	for code, n := range lib.Requests() {
		trips += n - before[code]
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/item")
	b.ReportMetric(float64(trips)/float64(b.N), "round-trips/item")
}

// TestHoldsCountAll: like Koha, the 64 can count every hold, not only the
// ready ones.
func TestHoldsCountAll(t *testing.T) {
	lib, c := serve(t)
	if r := info(t, c, henk, "1945", sip2.HoldItems); r.HoldItemsCount != 0 || len(r.HoldItems) != 0 || r.UnavailableHoldsCount != 1 {
		t.Errorf("henk, ready holds only: %+v", r)
	}
	lib.SetHoldsCountAll(true)
	if r := info(t, c, henk, "1945", sip2.HoldItems); r.HoldItemsCount != 1 || !slices.Equal(r.HoldItems, []string{diner}) || r.UnavailableHoldsCount != 1 {
		t.Errorf("henk, all holds: %+v", r)
	}
	if r := info(t, c, ayse, "3690", sip2.HoldItems); r.HoldItemsCount != 1 || !slices.Equal(r.HoldItems, []string{achterhuis}) {
		t.Errorf("ayse, all holds: %+v", r)
	}
}

// TestItemInformationHolds: the 17 tells a ready hold (08, on the pickup
// shelf) from a held item still lent or not yet trapped.
func TestItemInformationHolds(t *testing.T) {
	lib, err := demo.Parse([]byte(`{"institution": "ZTM",
		"categories": [{"code": "A", "loan_limit": 5, "loan_days": 21}],
		"patrons": [{"barcode": "1", "category": "A"}, {"barcode": "2", "category": "A"}],
		"items": [
			{"barcode": "lent", "title": "t", "location": "Romans", "loan": {"patron": "1", "due_days": 3}, "hold": {"patron": "2"}},
			{"barcode": "untrapped", "title": "t", "location": "Romans", "hold": {"patron": "2"}},
			{"barcode": "ready", "title": "t", "location": "Romans", "hold": {"patron": "2", "ready": true}},
			{"barcode": "shelved", "title": "t", "location": "Romans", "hold": {"patron": "2", "ready": true, "pickup": "Afhaalkast 3"}}]}`), now)
	if err != nil {
		t.Fatal(err)
	}
	c := serveLib(t, lib)
	for _, tc := range []struct {
		item     string
		status   sip2.CirculationStatus
		location string
		due      bool
	}{
		{"lent", sip2.CircCharged, "Romans", true},
		{"untrapped", sip2.CircAvailable, "Romans", false},
		{"ready", sip2.CircWaitingOnHold, demo.PickupShelf, false},
		{"shelved", sip2.CircWaitingOnHold, "Afhaalkast 3", false},
	} {
		r, err := c.ItemInformation(context.Background(), &sip2.ItemInformationRequest{ItemID: tc.item})
		if err != nil {
			t.Fatal(err)
		}
		if r.CirculationStatus != tc.status || r.CurrentLocation != tc.location || r.PermanentLocation != "Romans" ||
			r.HoldQueueLength == nil || *r.HoldQueueLength != 1 || (r.DueDate != "") != tc.due {
			t.Errorf("17 %s: %+v", tc.item, r)
		}
	}
}

// TestStatusFlags: what the 98 says the library will not do, it refuses.
func TestStatusFlags(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	lib.SetStatusFlags(false, false, false, false)
	st, err := c.Status(ctx)
	if err != nil || st.CheckoutOK || st.CheckinOK || st.ACSRenewalPolicy || st.OfflineOK || !st.OnlineStatus {
		t.Errorf("98 with everything off: %+v, %v", st, err)
	}
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoCheckout) {
		t.Errorf("checkout: %+v, %v", r, err)
	}
	if r, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: avonden}); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoCheckin) {
		t.Errorf("checkin: %+v, %v", r, err)
	}
	if it, _ := lib.Item(avonden); it.Loan == nil {
		t.Error("a refused checkin returned the item")
	}
	if r, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: avonden}); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoRenewal) {
		t.Errorf("renew: %+v, %v", r, err)
	}
	if r, err := c.RenewAll(ctx, &sip2.RenewAllRequest{PatronID: joost}); err != nil || r.OK || r.RenewedCount != 0 || !contains(r.ScreenMessages, demo.MsgNoRenewal) {
		t.Errorf("renew all: %+v, %v", r, err)
	}

	// Renewals off: checking out an own loan again is a renewal, refused.
	lib.SetStatusFlags(true, true, false, true)
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: joost, ItemID: avonden}); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoRenewal) {
		t.Errorf("checkout of an own loan, renewals off: %+v, %v", r, err)
	}
	// Offline off: a no-block replay is refused, the same checkout online is not.
	lib.SetStatusFlags(true, true, true, false)
	replay := &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil, NoBlock: true,
		TransactionDate: now().Add(-time.Hour), NBDueDate: now().AddDate(0, 0, 21)}
	if r, err := c.Checkout(ctx, replay); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoOffline) {
		t.Errorf("no-block checkout, offline off: %+v, %v", r, err)
	}
	if r, err := c.Checkin(ctx, &sip2.CheckinRequest{ItemID: avonden, NoBlock: true}); err != nil || r.OK || !contains(r.ScreenMessages, demo.MsgNoOffline) {
		t.Errorf("no-block checkin, offline off: %+v, %v", r, err)
	}
	if r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: sanne, ItemID: bovenStil}); err != nil || !r.OK {
		t.Errorf("online checkout, offline off: %+v, %v", r, err)
	}
	st, err = c.Status(ctx)
	if err != nil || !st.CheckoutOK || !st.CheckinOK || !st.ACSRenewalPolicy || st.OfflineOK {
		t.Errorf("98 with offline off: %+v, %v", st, err)
	}
}

// TestIgnoreNBDueDate: some systems give a replayed loan their own due
// date, not the one the kiosk promised.
func TestIgnoreNBDueDate(t *testing.T) {
	lib, c := serve(t)
	ctx := context.Background()
	lent := now().Add(-2 * time.Hour)
	promised := time.Date(2030, 12, 24, 23, 59, 0, 0, time.Local)
	replay := func(patron, item string) *sip2.CheckoutResponse {
		r, err := c.Checkout(ctx, &sip2.CheckoutRequest{PatronID: patron, ItemID: item, NoBlock: true,
			TransactionDate: lent, NBDueDate: promised})
		if err != nil || !r.OK {
			t.Fatalf("replay: %+v, %v", r, err)
		}
		return r
	}
	if r := replay(sanne, bovenStil); r.DueDate != sip2.FormatDate(promised) {
		t.Errorf("by default the promised due date: got %q", r.DueDate)
	}
	lib.SetIgnoreNBDueDate(true)
	own := sip2.FormatDate(time.Date(now().Year(), now().Month(), now().Day()+21, 23, 59, 0, 0, time.Local)) // adult: 21 days
	if r := replay(joost, "30790000000083"); r.DueDate != own {
		t.Errorf("ignoring nb due date: due %q, want the library's own %q", r.DueDate, own)
	}
	if it, _ := lib.Item("30790000000083"); !it.Loan.Since.Equal(lent) {
		t.Errorf("the loan still starts when the kiosk lent it: %+v", it.Loan)
	}
	rn, err := c.Renew(ctx, &sip2.RenewRequest{PatronID: joost, ItemID: avonden, NoBlock: true, TransactionDate: lent, NBDueDate: promised})
	if err != nil || !rn.OK || rn.DueDate != own {
		t.Errorf("replayed renewal ignoring nb due date: %+v, %v", rn, err)
	}
}

// TestCheckoutUnknownPatron: ok 0, "Patron not found", and BL N as an
// extension some servers add; the client keeps it among the unknown fields.
func TestCheckoutUnknownPatron(t *testing.T) {
	_, c := serve(t)
	r, err := c.Checkout(context.Background(), &sip2.CheckoutRequest{PatronID: unknown, ItemID: bovenStil})
	if err != nil || r.OK || !slices.Equal(r.ScreenMessages, []string{demo.MsgPatronNotFound}) ||
		!slices.Contains(r.Extra, sip2.Field{ID: "BL", Value: "N"}) {
		t.Errorf("12 for an unknown patron: %+v, %v", r, err)
	}
}
