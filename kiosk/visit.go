package kiosk

import (
	"context"
	"errors"
	"slices"
)

// visit is what the kiosk knows of the patron at it, or of a pile of
// returns: owned by the event loop, forgotten whole when the visit ends.
type visit struct {
	patron Patron
	pin    string // the PIN being typed or accepted; never in a View
	tries  int    // wrong PINs this visit
	rows   []Row
	nextID int

	loans      []Loan
	loansState LoadState
	holds      []Hold
	holdsState LoadState

	confirm    Confirm
	switchTo   string // the card the open question is about
	switchName string // its patron's name, once the ILS said it

	receiptDefault ReceiptKind
	receipt        Receipt
	maxRows        int
	maxTries       int
}

func (k *Kiosk) newVisit() *visit {
	return &visit{receiptDefault: k.opts.Receipt, maxRows: k.opts.MaxRows, maxTries: k.opts.MaxPINTries}
}

// snapshot is the visit as a View shows it, in slices of its own.
func (v *visit) snapshot() Visit {
	p := v.patron
	p.Blocks = slices.Clone(p.Blocks)
	p.Messages = slices.Clone(p.Messages)
	rec := v.receipt
	rec.Lines = slices.Clone(rec.Lines)
	rec.Footer = slices.Clone(rec.Footer)
	return Visit{
		Patron:         p,
		PINLength:      len(v.pin),
		PINWrong:       v.tries,
		PINTriesLeft:   v.maxTries - v.tries,
		Rows:           slices.Clone(v.rows),
		Full:           v.full(),
		Loans:          slices.Clone(v.loans),
		LoansState:     v.loansState,
		Holds:          slices.Clone(v.holds),
		HoldsState:     v.holdsState,
		Confirm:        v.confirm,
		SwitchName:     v.switchName,
		ReceiptDefault: v.receiptDefault,
		Receipt:        rec,
	}
}

func (v *visit) full() bool { return len(v.rows) >= v.maxRows }

// visitFlow is a patron's visit: card, PIN, borrowing, renewing, the
// receipt; and returning items, with or without a card.
type visitFlow struct{ k *Kiosk }

func (f visitFlow) scan(code string, kind Kind, misread error) {
	k, v := f.k, f.k.visit
	if k.screen == ScreenBusy {
		return // one thing at a time
	}
	k.activity()
	if v.confirm != ConfirmNone && (misread != nil || kind != KindPatron) {
		// The question waits on an answer: nothing is lent to anyone until
		// then, and the patron reads why the scan did nothing.
		k.flash(NoticeAnswerFirst)
		return
	}
	switch {
	case misread != nil:
		k.flash(NoticeMisread)
	case kind == KindStaff:
		k.flash(NoticeStaffIgnored)
	case k.screen == ScreenReturn && kind == KindPatron:
		f.ask(ConfirmBorrowNext, code)
	case k.screen == ScreenReturn && kind == KindItem:
		k.transactOnce(TxCheckin, code)
	case k.screen == ScreenReturn:
		k.flash(NoticeCardInReturn)
	case kind == KindPatron && code != v.patron.Card:
		f.ask(ConfirmSwitchPatron, code) // the newest card is the one the question is about
	case kind == KindPatron:
		if v.confirm != ConfirmNone { // the patron's own card again: still their visit
			v.confirm, v.switchTo, v.switchName = ConfirmNone, "", ""
			k.publish()
		}
	case kind == KindItem:
		if k.screen == ScreenPIN || k.screen == ScreenReceiptShown {
			return
		}
		if k.screen != ScreenWelcome {
			k.show(ScreenWelcome, NoticeNone)
		}
		k.transactOnce(TxCheckout, code)
	default:
		k.flash(NoticeNotACard)
	}
}

// ask opens a question about another card, and asks the ILS whose it is
// so the buttons can name who goes on.
func (f visitFlow) ask(c Confirm, card string) {
	k, v := f.k, f.k.visit
	v.confirm, v.switchTo, v.switchName = c, card, ""
	k.publish()
	if c != ConfirmSwitchPatron || k.chrome.ILS.Down {
		return
	}
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		name, err := k.ils.PatronName(ctx, card)
		k.post(func() {
			if err == nil && k.visit == v && v.switchTo == card && v.confirm == c {
				v.switchName = name
				k.publish()
			}
		})
	}()
}

// Answer answers the open question: yes goes on with the other card.
func (k *Kiosk) Answer(yes bool) {
	k.post(func() {
		v := k.visit
		if v.confirm == ConfirmNone {
			return
		}
		card := v.switchTo
		v.confirm, v.switchTo, v.switchName = ConfirmNone, "", ""
		if !yes || card == "" {
			k.activity()
			k.publish()
			return
		}
		k.visits.end("session_end")
		k.chrome.Lang = k.opts.Lang
		k.visits.lookup(card)
	})
}

func (f visitFlow) done() {
	k, v := f.k, f.k.visit
	switch k.screen {
	case ScreenReturn:
		if len(k.receiptRows()) > 0 {
			k.show(ScreenReceipt, NoticeNone) // a return receipt, if the patron wants one
			return
		}
		f.end("session_end")
		k.show(ScreenNotice, NoticeThanksReturn)
	case ScreenWelcome, ScreenLoans:
		if len(k.receiptRows()) > 0 {
			k.show(ScreenReceipt, NoticeNone)
			return
		}
		f.end("session_end")
		k.show(ScreenNotice, NoticeGoodbye)
	case ScreenPIN, ScreenReceipt, ScreenReceiptShown:
		f.goodbye(v, NoticeGoodbye)
	default:
		k.toAttract()
	}
}

// goodbye ends the visit with the notice that fits it.
func (f visitFlow) goodbye(v *visit, n Notice) {
	returning := v.patron.Card == ""
	f.end("session_end")
	if returning && n == NoticeGoodbye {
		n = NoticeThanksReturn
	}
	f.k.show(ScreenNotice, n)
}

func (f visitFlow) back() {
	k := f.k
	switch k.screen {
	case ScreenLoans:
		k.show(ScreenWelcome, NoticeNone)
	case ScreenReceipt:
		if k.visit.patron.Card == "" {
			k.show(ScreenReturn, NoticeNone)
		} else {
			k.show(ScreenWelcome, NoticeNone)
		}
	}
}

// end tells the ILS and the audit trail that the patron left, and forgets
// the visit.
func (f visitFlow) end(why string) {
	k := f.k
	card := k.visit.patron.Card
	if why == "session_end" && len(k.receiptRows()) > 0 {
		if card == "" {
			k.used(AfterReturn)
		} else {
			k.used(AfterCheckout)
		}
	}
	k.forget()
	if card == "" {
		return
	}
	k.audit(why, Last4(card))
	k.log.Info("session ended", "card", Last4(card), "how", why)
	k.inflight.Add(1)
	go func() {
		defer k.inflight.Done()
		// Sent also when the kiosk stops: Run waits for it a moment.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(k.life), k.opts.RequestTimeout)
		defer cancel()
		if err := k.ils.EndSession(ctx, card); err != nil {
			k.log.Warn("end session not sent", "card", Last4(card), "err", err)
		}
	}()
}

// ctx is the context of one ILS call: it ends with Run too.
func (k *Kiosk) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(k.life, k.opts.RequestTimeout)
}

// lookup asks the ILS about a card (with the PIN typed, if any).
func (f visitFlow) lookup(card string) {
	k := f.k
	if k.chrome.ILS.Down {
		k.offlineSession(card) // the probe says when the ILS is back
		return
	}
	k.busy = BusyLookup
	k.show(ScreenBusy, NoticeNone)
	gen := k.gen
	pin := k.visit.pin
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		p, err := k.ils.PatronInfo(ctx, card, pin)
		k.post(func() {
			if k.gen == gen {
				f.lookedUp(card, p, err)
			}
		})
	}()
}

func (f visitFlow) lookedUp(card string, p Patron, err error) {
	k, v := f.k, f.k.visit
	switch {
	case errors.Is(err, ErrUnknownPatron):
		k.log.Info("unknown card", "card", Last4(card))
		k.remember(Patron{Card: card, Unknown: true})
		k.forget()
		k.show(ScreenNotice, NoticeUnknownCard)
	case err != nil && unreachable(err):
		k.log.Warn("patron lookup failed", "card", Last4(card), "err", err)
		k.ilsDown(err)
		k.countWaiting()
		k.offlineSession(card)
	case err != nil:
		k.log.Warn("patron lookup failed", "card", Last4(card), "err", err)
		k.forget()
		k.show(ScreenNotice, NoticeUnavailable)
	case p.Has(BlockCardLost):
		// A lost card is not the patron's to use: no summary, no session.
		k.log.Info("card reported lost", "card", Last4(card))
		p.Card = card
		k.remember(p)
		k.forget()
		k.show(ScreenNotice, NoticeCardLost)
	case v.pin == "" && k.needPIN(p):
		v.patron = Patron{Card: card, Name: p.Name}
		k.show(ScreenPIN, NoticeNone)
	case v.pin != "" && p.PINChecked && !p.PINValid:
		f.wrongPIN(card)
	default:
		p.Card = card
		k.remember(p)
		v.patron = p
		k.chrome.ILS.Down = false
		k.show(ScreenWelcome, NoticeNone)
		// After the screen: the audit line need not hold up the greeting.
		k.audit("session_start", Last4(card))
		k.log.Info("session started", "card", Last4(card))
		k.loadLists()
	}
}

func (k *Kiosk) needPIN(p Patron) bool {
	switch k.opts.PIN {
	case PINAlways:
		return true
	case PINILS:
		return p.PINChecked && !p.PINValid
	}
	return false
}

func (f visitFlow) wrongPIN(card string) {
	k, v := f.k, f.k.visit
	v.tries++
	v.pin = ""
	k.log.Info("wrong PIN", "card", Last4(card), "tries", v.tries)
	if v.tries >= v.maxTries {
		k.audit("pin_locked", Last4(card))
		k.forget()
		k.show(ScreenNotice, NoticePINLocked)
		return
	}
	k.show(ScreenPIN, NoticeNone)
	k.flash(NoticePINWrong)
}

// maxPIN is the longest PIN the keypad takes.
const maxPIN = 8

// PINDigit adds a digit to the PIN being typed.
func (k *Kiosk) PINDigit(d rune) {
	k.post(func() {
		v := k.visit
		if k.screen != ScreenPIN || d < '0' || d > '9' || len(v.pin) >= maxPIN {
			return
		}
		v.pin += string(d)
		k.rearm()
		k.publish()
	})
}

// PINBackspace removes the last digit.
func (k *Kiosk) PINBackspace() {
	k.post(func() {
		v := k.visit
		if k.screen != ScreenPIN || v.pin == "" {
			return
		}
		v.pin = v.pin[:len(v.pin)-1]
		k.rearm()
		k.publish()
	})
}

// PINSubmit checks the PIN with the ILS.
func (k *Kiosk) PINSubmit() {
	k.post(func() {
		if k.screen != ScreenPIN || k.visit.pin == "" {
			return
		}
		k.visits.lookup(k.visit.patron.Card)
	})
}

// StartReturn opens "Inleveren": items can be returned without a card.
func (k *Kiosk) StartReturn() {
	k.post(func() {
		if screens[k.screen].flow != flowIdle {
			return
		}
		k.forget()
		svc := k.chrome.ILS.Service
		if svc.NoCheckin || k.chrome.ILS.Down && svc.NoOffline {
			k.show(ScreenNotice, NoticeReturnsOff) // before the patron scans a pile
			return
		}
		k.show(ScreenReturn, NoticeNone)
	})
}

// remember keeps what the ILS said of a card for visits while it is down.
func (k *Kiosk) remember(p Patron) {
	if k.opts.PatronCache <= 0 {
		return
	}
	if err := k.patrons.RememberPatron(p, k.clock.Now()); err != nil {
		k.log.Error("patron cache not written", "card", Last4(p.Card), "err", err)
	}
}
