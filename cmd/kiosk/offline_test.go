package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// demoILSBinary is cmd/demoils.
func demoILSBinary(t testing.TB) string { return goBuild(t, "../demoils", "demoils") }

// demoILS is cmd/demoils as its own process, its state in a file, so the
// test can take the library system down and read what happened to it.
type demoILS struct {
	addr, state string
	cmd         *exec.Cmd
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (d *demoILS) start(t testing.TB) {
	t.Helper()
	d.cmd = exec.Command(demoILSBinary(t), "-listen", d.addr, "-state", d.state)
	d.cmd.Env = append(os.Environ(), clockEnv(t))
	d.cmd.Stdout, d.cmd.Stderr = io.Discard, io.Discard
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := d.cmd
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 200 {
		if c, err := net.Dial("tcp", d.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("demoils did not start")
}

// stop stops it gracefully: it saves its state.
func (d *demoILS) stop(t testing.TB) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("demoils: %v", err)
	}
}

var journalled = regexp.MustCompile(`msg="offline transaction journalled" kind=checkout item=(\d+)`)

// The offline promise end to end, with the real binary: a kiosk killed with
// SIGKILL at random moments while lending offline, and again while
// replaying, ends with the library system holding every loan the kiosk
// confirmed, each exactly once, with the due date it promised.
func TestCrashesLoseNoOfflineLoan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and starts Xvfb")
	}
	const loans = 500
	dir := t.TempDir()
	start := kiosktest.Start(t)
	lib, items := kiosktest.BigLibrary(t, 2*loans, func() time.Time { return start })
	d := &demoILS{addr: freeAddr(t), state: filepath.Join(dir, "library.json")}
	if err := lib.Save(d.state); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "kiosk.toml")
	os.WriteFile(config, []byte(fmt.Sprintf(`[ils]
address = %q
user = "kiosk"
password = "kiosk"
request_timeout = "2s"
[offline]
max_items = 100
probe = "1s"
[kiosk]
session_timeout = "1h"
warning = "15s"
`, d.addr)), 0o600)
	display := startXvfb(t)
	scanner, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer scanner.Close()
	dataDir := filepath.Join(dir, "data")
	args := []string{"-config", config, "-data-dir", dataDir, "-scanner", scanner.SlavePath}
	rng := rand.New(rand.NewPCG(1, 2))

	// Offline: the library system is down the whole time.
	confirmed := map[string]bool{}
	next, kills := 0, 0
	var logs strings.Builder
	for len(confirmed) < loans {
		k := startKiosk(t, display, args...)
		k.waitLog(t, "attract screen shown", 30*time.Second)
		k.waitLog(t, "scanner connected", 10*time.Second)
		io.WriteString(scanner.Master, kiosktest.CardAdult+"\r")
		k.waitLog(t, "session started offline", 10*time.Second)
		// A patron scans one item after another; the kiosk dies while it
		// handles one of them, at a random moment.
		killAt := 20 + rng.IntN(80)
		for i := 0; ; i++ {
			if next == len(items) {
				t.Fatalf("ran out of items with %d loans confirmed", len(confirmed))
			}
			item := items[next]
			next++
			io.WriteString(scanner.Master, item+"\r")
			if i == killAt || len(confirmed)+i+1 >= loans {
				time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
				break
			}
			k.waitLog(t, "item="+item, 10*time.Second)
		}
		k.cmd.Process.Kill() // SIGKILL: wherever it is
		k.cmd.Wait()
		kills++
		logs.WriteString(k.Log())
		for _, m := range journalled.FindAllStringSubmatch(k.Log(), -1) {
			confirmed[m[1]] = true
		}
	}

	// The library system comes back; the kiosk is killed during the replay
	// a few times, then left to finish.
	d.start(t)
	for i := range 4 {
		k := startKiosk(t, display, args...)
		if i < 3 {
			k.waitLog(t, "attract screen shown", 30*time.Second)
			time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
			k.cmd.Process.Kill()
			k.cmd.Wait()
			kills++
			continue
		}
		k.waitLog(t, "journal checked", 30*time.Second)
		if !strings.Contains(k.Log(), "waiting=0") {
			k.waitLog(t, "journal replayed", 60*time.Second)
		}
		stopKiosk(t, k)
	}
	d.stop(t)

	// What the kiosk holds: nothing left to send.
	store, err := storage.Open(filepath.Join(dataDir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	left, _ := store.Unfinished()
	attention, _ := store.NeedAttention()
	counts, _ := store.JournalCounts()
	store.Close()
	if len(left) != 0 || len(attention) != 0 {
		t.Errorf("after the replay: %d entries unfinished, %d need attention", len(left), len(attention))
	}

	// What the library holds: every confirmed loan, none twice.
	after, err := demo.LoadFile(d.state, func() time.Time { return start })
	if err != nil {
		t.Fatal(err)
	}
	lent := map[string]int{}
	for _, e := range after.History() {
		if e.Kind == "checkout" && e.OK {
			lent[e.Item]++
			if !e.NoBlock {
				t.Errorf("item %s was lent without no-block: not as a replay", e.Item)
			}
		}
	}
	for item := range confirmed {
		if lent[item] != 1 {
			t.Errorf("confirmed item %s was lent %d times", item, lent[item])
		}
		if it, _ := after.Item(item); it.Loan == nil || it.Loan.Patron != kiosktest.CardAdult {
			t.Errorf("confirmed item %s is not on loan to the patron: %+v", item, it.Loan)
		}
	}
	for item, n := range lent {
		if n > 1 {
			t.Errorf("item %s lent %d times", item, n)
		}
	}
	// A loan journalled in the instant before a kill, before its row was
	// drawn (and logged), is lent too: the library's loans are the journal's.
	if done := counts[storage.TxCheckout][storage.TxDone]; done != len(lent) {
		t.Errorf("the journal has %d checkouts done, the library lent %d items", done, len(lent))
	}
	t.Logf("%d loans confirmed offline, %d journalled and lent by the library, %d kills", len(confirmed), len(lent), kills)
	if len(confirmed) < loans {
		t.Errorf("only %d loans confirmed", len(confirmed))
	}
}
