package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/pty"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// built holds the binaries the tests built, by package, once per run.
var built sync.Map // package → func() (string, error)

// goBuild builds a command of this module once per test run.
func goBuild(t testing.TB, pkg, name string) string {
	t.Helper()
	f, _ := built.LoadOrStore(pkg, sync.OnceValues(func() (string, error) {
		dir, err := os.MkdirTemp("", name+"-bin")
		if err != nil {
			return "", err
		}
		path := filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
		return path, nil
	}))
	path, err := f.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// kioskBinary is the real kiosk binary.
func kioskBinary(t testing.TB) string { return goBuild(t, ".", "kiosk") }

// startXvfb runs a virtual X server on a free display for the test.
func startXvfb(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed: run `make test`, which installs it")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// kioskProcess is the real binary running under Xvfb.
type kioskProcess struct {
	cmd     *exec.Cmd
	mu      sync.Mutex
	log     bytes.Buffer
	started time.Time
}

type lockedWriter struct{ p *kioskProcess }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.log.Write(b)
}

func (p *kioskProcess) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// waitLog waits until the log contains s.
func (p *kioskProcess) waitLog(t testing.TB, s string, within time.Duration) time.Duration {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(p.Log(), s) {
			return time.Since(p.started)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the kiosk's log never showed %q:\n%s", s, p.Log())
	return 0
}

// clockEnv starts a process's clock where the test's starts
// (kiosktest.DateEnv), so the kiosk and the library agree with the test on the day.
func clockEnv(t testing.TB) string {
	return kiosk.ClockEnv + "=" + kiosktest.Start(t).Format("2006-01-02T15:04")
}

func startKiosk(t testing.TB, display string, args ...string) *kioskProcess {
	t.Helper()
	p := &kioskProcess{}
	p.cmd = exec.Command(kioskBinary(t), args...)
	p.cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANGUAGE=nl", clockEnv(t))
	p.cmd.Stdout = lockedWriter{p}
	p.cmd.Stderr = lockedWriter{p}
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

func savePNG(t testing.TB, name string, img image.Image) {
	f, err := os.Create(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
	if dir := os.Getenv("KIOSK_SCREENSHOTS"); dir != "" {
		g, _ := os.Create(filepath.Join(dir, name))
		png.Encode(g, img)
		g.Close()
	}
}

// The walking skeleton end to end: the real binary on its embedded demo
// library, a card written to a pseudo-terminal that the kiosk opened as its
// serial scanner, and the screen changes to greet the patron.
func TestSmokeCardScanGreetsThePatron(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts Xvfb")
	}
	display := startXvfb(t)
	scanner, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer scanner.Close()
	dataDir := t.TempDir()
	k := startKiosk(t, display, "-data-dir", dataDir, "-scanner", scanner.SlavePath)
	k.waitLog(t, "attract screen shown", 30*time.Second)
	k.waitLog(t, "scanner connected", 5*time.Second)
	time.Sleep(300 * time.Millisecond) // let the first frame reach the screen
	before, err := screenshot(display)
	if err != nil {
		t.Fatal(err)
	}
	savePNG(t, "smoke-attract.png", before)

	if _, err := io.WriteString(scanner.Master, kiosktest.CardAdult+"\r"); err != nil {
		t.Fatal(err)
	}
	k.waitLog(t, `msg="session started" card=…0010`, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	after, err := screenshot(display)
	if err != nil {
		t.Fatal(err)
	}
	savePNG(t, "smoke-welcome.png", after)
	if n := differingPixels(before, after); n < 2000 {
		t.Errorf("the screen changed in only %d pixels after the card scan", n)
	}
	stopKiosk(t, k)
	if !strings.Contains(k.Log(), `msg="session ended" card=…0010 how=session_end`) {
		t.Errorf("stopping the kiosk did not end the open session:\n%s", k.Log())
	}
	if strings.Contains(k.Log(), kiosktest.CardAdult) {
		t.Error("the full card number reached the log")
	}
	if fi, err := os.Stat(filepath.Join(dataDir, "kiosk.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
}

// A second kiosk on the same database stops at once with a clear message.
func TestSmokeLockedDatabaseStopsWithin2s(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts Xvfb")
	}
	display := startXvfb(t)
	dataDir := t.TempDir()
	first := startKiosk(t, display, "-data-dir", dataDir)
	first.waitLog(t, "attract screen shown", 30*time.Second)

	start := time.Now()
	out, err := exec.Command(kioskBinary(t), "-data-dir", dataDir).CombinedOutput()
	took := time.Since(start)
	if err == nil {
		t.Fatal("a second kiosk on the same database started")
	}
	if took > 2*time.Second {
		t.Errorf("the second kiosk took %v to give up, want ≤ 2 s", took)
	}
	if !strings.Contains(string(out), "is in use: is another kiosk already running?") {
		t.Errorf("message = %q", out)
	}
}

func TestBadConfigNamesFileLineAndKey(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	path := filepath.Join(t.TempDir(), "kiosk.toml")
	os.WriteFile(path, []byte("[ils]\naddress = \"demo\"\n\n[[scanner]]\npath = \"/dev/ttyACM0\"\nbaud = 12345\n"), 0o600)
	cmd := exec.Command(kioskBinary(t), "-config", path)
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 {
		t.Fatalf("exit code %d, want 2; output %s", code, out)
	}
	want := "kiosk.toml:6: key \"scanner.baud\""
	if !strings.Contains(string(out), want) {
		t.Errorf("output %q lacks %q", out, want)
	}
}

// A scanner that is not there does not stop the kiosk: it starts, says so,
// and picks the scanner up when it appears.
func TestSmokeMissingScannerIsRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts Xvfb")
	}
	display := startXvfb(t)
	link := filepath.Join(t.TempDir(), "ttyScanner")
	k := startKiosk(t, display, "-data-dir", t.TempDir(), "-scanner", link)
	k.waitLog(t, "attract screen shown", 30*time.Second)
	k.waitLog(t, "scanner missing", 5*time.Second)
	scanner, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer scanner.Close()
	if err := scanner.Link(link); err != nil {
		t.Fatal(err)
	}
	k.waitLog(t, "scanner connected", 5*time.Second)
	io.WriteString(scanner.Master, kiosktest.CardChild+"\r")
	k.waitLog(t, `msg="session started" card=…0028`, 10*time.Second)
}

// stopKiosk asks the kiosk to stop as systemd would, and fails if it does not
// within 5 s.
func stopKiosk(t testing.TB, k *kioskProcess) {
	t.Helper()
	k.cmd.Process.Signal(syscall.SIGTERM)
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- k.cmd.Wait() }()
	select {
	case err := <-done:
		t.Logf("stopped %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
		if err != nil {
			t.Errorf("kiosk exited with %v:\n%s", err, k.Log())
		}
	case <-time.After(5 * time.Second):
		k.cmd.Process.Kill()
		t.Fatalf("kiosk did not stop within 5 s of SIGTERM:\n%s", k.Log())
	}
}

// idleRSS reads a process's resident memory in bytes, and the part of it
// that is Mesa's software renderer (libLLVM and the swrast driver), which
// Xvfb needs and a kiosk with a GPU driver does not load.
func idleRSS(pid int) (total, softGL int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, 0, err
	}
	soft := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if strings.Contains(f[0], "-") && len(f) >= 5 { // a mapping's header
			soft = len(f) >= 6 && (strings.Contains(f[5], "libLLVM") || strings.Contains(f[5], "/dri/"))
			continue
		}
		if f[0] == "Rss:" && len(f) >= 2 {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, 0, err
			}
			total += kb * 1024
			if soft {
				softGL += kb * 1024
			}
		}
	}
	return total, softGL, nil
}

// BenchmarkColdStart starts the real binary under Xvfb and reports the time to
// the attract screen (target ≤ 1 s) and the resident memory after 3 s idle
// (target ≤ 120 MB), with and without Mesa's software renderer.
func BenchmarkColdStart(b *testing.B) {
	display := startXvfb(b)
	kioskBinary(b)
	var total time.Duration
	var rss, rssOwn int64
	n := 0
	for b.Loop() {
		k := startKiosk(b, display, "-data-dir", b.TempDir())
		total += k.waitLog(b, "attract screen shown", 30*time.Second)
		b.StopTimer()
		time.Sleep(3 * time.Second)
		r, soft, err := idleRSS(k.cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		rss, rssOwn = max(rss, r), max(rssOwn, r-soft)
		stopKiosk(b, k)
		b.StartTimer()
		n++
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms-to-attract")
	b.ReportMetric(float64(rss)/(1<<20), "MB-idle-RSS")
	b.ReportMetric(float64(rssOwn)/(1<<20), "MB-idle-RSS-without-softGL")
}
