package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// harness is a kiosk as it runs for real, on the demo library over SIP2 on
// loopback and a bbolt file, drawn by Fyne's test driver. Widgets are touched
// only on the test goroutine: UI updates queue up until pump runs them.
type harness struct {
	t     testing.TB
	win   fyne.Window
	ui    *UI
	core  *kiosk.Kiosk
	start time.Time // where clock started
	clock *kiosk.FakeClock
	ils   *kiosktest.ILS
	// faults breaks or slows the line to the library (setup.faults).
	faults *kiosktest.Faults
	store  *storage.Store
	queue  chan func()
	// stop stops the core's Run and waits for it to return.
	stop func()
	// seats is the study places' store, with setup.opts.Study.
	seats *localstore.Seats
	// attentionCSV is where the journal lists what needs staff.
	attentionCSV string
}

func newHarness(t testing.TB) *harness { return newHarnessWith(t, kiosk.Options{}) }

// newHarnessWith starts a harness whose core has opts, with the test's timings.
func newHarnessWith(t testing.TB, opts kiosk.Options) *harness {
	return newHarnessSetup(t, setup{opts: opts})
}

// setup is how a harness differs from the plain one.
type setup struct {
	opts kiosk.Options
	// lib makes the library on the test's clock (nil: the demo library).
	lib func(now func() time.Time) *demo.Library
	// dir holds the kiosk's database ("": a new temporary directory).
	dir string
	// start is when the clock starts (zero: kiosktest.Start, the test's day).
	start time.Time
	// faults puts a kiosktest.Faults between the kiosk and the library.
	faults bool
	// client changes the kiosk's SIP2 client configuration.
	client func(*sip2.ClientConfig)
	// server sets up the library's SIP2 server.
	server func(*sip2.Server)
}

// bigLibrary makes the demo library with n more available items, for
// setup.lib; their barcodes go to *items.
func bigLibrary(t testing.TB, n int, items *[]string) func(now func() time.Time) *demo.Library {
	return func(now func() time.Time) *demo.Library {
		lib, codes := kiosktest.BigLibrary(t, n, now)
		*items = codes
		return lib
	}
}

// newHarnessSetup starts a harness as s says.
func newHarnessSetup(t testing.TB, s setup) *harness {
	t.Helper()
	opts, dir := s.opts, s.dir
	if dir == "" {
		dir = t.TempDir()
	}
	if s.start.IsZero() {
		s.start = kiosktest.Start(t)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("kiosk")
	w.Resize(fyne.NewSize(1280, 800))
	if err := LoadTranslations("nl"); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, win: w, start: s.start, clock: kiosk.NewFakeClock(s.start), queue: make(chan func(), 1024)}
	if s.lib == nil {
		s.lib = func(now func() time.Time) *demo.Library {
			lib, err := demo.Load(now)
			if err != nil {
				t.Fatal(err)
			}
			return lib
		}
	}
	var server []func(*sip2.Server)
	if s.server != nil {
		server = append(server, s.server)
	}
	h.ils = kiosktest.StartILSWith(t, s.lib(h.clock.Now), server...)
	if s.faults {
		h.faults = h.ils.WithFaults(t)
	}
	if s.client != nil {
		h.ils.Reconfigure(t, s.client)
	}
	var err error
	h.store, err = storage.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	h.store.Now = h.clock.Now
	t.Cleanup(func() { h.store.Close() })
	opts.SessionTimeout = 60 * time.Second
	opts.Warning = 15 * time.Second
	opts.NoticeTime = 8 * time.Second
	if opts.RetryInterval == 0 {
		opts.RetryInterval = 10 * time.Second
	}
	opts.RequestTimeout = 2 * time.Second
	if opts.Classify == nil {
		opts.Classify = kiosktest.Classify
	}
	if opts.Translate == nil {
		texts, err := NewCatalog()
		if err != nil {
			t.Fatal(err)
		}
		opts.Translate = texts.T
	}
	if opts.LibraryName == "" {
		opts.LibraryName = "Bibliotheek Zoetermeer"
	}
	journal := localstore.New(h.store)
	h.attentionCSV = filepath.Join(t.TempDir(), "attention.csv")
	journal.AttentionCSV = h.attentionCSV
	h.core = kiosk.New(opts, h.ils.ILS, journal, h.clock)
	if opts.Study != nil {
		h.seats = localstore.NewSeats(h.store)
		h.core.SetSeats(h.seats)
	}
	h.ui = New(a, w, h.core, "Bibliotheek Zoetermeer")
	h.ui.now = h.clock.Now
	h.ui.do = func(f func()) { h.queue <- f }
	h.core.Subscribe(h.ui.Update)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.core.Run(ctx); close(done) }()
	h.stop = func() { cancel(); <-done }
	t.Cleanup(h.stop)
	h.settle()
	return h
}

// pump runs the UI updates queued so far.
func (h *harness) pump() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// pumpUntil runs UI updates until cond holds, failing the test after 5 s.
func (h *harness) pumpUntil(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.pump()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// settle lets the core handle everything posted so far and draws the result.
func (h *harness) settle() {
	h.core.Sync()
	h.pump()
}

// advance moves the fake clock on one second at a time, as the wall clock
// would, letting the core react to each timer before the next.
func (h *harness) advance(d time.Duration) {
	for ; d > 0; d -= time.Second {
		h.clock.Advance(min(d, time.Second))
		h.settle()
	}
}

// typeScan types a code and Enter the way a keyboard-wedge scanner does.
func (h *harness) typeScan(code string) {
	test.TypeOnCanvas(h.win.Canvas(), code)
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// scanCard scans a card and waits for the screen after the ILS answered.
func (h *harness) scanCard(card string) {
	h.t.Helper()
	h.typeScan(card)
	h.pumpUntil("an answer to the card scan", func() bool {
		return h.ui.welcome.Visible() || h.ui.notice.Visible()
	})
}

// scanItem scans an item and waits until its row has an outcome.
func (h *harness) scanItem(item string) {
	h.t.Helper()
	h.typeScan(item)
	h.pumpUntil("the outcome of "+item, func() bool {
		h.core.Sync()
		for _, r := range h.ui.view.Visit.Rows {
			if r.Item == item && r.State != kiosk.RowPending {
				return true
			}
		}
		return h.ui.view.Chrome.Flash != kiosk.NoticeNone
	})
}

// rowTexts are the texts of the labels in a list, in order.
func rowTexts(list *fyne.Container) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, "["+o.Text+"]")
		case *fyne.Container:
			if l, ok := o.Layout.(*linesLayout); ok {
				out = append(out, l.text) // the whole text, however it wraps
				return
			}
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.ThemeOverride:
			walk(o.Content)
		}
	}
	walk(list)
	return strings.Join(out, " | ")
}

// button finds a button by its text in a list.
func button(list *fyne.Container, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			if o.Text == text && found == nil {
				found = o
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.ThemeOverride:
			walk(o.Content)
		}
	}
	walk(list)
	return found
}
