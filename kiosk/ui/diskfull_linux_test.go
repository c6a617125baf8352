package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// smallDisk mounts a 1 MiB tmpfs for the test; it needs root, as CI has.
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): this test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// A full disk: bbolt may still find room in its own file for a while, so the
// visit goes on until a loan cannot be journalled; that one is refused with
// words, is not sent, and every loan shown as borrowed is in the journal and
// at the library. Once there is room again the kiosk goes on.
func TestFullDiskRefusesTheLoanAndLosesNothing(t *testing.T) {
	disk := smallDisk(t)
	var items []string
	h := newHarnessSetup(t, setup{lib: bigLibrary(t, 300, &items), dir: disk})
	h.scanCard(kiosktest.CardAdult)
	filler := fill(t, disk)
	refused := ""
	next := 0
	for ; next < len(items) && refused == ""; next++ {
		h.scanItem(items[next])
		for _, r := range h.ui.view.Visit.Rows {
			if r.Item == items[next] && r.State == kiosk.RowFailed && r.Failure == kiosk.NoticeStoreFull {
				refused = r.Item
			}
		}
	}
	if refused == "" {
		t.Fatalf("%d loans on a full disk and none refused", next)
	}
	if got := rowTexts(h.ui.welcome.rows.box); !strings.Contains(got, "Dit lukt nu even niet. Vraag het bij de balie.") {
		t.Errorf("rows = %q", got)
	}
	if item, _ := h.ils.Library.Item(refused); item.Loan != nil {
		t.Error("the library lent an item the kiosk could not journal")
	}

	os.Remove(filler) // someone makes room: the kiosk goes on
	h.scanItem(items[next])
	shown := 0
	for _, r := range h.ui.view.Visit.Rows {
		if r.State != kiosk.RowOK {
			continue
		}
		shown++
		if item, _ := h.ils.Library.Item(r.Item); item.Loan == nil {
			t.Errorf("%s shown as borrowed but not lent", r.Item)
		}
	}
	if last := h.ui.view.Visit.Rows[len(h.ui.view.Visit.Rows)-1]; last.State != kiosk.RowOK {
		t.Errorf("after room was made the loan is %+v", last)
	}
	// Every loan shown is in the journal: done, or (when the disk was full
	// as its outcome came) in doubt until the next replay looks it up.
	h.pumpUntil("the journal to hold every loan shown", func() bool {
		c, err := h.store.JournalCounts()
		return err == nil && c[storage.TxCheckout][storage.TxDone]+c[storage.TxCheckout][storage.TxSent] == shown
	})
	if _, err := h.core.ReplayJournal(); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.store.JournalCounts(); c[storage.TxCheckout][storage.TxDone] != shown {
		t.Errorf("after the replay the journal has %v, want %d loans done", c, shown)
	}
	t.Logf("disk full after %d loans", next-1)
}
