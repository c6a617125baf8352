// Package kiosk is the application core: the patron session and its screens
// as plain values, with no Fyne. The UI renders View and calls back on taps;
// scanners call Scan. Everything runs on one event loop, so there are no locks
// around the session.
package kiosk

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Screen is what the body of the kiosk shows.
type Screen int

const (
	ScreenAttract Screen = iota // "Scan uw bibliotheekpas"
	ScreenBusy                  // a spinner while the ILS answers
	ScreenWelcome               // the patron's summary
	ScreenNotice                // a message, then back to attract
)

// Notice says which message ScreenNotice shows.
type Notice int

const (
	NoticeNone Notice = iota
	NoticeUnknownCard
	NoticeCardLost
	NoticeFines
	NoticeBlocked
	NoticeUnavailable
	NoticeGoodbye
	NoticeTimedOut
	NoticeNotACard
	NoticeStaffCard
	NoticeMisread
)

// Kind is what a scanned code is.
type Kind int

const (
	KindUnknown Kind = iota
	KindPatron
	KindItem
	KindStaff
)

// Scan is one barcode read by a scanner or typed on a keyboard wedge.
type Scan struct {
	Code   string
	Source string
	Kind   Kind
}

// ScannerState is how a scanner is doing, for the header icon.
type ScannerState struct {
	Name      string
	Connected bool
	Detail    string
}

// View is everything the UI needs to draw. It is a value: the UI gets a copy.
type View struct {
	Screen Screen
	Notice Notice
	// Lang is the language the patron chose ("nl", "en").
	Lang   string
	Patron Patron
	// Warning is set while the session-end countdown runs.
	Warning     bool
	SecondsLeft int
	ILSDown     bool
	Scanners    []ScannerState
	// Help is set while the help text is open.
	Help bool
	// Flash is a short message on a session screen ("scan again"), gone
	// after a few seconds or at the next action.
	Flash Notice
}

// ScannerMissing reports whether any configured scanner is not connected.
func (v View) ScannerMissing() bool {
	for _, s := range v.Scanners {
		if !s.Connected {
			return true
		}
	}
	return false
}

// Options tune the core.
type Options struct {
	Lang           string        // default language, "nl"
	SessionTimeout time.Duration // inactivity before a session ends, 60 s
	Warning        time.Duration // visible countdown before it ends, 15 s
	NoticeTime     time.Duration // how long a notice stays, 8 s
	RequestTimeout time.Duration // one ILS call, 10 s
	RetryInterval  time.Duration // ILS probe while it is down, 10 s
	// Classify tells a patron card from an item or staff card; an error
	// means the code was misread (a check digit failed) and must not reach
	// the ILS. Nil treats every scan as a patron card.
	Classify func(code string) (Kind, error)
	// Accept drops repeats of a scan (debounce); nil accepts every scan.
	Accept func(source, code string) bool
	// FlashTime is how long a short message stays on a session screen, 5 s.
	FlashTime time.Duration
}

func (o *Options) defaults() {
	if o.Lang == "" {
		o.Lang = "nl"
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 60 * time.Second
	}
	if o.Warning <= 0 || o.Warning >= o.SessionTimeout {
		o.Warning = min(15*time.Second, o.SessionTimeout/2)
	}
	if o.NoticeTime <= 0 {
		o.NoticeTime = 8 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = 10 * time.Second
	}
	if o.Classify == nil {
		o.Classify = func(string) (Kind, error) { return KindPatron, nil }
	}
	if o.Accept == nil {
		o.Accept = func(string, string) bool { return true }
	}
	if o.FlashTime <= 0 {
		o.FlashTime = 5 * time.Second
	}
}

// Kiosk is the core of one terminal.
type Kiosk struct {
	opts  Options
	ils   ILS
	store Store
	clock Clock

	events chan func()

	mu        sync.Mutex // guards listeners only
	listeners []func(View)

	// Owned by the event loop.
	view    View
	gen     int // bumped whenever the screen changes; stale timers check it
	timer   Timer
	probing bool
}

// New makes a core; call Run to start it.
func New(opts Options, ils ILS, store Store, clock Clock) *Kiosk {
	opts.defaults()
	if clock == nil {
		clock = SystemClock{}
	}
	return &Kiosk{
		opts:   opts,
		ils:    ils,
		store:  store,
		clock:  clock,
		events: make(chan func(), 64),
		view:   View{Screen: ScreenAttract, Lang: opts.Lang},
	}
}

// Subscribe registers f to receive every new View, from the event loop's
// goroutine; the UI passes them on with fyne.Do. f gets the current View at once.
func (k *Kiosk) Subscribe(f func(View)) {
	k.post(func() {
		k.mu.Lock()
		k.listeners = append(k.listeners, f)
		k.mu.Unlock()
		f(k.view)
	})
}

// Run processes events until ctx ends, then ends any open session.
func (k *Kiosk) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			if k.view.Screen == ScreenWelcome {
				k.endSession("session_end")
			}
			return ctx.Err()
		case f := <-k.events:
			f()
		}
	}
}

func (k *Kiosk) post(f func()) { k.events <- f }

// Sync returns once every event posted before it has been handled.
func (k *Kiosk) Sync() {
	done := make(chan struct{})
	k.post(func() { close(done) })
	<-done
}

func (k *Kiosk) publish() {
	k.mu.Lock()
	ls := k.listeners
	k.mu.Unlock()
	v := k.view
	v.Scanners = append([]ScannerState(nil), v.Scanners...)
	v.Patron.Blocks = append([]Block(nil), v.Patron.Blocks...)
	for _, f := range ls {
		f(v)
	}
}

// show moves to a new screen: timers of the old one no longer fire.
func (k *Kiosk) show(s Screen, n Notice) {
	k.gen++
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	k.view.Screen, k.view.Notice = s, n
	k.view.Warning, k.view.SecondsLeft = false, 0
	k.view.Help = false
	k.view.Flash = NoticeNone
	switch s {
	case ScreenNotice:
		k.after(k.opts.NoticeTime, k.toAttract)
	case ScreenWelcome:
		k.armInactivity()
	}
	k.publish()
}

// after runs f on the loop after d, unless the screen has changed by then.
func (k *Kiosk) after(d time.Duration, f func()) {
	gen := k.gen
	k.timer = k.clock.AfterFunc(d, func() {
		k.post(func() {
			if k.gen == gen {
				f()
			}
		})
	})
}

func (k *Kiosk) toAttract() {
	k.view.Patron = Patron{}
	k.view.Lang = k.opts.Lang
	k.show(ScreenAttract, NoticeNone)
}

func (k *Kiosk) armInactivity() {
	k.after(k.opts.SessionTimeout-k.opts.Warning, k.startCountdown)
}

func (k *Kiosk) startCountdown() {
	k.view.Warning = true
	k.view.SecondsLeft = int(k.opts.Warning / time.Second)
	k.publish()
	k.tick()
}

func (k *Kiosk) tick() {
	k.after(time.Second, func() {
		k.view.SecondsLeft--
		if k.view.SecondsLeft <= 0 {
			k.endSession("session_timeout")
			k.show(ScreenNotice, NoticeTimedOut)
			return
		}
		k.publish()
		k.tick()
	})
}

// flash shows a short message on the current screen for FlashTime.
func (k *Kiosk) flash(n Notice) {
	k.view.Flash = n
	k.publish()
	gen := k.gen
	k.clock.AfterFunc(k.opts.FlashTime, func() {
		k.post(func() {
			if k.gen == gen && k.view.Flash == n {
				k.view.Flash = NoticeNone
				k.publish()
			}
		})
	})
}

// Scan handles a barcode from any goroutine.
func (k *Kiosk) Scan(s Scan) {
	k.post(func() { k.handleScan(s) })
}

func (k *Kiosk) handleScan(s Scan) {
	code := strings.TrimSpace(s.Code)
	if code == "" {
		return
	}
	if !k.opts.Accept(s.Source, code) {
		return // the same code again from the same scanner: one scan
	}
	kind := s.Kind
	var misread error
	if kind == KindUnknown {
		kind, misread = k.opts.Classify(code)
	}
	switch k.view.Screen {
	case ScreenBusy:
		return // one thing at a time
	case ScreenWelcome:
		k.activity()
		if misread != nil {
			k.flash(NoticeMisread)
		}
		return // item scans come with the self-checkout issue
	}
	if misread != nil {
		slog.Info("scan misread", "source", s.Source, "err", misread)
		k.show(ScreenNotice, NoticeMisread)
		return
	}
	switch kind {
	case KindPatron:
		k.lookup(code)
	case KindStaff:
		k.show(ScreenNotice, NoticeStaffCard)
	default:
		k.show(ScreenNotice, NoticeNotACard)
	}
}

func (k *Kiosk) lookup(card string) {
	k.show(ScreenBusy, NoticeNone)
	gen := k.gen
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
		defer cancel()
		p, err := k.ils.PatronInfo(ctx, card, "")
		k.post(func() {
			if k.gen == gen {
				k.lookedUp(card, p, err)
			}
		})
	}()
}

func (k *Kiosk) lookedUp(card string, p Patron, err error) {
	switch {
	case errors.Is(err, ErrUnknownPatron):
		slog.Info("unknown card", "card", Last4(card))
		k.show(ScreenNotice, NoticeUnknownCard)
	case err != nil:
		slog.Warn("patron lookup failed", "card", Last4(card), "err", err)
		k.ilsDown()
		k.show(ScreenNotice, NoticeUnavailable)
	case p.Has(BlockCardLost):
		slog.Info("card reported lost", "card", Last4(card))
		k.show(ScreenNotice, NoticeCardLost)
	case p.Has(BlockFines):
		k.view.Patron = Patron{Fines: p.Fines, Currency: p.Currency}
		k.show(ScreenNotice, NoticeFines)
	case p.Blocked():
		k.show(ScreenNotice, NoticeBlocked)
	default:
		p.Card = card
		k.view.Patron = p
		k.view.ILSDown = false
		k.show(ScreenWelcome, NoticeNone)
		// After the screen: the audit line need not hold up the greeting.
		k.audit("session_start", Last4(card))
		slog.Info("session started", "card", Last4(card))
	}
}

// audit records a session event; card is already cut to its last 4.
func (k *Kiosk) audit(kind, card string) {
	if k.store == nil {
		return
	}
	if err := k.store.RecordAudit(k.clock.Now(), kind, card); err != nil {
		slog.Error("audit not written", "kind", kind, "card", card, "err", err)
	}
}

// endSession tells the ILS and the audit trail that the patron left, and
// forgets the patron.
func (k *Kiosk) endSession(kind string) {
	card := k.view.Patron.Card
	k.view.Patron = Patron{}
	if card == "" {
		return
	}
	k.audit(kind, Last4(card))
	slog.Info("session ended", "card", Last4(card), "how", kind)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
		defer cancel()
		if err := k.ils.EndSession(ctx, card); err != nil {
			slog.Warn("end session not sent", "card", Last4(card), "err", err)
		}
	}()
}

// ilsDown marks the ILS unreachable and probes it in the background until it
// answers again.
func (k *Kiosk) ilsDown() {
	k.view.ILSDown = true
	if k.probing {
		return
	}
	k.probing = true
	var probe func()
	probe = func() {
		k.clock.AfterFunc(k.opts.RetryInterval, func() {
			ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
			err := k.ils.Ping(ctx)
			cancel()
			k.post(func() {
				if err != nil {
					probe()
					return
				}
				slog.Info("library system reachable again")
				k.probing = false
				k.view.ILSDown = false
				k.publish()
			})
		})
	}
	probe()
}

// Done is the patron's "Klaar".
func (k *Kiosk) Done() {
	k.post(func() {
		if k.view.Screen != ScreenWelcome {
			k.toAttract()
			return
		}
		k.endSession("session_end")
		k.show(ScreenNotice, NoticeGoodbye)
	})
}

// MoreTime is the "more time" button of the countdown; any tap counts too.
func (k *Kiosk) MoreTime() { k.post(k.activity) }

func (k *Kiosk) activity() {
	if k.view.Screen != ScreenWelcome {
		return
	}
	k.show(ScreenWelcome, NoticeNone) // re-arms the inactivity timer
}

// Help opens the help text; it closes with CloseHelp, on any change of
// screen, or after a session timeout, so nobody finds it left open.
func (k *Kiosk) Help() {
	k.post(func() {
		if k.view.Screen == ScreenWelcome {
			k.show(ScreenWelcome, NoticeNone) // re-arms the inactivity timer
		}
		k.view.Help = true
		k.publish()
		gen := k.gen
		k.clock.AfterFunc(k.opts.SessionTimeout, func() {
			k.post(func() {
				if k.gen == gen && k.view.Help {
					k.view.Help = false
					k.publish()
				}
			})
		})
	})
}

// CloseHelp closes the help text.
func (k *Kiosk) CloseHelp() {
	k.post(func() {
		if k.view.Help {
			k.view.Help = false
			k.publish()
		}
	})
}

// Back leaves a notice early.
func (k *Kiosk) Back() {
	k.post(func() {
		if k.view.Screen == ScreenNotice {
			k.toAttract()
		}
	})
}

// SetLanguage switches the language for this visit; it goes back to the
// default when the session ends.
func (k *Kiosk) SetLanguage(lang string) {
	k.post(func() {
		k.view.Lang = lang
		if k.view.Screen == ScreenWelcome {
			k.show(ScreenWelcome, NoticeNone)
			return
		}
		k.publish()
	})
}

// SetScanner records a scanner's state for the header icon.
func (k *Kiosk) SetScanner(st ScannerState) {
	k.post(func() {
		for i, s := range k.view.Scanners {
			if s.Name == st.Name {
				if s == st {
					return
				}
				k.view.Scanners[i] = st
				k.publish()
				return
			}
		}
		k.view.Scanners = append(k.view.Scanners, st)
		k.publish()
	})
}

// Last4 is how a card number appears in a log: its last four characters.
func Last4(card string) string {
	r := []rune(card)
	if len(r) <= 4 {
		return string(r)
	}
	return "…" + string(r[len(r)-4:])
}

// CheckILS asks the ILS whether it answers, and if not shows it in the header
// and keeps probing. main calls it once at start.
func (k *Kiosk) CheckILS() {
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
	err := k.ils.Ping(ctx)
	cancel()
	k.post(func() {
		if err != nil {
			slog.Warn("library system not reachable", "err", err)
			k.ilsDown()
			k.publish()
		}
	})
}
