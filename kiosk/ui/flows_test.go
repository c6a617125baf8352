package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Demo items, see the README.
const (
	itemAvailable  = "30790000000075" // Boven is het stil
	itemAvailable2 = "30790000000083" // De helaasheid der dingen
	itemJoosts     = "30790000000018" // De avonden, lent to Joost
	itemHeldJoosts = "30790000000026" // Het diner, Joost's, reserved by Henk
	itemMaxRenewed = "30790000000190" // The Midnight Library, Joost's, renewed 3 times
	itemOnShelf    = "30790000000067" // Het achterhuis, on the hold shelf for Ayşe
	itemHenks      = "30790000000034" // Max Havelaar, lent to Henk
	itemReference  = "30790000000323" // Van Dale, not for loan
	itemFatimas    = "30790000000042" // Tirza, lent to Fatima
)

func TestBorrowingShowsTheDueDate(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable)
	due := h.start.AddDate(0, 0, 21).Format("02-01-2006")
	got := rowTexts(h.ui.welcome.rows.box)
	if !strings.Contains(got, "Boven is het stil") || !strings.Contains(got, "Geleend. Breng het terug vóór "+due) {
		t.Errorf("row = %q, want the title and due %s", got, due)
	}
	if !strings.Contains(h.ui.welcome.lines.Text, "U heeft 4 boeken geleend.") {
		t.Errorf("summary not updated: %q", h.ui.welcome.lines.Text)
	}
	// The patron sees the answer first; the journal records it right after.
	h.pumpUntil("the journal to record the checkout", func() bool {
		entries, err := h.store.Unfinished()
		return err == nil && len(entries) == 0
	})
	if item, ok := h.ils.Library.Item(itemAvailable); !ok || item.Loan == nil || item.Loan.Patron != kiosktest.CardAdult {
		t.Errorf("the demo library did not lend the item: %+v", item)
	}
}

func TestRefusalsAreExplainedInPlainWords(t *testing.T) {
	for _, tc := range []struct {
		name, card, item, want string
	}{
		{"on hold for someone else", kiosktest.CardAdult, itemOnShelf, "Iemand anders heeft dit boek gereserveerd. U kunt het nu niet lenen."},
		{"lent to someone else", kiosktest.CardAdult, itemHenks, "Dit boek staat nog op naam van iemand anders."},
		{"not for loan", kiosktest.CardAdult, itemReference, "U mag het hier gebruiken."},
		{"unknown item", kiosktest.CardAdult, "30790000999995", "Dit kennen we niet. Breng het naar de balie."},
		{"patron blocked", kiosktest.CardFines, itemAvailable, "U kunt nu niet lenen."},
		{"already yours", kiosktest.CardAdult, itemJoosts, "Dit boek heeft u al geleend. Wilt u verlengen?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.scanCard(tc.card)
			h.scanItem(tc.item)
			if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, tc.want) {
				t.Errorf("row = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAnItemAlreadyBorrowedCanBeRenewedFromTheList(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemJoosts)
	renew := button(h.ui.welcome.rows.box, "Verlengen")
	if renew == nil {
		t.Fatalf("no renew button: %q", rowTexts(h.ui.welcome.rows.box))
	}
	test.Tap(renew)
	h.pumpUntil("the renewal", func() bool { return strings.Contains(rowTexts(h.ui.welcome.rows.box), "Verlengd.") })
}

func TestTheSameItemTwiceIsOneLoan(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable)
	h.typeScan(itemAvailable)
	h.pumpUntil("the flash", func() bool { return h.ui.flash.Visible() })
	if !strings.Contains(h.ui.flash.Text, "Dit staat al op uw lijst.") {
		t.Errorf("flash = %q", h.ui.flash.Text)
	}
	if n := strings.Count(rowTexts(h.ui.welcome.rows.box), "Boven is het stil"); n != 1 {
		t.Errorf("the item is listed %d times", n)
	}
}

// "Alles verlengen" sends one 29 a loan to a library without 65, one 65 to
// a library that has it (the status says so); each loan gets its result.
func TestMyLoansRenewsAllWithAResultEach(t *testing.T) {
	for _, renewAll := range []bool{false, true} {
		t.Run(map[bool]string{false: "29 each", true: "65"}[renewAll], func(t *testing.T) {
			h := newHarness(t)
			if renewAll {
				h.allows(true, true, true, true) // reads the 98: BX has 65
			}
			renewsAll(t, h)
			got := h.ils.Library.Requests()
			if renewAll && (got[sip2.CodeRenewAll] != 1 || got[sip2.CodeRenew] != 0) ||
				!renewAll && (got[sip2.CodeRenewAll] != 0 || got[sip2.CodeRenew] != 3) {
				t.Errorf("requests %v", got)
			}
		})
	}
}

func renewsAll(t *testing.T, h *harness) {
	t.Helper()
	h.scanCard(kiosktest.CardAdult)
	test.Tap(h.ui.welcome.loans)
	h.pumpUntil("the loans", func() bool {
		h.core.Sync()
		return h.ui.loans.Visible() && h.ui.view.Visit.LoansState == kiosk.Loaded
	})
	got := rowTexts(h.ui.loans.list.box)
	for _, want := range []string{"De avonden", "Het diner", "The Midnight Library", "Te laat!"} {
		if !strings.Contains(got, want) {
			t.Errorf("loans %q lack %q", got, want)
		}
	}
	test.Tap(h.ui.loans.renewAll)
	h.pumpUntil("three results", func() bool {
		h.core.Sync()
		n := 0
		for _, r := range h.ui.view.Visit.Rows {
			if r.Kind == kiosk.TxRenew && r.State != kiosk.RowPending {
				n++
			}
		}
		return n == 3
	})
	got = rowTexts(h.ui.loans.list.box)
	diner, _ := h.ils.Library.Item("30790000000026")
	for _, want := range []string{"Verlengd. Breng het terug vóór", "U kunt het niet verlengen.", "niet nog eens verlengen",
		// A refused renewal keeps the loan's date and late mark in view.
		"Terugbrengen vóór " + diner.Loan.Due.Format("02-01-2006") + "\nIemand anders", "Te laat! Het moest terug op"} {
		if !strings.Contains(got, want) {
			t.Errorf("after renewing all, %q lacks %q", got, want)
		}
	}
	if h.ui.loans.renewAll.Visible() {
		t.Error("\"Alles verlengen\" is still offered with nothing left that could be renewed")
	}
	test.Tap(h.ui.loans.back)
	h.settle()
	if !h.ui.welcome.Visible() {
		t.Error("Terug did not go back to the patron's page")
	}
}

// A renewal the library accepts that moves no date says so, not "Verlengd".
func TestARenewalThatMovesNoDateSaysSo(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable) // lent today for 21 days: renewing today gives the same day
	test.Tap(h.ui.welcome.loans)
	h.pumpUntil("the loans", func() bool { h.core.Sync(); return h.ui.view.Visit.LoansState == kiosk.Loaded })
	h.core.Renew(itemAvailable)
	h.pumpUntil("the renewal", func() bool {
		h.core.Sync()
		r, ok := h.ui.view.Visit.Row(kiosk.TxRenew, itemAvailable)
		return ok && r.State != kiosk.RowPending
	})
	due := h.start.AddDate(0, 0, 21).Format("02-01-2006")
	if got := rowTexts(h.ui.loans.list.box); !strings.Contains(got, "De datum blijft "+due+".") || strings.Contains(got, "Verlengd.") {
		t.Errorf("loans after a renewal that moved nothing: %q", got)
	}
}

func TestReturningNeedsNoCard(t *testing.T) {
	h := newHarness(t)
	test.Tap(h.ui.attract.returnButton)
	h.settle()
	if !h.ui.returns.Visible() {
		t.Fatal("Inleveren did not open the return screen")
	}
	h.scanItem(itemFatimas)
	h.scanItem(itemHeldJoosts)
	got := rowTexts(h.ui.returns.rows.box)
	for _, want := range []string{"Tirza", "Ingeleverd. Dank u wel!", "Het diner", "leg het op de plank met reserveringen"} {
		if !strings.Contains(got, want) {
			t.Errorf("returns %q lack %q", got, want)
		}
	}
	// A card while returning offers to borrow next; "no" goes on returning.
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	if !strings.Contains(h.ui.confirmText.Text, "Wilt u nu iets lenen?") || h.ui.confirmNo.Text != "Nee, verder inleveren" {
		t.Errorf("question %q, buttons %q / %q", h.ui.confirmText.Text, h.ui.confirmYes.Text, h.ui.confirmNo.Text)
	}
	test.Tap(h.ui.confirmNo)
	h.settle()
	if h.ui.confirm.Visible() || !h.ui.returns.Visible() {
		t.Fatal("after \"no\" the returns are not on the screen")
	}
	// Klaar offers a receipt of the returns.
	test.Tap(h.ui.done)
	h.settle()
	if !h.ui.receipt.Visible() {
		t.Fatal("no receipt offered after returning")
	}
	test.Tap(h.ui.receipt.screen)
	h.settle()
	if got := h.ui.receiptShown.text.Text; !strings.Contains(got, "Ingeleverd") || !strings.Contains(got, "Tirza") || strings.Contains(got, "Pas") {
		t.Errorf("return receipt:\n%s", got)
	}
	test.Tap(h.ui.done)
	h.settle()
	if h.ui.notice.text.Text != "Dank u wel! Tot ziens." {
		t.Errorf("after returning: %q", h.ui.notice.text.Text)
	}
}

func TestACardWhileReturningBorrowsNext(t *testing.T) {
	h := newHarness(t)
	test.Tap(h.ui.attract.returnButton)
	h.settle()
	h.scanItem(itemFatimas)
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	test.Tap(h.ui.confirmYes)
	h.pumpUntil("the patron's page", func() bool { return h.ui.welcome.Visible() })
	if !strings.Contains(h.ui.welcome.title.Text, "Joost") || rowTexts(h.ui.welcome.rows.box) != "" {
		t.Errorf("welcome %q with rows %q", h.ui.welcome.title.Text, rowTexts(h.ui.welcome.rows.box))
	}
}

func TestReceiptOnTheScreen(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable)
	test.Tap(h.ui.done)
	h.settle()
	if !h.ui.receipt.Visible() || h.ui.receipt.print.Visible() {
		t.Fatalf("receipt choice shown %v, print offered without a printer %v", h.ui.receipt.Visible(), h.ui.receipt.print.Visible())
	}
	test.Tap(h.ui.receipt.screen)
	h.settle()
	due := h.start.AddDate(0, 0, 21).Format("02-01-2006")
	got := h.ui.receiptShown.text.Text
	for _, want := range []string{"Bibliotheek Zoetermeer", "Pas …0010", "Boven is het stil", due} {
		if !strings.Contains(got, want) {
			t.Errorf("receipt %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, kiosktest.CardAdult) {
		t.Error("the receipt shows the whole card number")
	}
	test.Tap(h.ui.done)
	h.settle()
	if h.ui.notice.text.Text != "Tot ziens!" || h.ui.receiptShown.text.Text != "" {
		t.Errorf("after the receipt: notice %q, receipt still %q", h.ui.notice.text.Text, h.ui.receiptShown.text.Text)
	}
}

type brokenPrinter struct{}

func (brokenPrinter) Print(context.Context, kiosk.Receipt) error { return errors.New("out of paper") }

func TestBrokenPrinterFallsBackToTheScreen(t *testing.T) {
	h := newHarness(t)
	h.core.SetPrinter(brokenPrinter{}) // before any View of a session
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(itemAvailable)
	test.Tap(h.ui.done)
	h.settle()
	test.Tap(h.ui.receipt.print)
	h.pumpUntil("the receipt on screen", func() bool { return h.ui.receiptShown.Visible() })
	if !strings.Contains(h.ui.flash.Text, "De printer werkt nu niet") || !strings.Contains(h.ui.receiptShown.text.Text, "Boven is het stil") {
		t.Errorf("flash %q, receipt %q", h.ui.flash.Text, h.ui.receiptShown.text.Text)
	}
}

func TestPINKeypad(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{PIN: kiosk.PINAlways})
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the keypad", func() bool { return h.ui.pin.Visible() })
	if h.ui.pin.title.Text != "Typ uw pincode" || h.ui.done.Text != "Stoppen" {
		t.Errorf("PIN screen: %q, way out %q", h.ui.pin.title.Text, h.ui.done.Text)
	}
	typePIN := func(pin string) {
		for _, d := range pin {
			test.Tap(button(h.ui.pin.keys, string(d)))
		}
		h.settle()
	}
	typePIN("99")
	if h.ui.pin.dots.Text != "● ●" {
		t.Errorf("dots = %q", h.ui.pin.dots.Text)
	}
	test.Tap(h.ui.pin.ok)
	h.pumpUntil("wrong PIN", func() bool { return h.ui.flash.Visible() })
	if !strings.Contains(h.ui.flash.Text, "Deze pincode klopt niet") || h.ui.pin.dots.Text != "–" {
		t.Errorf("after a wrong PIN: flash %q, dots %q", h.ui.flash.Text, h.ui.pin.dots.Text)
	}
	typePIN("1234")
	test.Tap(h.ui.pin.ok)
	h.pumpUntil("welcome", func() bool { return h.ui.welcome.Visible() })
	if h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Errorf("title %q", h.ui.welcome.title.Text)
	}
}

func TestThreeWrongPINsEndTheSession(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{PIN: kiosk.PINAlways})
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the keypad", func() bool { return h.ui.pin.Visible() })
	for range 3 {
		for _, d := range "0000" {
			test.Tap(button(h.ui.pin.keys, string(d)))
		}
		test.Tap(h.ui.pin.ok)
		h.settle() // the lookup has started: the screen is busy
		h.pumpUntil("an answer", func() bool { return h.ui.view.Screen != kiosk.ScreenBusy })
	}
	if !h.ui.notice.Visible() || !strings.Contains(h.ui.notice.text.Text, "De pincode klopte drie keer niet") {
		t.Errorf("after three wrong PINs: %q", h.ui.notice.text.Text)
	}
}

func TestAnotherCardMidSessionAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.typeScan(kiosktest.CardSenior)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	test.Tap(h.ui.confirmNo)
	h.settle()
	if h.ui.confirm.Visible() || h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Fatalf("after No: question %v, title %q", h.ui.confirm.Visible(), h.ui.welcome.title.Text)
	}
	h.typeScan(kiosktest.CardSenior)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	test.Tap(h.ui.confirmYes)
	h.pumpUntil("Henk", func() bool { return h.ui.welcome.title.Text == "Welkom, Henk Jansen" })
}

// Card A, card B, then an item: while "another card was scanned" is open the
// item is lent to nobody, the question says why, and B starts with nothing.
func TestAnItemScannedBehindTheQuestionIsLentToNobody(t *testing.T) {
	for _, offline := range []bool{false, true} {
		t.Run(map[bool]string{false: "online", true: "offline"}[offline], func(t *testing.T) {
			h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
			if offline {
				h.ils.Stop(t)
			}
			h.scanCard(kiosktest.CardAdult)
			h.typeScan(kiosktest.CardSenior)
			h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
			h.typeScan(itemAvailable)
			h.pumpUntil("words in the question", func() bool { return h.ui.confirmFlash.Visible() })
			if got := h.ui.confirmFlash.Text; !strings.Contains(got, "Dit is niet geleend") {
				t.Errorf("the question says %q", got)
			}
			h.core.Sync()
			if len(h.ui.view.Visit.Rows) != 0 {
				t.Errorf("rows behind the question: %+v", h.ui.view.Visit.Rows)
			}
			test.Tap(h.ui.confirmYes)
			h.pumpUntil("Henk's visit", func() bool {
				h.core.Sync()
				return h.ui.welcome.Visible() && h.ui.view.Visit.Patron.Card == kiosktest.CardSenior
			})
			if got := rowTexts(h.ui.welcome.rows.box); got != "" || len(h.ui.view.Visit.Rows) != 0 {
				t.Errorf("Henk's visit starts with %q", got)
			}
			if it, _ := h.ils.Library.Item(itemAvailable); it.Loan != nil {
				t.Errorf("the library lent the item to %s", it.Loan.Patron)
			}
			if left, _ := h.store.Unfinished(); len(left) != 0 {
				t.Errorf("the journal holds %+v", left)
			}
		})
	}
}

// The patron's own card behind the question: it is still their visit.
func TestOwnCardClosesTheQuestion(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.typeScan(kiosktest.CardSenior)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the question to close", func() bool { return !h.ui.confirm.Visible() })
	h.scanItem(itemAvailable)
	if it, _ := h.ils.Library.Item(itemAvailable); it.Loan == nil || it.Loan.Patron != kiosktest.CardAdult {
		t.Errorf("after the own card the loan is %+v", it.Loan)
	}
}

func TestTimeoutClosesAnOpenQuestion(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.typeScan(kiosktest.CardSenior)
	h.pumpUntil("the question", func() bool { return h.ui.confirm.Visible() })
	h.advance(45 * time.Second)
	if h.ui.confirm.Visible() || !h.ui.warning.Visible() {
		t.Errorf("at the countdown: question %v, warning %v", h.ui.confirm.Visible(), h.ui.warning.Visible())
	}
	h.advance(15 * time.Second)
	if !h.ui.notice.Visible() {
		t.Error("the session did not end")
	}
}

func TestStaffCardMidSessionIsIgnored(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.typeScan(kiosktest.CardStaff)
	h.pumpUntil("the flash", func() bool { return h.ui.flash.Visible() })
	if !strings.Contains(h.ui.flash.Text, "medewerkerspas") || h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Errorf("flash %q, title %q", h.ui.flash.Text, h.ui.welcome.title.Text)
	}
}

// A login the library system refuses is a setting to fix, not a library
// to wait for: the header says so for staff, naming the keys, and the kiosk
// goes on offline; once the settings match again it is back online.
func TestARefusedLoginIsShownAsASettingToFix(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
	h.ils.Library.SetLogin(kiosktest.DemoUser, "a new password")
	h.ils.Stop(t) // the line the kiosk had is gone: it must log in again
	h.ils.Restart(t)
	h.scanCard(kiosktest.CardAdult)
	want := "aanmelden geweigerd: controleer ils.user, ils.password, ils.location"
	if !h.ui.offlineIcon.Visible() || !strings.Contains(h.ui.offlineIcon.Text, want) {
		t.Errorf("header: visible %v, %q; want %q", h.ui.offlineIcon.Visible(), h.ui.offlineIcon.Text, want)
	}
	if !h.ui.welcome.Visible() {
		t.Errorf("no offline visit: notice %q", h.ui.notice.text.Text)
	}
	h.ils.Library.SetLogin(kiosktest.DemoUser, kiosktest.DemoPassword)
	h.clock.Advance(10 * time.Second) // the probe
	h.pumpUntil("the kiosk back online", func() bool { return !h.ui.offlineIcon.Visible() })
}

// Down for two minutes, the library system is used again within one probe
// of its return (5 s), though the client's reconnect backoff has grown to
// its full 30 s meanwhile: the probe dials at once.
func TestBackOnlineWithinAProbeOfTheLibrarysReturn(t *testing.T) {
	h := newHarnessSetup(t, setup{opts: kiosk.Options{OfflineBorrow: true, RetryInterval: 5 * time.Second},
		client: func(c *sip2.ClientConfig) { c.MaxBackoff = 30 * time.Second }})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult) // offline
	h.scanItem(itemAvailable)
	for range 24 { // two minutes of probes, each failing at once
		h.clock.Advance(5 * time.Second)
		h.settle()
		time.Sleep(5 * time.Millisecond) // the failed dial, on the wall clock the backoff reads
	}
	h.ils.Restart(t)
	h.clock.Advance(5 * time.Second)
	h.pumpUntil("the kiosk back online", func() bool { return !h.ui.offlineIcon.Visible() })
	if it, _ := h.ils.Library.Item(itemAvailable); it.Loan == nil {
		t.Error("the offline loan was not replayed")
	}
}

func TestLibraryDownMidSessionLosesNothing(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
	h.scanCard(kiosktest.CardAdult)
	h.ils.Stop(t)
	h.scanItem(itemAvailable)
	if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Het wordt later verwerkt.") {
		t.Errorf("row = %q", got)
	}
	if !h.ui.offlineIcon.Visible() || !strings.Contains(h.ui.offlineIcon.Text, "sinds "+h.start.Format("15:04")+" · nog 1 door te sturen") {
		t.Errorf("banner: visible %v, %q; want since when and how many wait", h.ui.offlineIcon.Visible(), h.ui.offlineIcon.Text)
	}
	left, err := h.store.Unfinished()
	if err != nil || len(left) != 1 || !left[0].Offline || left[0].Item != itemAvailable {
		t.Errorf("the journal waits with %+v (%v), want the offline checkout", left, err)
	}
}

// The library system goes down and comes back every 20 items during a
// 200-item visit: the banner follows it, every loan the screen confirmed
// reaches the library exactly once, and none reaches it twice.
func TestFlappingLibraryGetsEveryLoanOnce(t *testing.T) {
	var items []string
	h := newHarnessSetup(t, setup{opts: kiosk.Options{OfflineBorrow: true, OfflineMaxItems: 1000, MaxRows: 1000}, lib: bigLibrary(t, 200, &items)})
	h.scanCard(kiosktest.CardAdult)
	down := false
	for i, item := range items {
		if i > 0 && i%20 == 0 {
			if down {
				h.ils.Restart(t)
				h.clock.Advance(10 * time.Second) // the probe finds it back
				h.pumpUntil("the banner to go", func() bool { return !h.ui.offlineIcon.Visible() })
			} else {
				h.ils.Stop(t)
			}
			down = !down
		}
		h.scanItem(item)
		if down && !h.ui.offlineIcon.Visible() {
			t.Fatalf("item %d: the library is down but no banner", i)
		}
		if !down && h.ui.offlineIcon.Visible() {
			t.Fatalf("item %d: the library is up but the banner shows", i)
		}
	}
	if down {
		h.ils.Restart(t)
		h.clock.Advance(10 * time.Second)
		h.pumpUntil("the banner to go", func() bool { return !h.ui.offlineIcon.Visible() })
	}
	h.pumpUntil("the journal to empty", func() bool {
		left, _ := h.store.Unfinished()
		return len(left) == 0
	})
	lent := map[string]int{}
	for _, e := range h.ils.Library.History() {
		if e.Kind == "checkout" && e.OK {
			lent[e.Item]++
		}
	}
	h.core.Sync()
	h.pump()
	confirmed := 0
	for _, r := range h.ui.view.Visit.Rows {
		if r.Kind != kiosk.TxCheckout {
			continue
		}
		if r.State == kiosk.RowOK {
			confirmed++
			if lent[r.Item] != 1 {
				t.Errorf("confirmed item %s reached the library %d times", r.Item, lent[r.Item])
			}
		} else if lent[r.Item] > 1 {
			t.Errorf("item %s (row %v) reached the library %d times", r.Item, r.State, lent[r.Item])
		}
	}
	if confirmed < 190 {
		t.Errorf("only %d of 200 loans confirmed", confirmed)
	}
	t.Logf("%d of 200 loans confirmed; the library lent %d items", confirmed, len(lent))
}

func TestOfflineDueDateFollowsTheItemsRule(t *testing.T) {
	const dvd = "30790000000307" // Soof, a DVD: a week
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true, OfflineLoanDays: func(item string) int {
		if item == dvd {
			return 7
		}
		return 0
	}})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem(dvd)
	h.scanItem(itemAvailable)
	got := rowTexts(h.ui.welcome.rows.box)
	for _, want := range []string{h.start.AddDate(0, 0, 7).Format("02-01-2006"), h.start.AddDate(0, 0, 21).Format("02-01-2006")} {
		if !strings.Contains(got, want) {
			t.Errorf("rows %q lack the due date %s", got, want)
		}
	}
}
