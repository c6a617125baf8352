package main

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// The case from the issue, with the real binary: three offline loans in the
// database, random bytes over the newest meta page. bbolt alone fell back to
// the older one and lost the third loan without a trace; the kiosk starts,
// logs what it salvaged and where the damaged file is, and sends all three.
func TestSmokeDamagedDatabaseStartsAndSendsEveryLoan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts Xvfb")
	}
	dataDir := t.TempDir()
	path := filepath.Join(dataDir, "kiosk.db")
	at := kiosktest.Start(t)
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	store := localstore.New(st)
	for _, item := range []string{"30790000000075", "30790000000083", "30790000000091"} { // available
		tx := kiosk.Tx{Kind: kiosk.TxCheckout, Card: kiosktest.CardSenior, Item: item, At: at, Offline: true, Due: at.AddDate(0, 0, 21)}
		if _, err := store.Begin(tx); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	newest := newestMeta(t, path)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, os.Getpagesize())
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	if _, err := f.WriteAt(junk, newest*int64(len(junk))); err != nil {
		t.Fatal(err)
	}
	f.Close()

	display := startXvfb(t)
	k := startKiosk(t, display, "-data-dir", dataDir)
	k.waitLog(t, "attract screen shown", 30*time.Second)
	k.waitLog(t, `msg="journal replayed" replayed=3`, 10*time.Second)
	log := k.Log()
	for _, want := range []string{"level=ERROR msg=\"database damaged", "moved_to=" + path + ".damaged-", "unfinished=3", "last_commit_may_be_lost=true"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "panic") || strings.Contains(log, kiosktest.CardSenior) {
		t.Errorf("a panic or a full card number in the log:\n%s", log)
	}
	k.cmd.Process.Signal(syscall.SIGTERM)
	k.cmd.Wait()

	// The next start finds the salvaged file healthy, with nothing left to send.
	again := startKiosk(t, display, "-data-dir", dataDir)
	again.waitLog(t, `msg="journal checked" waiting=0`, 30*time.Second)
	if strings.Contains(again.Log(), "database damaged") {
		t.Errorf("the salvaged file was salvaged again:\n%s", again.Log())
	}
	if matches, _ := filepath.Glob(path + ".damaged-*"); len(matches) != 1 {
		t.Errorf("damaged files kept: %v, want one", matches)
	}
}

// newestMeta is the meta page (0 or 1) with the higher transaction id.
func newestMeta(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	txid := func(off int) uint64 { return binary.LittleEndian.Uint64(data[off+16+48:]) } // page header, then the meta's txid
	if txid(os.Getpagesize()) > txid(0) {
		return 1
	}
	return 0
}
