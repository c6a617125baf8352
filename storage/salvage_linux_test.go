package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A salvage on a full disk changes nothing and says the disk is full: the
// damaged file stays where it is, with every loan in it, for the next start.
func TestSalvageOnFullDiskChangesNothing(t *testing.T) {
	if dir := os.Getenv("STORAGE_SALVAGE_FSIZE_CHILD"); dir != "" {
		salvageFullChild(t, dir)
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "20790000000010", Item: fmt.Sprint(i), Title: strings.Repeat("x", 1500)})
	}
	s.Close()
	data, _ := os.ReadFile(path)
	m0, m1 := readMetas(bytes.NewReader(data), int64(len(data)))
	newest := m0
	if m1.txid > m0.txid {
		newest = m1
	}
	copy(data[int(newest.page)*int(newest.pageSize)+pageHeaderSize:], "junk")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// RLIMIT_FSIZE holds for the whole process: set it in a child, not here.
	cmd := exec.Command(os.Args[0], "-test.run=^TestSalvageOnFullDiskChangesNothing$", "-test.v")
	cmd.Env = append(os.Environ(), "STORAGE_SALVAGE_FSIZE_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Error("the damaged file changed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside it: %v", entries)
	}
}

func salvageFullChild(t *testing.T, dir string) {
	signal.Ignore(syscall.SIGXFSZ) // a write past the limit fails with EFBIG instead
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Fatal(err)
	}
	limit.Cur = 64 << 10 // the salvage needs more than that
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kiosk.db")
	s, d, err := OpenOrSalvage(path)
	if err == nil {
		s.Close()
		t.Fatalf("opened on a full disk: %+v", d)
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v, want ErrDiskFull naming %s", err, path)
	}
	t.Log(err)
}
