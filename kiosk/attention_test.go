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

// A replay whose outcomes are in the journal is done, even when the
// attention file cannot be written: the kiosk comes back online, it does not
// take it for the library system failing again; the file is written later.
func TestReplayWhoseAttentionFileFailsBringsTheKioskOnline(t *testing.T) {
	const item = "30790000000075" // Boven is het stil, available
	at := kiosktest.Start(t)
	clock, d, st, dir := replayRig(t, at)
	journal := localstore.New(st)
	staff := filepath.Join(dir, "staff") // missing: the file cannot be written
	journal.AttentionCSV = filepath.Join(staff, "attention.csv")

	// Offline, a loan promised for a week, which the library gives for three:
	// it goes to staff on replay.
	y, m, dd := at.AddDate(0, 0, 7).Date()
	id, err := journal.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardAdult, Item: item, At: at, Offline: true,
		Due: time.Date(y, m, dd, 23, 59, 0, 0, at.Location())})
	if err != nil {
		t.Fatal(err)
	}
	d.Library.SetIgnoreNBDueDate(true)
	d.Stop(t)

	core := kiosk.New(kiosk.Options{RetryInterval: 5 * time.Second}, d.ILS, journal, clock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go core.Run(ctx)
	views := make(chan kiosk.View, 1000)
	core.Subscribe(func(v kiosk.View) {
		select {
		case views <- v:
		default:
		}
	})
	wait := func(what string, ok func(kiosk.View) bool) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case v := <-views:
				if ok(v) {
					return
				}
			case <-timeout:
				t.Fatalf("no view %s", what)
			}
		}
	}
	core.CheckILS()
	wait("offline", func(v kiosk.View) bool { return v.Chrome.ILS.Down })

	d.Restart(t)
	clock.Advance(5 * time.Second) // the probe finds the library back and replays
	wait("back online", func(v kiosk.View) bool { return !v.Chrome.ILS.Down })
	if e, err := st.Entry(id); err != nil || e.State != storage.TxAttention {
		t.Errorf("replayed loan = %+v, %v; want attention", e, err)
	}

	if err := os.Mkdir(staff, 0o700); err != nil {
		t.Fatal(err)
	}
	journal.RetryAttention()
	if csv, err := os.ReadFile(journal.AttentionCSV); err != nil || !strings.Contains(string(csv), id) {
		t.Errorf("attention file after the retry (%v):\n%s", err, csv)
	}
}
