package kiosk_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

type rig struct {
	core   *kiosk.Kiosk
	clock  *kiosk.FakeClock
	store  *storage.Store
	ils    *kiosktest.ILS // the demo library the core talks to
	views  chan kiosk.View
	cancel context.CancelFunc
	done   chan struct{}
}

func newRig(t *testing.T, opts kiosk.Options) *rig {
	t.Helper()
	return newRigWith(t, opts, nil)
}

// newRigWith is newRig with the core talking to wrap(the demo library's
// adapter), for an ILS that answers differently; wrap nil is newRig.
func newRigWith(t *testing.T, opts kiosk.Options, wrap func(kiosk.ILS) kiosk.ILS) *rig {
	t.Helper()
	clock := kiosk.NewFakeClock(kiosktest.Start(t))
	d := kiosktest.StartILS(t, clock.Now)
	var ils kiosk.ILS = d.ILS
	if wrap != nil {
		ils = wrap(ils)
	}
	store, err := storage.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	store.Now = clock.Now
	t.Cleanup(func() { store.Close() })
	r := &rig{clock: clock, store: store, ils: d,
		views: make(chan kiosk.View, 100), done: make(chan struct{})}
	r.core = kiosk.New(opts, ils, localstore.New(store), r.clock)
	r.core.Subscribe(func(v kiosk.View) { r.views <- v })
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { r.core.Run(ctx); close(r.done) }()
	t.Cleanup(func() { r.cancel(); <-r.done })
	r.next(t) // the first View
	return r
}

// until returns the first View with the screen s.
func (r *rig) until(t *testing.T, s kiosk.Screen) kiosk.View {
	t.Helper()
	for {
		select {
		case v := <-r.views:
			if v.Screen == s {
				return v
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("screen %d never came", s)
		}
	}
}

func (r *rig) next(t *testing.T) kiosk.View {
	t.Helper()
	select {
	case v := <-r.views:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no View")
	}
	return kiosk.View{}
}

// wait returns the first View that ok accepts; what names it in a failure.
func (r *rig) wait(t *testing.T, what string, ok func(kiosk.View) bool) kiosk.View {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case v := <-r.views:
			if ok(v) {
				return v
			}
		case <-timeout:
			t.Fatalf("never: %s", what)
		}
	}
}

// quiet drains the Views published for a moment, and returns the last one
// (or last if none came).
func (r *rig) quiet(last kiosk.View) kiosk.View {
	r.core.Sync()
	for {
		select {
		case v := <-r.views:
			last = v
		case <-time.After(100 * time.Millisecond):
			return last
		}
	}
}

// rowState is the state of the newest row of item, or -1 without one.
func rowState(v kiosk.View, item string) kiosk.RowState {
	for i := len(v.Visit.Rows) - 1; i >= 0; i-- {
		if v.Visit.Rows[i].Item == item {
			return v.Visit.Rows[i].State
		}
	}
	return -1
}

// requests counts the requests the demo library answered, of the codes
// given, or of all codes.
func (r *rig) requests(codes ...string) int {
	n := 0
	for code, c := range r.ils.Library.Requests() {
		if len(codes) == 0 || slices.Contains(codes, code) {
			n += c
		}
	}
	return n
}

// welcome starts a visit of card and waits for its loans.
func (r *rig) welcome(t *testing.T, card string) kiosk.View {
	t.Helper()
	r.core.Scan(kiosk.Scan{Code: card})
	r.until(t, kiosk.ScreenWelcome)
	return r.wait(t, "the loans", func(v kiosk.View) bool { return v.Visit.LoansState == kiosk.Loaded })
}

func classify(code string) (kiosk.Kind, error) {
	switch {
	case code == "20790000000011": // the adult card with a wrong check digit
		return kiosk.KindUnknown, errors.New("check digit")
	case strings.HasPrefix(code, "2079099"):
		return kiosk.KindStaff, nil
	case strings.HasPrefix(code, "2"):
		return kiosk.KindPatron, nil
	case strings.HasPrefix(code, "3"):
		return kiosk.KindItem, nil
	}
	return kiosk.KindUnknown, nil
}

func TestMisreadCodeNeverReachesTheLibrary(t *testing.T) {
	r := newRig(t, kiosk.Options{Classify: classify})
	r.core.Scan(kiosk.Scan{Code: "20790000000011"})
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeMisread {
		t.Errorf("notice %d, want NoticeMisread", v.Notice)
	}
	r.core.Back()
	r.until(t, kiosk.ScreenAttract)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.core.Scan(kiosk.Scan{Code: "20790000000011"})
	v := r.next(t)
	for v.Chrome.Flash == kiosk.NoticeNone && v.Screen == kiosk.ScreenWelcome {
		v = r.next(t) // the scan counted as activity first
	}
	if v.Screen != kiosk.ScreenWelcome || v.Chrome.Flash != kiosk.NoticeMisread {
		t.Errorf("misread in a session: screen %d flash %d", v.Screen, v.Chrome.Flash)
	}
	r.core.Sync() // the flash's timer is set
	r.clock.Advance(5 * time.Second)
	for v := r.next(t); v.Chrome.Flash != kiosk.NoticeNone; v = r.next(t) {
		// other news (the loans arriving) may come first; the flash must go
	}
}

func TestRepeatedScanCountsOnce(t *testing.T) {
	seen := map[string]bool{}
	accept := func(source, code string) bool {
		if seen[source+code] {
			return false
		}
		seen[source+code] = true
		return true
	}
	r := newRig(t, kiosk.Options{Accept: accept})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardLost, Source: "pad"})
	r.until(t, kiosk.ScreenNotice)
	r.core.Back()
	r.until(t, kiosk.ScreenAttract)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardLost, Source: "pad"})
	r.core.Sync()
	select {
	case v := <-r.views:
		t.Errorf("a repeated scan was handled: %+v", v)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestItemOrStaffCardAtTheStartIsNoPatronSession(t *testing.T) {
	r := newRig(t, kiosk.Options{Classify: classify})
	r.core.Scan(kiosk.Scan{Code: "30790000000018"})
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeItemFirst {
		t.Errorf("item scan: notice %d, want NoticeItemFirst", v.Notice)
	}
	r.core.Back()
	r.until(t, kiosk.ScreenAttract)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardStaff})
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeStaffCard {
		t.Errorf("staff scan: notice %d, want NoticeStaffCard", v.Notice)
	}
}

func TestScansDuringTheLookupAreIgnored(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardLost}) // while busy
	v := r.until(t, kiosk.ScreenWelcome)
	if v.Visit.Patron.Name != "Joost Müller" {
		t.Errorf("patron = %q", v.Visit.Patron.Name)
	}
	r.core.Sync()
	for {
		select {
		case v := <-r.views:
			if v.Visit.Patron.Card != kiosktest.CardAdult {
				t.Errorf("the scan made while busy was handled: %+v", v)
			}
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

func TestStoppingTheKioskEndsAnOpenSession(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.cancel()
	<-r.done
	events, err := r.store.AuditEvents()
	if err != nil || len(events) != 2 || events[1].Kind != "session_end" {
		t.Errorf("audit = %+v, %v; want start and end", events, err)
	}
}

func TestWelcomeViewCarriesNoPatronAfterTheSession(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.core.Done()
	v := r.until(t, kiosk.ScreenNotice)
	if v.Visit.Patron.Card != "" || v.Visit.Patron.Name != "" {
		t.Errorf("goodbye view still holds the patron: %+v", v.Visit.Patron)
	}
}

func TestFakeClockFiresInTimeOrder(t *testing.T) {
	c := kiosk.NewFakeClock(time.Unix(0, 0))
	var got []int
	c.AfterFunc(3*time.Second, func() { got = append(got, 3) })
	c.AfterFunc(time.Second, func() { got = append(got, 1) })
	stopped := c.AfterFunc(2*time.Second, func() { got = append(got, 2) })
	stopped.Stop()
	c.Advance(2 * time.Second)
	if len(got) != 1 || got[0] != 1 {
		t.Fatalf("after 2 s: %v", got)
	}
	c.Advance(time.Second)
	if len(got) != 2 || got[1] != 3 {
		t.Fatalf("after 3 s: %v", got)
	}
	if c.Now() != time.Unix(3, 0) {
		t.Errorf("now = %v", c.Now())
	}
}

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{"": "", "123": "123", "20790000000010": "…0010"} {
		if got := kiosk.Last4(in); got != want {
			t.Errorf("Last4(%q) = %q, want %q", in, got, want)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
