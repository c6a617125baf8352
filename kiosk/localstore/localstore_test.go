package localstore

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

func mustOpen(t *testing.T) (*Store, *kiosk.FakeClock, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clock := kiosk.NewFakeClock(kiosktest.Start(t))
	s.Now = clock.Now
	return New(s), clock, dir
}

// refuseOnReplay journals n offline loans and replays them as refused: the
// journal sends them to staff.
func refuseOnReplay(t *testing.T, st *Store, at time.Time, n int) []string {
	t.Helper()
	var ids []string
	var outs []kiosk.Outcome
	for range n {
		id, err := st.Begin(kiosk.Tx{Kind: kiosk.TxCheckout, Card: "20790000000010", Item: "30790000000026", At: at, Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		outs = append(outs, kiosk.Outcome{ID: id, Result: kiosk.Result{Item: "30790000000026", Message: "on hold for another patron"}})
	}
	if err := st.Resend(ids...); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishAndResend(outs); err != nil {
		t.Errorf("a replayed batch whose attention file cannot be written failed: %v", err)
	}
	return ids
}

// An attention file that cannot be written fails no replay: the journal
// holds the entries. It is written again later, and the failure is logged
// once a streak, not once a batch.
func TestAttentionFileNotWrittenIsRetriedAndReportedOnce(t *testing.T) {
	st, clock, dir := mustOpen(t)
	var logs bytes.Buffer
	st.Log = slog.New(slog.NewTextHandler(&logs, nil))
	sub := filepath.Join(dir, "staff") // missing: nothing can be written there
	st.AttentionCSV = filepath.Join(sub, "attention.csv")

	first := refuseOnReplay(t, st, clock.Now(), 2)
	second := refuseOnReplay(t, st, clock.Now(), 3)
	st.RetryAttention()
	if n := strings.Count(logs.String(), "attention file not written"); n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "needs staff attention"); n != 2 {
		t.Errorf("entries for staff were logged %d times, want once a batch:\n%s", n, logs.String())
	}
	for _, id := range append(first, second...) {
		if e, err := st.s.Entry(id); err != nil || e.State != storage.TxAttention {
			t.Errorf("entry %s = %+v, %v; want attention", id, e, err)
		}
	}

	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	st.RetryAttention()
	csv, err := os.ReadFile(st.AttentionCSV)
	if err != nil {
		t.Fatalf("attention file after the retry: %v", err)
	}
	for _, id := range append(first, second...) {
		if !strings.Contains(string(csv), id) {
			t.Errorf("attention file lacks %s:\n%s", id, csv)
		}
	}
	if !strings.Contains(logs.String(), "attention file written again") {
		t.Errorf("the recovery was not logged:\n%s", logs.String())
	}
	if _, err := os.Stat(st.AttentionCSV + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}

	// A new streak is reported again, once.
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sub, nil, 0o600); err != nil { // a file where the directory was
		t.Fatal(err)
	}
	refuseOnReplay(t, st, clock.Now(), 1)
	refuseOnReplay(t, st, clock.Now(), 1)
	if n := strings.Count(logs.String(), "attention file not written"); n != 2 {
		t.Errorf("two streaks were logged %d times, want twice:\n%s", n, logs.String())
	}
}

// After a restart the attention file is written once again, so a write
// that failed before the restart is not lost; with nothing for staff no
// file appears.
func TestAttentionFileRewrittenAfterRestart(t *testing.T) {
	st, clock, dir := mustOpen(t)
	st.AttentionCSV = filepath.Join(dir, "attention.csv")
	st.RetryAttention()
	if _, err := os.Stat(st.AttentionCSV); !os.IsNotExist(err) {
		t.Errorf("attention file with nothing for staff: %v", err)
	}
	st.AttentionCSV = filepath.Join(dir, "missing", "attention.csv")
	ids := refuseOnReplay(t, st, clock.Now(), 1)

	restarted := New(st.s)
	restarted.AttentionCSV = filepath.Join(dir, "attention.csv")
	restarted.RetryAttention()
	if csv, err := os.ReadFile(restarted.AttentionCSV); err != nil || !strings.Contains(string(csv), ids[0]) {
		t.Errorf("attention file after restart (%v):\n%s", err, csv)
	}
}
