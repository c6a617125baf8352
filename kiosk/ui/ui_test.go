package ui

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

func TestAttractScreenAsksForTheCard(t *testing.T) {
	h := newHarness(t)
	if got := h.ui.attract.title.Text; got != "Scan uw bibliotheekpas" {
		t.Errorf("attract title = %q", got)
	}
	if h.ui.done.Visible() {
		t.Error("Klaar is shown with no patron")
	}
	if got, want := h.ui.clock.Text, h.start.Format("15:04"); got != want {
		t.Errorf("clock = %q, want %s", got, want)
	}
}

func TestCardScanShowsThePatronSummary(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	if !h.ui.welcome.Visible() {
		t.Fatalf("welcome not shown; notice says %q", h.ui.notice.text.Text)
	}
	if got := h.ui.welcome.title.Text; got != "Welkom, Joost Müller" {
		t.Errorf("title = %q", got)
	}
	lines := h.ui.welcome.lines.Text
	for _, want := range []string{"U heeft 3 boeken geleend.", "1 boek is te laat."} {
		if !strings.Contains(lines, want) {
			t.Errorf("summary %q lacks %q", lines, want)
		}
	}
	if !h.ui.done.Visible() || h.ui.done.Text != "Klaar" {
		t.Errorf("Klaar button: visible %v, text %q", h.ui.done.Visible(), h.ui.done.Text)
	}
	h.core.Sync() // the audit line is written just after the greeting
	events, err := h.store.AuditEvents()
	if err != nil || len(events) != 1 || events[0].Kind != "session_start" || events[0].Card != "0010" {
		t.Errorf("audit = %+v, %v; want one session_start for 0010", events, err)
	}
}

func TestHoldReadyIsShown(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardHold)
	h.pumpUntil("the holds", func() bool { h.core.Sync(); return h.ui.view.Visit.HoldsState == kiosk.Loaded })
	h.settle()
	for _, want := range []string{"Klaar voor u: Het achterhuis. Het ligt bij: Afhaalkast."} {
		if !strings.Contains(h.ui.welcome.lines.Text, want) {
			t.Errorf("summary = %q, want %q", h.ui.welcome.lines.Text, want)
		}
	}
}

// A reservation on a book still lent to someone else is not "ready", also
// where the library system counts it among the patron's hold items (Koha).
func TestAHoldNotYetInIsShownAsReserved(t *testing.T) {
	for _, countsAll := range []bool{false, true} {
		t.Run(map[bool]string{false: "spec", true: "koha"}[countsAll], func(t *testing.T) {
			h := newHarness(t)
			h.ils.Library.SetHoldsCountAll(countsAll)
			h.scanCard(kiosktest.CardSenior) // Henk reserved Het diner, lent to Joost
			h.pumpUntil("the holds", func() bool { h.core.Sync(); return h.ui.view.Visit.HoldsState == kiosk.Loaded })
			h.settle()
			got := h.ui.welcome.lines.Text
			if !strings.Contains(got, "Gereserveerd: Het diner. Het ligt nog niet voor u klaar.") || strings.Contains(got, "Er ligt") || strings.Contains(got, "Klaar voor u") {
				t.Errorf("summary = %q; want Het diner reserved, nothing ready", got)
			}
		})
	}
}

func TestDoneEndsTheSessionAndForgetsThePatron(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	test.Tap(h.ui.done)
	h.pumpUntil("goodbye", func() bool { return h.ui.notice.Visible() })
	if h.ui.notice.text.Text != "Tot ziens!" {
		t.Errorf("notice = %q", h.ui.notice.text.Text)
	}
	if h.ui.welcome.title.Text != "" || h.ui.welcome.lines.Text != "" {
		t.Errorf("patron data still on a widget: %q %q", h.ui.welcome.title.Text, h.ui.welcome.lines.Text)
	}
	h.advance(8 * time.Second)
	if !h.ui.attract.Visible() {
		t.Error("not back on the attract screen 8 s after goodbye")
	}
	events, _ := h.store.AuditEvents()
	if len(events) != 2 || events[1].Kind != "session_end" {
		t.Errorf("audit = %+v, want start and end", events)
	}
}

func TestInactivityCountsDownThenSignsOut(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.advance(44 * time.Second)
	if h.ui.warning.Visible() {
		t.Fatal("warning shown before 45 s of inactivity")
	}
	h.advance(time.Second)
	if !h.ui.warning.Visible() {
		t.Fatal("no warning after 45 s of inactivity")
	}
	if got := h.ui.warningText.Text; got != "Over 15 seconden melden we u af." {
		t.Errorf("countdown = %q", got)
	}
	h.advance(14 * time.Second)
	if got := h.ui.warningText.Text; got != "Over 1 seconde melden we u af." {
		t.Errorf("countdown = %q", got)
	}
	h.advance(time.Second)
	if h.ui.warning.Visible() || !h.ui.notice.Visible() {
		t.Fatal("session not ended at 60 s")
	}
	if !strings.Contains(h.ui.notice.text.Text, "afgemeld") {
		t.Errorf("notice = %q", h.ui.notice.text.Text)
	}
	h.advance(8 * time.Second)
	if !h.ui.attract.Visible() {
		t.Error("not back on the attract screen")
	}
	events, _ := h.store.AuditEvents()
	if len(events) != 2 || events[1].Kind != "session_timeout" {
		t.Errorf("audit = %+v, want a session_timeout", events)
	}
}

func TestMoreTimeKeepsTheSession(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.advance(50 * time.Second)
	if !h.ui.warning.Visible() {
		t.Fatal("no warning")
	}
	test.Tap(h.ui.moreTime)
	h.settle()
	if h.ui.warning.Visible() {
		t.Fatal("warning still shown after more time")
	}
	h.advance(44 * time.Second)
	if !h.ui.welcome.Visible() || h.ui.warning.Visible() {
		t.Error("session did not get a fresh 60 s")
	}
}

func TestRefusedCardsGetPlainWords(t *testing.T) {
	for _, tc := range []struct {
		name, card, want string
	}{
		{"unknown", kiosktest.CardUnknown, "Deze pas kennen we niet. Ga naar de balie"},
		{"lost", kiosktest.CardLost, "Deze pas is als kwijt gemeld."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.scanCard(tc.card)
			if !h.ui.notice.Visible() {
				t.Fatal("no notice")
			}
			if !strings.Contains(h.ui.notice.text.Text, tc.want) {
				t.Errorf("notice = %q, want %q", h.ui.notice.text.Text, tc.want)
			}
			h.advance(8 * time.Second)
			if !h.ui.attract.Visible() {
				t.Error("not back on the attract screen")
			}
			if events, _ := h.store.AuditEvents(); len(events) != 0 {
				t.Errorf("a refused card opened a session: %+v", events)
			}
		})
	}
}

func TestOfflineVisitIsReplayedWhenTheLibraryIsBack(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true, PatronCache: 7 * 24 * time.Hour})
	// Seen once online: the kiosk remembers the name for offline visits.
	h.scanCard(kiosktest.CardAdult)
	test.Tap(h.ui.done)
	h.settle()
	h.advance(8 * time.Second)

	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult)
	if !h.ui.welcome.Visible() || h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Fatalf("offline visit: welcome %v, title %q, notice %q", h.ui.welcome.Visible(), h.ui.welcome.title.Text, h.ui.notice.text.Text)
	}
	if !h.ui.offlineIcon.Visible() || !strings.Contains(h.ui.offlineIcon.Text, "Geen verbinding met de bibliotheek. Lenen en inleveren kan wel") {
		t.Errorf("banner: visible %v, %q", h.ui.offlineIcon.Visible(), h.ui.offlineIcon.Text)
	}
	h.scanItem(itemAvailable)
	due := h.start.AddDate(0, 0, 21)
	if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Geleend. Breng het terug vóór "+due.Format("02-01-2006")+". Het wordt later verwerkt.") {
		t.Errorf("offline row = %q", got)
	}
	h.scanItem(itemJoosts)
	test.Tap(h.ui.welcome.loans)
	h.settle()
	test.Tap(h.ui.loans.back)
	h.settle()
	test.Tap(h.ui.done)
	h.settle()
	test.Tap(h.ui.receipt.none)
	h.settle()
	if item, _ := h.ils.Library.Item(itemAvailable); item.Loan != nil {
		t.Fatal("the library lent the item while it was down")
	}

	h.ils.Restart(t)
	h.clock.Advance(10 * time.Second) // the background probe
	h.pumpUntil("the banner to go", func() bool { return !h.ui.offlineIcon.Visible() })
	item, _ := h.ils.Library.Item(itemAvailable)
	if item.Loan == nil || item.Loan.Patron != kiosktest.CardAdult {
		t.Fatalf("after the replay the library has %+v", item.Loan)
	}
	if got := item.Loan.Due.Format("02-01-2006"); got != due.Format("02-01-2006") {
		t.Errorf("due date in the library %s, promised %s", got, due.Format("02-01-2006"))
	}
	if left, err := h.store.Unfinished(); err != nil || len(left) != 0 {
		t.Errorf("%d transactions still waiting (%v)", len(left), err)
	}
}

// A card the library system refused online is refused offline too, for as
// long as the patron cache remembers it.
func TestCardsRefusedOnlineAreRefusedOffline(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true, PatronCache: 7 * 24 * time.Hour})
	for _, card := range []string{kiosktest.CardUnknown, kiosktest.CardLost} {
		h.scanCard(card)
		h.advance(8 * time.Second)
	}
	h.ils.Stop(t)
	for card, want := range map[string]string{
		kiosktest.CardUnknown: "Deze pas kennen we niet",
		kiosktest.CardLost:    "als kwijt gemeld",
	} {
		h.scanCard(card)
		if !h.ui.notice.Visible() || !strings.Contains(h.ui.notice.text.Text, want) {
			t.Errorf("offline, card %s: notice %v %q; want %q", kiosk.Last4(card), h.ui.notice.Visible(), h.ui.notice.text.Text, want)
		}
		h.advance(8 * time.Second)
	}
	// Past the cache's week the kiosk no longer knows: the check digit decides.
	h.clock.Advance(8 * 24 * time.Hour)
	h.scanCard(kiosktest.CardUnknown)
	if !h.ui.welcome.Visible() {
		t.Errorf("a week later, offline: notice %q; want an offline visit", h.ui.notice.text.Text)
	}
}

func TestUnknownCardOfflineStillBorrows(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true, OfflineMaxItems: 1})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardSenior)
	if h.ui.welcome.title.Text != "Welkom" || !strings.Contains(h.ui.welcome.lines.Text, "U kunt wel lenen en inleveren.") {
		t.Errorf("offline welcome: %q / %q", h.ui.welcome.title.Text, h.ui.welcome.lines.Text)
	}
	h.scanItem(itemAvailable)
	h.scanItem(itemAvailable2)
	got := rowTexts(h.ui.welcome.rows.box)
	if !strings.Contains(got, "Het wordt later verwerkt.") || !strings.Contains(got, "U kunt nu niet meer lenen") {
		t.Errorf("with a limit of 1 offline: %q", got)
	}
}

func TestLanguageButtonSwitchesToEnglishForOneVisit(t *testing.T) {
	h := newHarness(t)
	if h.ui.language.Text != "English" {
		t.Fatalf("language button = %q", h.ui.language.Text)
	}
	test.Tap(h.ui.language)
	h.pumpUntil("English", func() bool { return h.ui.attract.title.Text == "Scan your library card" })
	h.scanCard(kiosktest.CardAdult)
	if h.ui.welcome.title.Text != "Welcome, Joost Müller" || !strings.Contains(h.ui.welcome.lines.Text, "You have 3 items on loan.") {
		t.Errorf("welcome in English: %q / %q", h.ui.welcome.title.Text, h.ui.welcome.lines.Text)
	}
	if h.ui.language.Text != "Nederlands" || h.ui.done.Text != "Done" {
		t.Errorf("buttons: %q, %q", h.ui.language.Text, h.ui.done.Text)
	}
	test.Tap(h.ui.done)
	h.settle()
	h.advance(8 * time.Second)
	if h.ui.attract.title.Text != "Scan uw bibliotheekpas" {
		t.Errorf("next patron greeted in %q", h.ui.attract.title.Text)
	}
}

func TestGarbledKeyboardInputIsNoScan(t *testing.T) {
	h := newHarness(t)
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter alone
	test.TypeOnCanvas(h.win.Canvas(), "\x00\x07")
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if !h.ui.attract.Visible() {
		t.Error("an empty or unprintable line left the attract screen")
	}
	// A half-typed code that went stale is not glued to the next one.
	test.TypeOnCanvas(h.win.Canvas(), "2079")
	h.clock.Advance(3 * time.Second)
	h.scanCard(kiosktest.CardAdult)
	if h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Errorf("title = %q, notice %q", h.ui.welcome.title.Text, h.ui.notice.text.Text)
	}
}

func TestTouchTargetsAreAtLeast48px(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardAdult)
	h.advance(45 * time.Second) // the countdown pop-up too
	checked := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		if b, ok := o.(*widget.Button); ok {
			checked++
			if s := b.Size(); s.Height < 48 || s.Width < 48 {
				t.Errorf("button %q is %v, want at least 48×48", b.Text, s)
			}
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			if _, isButton := o.(*widget.Button); !isButton {
				for _, child := range test.WidgetRenderer(w).Objects() {
					walk(child)
				}
			}
		}
	}
	walk(h.win.Content())
	for _, o := range h.win.Canvas().Overlays().List() {
		walk(o)
	}
	if checked < 4 {
		t.Errorf("checked only %d buttons", checked)
	}
}

func TestMissingScannerIsShownInTheHeader(t *testing.T) {
	h := newHarness(t)
	if h.ui.scannerIcon.Visible() {
		t.Fatal("scanner sign shown with no scanner configured")
	}
	h.core.SetScanner(kiosk.ScannerState{Name: "balie", Connected: false, Detail: "no such file"})
	h.settle()
	if !h.ui.scannerIcon.Visible() || !strings.Contains(h.ui.scannerIcon.Text, "Scanner werkt niet") {
		t.Errorf("scanner sign: visible %v, %q", h.ui.scannerIcon.Visible(), h.ui.scannerIcon.Text)
	}
	h.core.SetScanner(kiosk.ScannerState{Name: "balie", Connected: true})
	h.settle()
	if h.ui.scannerIcon.Visible() {
		t.Error("scanner sign still shown after the scanner came back")
	}
}

func TestHelpOpensAndCloses(t *testing.T) {
	h := newHarness(t)
	test.Tap(h.ui.help)
	h.settle()
	if !h.ui.helpPopup.Visible() || !strings.Contains(h.ui.helpText.Text, "medewerker") {
		t.Fatalf("help: visible %v, %q", h.ui.helpPopup.Visible(), h.ui.helpText.Text)
	}
	test.Tap(h.ui.helpClose)
	h.settle()
	if h.ui.helpPopup.Visible() {
		t.Error("help still open after Sluiten")
	}
	test.Tap(h.ui.help)
	h.settle()
	h.advance(60 * time.Second)
	if h.ui.helpPopup.Visible() {
		t.Error("help left open on the attract screen after a minute")
	}
}

func TestMisreadCodeAsksToScanAgain(t *testing.T) {
	misread := errors.New("check digit")
	h := newHarnessWith(t, kiosk.Options{Classify: func(code string) (kiosk.Kind, error) {
		if code == "20790000000011" {
			return kiosk.KindUnknown, misread
		}
		return kiosk.KindPatron, nil
	}})
	h.typeScan("20790000000011")
	h.pumpUntil("a notice", func() bool { return h.ui.notice.Visible() })
	if h.ui.notice.text.Text != "Deze code is niet goed gelezen. Scan opnieuw." {
		t.Errorf("notice = %q", h.ui.notice.text.Text)
	}
	test.Tap(h.ui.done)
	h.settle()
	h.scanCard(kiosktest.CardAdult)
	h.typeScan("20790000000011")
	h.pumpUntil("the flash", func() bool { return h.ui.flash.Visible() })
	if !strings.Contains(h.ui.flash.Text, "Scan opnieuw") || !h.ui.welcome.Visible() {
		t.Errorf("flash = %q, welcome shown %v", h.ui.flash.Text, h.ui.welcome.Visible())
	}
	h.advance(5 * time.Second)
	if h.ui.flash.Visible() {
		t.Error("the flash stayed after 5 s")
	}
}

// fakeWedge says every key is a person's.
type fakeWedge struct{}

func (fakeWedge) Rune(r rune, _ time.Time) KeyResult { return KeyResult{Human: []rune{r}} }
func (fakeWedge) Enter(time.Time) KeyResult          { return KeyResult{Enter: true} }
func (fakeWedge) Flush(time.Time) KeyResult          { return KeyResult{} }
func (fakeWedge) Deadline() (time.Time, bool)        { return time.Time{}, false }

func TestCardNumberTypedByHandStillWorks(t *testing.T) {
	h := newHarness(t)
	h.ui.SetWedge(fakeWedge{})
	h.scanCard(kiosktest.CardAdult)
	if h.ui.welcome.title.Text != "Welkom, Joost Müller" {
		t.Errorf("title = %q", h.ui.welcome.title.Text)
	}
}

func TestABlockIsExplainedOnThePatronsPage(t *testing.T) {
	h := newHarness(t)
	h.scanCard(kiosktest.CardFines)
	if !h.ui.welcome.Visible() {
		t.Fatalf("no patron page; notice %q", h.ui.notice.text.Text)
	}
	want := "U moet nog € 12,50 betalen. Daarom kunt u nu niet lenen. Ga naar de balie"
	if !h.ui.welcome.block.Visible() || !strings.Contains(h.ui.welcome.block.Text, want) {
		t.Errorf("block = %q (visible %v), want %q", h.ui.welcome.block.Text, h.ui.welcome.block.Visible(), want)
	}
}

func TestAReplayTheLibraryRefusesGoesToStaff(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult)
	const unknown = "30790000999995" // a good check digit, but no such item
	h.scanItem(unknown)
	if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Het wordt later verwerkt.") {
		t.Fatalf("offline row = %q", got)
	}
	h.ils.Restart(t)
	h.clock.Advance(10 * time.Second)
	h.pumpUntil("the banner to go", func() bool { return !h.ui.offlineIcon.Visible() })
	attention, err := h.store.NeedAttention()
	if err != nil || len(attention) != 1 || attention[0].Item != unknown {
		t.Fatalf("attention = %+v (%v), want the unknown item", attention, err)
	}
	csv, err := os.ReadFile(h.attentionCSV)
	if err != nil || !strings.Contains(string(csv), unknown) || strings.Contains(string(csv), kiosktest.CardAdult) {
		t.Errorf("attention file (%v):\n%s\nwant the item and no full card number", err, csv)
	}
}

func TestOfflineWelcomeClaimsNoLoanCount(t *testing.T) {
	h := newHarnessWith(t, kiosk.Options{OfflineBorrow: true})
	h.ils.Stop(t)
	h.scanCard(kiosktest.CardAdult)
	h.scanItem("30790000000075")
	if lines := h.ui.welcome.lines.Text; strings.Contains(lines, "geleend") || !strings.Contains(lines, "U kunt wel lenen") {
		t.Errorf("offline summary = %q: it cannot know the loans", lines)
	}
}
