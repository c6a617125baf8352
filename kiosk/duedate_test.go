package kiosk_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// An offline loan the library accepts on replay, but due on another day
// than the patron was promised, is listed for staff with both dates and
// not sent again; one due on the day promised is done. The demo library
// here sets its own due dates, as some systems do with a no-block loan
// (21 days for this patron): the DVD's week promised is not what it gives.
func TestReplayedLoanDueOnAnotherDayGoesToStaff(t *testing.T) {
	const (
		early   = "30790000000075" // Boven is het stil, available
		sameDay = "30790000000083"
	)
	at := kiosktest.Start(t)
	clock, d, st, dir := replayRig(t, at)
	journal := localstore.New(st)
	journal.AttentionCSV = filepath.Join(dir, "attention.csv")

	// As transactOffline promises: the end of the day, a week (a DVD's
	// rule) or three weeks on.
	endOfDay := func(days int) time.Time {
		y, m, dd := at.AddDate(0, 0, days).Date()
		return time.Date(y, m, dd, 23, 59, 0, 0, at.Location())
	}
	promised, libraryDue := endOfDay(7), endOfDay(21)
	var ids []string
	for item, due := range map[string]time.Time{early: promised, sameDay: libraryDue} {
		id, err := journal.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardAdult, Item: item, At: at, Offline: true, Due: due})
		if err != nil {
			t.Fatal(err)
		}
		if item == early {
			ids = append([]string{id}, ids...)
		} else {
			ids = append(ids, id)
		}
	}
	d.Library.SetIgnoreNBDueDate(true)
	core := kiosk.New(kiosk.Options{}, d.ILS, journal, clock)
	if sent, err := core.ReplayJournal(); err != nil || sent != 2 {
		t.Fatalf("replayed %d, %v; want 2", sent, err)
	}

	got, err := st.Entry(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "due date differs: promised " + promised.Format(time.DateOnly) +
		", library says " + libraryDue.Format(time.DateOnly)
	if got.State != storage.TxAttention || !strings.HasPrefix(got.Message, want) {
		t.Errorf("loan due two weeks later ended %s (%q), want attention (%q)", got.State, got.Message, want)
	}
	if got, _ := st.Entry(ids[1]); got.State != storage.TxDone {
		t.Errorf("loan due the day promised ended %s (%q), want done", got.State, got.Message)
	}
	csv, err := os.ReadFile(journal.AttentionCSV)
	if err != nil || !strings.Contains(string(csv), early) || !strings.Contains(string(csv), want) || strings.Contains(string(csv), sameDay) {
		t.Errorf("attention file (%v):\n%s\nwant the early loan with both dates, and only it", err, csv)
	}

	// The loan did happen: it is not sent again.
	if sent, err := core.ReplayJournal(); err != nil || sent != 0 {
		t.Errorf("a second replay sent %d, %v; want nothing", sent, err)
	}
	lent := 0
	for _, ev := range d.Library.History() {
		if ev.Kind == "checkout" && ev.OK && ev.Item == early {
			lent++
		}
	}
	if lent != 1 {
		t.Errorf("the library lent the item %d times, want once", lent)
	}
}
