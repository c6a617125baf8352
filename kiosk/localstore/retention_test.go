package localstore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

var aDay = storage.Retention{Journal: 24 * time.Hour, Attention: storage.AttentionRetention, Patrons: 7 * 24 * time.Hour}

// lend journals a loan the library system confirmed, at the store's time.
func lend(t *testing.T, st *Store, card string) string {
	t.Helper()
	id, err := st.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: card, Item: "30790000000026"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Finish(id, kiosk.Result{OK: true, Item: "30790000000026", Title: "De avonden"}, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// patronOf is the card number entry id still keeps, "" once scrubbed.
func patronOf(t *testing.T, st *Store, id string) string {
	t.Helper()
	e, err := st.s.Entry(id)
	if err != nil {
		t.Fatal(err)
	}
	return e.Patron
}

// inFile reports whether s can be read anywhere in the kiosk.db under dir.
func inFile(t *testing.T, dir, s string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(s))
}

// KeepPrivate runs on the kiosk's clock: at once, then every hour, so a
// card number is gone (from the file too) at the first hourly run after its
// retention has passed, and not before.
func TestKeepPrivateRemovesCardsHourlyOnTheClock(t *testing.T) {
	st, clock, dir := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := lend(t, st, "20790000004242")
	clock.Advance(aDay.Journal - time.Hour)
	fresh := lend(t, st, "20790000005353")
	clock.Advance(time.Hour + time.Minute) // old's retention has passed before the start

	done := st.KeepPrivate(ctx, clock, aDay)
	if patronOf(t, st, old) == "" {
		t.Fatal("the card was removed before the clock moved: the first run is on the clock too")
	}
	clock.Advance(0) // the first run, due now
	if p := patronOf(t, st, old); p != "" || inFile(t, dir, "20790000004242") {
		t.Errorf("after the first run, the card past its retention is still there (entry %q, or in the file)", p)
	}
	if patronOf(t, st, fresh) == "" {
		t.Fatal("the first run removed a card within its retention")
	}

	// fresh was lent 1h01m before the start: its day has passed at 22h59m,
	// and the run at 23h removes it, not the one at 22h.
	clock.Advance(22*time.Hour + 30*time.Minute)
	if patronOf(t, st, fresh) == "" {
		t.Fatal("a card was removed before its retention passed")
	}
	clock.Advance(30 * time.Minute)
	if p := patronOf(t, st, fresh); p != "" || inFile(t, dir, "20790000005353") {
		t.Errorf("after the hourly run past its retention, the card is still there (entry %q, or in the file)", p)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("KeepPrivate did not stop when its context ended")
	}
}

// Nothing runs once the context has ended: not the first run, nor an
// hourly one.
func TestKeepPrivateStopsWithItsContext(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before time.Duration // clock time between the start and the cancel
	}{
		{"before the first run", -1},
		{"between runs", 90 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, clock, _ := mustOpen(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := st.KeepPrivate(ctx, clock, aDay)
			if tc.before >= 0 {
				clock.Advance(tc.before)
			}
			cancel()
			<-done
			id := lend(t, st, "20790000006464")
			clock.Advance(7 * 24 * time.Hour)
			if patronOf(t, st, id) == "" {
				t.Error("retention ran after its context ended")
			}
		})
	}
}
