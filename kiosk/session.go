package kiosk

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
)

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
	if misread != nil {
		slog.Info("scan misread", "source", s.Source, "err", misread)
	}
	switch k.view.Screen {
	case ScreenBusy:
		return // one thing at a time
	case ScreenAttract, ScreenNotice:
		switch {
		case misread != nil:
			k.show(ScreenNotice, NoticeMisread)
		case kind == KindPatron:
			k.forget()
			k.lookup(code)
		case kind == KindStaff:
			k.show(ScreenNotice, NoticeStaffCard)
		case kind == KindItem:
			k.show(ScreenNotice, NoticeItemFirst)
		default:
			k.show(ScreenNotice, NoticeNotACard)
		}
		return
	}
	k.activity()
	if k.view.Confirm == ConfirmSwitchPatron && (misread != nil || kind != KindPatron) {
		// Whose visit this is waits on the answer: nothing is lent to anyone
		// until then, and the patron reads why the scan did nothing.
		k.flash(NoticeAnswerFirst)
		return
	}
	switch {
	case misread != nil:
		k.flash(NoticeMisread)
	case k.view.Screen == ScreenReturn:
		if kind == KindItem {
			k.checkin(code)
		} else {
			k.flash(NoticeCardInReturn)
		}
	case kind == KindStaff:
		k.flash(NoticeStaffIgnored)
	case kind == KindPatron:
		switch {
		case code != k.view.Patron.Card:
			k.switchTo = code // the newest card is the one the question is about
			k.view.Confirm = ConfirmSwitchPatron
			k.publish()
		case k.view.Confirm != ConfirmNone:
			// The patron's own card again: it is still their visit.
			k.switchTo = ""
			k.view.Confirm = ConfirmNone
			k.publish()
		}
	case kind == KindItem:
		if k.view.Screen == ScreenPIN || k.view.Screen == ScreenReceiptShown {
			return
		}
		if k.view.Screen != ScreenWelcome {
			k.show(ScreenWelcome, NoticeNone)
		}
		k.checkout(code)
	default:
		k.flash(NoticeNotACard)
	}
}

// Answer answers the open question: yes ends this session for the new card.
func (k *Kiosk) Answer(yes bool) {
	k.post(func() {
		if k.view.Confirm == ConfirmNone {
			return
		}
		k.view.Confirm = ConfirmNone
		card := k.switchTo
		k.switchTo = ""
		if !yes || card == "" {
			k.rearm()
			return
		}
		k.endSession("session_end")
		k.forget()
		k.view.Lang = k.opts.Lang
		k.lookup(card)
	})
}

// ctx is the context of one ILS call.
func (k *Kiosk) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), k.opts.RequestTimeout)
}

// lookup asks the ILS about a card (with the PIN typed, if any).
func (k *Kiosk) lookup(card string) {
	if k.view.ILSDown {
		k.offlineSession(card) // the probe says when the ILS is back
		return
	}
	k.show(ScreenBusy, NoticeNone)
	gen := k.gen
	pin := k.pin
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		p, err := k.ils.PatronInfo(ctx, card, pin)
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
		k.remember(Patron{Card: card, Unknown: true})
		k.show(ScreenNotice, NoticeUnknownCard)
	case err != nil && unreachable(err):
		slog.Warn("patron lookup failed", "card", Last4(card), "err", err)
		k.ilsDown(err)
		k.countWaiting()
		k.offlineSession(card)
	case err != nil:
		slog.Warn("patron lookup failed", "card", Last4(card), "err", err)
		k.show(ScreenNotice, NoticeUnavailable)
	case p.Has(BlockCardLost):
		// A lost card is not the patron's to use: no summary, no session.
		slog.Info("card reported lost", "card", Last4(card))
		p.Card = card
		k.remember(p)
		k.show(ScreenNotice, NoticeCardLost)
	case k.pin == "" && k.needPIN(p):
		k.view.Patron = Patron{Card: card, Name: p.Name}
		k.view.PINLength = 0
		k.show(ScreenPIN, NoticeNone)
	case k.pin != "" && p.PINChecked && !p.PINValid:
		k.wrongPIN(card)
	default:
		p.Card = card
		k.remember(p)
		k.view.Patron = p
		k.view.ILSDown = false
		k.show(ScreenWelcome, NoticeNone)
		// After the screen: the audit line need not hold up the greeting.
		k.audit("session_start", Last4(card))
		slog.Info("session started", "card", Last4(card))
		k.loadLoans()
		k.loadHolds()
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

func (k *Kiosk) wrongPIN(card string) {
	k.tries++
	k.pin = ""
	slog.Info("wrong PIN", "card", Last4(card), "tries", k.tries)
	if k.tries >= k.opts.MaxPINTries {
		k.audit("pin_locked", Last4(card))
		k.forget()
		k.show(ScreenNotice, NoticePINLocked)
		return
	}
	k.view.PINLength = 0
	k.show(ScreenPIN, NoticeNone)
	k.flash(NoticePINWrong)
}

// maxPIN is the longest PIN the keypad takes.
const maxPIN = 8

// PINDigit adds a digit to the PIN being typed.
func (k *Kiosk) PINDigit(d rune) {
	k.post(func() {
		if k.view.Screen != ScreenPIN || d < '0' || d > '9' || len(k.pin) >= maxPIN {
			return
		}
		k.pin += string(d)
		k.view.PINLength = len(k.pin)
		k.rearm()
	})
}

// PINBackspace removes the last digit.
func (k *Kiosk) PINBackspace() {
	k.post(func() {
		if k.view.Screen != ScreenPIN || k.pin == "" {
			return
		}
		k.pin = k.pin[:len(k.pin)-1]
		k.view.PINLength = len(k.pin)
		k.rearm()
	})
}

// PINSubmit checks the PIN with the ILS.
func (k *Kiosk) PINSubmit() {
	k.post(func() {
		if k.view.Screen != ScreenPIN || k.pin == "" {
			return
		}
		k.lookup(k.view.Patron.Card)
	})
}

// fetchForPatron asks the ILS get for the patron at the kiosk in the
// background and hands the answer to done on the event loop, unless the
// patron has left meanwhile.
func fetchForPatron[T any](k *Kiosk, get func(ctx context.Context, card, pin string) (T, error), done func(T, error)) {
	card, pin := k.view.Patron.Card, k.pin
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		v, err := get(ctx, card, pin)
		k.post(func() {
			if k.view.Patron.Card != card {
				return // the patron left meanwhile
			}
			done(v, err)
			k.publish()
		})
	}()
}

// loadLoans fetches the patron's loans with titles in the background.
func (k *Kiosk) loadLoans() {
	card := k.view.Patron.Card
	if card == "" || k.view.LoansState == Loading {
		return
	}
	k.view.LoansState = Loading
	fetchForPatron(k, k.ils.Loans, func(loans []Loan, err error) {
		if err != nil {
			slog.Warn("loans not loaded", "card", Last4(card), "err", err)
			k.view.LoansState = LoadFailed
			if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoReply) {
				k.ilsDown(err)
			}
			return
		}
		// The fetch may have left before a checkout of this visit reached
		// the ILS: keep what the visit borrowed.
		for _, r := range k.view.Rows {
			if r.Kind == TxCheckout && r.State == RowOK &&
				!slices.ContainsFunc(loans, func(l Loan) bool { return l.Item == r.Item }) {
				loans = append(loans, Loan{Item: r.Item, Title: r.Title, Due: r.Due})
			}
		}
		sortLoans(loans)
		k.view.Loans, k.view.LoansState = loans, Loaded
	})
}

// loadHolds fetches the patron's reservations in the background, when the
// ILS counted any: which are ready is known only item by item.
func (k *Kiosk) loadHolds() {
	p := k.view.Patron
	if p.Card == "" || p.Holds == 0 || k.view.HoldsState == Loading {
		return
	}
	k.view.HoldsState = Loading
	fetchForPatron(k, k.ils.Holds, func(holds []Hold, err error) {
		if err != nil {
			slog.Warn("holds not loaded", "card", Last4(p.Card), "err", err)
			k.view.HoldsState = LoadFailed
			return
		}
		k.view.Holds, k.view.HoldsState = holds, Loaded
	})
}

// ShowLoans opens "Mijn leningen".
func (k *Kiosk) ShowLoans() {
	k.post(func() {
		if k.view.Patron.Card == "" || k.view.Screen == ScreenPIN {
			return
		}
		if !k.view.ILSDown && (k.view.LoansState == LoadFailed || k.view.LoansState == NotLoaded) {
			k.loadLoans()
		}
		k.show(ScreenLoans, NoticeNone)
	})
}

// StartReturn opens "Inleveren": items can be returned without a card.
func (k *Kiosk) StartReturn() {
	k.post(func() {
		if k.view.Screen != ScreenAttract && k.view.Screen != ScreenNotice {
			return
		}
		k.forget()
		if k.view.Service.NoCheckin || k.view.ILSDown && k.view.Service.NoOffline {
			k.show(ScreenNotice, NoticeReturnsOff) // before the patron scans a pile
			return
		}
		k.show(ScreenReturn, NoticeNone)
	})
}

// Done is "Klaar": with something borrowed or renewed it asks about the
// receipt, otherwise it says goodbye.
func (k *Kiosk) Done() {
	k.post(func() {
		switch k.view.Screen {
		case ScreenReturn:
			k.forget()
			k.show(ScreenNotice, NoticeThanksReturn)
		case ScreenWelcome, ScreenLoans, ScreenPIN:
			if k.view.Screen != ScreenPIN && len(k.receiptRows()) > 0 {
				k.show(ScreenReceipt, NoticeNone)
				return
			}
			k.endSession("session_end")
			k.show(ScreenNotice, NoticeGoodbye)
		case ScreenReceipt, ScreenReceiptShown:
			k.endSession("session_end")
			k.show(ScreenNotice, NoticeGoodbye)
		default:
			k.toAttract()
		}
	})
}

// endSession tells the ILS and the audit trail that the patron left, and
// forgets the patron.
func (k *Kiosk) endSession(kind string) {
	card := k.view.Patron.Card
	k.forget()
	if card == "" {
		return
	}
	k.audit(kind, Last4(card))
	slog.Info("session ended", "card", Last4(card), "how", kind)
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		if err := k.ils.EndSession(ctx, card); err != nil {
			slog.Warn("end session not sent", "card", Last4(card), "err", err)
		}
	}()
}

// remember keeps what the ILS said of a card for visits while it is down.
func (k *Kiosk) remember(p Patron) {
	if k.opts.PatronCache <= 0 {
		return
	}
	if err := k.store.RememberPatron(p, k.clock.Now()); err != nil {
		slog.Error("patron cache not written", "card", Last4(p.Card), "err", err)
	}
}
