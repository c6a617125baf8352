// Package kiosk is the application core: the patron session and its screens
// as plain values, with no Fyne. The UI renders View and calls back on taps;
// scanners call Scan. Everything runs on one event loop, so there are no locks
// around the session.
package kiosk

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune the core.
type Options struct {
	Lang           string        // default language, "nl"
	SessionTimeout time.Duration // inactivity before a session ends, 60 s
	Warning        time.Duration // visible countdown before it ends, 15 s
	NoticeTime     time.Duration // how long a notice stays, 8 s
	RequestTimeout time.Duration // one ILS call, 10 s
	RetryInterval  time.Duration // ILS probe while it is down, 5 s
	StatusInterval time.Duration // asking the ILS what it allows while up, 5 min
	FlashTime      time.Duration // how long a flash stays, 5 s
	PIN            PINMode       // default PINNever
	MaxPINTries    int           // wrong PINs before the session ends, 3
	Receipt        ReceiptKind   // the preselected receipt choice, ReceiptAsk = none preselected
	LibraryName    string        // on the receipt
	// Offline policy: whether to lend while the ILS is unreachable, how many
	// items a visit may borrow then, the loan period promised, and how long
	// a card is remembered for offline visits (0: not at all).
	OfflineBorrow   bool
	OfflineMaxItems int           // 5
	OfflineLoan     time.Duration // 21 days
	// OfflineLoanDays gives an item's own loan period by its barcode, where
	// the barcode rules know it (0: OfflineLoan).
	OfflineLoanDays func(item string) int
	PatronCache     time.Duration
	// MediaOf gives an item's media by its barcode, where the barcode rules
	// know it: for a row, loan or hold the ILS said no media of (no SIP2
	// CK), and for what is done offline. Nil: MediaUnknown.
	MediaOf func(item string) Media
	// Classify tells a patron card from an item or staff card; an error
	// means the code was misread (a check digit failed) and must not reach
	// the ILS. Nil treats codes starting with 3 as items, others as cards.
	Classify func(code string) (Kind, error)
	// Accept drops repeats of a scan (debounce); nil accepts every scan.
	Accept func(source, code string) bool
	// Translate renders a receipt text in language lang; nil leaves the
	// keys as they are.
	Translate func(lang, key string, data map[string]any) string
	// MaxRows is the most items one visit takes (60, and never fewer than
	// OfflineMaxItems): a scan burst cannot grow a visit without end, and
	// the patron is told when it is reached.
	MaxRows int
	// Logger gets the core's log lines; nil is slog.Default().
	Logger *slog.Logger
	// Study is the branch's study places; nil: none at this kiosk.
	Study *StudyPlan
	// Polls are asked on the goodbye screen (SetPolls gives their store);
	// PollKiosk names this kiosk in the answers; answers within
	// PollSpamWindow (4 s) of the one before are kept apart as filtered.
	Polls          []Poll
	PollKiosk      string
	PollSpamWindow time.Duration
	// News are the "U vroeg, wij deden" messages, in turn on the idle screen.
	News []News
}

func (o *Options) defaults() {
	if o.Lang == "" {
		o.Lang = DefaultLanguage
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
		o.RetryInterval = 5 * time.Second
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = 5 * time.Minute
	}
	if o.FlashTime <= 0 {
		o.FlashTime = 5 * time.Second
	}
	if o.PIN == "" {
		o.PIN = PINNever
	}
	if o.MaxPINTries <= 0 {
		o.MaxPINTries = 3
	}
	if o.OfflineMaxItems <= 0 {
		o.OfflineMaxItems = 5
	}
	if o.OfflineLoan <= 0 {
		o.OfflineLoan = 21 * 24 * time.Hour
	}
	if o.Receipt == "" {
		o.Receipt = ReceiptAsk
	}
	if o.Classify == nil {
		o.Classify = func(code string) (Kind, error) {
			if len(code) > 0 && code[0] == '3' {
				return KindItem, nil
			}
			return KindPatron, nil
		}
	}
	if o.Accept == nil {
		o.Accept = func(string, string) bool { return true }
	}
	if o.MaxRows <= 0 {
		o.MaxRows = max(60, o.OfflineMaxItems)
	}
	if o.PollSpamWindow <= 0 {
		o.PollSpamWindow = 4 * time.Second
	}
	if o.PollKiosk == "" {
		o.PollKiosk = "kiosk"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Translate == nil {
		o.Translate = func(_, key string, _ map[string]any) string { return key }
	}
}

// Kiosk is the core of one terminal. Everything it keeps is owned by its
// event loop; the public methods post to it.
type Kiosk struct {
	opts    Options
	log     *slog.Logger
	ils     ILS
	journal Journal
	audits  Audit
	patrons PatronCache
	printer Printer
	clock   Clock

	events chan func()
	// life is the context of all background work: Run's, once it runs; it
	// ends when Run returns, and nothing is posted to the loop after.
	life context.Context
	stop context.CancelFunc

	mu        sync.Mutex // guards listeners only
	listeners []func(View)

	// inflight counts the ILS calls whose outcome goes to the journal, and
	// the end-of-session messages: Run waits for them (a while) on stopping.
	inflight sync.WaitGroup

	// Owned by the event loop.
	screen  Screen
	notice  Notice
	busy    Busy
	chrome  Chrome
	visit   *visit
	gen     int // bumped whenever the screen changes; stale timers check it
	armed   int // bumped whenever the inactivity timer starts over
	timer   Timer
	probing bool
	idle    idleFlow
	visits  visitFlow
	replay  *replayer
	study   *StudyDesk
	studies studyFlow
	place   *studyVisit // the study-place visit, while one runs
	// seatsDirty: a change of the seats is posted and not yet counted.
	seatsDirty atomic.Bool
	// Polls: the store, the poll on the screen, what the visit ending now
	// was for, visits seen per poll (for 1 in N), the last answer's time.
	polls       PollStore
	poll        *pollVisit
	pendingPoll UsedService
	pollSeen    map[string]int
	lastAnswer  time.Time
	newsAt      int
}

// New makes a core; call Run to start it. printer may be nil.
func New(opts Options, ils ILS, store Store, clock Clock) *Kiosk {
	opts.defaults()
	if clock == nil {
		clock = SystemClock{}
	}
	life, stop := context.WithCancel(context.Background())
	k := &Kiosk{
		opts:    opts,
		log:     opts.Logger,
		ils:     ils,
		journal: store,
		audits:  store,
		patrons: store,
		clock:   clock,
		events:  make(chan func(), 256),
		life:    life,
		stop:    stop,
		screen:  ScreenAttract,
		chrome:  Chrome{Lang: opts.Lang},
	}
	k.visit = k.newVisit()
	k.pollSeen = map[string]int{}
	k.idle = idleFlow{k}
	k.visits = visitFlow{k}
	k.studies = studyFlow{k}
	k.replay = newReplayer(k, ils, store, opts.Logger)
	return k
}

// SetSeats gives the kiosk the store of its study places (Options.Study);
// call before Run.
func (k *Kiosk) SetSeats(store SeatStore) {
	if k.opts.Study == nil || store == nil {
		return
	}
	k.study = &StudyDesk{Plan: k.opts.Study, Store: store, Now: k.clock.Now}
	if u, ok := store.(UsageStore); ok {
		k.study.Usage = u
	}
}

// SetPrinter gives the kiosk a receipt printer; call before Run.
func (k *Kiosk) SetPrinter(p Printer) {
	k.printer = p
	k.chrome.CanPrint = p != nil
}

// Subscribe registers f to receive every new View, from the event loop's
// goroutine; the UI passes them on with fyne.Do. f gets the current View at once.
func (k *Kiosk) Subscribe(f func(View)) {
	k.post(func() {
		k.mu.Lock()
		k.listeners = append(k.listeners, f)
		k.mu.Unlock()
		f(k.View())
	})
}

// Run processes events until ctx ends, then ends any open session and stops
// the background work.
func (k *Kiosk) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, k.stop)
	defer stop()
	k.watchSeats()
	k.showNews()
	for {
		select {
		case <-k.life.Done():
			k.flow().end("session_end")
			k.drain()
			return ctx.Err()
		case f := <-k.events:
			f()
		}
	}
}

// stopWait is how long a stopping kiosk waits for its last ILS calls to
// be answered and journalled: well inside the 2 s a supervisor gives.
const stopWait = 1500 * time.Millisecond

// drain waits up to stopWait for the calls in flight, so the journal gets
// their outcomes before the store is closed; what is not back by then is
// in doubt, and looked up at the next start.
func (k *Kiosk) drain() {
	done := make(chan struct{})
	go func() { k.inflight.Wait(); close(done) }()
	t := time.NewTimer(stopWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		k.log.Warn("kiosk stopped with library calls unanswered: they are in doubt until the next start")
	}
}

// post hands f to the event loop; once the kiosk has stopped, f is dropped.
func (k *Kiosk) post(f func()) {
	select {
	case k.events <- f:
	case <-k.life.Done():
	}
}

// Sync returns once every event posted before it has been handled.
func (k *Kiosk) Sync() {
	done := make(chan struct{})
	k.post(func() { close(done) })
	select {
	case <-done:
	case <-k.life.Done():
	}
}

// View builds the View of now; call it on the event loop.
func (k *Kiosk) View() View {
	v := View{Screen: k.screen, Notice: k.notice, Busy: k.busy, Chrome: k.chrome, Poll: k.pollView()}
	if k.screen != ScreenAttract {
		v.Visit = k.visit.snapshot()
	}
	if k.place != nil && screens[k.screen].flow == flowStudy {
		v.Study = k.studyView()
	}
	return v
}

func (k *Kiosk) publish() {
	k.mu.Lock()
	ls := k.listeners
	k.mu.Unlock()
	if len(ls) == 0 {
		return
	}
	v := k.View()
	for _, f := range ls {
		f(v)
	}
}

// show moves to a new screen: timers of the old one no longer fire, and a
// question or help left open closes.
func (k *Kiosk) show(s Screen, n Notice) {
	k.gen++
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	k.screen, k.notice = s, n
	k.chrome.Warning, k.chrome.SecondsLeft = false, 0
	k.chrome.Help = false
	k.chrome.Flash = NoticeNone
	k.visit.confirm, k.visit.switchTo, k.visit.switchName = ConfirmNone, "", ""
	k.poll = nil
	if s == ScreenNotice && goodbye(n) {
		k.offerPoll() // after the receipt, never before it
	}
	k.pendingPoll = ""
	switch {
	case s == ScreenNotice:
		k.after(k.opts.NoticeTime, k.toAttract)
	case screens[s].session:
		k.after(k.opts.SessionTimeout-k.opts.Warning, k.startCountdown)
	}
	k.publish()
}

// goodbye reports whether n ends a visit (where a poll may come).
func goodbye(n Notice) bool {
	switch n {
	case NoticeGoodbye, NoticeTakeReceipt, NoticeThanksReturn, NoticeLeftPlace:
		return true
	}
	return false
}

// after runs f on the loop after d, unless the screen has changed or the
// inactivity timer started over by then.
func (k *Kiosk) after(d time.Duration, f func()) {
	gen, armed := k.gen, k.armed
	k.timer = k.clock.AfterFunc(d, func() {
		k.post(func() {
			if k.gen == gen && k.armed == armed {
				f()
			}
		})
	})
}

// mediaOf is item's media by the barcode rules, MediaUnknown if they do
// not say.
func (k *Kiosk) mediaOf(item string) Media {
	if k.opts.MediaOf == nil {
		return MediaUnknown
	}
	return k.opts.MediaOf(item)
}

// forget clears every trace of the patron from the core: the visit starts
// over empty.
func (k *Kiosk) forget() { k.visit = k.newVisit() }

func (k *Kiosk) toAttract() {
	k.forget()
	k.place = nil
	k.chrome.Lang = k.opts.Lang
	k.show(ScreenAttract, NoticeNone)
}

func (k *Kiosk) startCountdown() {
	k.chrome.Warning = true
	k.chrome.Help = false
	k.visit.confirm = ConfirmNone
	k.chrome.SecondsLeft = int(k.opts.Warning / time.Second)
	k.publish()
	k.tick()
}

func (k *Kiosk) tick() {
	k.after(time.Second, func() {
		k.chrome.SecondsLeft--
		if k.chrome.SecondsLeft <= 0 {
			k.flow().end("session_timeout")
			k.show(ScreenNotice, NoticeTimedOut)
			return
		}
		k.publish()
		k.tick()
	})
}

// flash shows a short message on the current screen for FlashTime. The same
// message again only starts its time over: a burst of scans redraws nothing.
func (k *Kiosk) flash(n Notice) {
	again := k.chrome.Flash == n
	k.chrome.Flash = n
	if !again {
		k.publish()
	}
	gen := k.gen
	k.clock.AfterFunc(k.opts.FlashTime, func() {
		k.post(func() {
			if k.gen == gen && k.chrome.Flash == n {
				k.chrome.Flash = NoticeNone
				k.publish()
			}
		})
	})
}

// activity is a tap or a scan in a session: the inactivity timer starts
// over, and a countdown on the screen closes at once.
func (k *Kiosk) activity() {
	if !screens[k.screen].session {
		return
	}
	warned := k.chrome.Warning
	k.rearm()
	if warned {
		k.publish()
	}
}

// rearm starts the inactivity timer of the current screen over, keeping
// everything else on it; a countdown running closes. The caller publishes.
func (k *Kiosk) rearm() {
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	k.armed++
	k.chrome.Warning, k.chrome.SecondsLeft = false, 0
	if screens[k.screen].session {
		k.after(k.opts.SessionTimeout-k.opts.Warning, k.startCountdown)
	}
}

// MoreTime is the "more time" button of the countdown; any tap counts too.
func (k *Kiosk) MoreTime() { k.post(k.activity) }

// Help opens the help text; it closes with CloseHelp, on any change of
// screen, or after a session timeout, so nobody finds it left open.
func (k *Kiosk) Help() {
	k.post(func() {
		k.activity()
		k.chrome.Help = true
		k.publish()
		gen := k.gen
		k.clock.AfterFunc(k.opts.SessionTimeout, func() {
			k.post(func() {
				if k.gen == gen && k.chrome.Help {
					k.chrome.Help = false
					k.publish()
				}
			})
		})
	})
}

// CloseHelp closes the help text.
func (k *Kiosk) CloseHelp() {
	k.post(func() {
		if k.chrome.Help {
			k.chrome.Help = false
			k.publish()
		}
	})
}

// SetLanguage switches the language for this visit; it goes back to the
// default when the session ends.
func (k *Kiosk) SetLanguage(lang string) {
	k.post(func() {
		if !KnownLanguage(lang) {
			k.log.Warn("language not known: not switched", "lang", lang)
			return
		}
		k.chrome.Lang = lang
		k.activity()
		k.publish()
	})
}

// SetScanner records a scanner's state for the header icon.
func (k *Kiosk) SetScanner(st ScannerState) {
	k.post(func() {
		i := slices.IndexFunc(k.chrome.Scanners, func(s ScannerState) bool { return s.Name == st.Name })
		if i >= 0 && k.chrome.Scanners[i] == st {
			return
		}
		// A new slice: Views published before keep the one they had.
		scanners := slices.Clone(k.chrome.Scanners)
		if i >= 0 {
			scanners[i] = st
		} else {
			scanners = append(scanners, st)
		}
		k.chrome.Scanners = scanners
		k.publish()
	})
}

// audit records a session event; card is already cut to its last 4.
func (k *Kiosk) audit(kind, card string) {
	if k.audits == nil {
		return
	}
	if err := k.audits.RecordAudit(k.clock.Now(), kind, card); err != nil {
		k.log.Error("audit not written", "kind", kind, "card", card, "err", err)
	}
}

// Last4 is how a card number appears in a log: its last four characters.
func Last4(card string) string {
	r := []rune(card)
	if len(r) <= 4 {
		return string(r)
	}
	return "…" + string(r[len(r)-4:])
}
