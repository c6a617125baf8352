package kiosk_test

import (
	"context"
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

// otherDue is a library that lends what the kiosk replays but sets its own
// due date: shift moves the date it answers for an item.
type otherDue struct {
	kiosk.ILS
	shift map[string]func(time.Time) time.Time
}

func (o otherDue) Replay(ctx context.Context, tx kiosk.Tx) (kiosk.Result, error) {
	res, err := o.ILS.Replay(ctx, tx)
	if f := o.shift[tx.Item]; f != nil && err == nil && res.OK {
		res.Due = f(res.Due)
	}
	return res, err
}

// An offline loan the library accepts on replay, but due on another day
// than the patron was promised, is listed for staff with both dates and
// not sent again; one due on the same day at another time is done.
func TestReplayedLoanDueOnAnotherDayGoesToStaff(t *testing.T) {
	const (
		early   = "30790000000075" // Boven is het stil, available
		sameDay = "30790000000083"
	)
	at := kiosktest.Start(t)
	clock := kiosk.NewFakeClock(at)
	d := kiosktest.StartILS(t, clock.Now)
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	defer st.Close()
	journal := localstore.New(st)
	journal.AttentionCSV = filepath.Join(dir, "attention.csv")

	// As transactOffline promises: the end of the day three weeks on.
	y, m, dd := at.AddDate(0, 0, 21).Date()
	promised := time.Date(y, m, dd, 23, 59, 0, 0, at.Location())
	var ids []string
	for _, item := range []string{early, sameDay} {
		id, err := journal.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardAdult, Item: item, At: at, Offline: true, Due: promised})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	library := otherDue{ILS: d.ILS, shift: map[string]func(time.Time) time.Time{
		early:   func(due time.Time) time.Time { return due.AddDate(0, 0, -6) },
		sameDay: func(due time.Time) time.Time { return due.Add(59 * time.Second) }, // 23:59:59
	}}
	core := kiosk.New(kiosk.Options{}, library, journal, clock)
	if sent, err := core.ReplayJournal(); err != nil || sent != 2 {
		t.Fatalf("replayed %d, %v; want 2", sent, err)
	}

	got, err := st.Entry(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "due date differs: promised " + promised.Format(time.DateOnly) +
		", library says " + promised.AddDate(0, 0, -6).Format(time.DateOnly)
	if got.State != storage.TxAttention || !strings.HasPrefix(got.Message, want) {
		t.Errorf("loan due 6 days early ended %s (%q), want attention (%q)", got.State, got.Message, want)
	}
	if got, _ := st.Entry(ids[1]); got.State != storage.TxDone {
		t.Errorf("loan due the same day at 23:59:59 ended %s (%q), want done", got.State, got.Message)
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
