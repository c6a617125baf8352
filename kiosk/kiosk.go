// Package kiosk is the application core: the patron session and its screens
// as plain values, with no Fyne. The UI renders View and calls back on taps;
// scanners call Scan. Everything runs on one event loop, so there are no locks
// around the session.
package kiosk

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Screen is what the body of the kiosk shows.
type Screen int

const (
	ScreenAttract      Screen = iota // "Scan uw bibliotheekpas"
	ScreenBusy                       // a spinner while the ILS answers
	ScreenWelcome                    // the patron's home: summary, borrowed items
	ScreenNotice                     // a message, then back to attract
	ScreenPIN                        // the keypad
	ScreenLoans                      // the patron's loans, to renew
	ScreenReturn                     // returning items, no card needed
	ScreenReceipt                    // print, show or no receipt?
	ScreenReceiptShown               // the receipt on the screen
)

// Notice names a message: a whole screen (ScreenNotice) or a short flash.
type Notice int

const (
	NoticeNone Notice = iota
	NoticeUnknownCard
	NoticeCardLost
	NoticeUnavailable
	NoticeGoodbye
	NoticeTimedOut
	NoticeNotACard
	NoticeStaffCard
	NoticeMisread
	NoticePINWrong      // flash: try again
	NoticePINLocked     // three wrong PINs: session over
	NoticeAlreadyListed // flash: this item is already on the list
	NoticeStaffIgnored  // flash: a staff card in a patron session
	NoticeCardInReturn  // flash: only items while returning
	NoticeItemFirst     // flash: scan your card to borrow
	NoticeTakeReceipt   // goodbye with a printed receipt
	NoticePrinterFailed // flash on the shown receipt: the printer did not work
	NoticeThanksReturn  // goodbye after returning
	NoticeStoreFull     // the journal could not be written: nothing was sent
	NoticeAnswerFirst   // flash in the open question: an item scanned now is not lent
	NoticeReturnsOff    // the library system takes no returns at the kiosk now
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

// Confirm is a question the kiosk waits on.
type Confirm int

const (
	ConfirmNone Confirm = iota
	// ConfirmSwitchPatron: another card was scanned; end this session?
	ConfirmSwitchPatron
)

// RowState is where one transaction of this visit stands.
type RowState int

const (
	RowPending RowState = iota // the ILS has not answered yet
	RowOK
	RowRefused // the ILS said no: Reason says why
	RowFailed  // it did not happen: Failure says why
)

// Row is one borrowing, renewal or return of this visit, as the patron sees it.
type Row struct {
	ID    int
	Kind  TxKind
	Item  string
	Title string
	Due   time.Time
	State RowState
	// Reason and Message explain a refusal; HoldShelf and ToDesk say where a
	// returned item goes.
	Reason            Reason
	Message           string
	HoldShelf, ToDesk bool
	// Offline: done while the ILS was unreachable; it is sent later.
	Offline bool
	// Failure explains a failed row: NoticeUnavailable or NoticeStoreFull.
	Failure Notice
	// Unchanged: a renewal the ILS accepted that left the due date as it was.
	Unchanged bool
}

// LoadState is how far a list fetched in the background has come.
type LoadState int

const (
	NotLoaded LoadState = iota
	Loading
	Loaded
	LoadFailed
)

// ReceiptKind is the patron's choice of receipt.
type ReceiptKind string

const (
	ReceiptAsk    ReceiptKind = "ask"
	ReceiptPrint  ReceiptKind = "print"
	ReceiptScreen ReceiptKind = "screen"
	ReceiptNone   ReceiptKind = "none"
)

// PINMode says when the kiosk asks for a PIN.
type PINMode string

const (
	PINNever  PINMode = "never"
	PINAlways PINMode = "always"
	PINILS    PINMode = "ils" // when the ILS says the patron has one
)

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
	// ILSDown: the library system is unreachable and the kiosk works
	// offline since OfflineSince; Waiting transactions are still to be sent.
	ILSDown      bool
	OfflineSince time.Time
	Waiting      int
	// ILSFault: the ILS refuses the kiosk's settings, for staff.
	ILSFault ILSFault
	// Service is what the library system last said the kiosk may do.
	Service  Service
	Scanners []ScannerState
	// Help is set while the help text is open.
	Help bool
	// Flash is a short message on a session screen ("scan again"), gone
	// after a few seconds or at the next action.
	Flash Notice
	// PINLength is how many digits were typed (they show as dots).
	PINLength int
	// Rows are this visit's borrowings and renewals, or its returns.
	Rows       []Row
	Loans      []Loan
	LoansState LoadState
	// Holds are the patron's reservations, fetched in the background when
	// the ILS counted any.
	Holds      []Hold
	HoldsState LoadState
	Confirm    Confirm
	// ReceiptDefault is the choice preselected on ScreenReceipt;
	// CanPrint says whether a printer is there to offer.
	ReceiptDefault ReceiptKind
	CanPrint       bool
	// Receipt is shown on ScreenReceiptShown.
	Receipt Receipt
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

// InSession reports whether a patron (or a return) is at the kiosk: the
// screens with an inactivity countdown.
func (v View) InSession() bool {
	switch v.Screen {
	case ScreenWelcome, ScreenPIN, ScreenLoans, ScreenReturn, ScreenReceipt, ScreenReceiptShown:
		return true
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
	// Classify tells a patron card from an item or staff card; an error
	// means the code was misread (a check digit failed) and must not reach
	// the ILS. Nil treats codes starting with 3 as items, others as cards.
	Classify func(code string) (Kind, error)
	// Accept drops repeats of a scan (debounce); nil accepts every scan.
	Accept func(source, code string) bool
	// Translate renders a receipt text in language lang; nil leaves the
	// keys as they are.
	Translate func(lang, key string, data map[string]any) string
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
	if o.Translate == nil {
		o.Translate = func(_, key string, _ map[string]any) string { return key }
	}
}

// Kiosk is the core of one terminal.
type Kiosk struct {
	opts    Options
	ils     ILS
	store   Store
	printer Printer
	clock   Clock

	events chan func()

	mu        sync.Mutex // guards listeners only
	listeners []func(View)

	// Owned by the event loop.
	view      View
	gen       int // bumped whenever the screen changes; stale timers check it
	timer     Timer
	probing   bool
	pin       string // the PIN being typed or accepted; never in View
	tries     int    // wrong PINs this session
	nextRow   int
	switchTo  string // the card waiting on ConfirmSwitchPatron
	replaying bool   // the sync worker is sending journalled transactions
	again     bool   // more to send once it is done

	// offlineOff: the ILS said offline ok N, so a replay goes without no
	// block and the ILS judges it as new (read by the sync worker).
	offlineOff atomic.Bool
	// seen: journal id → what the patron saw (a doubtSeen) of an online
	// transaction sent in this run whose outcome the journal lacks yet.
	seen sync.Map
}

// New makes a core; call Run to start it. printer may be nil.
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
		events: make(chan func(), 256),
		view:   View{Screen: ScreenAttract, Lang: opts.Lang, ReceiptDefault: opts.Receipt},
	}
}

// SetPrinter gives the kiosk a receipt printer; call before Run.
func (k *Kiosk) SetPrinter(p Printer) {
	k.printer = p
	k.view.CanPrint = p != nil
}

// Subscribe registers f to receive every new View, from the event loop's
// goroutine; the UI passes them on with fyne.Do. f gets the current View at once.
func (k *Kiosk) Subscribe(f func(View)) {
	k.post(func() {
		k.mu.Lock()
		k.listeners = append(k.listeners, f)
		k.mu.Unlock()
		f(k.copyView())
	})
}

// Run processes events until ctx ends, then ends any open session.
func (k *Kiosk) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			if k.view.Patron.Card != "" {
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

func (k *Kiosk) copyView() View {
	v := k.view
	v.Scanners = append([]ScannerState(nil), v.Scanners...)
	v.Patron.Blocks = append([]Block(nil), v.Patron.Blocks...)
	v.Patron.Messages = append([]string(nil), v.Patron.Messages...)
	v.Rows = append([]Row(nil), v.Rows...)
	v.Loans = append([]Loan(nil), v.Loans...)
	v.Holds = append([]Hold(nil), v.Holds...)
	v.Receipt.Lines = append([]ReceiptLine(nil), v.Receipt.Lines...)
	return v
}

func (k *Kiosk) publish() {
	k.mu.Lock()
	ls := k.listeners
	k.mu.Unlock()
	v := k.copyView()
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
	k.view.Screen, k.view.Notice = s, n
	k.view.Warning, k.view.SecondsLeft = false, 0
	k.view.Help = false
	k.view.Flash = NoticeNone
	k.view.Confirm = ConfirmNone
	switch {
	case s == ScreenNotice:
		k.after(k.opts.NoticeTime, k.toAttract)
	case k.view.InSession():
		k.after(k.opts.SessionTimeout-k.opts.Warning, k.startCountdown)
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

// forget clears every trace of the patron from the View and the core.
func (k *Kiosk) forget() {
	k.view.Patron = Patron{}
	k.view.Rows = nil
	k.view.Loans = nil
	k.view.LoansState = NotLoaded
	k.view.Holds = nil
	k.view.HoldsState = NotLoaded
	k.view.PINLength = 0
	k.view.Receipt = Receipt{}
	k.pin = ""
	k.tries = 0
	k.switchTo = ""
}

func (k *Kiosk) toAttract() {
	k.forget()
	k.view.Lang = k.opts.Lang
	k.show(ScreenAttract, NoticeNone)
}

func (k *Kiosk) startCountdown() {
	k.view.Warning = true
	k.view.Help = false
	k.view.Confirm = ConfirmNone
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

// activity is a tap or a scan in a session: the inactivity timer starts over.
func (k *Kiosk) activity() {
	if !k.view.InSession() {
		return
	}
	k.rearm()
}

// rearm restarts the inactivity timer of the current screen, keeping its state.
func (k *Kiosk) rearm() {
	help, flash, confirm := k.view.Help, k.view.Flash, k.view.Confirm
	k.show(k.view.Screen, k.view.Notice)
	k.view.Help, k.view.Flash, k.view.Confirm = help, flash, confirm
	k.publish()
}

// MoreTime is the "more time" button of the countdown; any tap counts too.
func (k *Kiosk) MoreTime() { k.post(k.activity) }

// Help opens the help text; it closes with CloseHelp, on any change of
// screen, or after a session timeout, so nobody finds it left open.
func (k *Kiosk) Help() {
	k.post(func() {
		k.activity()
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

// Back leaves a notice early, or goes from the loans back to the patron's home.
func (k *Kiosk) Back() {
	k.post(func() {
		switch k.view.Screen {
		case ScreenNotice:
			k.toAttract()
		case ScreenLoans, ScreenReceipt:
			k.show(ScreenWelcome, NoticeNone)
		}
	})
}

// SetLanguage switches the language for this visit; it goes back to the
// default when the session ends.
func (k *Kiosk) SetLanguage(lang string) {
	k.post(func() {
		k.view.Lang = lang
		if k.view.InSession() {
			k.rearm()
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

// audit records a session event; card is already cut to its last 4.
func (k *Kiosk) audit(kind, card string) {
	if k.store == nil {
		return
	}
	if err := k.store.RecordAudit(k.clock.Now(), kind, card); err != nil {
		slog.Error("audit not written", "kind", kind, "card", card, "err", err)
	}
}

// ilsDown switches the kiosk offline and probes the ILS in the background
// until it answers again; then the journal is replayed. err is why.
func (k *Kiosk) ilsDown(err error) {
	if !k.view.ILSDown {
		k.view.ILSDown = true
		k.view.OfflineSince = k.clock.Now()
		slog.Warn("library system unreachable: working offline", "err", err)
	}
	k.noteFault(err)
	if k.probing {
		return
	}
	k.probing = true
	var probe func()
	probe = func() {
		k.clock.AfterFunc(k.opts.RetryInterval, func() {
			svc, err := k.ping()
			k.post(func() {
				if err != nil {
					k.noteFault(err)
					probe()
					return
				}
				k.probing = false
				k.noteFault(nil)
				k.setService(svc)
				k.replay()
			})
		})
	}
	probe()
}

func (k *Kiosk) ping() (Service, error) {
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.RequestTimeout)
	defer cancel()
	return k.ils.Ping(ctx)
}

// noteFault records whether the ILS refuses the kiosk's own settings (a
// login or character set it will not take): staff must fix the
// configuration, waiting will not help. Logged once per change.
func (k *Kiosk) noteFault(err error) {
	f := faultOf(err)
	if f == k.view.ILSFault {
		return
	}
	k.view.ILSFault = f
	if f != FaultNone {
		slog.Error("the library system refuses the kiosk's settings: fix the configuration",
			"fault", f.String(), "config", f.ConfigKeys(), "err", err)
	} else {
		slog.Info("the library system accepts the kiosk's settings again")
	}
	k.publish()
}

// setService keeps what the ILS allows; a change is logged for staff.
func (k *Kiosk) setService(s Service) {
	if s == k.view.Service {
		return
	}
	if !s.Limits() {
		slog.Info("library system allows the kiosk everything", "renew_all", s.RenewAll)
	} else {
		slog.Warn("the library system's status (98) limits the kiosk", "service", s.String())
	}
	k.view.Service = s
	k.offlineOff.Store(s.NoOffline)
	k.publish()
}

// CheckILS asks the ILS whether it answers, and if not shows it in the header
// and keeps probing; while it answers it asks again every StatusInterval
// what it allows. main calls it once at start.
func (k *Kiosk) CheckILS() {
	svc, err := k.ping()
	k.post(func() {
		k.countWaiting()
		slog.Info("journal checked", "waiting", k.view.Waiting)
		k.watchService()
		if err != nil {
			slog.Warn("library system not reachable", "err", err)
			k.ilsDown(err)
			k.publish()
			return
		}
		k.setService(svc)
		k.replay() // what an earlier run left unsent
	})
}

// watchService asks the ILS what it allows every StatusInterval while it is
// up (the probe asks while it is down).
func (k *Kiosk) watchService() {
	k.clock.AfterFunc(k.opts.StatusInterval, func() {
		k.post(func() {
			defer k.watchService()
			if k.view.ILSDown || k.probing {
				return
			}
			go func() {
				svc, err := k.ping()
				k.post(func() {
					if err != nil {
						slog.Warn("library system status not read", "err", err)
						return
					}
					k.setService(svc)
				})
			}()
		})
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
