package ils

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

type op int

const (
	opCheckout op = iota
	opRenew
	opCheckin
)

func (o op) String() string { return [...]string{"checkout", "renew", "checkin"}[o] }

// Checkout sends 11 (online: no block N, SC renewal policy N): one round
// trip in the common case.
//
// An item the patron already has is not lent again: servers such as Koha
// and the demo renew it silently. An item the visit's 63 listed as the
// patron's comes back refused with ReasonAlreadyYours without an 11, with
// its title and due date from a 17, so the kiosk can offer the renewal. One
// the 63 did not list (lent to them elsewhere since) goes out as an 11; when
// the server answers it as a renewal (renewal ok Y) it comes back OK with
// ReasonAlreadyYours.
func (s *SIP2) Checkout(ctx context.Context, card, pin, item string, at time.Time) (kiosk.Result, error) {
	x := s.tx(ctx, opCheckout, card, pin, item)
	if s.lent(card, item, false) {
		info, err := x.info()
		if err != nil {
			return kiosk.Result{}, unavailable(err) // nothing lent: the 11 was not sent
		}
		if info == nil || charged(info.CirculationStatus) {
			res := kiosk.Result{Item: item, Reason: kiosk.ReasonAlreadyYours}
			if info != nil {
				res.Title, res.Media, res.Due = strings.TrimSpace(info.TitleID), MediaType(info.MediaType), itemDue(info)
			}
			x.logResult(res)
			return res, nil
		}
		// Returned elsewhere since the visit began: lend it as any other.
	}
	res, err := s.checkout(ctx, x, at, time.Time{}, false)
	if err == nil && res.OK {
		s.lent(card, item, true)
	}
	return res, err
}

// checkout sends the 11: online when due is zero, else as a replay of an
// offline loan with due as the nb due date, with no block as asked.
func (s *SIP2) checkout(ctx context.Context, x *tx, at, due time.Time, noBlock bool) (kiosk.Result, error) {
	cfg := s.c.Config()
	nbDue := due
	if !noBlock {
		nbDue = time.Time{} // a due date the ILS would take only with no block
	}
	resp, err := s.c.Checkout(ctx, &sip2.CheckoutRequest{
		NoBlock:          noBlock,
		NBDueDate:        nbDue,
		TransactionDate:  at,
		InstitutionID:    cfg.Institution,
		PatronID:         x.card,
		ItemID:           x.item,
		TerminalPassword: cfg.TerminalPassword,
		PatronPassword:   x.pin,
	})
	if resp, err = tolerate(s, resp, err); err != nil {
		if dropped(err) && !x.resent {
			return s.settle(x, err, func() (kiosk.Result, error) { return s.checkout(ctx, x, at, due, noBlock) })
		}
		return kiosk.Result{}, classify(err)
	}
	res := x.circResult(resp, resp.OK)
	if res.OK && resp.RenewalOK && due.IsZero() {
		res.Reason = kiosk.ReasonAlreadyYours // the server renewed a loan the patron had
	}
	x.logResult(res)
	return res, nil
}

// Replay sends a transaction the kiosk made while the ILS was unreachable:
// no block Y (unless the ILS allows none: then it judges the transaction
// as new), the original transaction date and, for a loan, the due date the
// patron was promised.
func (s *SIP2) Replay(ctx context.Context, t kiosk.Tx, noBlock bool) (kiosk.Result, error) {
	switch t.Kind {
	case kiosk.TxCheckout:
		due := t.Due
		if due.IsZero() {
			due = t.At
		}
		return s.checkout(ctx, s.tx(ctx, opCheckout, t.Card, "", t.Item), t.At, due, noBlock)
	case kiosk.TxCheckin:
		return s.checkin(ctx, s.tx(ctx, opCheckin, "", "", t.Item), t.At, noBlock)
	}
	return kiosk.Result{}, fmt.Errorf("ils: no replay for %q", t.Kind)
}

// Renew sends 29 for one item. Koha answers a refused renewal with ok 1
// and renewal ok N, so a renewal counts only with both (or with ok 1 and
// no screen message, for servers that leave renewal ok N).
func (s *SIP2) Renew(ctx context.Context, card, pin, item string, at time.Time) (kiosk.Result, error) {
	return s.renew(s.tx(ctx, opRenew, card, pin, item), at)
}

func (s *SIP2) renew(x *tx, at time.Time) (kiosk.Result, error) {
	cfg := s.c.Config()
	resp, err := s.c.Renew(x.ctx, &sip2.RenewRequest{
		TransactionDate:  at,
		InstitutionID:    cfg.Institution,
		PatronID:         x.card,
		PatronPassword:   x.pin,
		ItemID:           x.item,
		TerminalPassword: cfg.TerminalPassword,
	})
	if resp, err = tolerate(s, resp, err); err != nil {
		if dropped(err) && !x.resent {
			return s.settle(x, err, func() (kiosk.Result, error) { return s.renew(x, at) })
		}
		return kiosk.Result{}, classify(err)
	}
	ok := resp.OK && (resp.RenewalOK || len(resp.ScreenMessages) == 0)
	res := x.circResult(resp, ok)
	if res.OK {
		s.sawDue(x.card, x.item, res.Due)
	}
	x.logResult(res)
	return res, nil
}

// RenewAll sends one 65 for the patron and reads which of items the 66
// lists as renewed; a 17 each then gives the new due date (the 66 has none)
// and, for one not renewed, the reason as for a refused 29.
func (s *SIP2) RenewAll(ctx context.Context, card, pin string, items []string, at time.Time) ([]kiosk.Result, error) {
	cfg := s.c.Config()
	resp, err := s.c.RenewAll(ctx, &sip2.RenewAllRequest{
		TransactionDate:  at,
		InstitutionID:    cfg.Institution,
		PatronID:         card,
		PatronPassword:   pin,
		TerminalPassword: cfg.TerminalPassword,
	})
	if resp, err = tolerate(s, resp, err); err != nil {
		return nil, classify(err)
	}
	renewed := map[string]bool{}
	for _, it := range resp.RenewedItems {
		renewed[strings.TrimSpace(it)] = true
	}
	// The 66's screen messages speak for all the loans it did not renew:
	// they explain each only when they say one thing, or concern one loan.
	why := resp.ScreenMessages
	said := map[kiosk.Reason]bool{} // the reasons the messages give
	for _, af := range why {
		if r, ok := KnownMessage(af); ok {
			said[adjust(opRenew, r)] = true
		}
	}
	if len(items)-len(renewed) > 1 && len(said) != 1 {
		why = nil // each item's 17 and the patron's 63 tell instead
	}
	out := make([]kiosk.Result, len(items))
	for i, item := range items {
		x := s.tx(ctx, opRenew, card, pin, item)
		res := kiosk.Result{OK: renewed[item], Item: item, Message: first(resp.ScreenMessages)}
		if info, _ := x.info(); info != nil {
			res.Title, res.Media, res.Due = strings.TrimSpace(info.TitleID), MediaType(info.MediaType), itemDue(info)
		}
		if res.OK {
			s.sawDue(card, item, res.Due)
		} else {
			res.Reason = x.reason(why)
			delete(said, res.Reason)
		}
		out[i] = res
	}
	// What the messages said and no look-up found, they said of the loans
	// left unexplained: when one reason remains, it is theirs.
	for i := range out {
		if !out[i].OK && out[i].Reason == kiosk.ReasonOther && len(said) == 1 {
			for r := range said {
				out[i].Reason = r
			}
		}
		s.tx(ctx, opRenew, card, pin, items[i]).logResult(out[i])
	}
	return out, nil
}

// Checkin sends 09 (online: no block N; returned at at). An alert with a
// hold (sort bin HOLD, Koha/Evergreen alert type CV 01, a hold patron CY,
// or a hold-shelf message) sets HoldShelf; any other alert ToDesk. A
// return the server refuses as not lent or unknown comes back refused with
// ReasonNotOnLoan or ReasonUnknownItem, even when the server says ok 1
// (the demo does).
func (s *SIP2) Checkin(ctx context.Context, item string, at time.Time) (kiosk.Result, error) {
	return s.checkin(ctx, s.tx(ctx, opCheckin, "", "", item), at, false)
}

func (s *SIP2) checkin(ctx context.Context, x *tx, at time.Time, noBlock bool) (kiosk.Result, error) {
	item := x.item
	cfg := s.c.Config()
	resp, err := s.c.Checkin(ctx, &sip2.CheckinRequest{
		NoBlock:          noBlock,
		TransactionDate:  at,
		ReturnDate:       at,
		CurrentLocation:  cfg.Location,
		InstitutionID:    cfg.Institution,
		ItemID:           item,
		TerminalPassword: cfg.TerminalPassword,
	})
	if resp, err = tolerate(s, resp, err); err != nil {
		if dropped(err) && !x.resent {
			return s.settle(x, err, func() (kiosk.Result, error) { return s.checkin(ctx, x, at, noBlock) })
		}
		return kiosk.Result{}, classify(err)
	}
	res := kiosk.Result{OK: resp.OK, Item: item, Title: strings.TrimSpace(resp.TitleID), Media: MediaType(resp.MediaType), Message: first(resp.ScreenMessages)}
	if resp.Alert {
		res.HoldShelf = holdAlert(resp)
		res.ToDesk = !res.HoldShelf
	}
	for _, af := range resp.ScreenMessages {
		if r, ok := KnownMessage(af); ok && (r == kiosk.ReasonNotOnLoan || r == kiosk.ReasonUnknownItem) {
			res.OK, res.Reason = false, r
			break
		}
	}
	if !res.OK && res.Reason == kiosk.ReasonNone {
		res.Reason = x.reason(resp.ScreenMessages)
	}
	x.describe(&res)
	x.logResult(res)
	return res, nil
}

// holdAlert reports whether a 10 with the alert set says the item is
// reserved and goes to the hold shelf here. Koha's and Evergreen's alert
// type CV 02 (a hold for another branch) is a transit: staff's work.
func holdAlert(r *sip2.CheckinResponse) bool {
	var cv, cy string
	for _, f := range r.Extra {
		switch f.ID {
		case "CV":
			cv = strings.TrimSpace(f.Value)
		case "CY":
			cy = strings.TrimSpace(f.Value)
		}
	}
	switch cv {
	case "01":
		return true
	case "":
	default:
		return false
	}
	if strings.Contains(strings.ToUpper(r.SortBin), "HOLD") || cy != "" {
		return true
	}
	for _, af := range r.ScreenMessages {
		if holdMessage(af) {
			return true
		}
	}
	return false
}

// circResult maps a 12 or 30.
func (x *tx) circResult(r *sip2.CheckoutResponse, ok bool) kiosk.Result {
	res := kiosk.Result{OK: ok, Item: x.item, Title: strings.TrimSpace(r.TitleID), Media: MediaType(r.MediaType), Message: first(r.ScreenMessages)}
	if t, err := r.Due(time.Local); err == nil {
		res.Due = t
	} else {
		res.Due = parseDue(r.DueDate)
	}
	if !ok {
		res.Reason = x.reason(r.ScreenMessages)
		if v, found := extra(r.Extra, "BL"); found && strings.TrimSpace(v) == "N" {
			res.Reason = kiosk.ReasonUnknownPatron // some servers add BL N to a 12
		}
		if x.op == opCheckout && res.Reason != kiosk.ReasonAlreadyYours {
			res.Due = time.Time{} // a refused checkout lends nothing
		}
	}
	x.describe(&res)
	return res
}

// extra finds a field the codec kept unparsed.
func extra(fs []sip2.Field, id string) (string, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f.Value, true
		}
	}
	return "", false
}

func first(ss []string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// tx holds what one transaction has learnt about its item and patron, so
// each is asked at most once.
type tx struct {
	s                 *SIP2
	ctx               context.Context
	op                op
	card, pin, item   string
	infoDone, patDone bool
	resent            bool // sent once more after a dropped connection
	infoR             *sip2.ItemInformationResponse
	infoErr           error
	pat               *sip2.PatronInformationResponse
	charged           []string
	patErr            error
}

func (s *SIP2) tx(ctx context.Context, o op, card, pin, item string) *tx {
	return &tx{s: s, ctx: ctx, op: o, card: card, pin: pin, item: item}
}

// info returns the item's 18, or nil when the server does not handle 17
// or its answer cannot be read. The error is a failed exchange.
func (x *tx) info() (*sip2.ItemInformationResponse, error) {
	if x.infoDone {
		return x.infoR, x.infoErr
	}
	x.infoDone = true
	ok, err := x.s.supports(x.ctx, sip2.CodeItemInformation)
	if err != nil && transport(err) {
		x.infoErr = err
		return nil, err
	}
	if !ok {
		return nil, nil // not handled, or a 98 that cannot be read
	}
	r, err := x.s.itemInfo(x.ctx, x.item)
	if err != nil && transport(err) {
		x.infoErr = err
		return nil, err
	}
	if err != nil {
		x.s.log.Debug("ils: item information unreadable", "item", x.item, "err", err)
	}
	x.infoR = r
	return r, nil
}

// patron returns the patron's 63 with the charged items.
func (x *tx) patron() (*sip2.PatronInformationResponse, []string, error) {
	if !x.patDone {
		x.patDone = true
		x.pat, x.charged, x.patErr = x.s.itemList(x.ctx, x.card, x.pin, sip2.ChargedItems)
	}
	return x.pat, x.charged, x.patErr
}

// owns reports whether the item is on the patron's charged list.
func (x *tx) owns() (bool, error) {
	_, items, err := x.patron()
	if err != nil {
		return false, err
	}
	return slices.Contains(items, x.item), nil
}

// describe fills in a result's title from the item's 17 where the answer
// had none (not for an unknown item: it has none), and its media where the
// answer had no CK but a 17 was asked anyway: no 17 for the media alone.
func (x *tx) describe(res *kiosk.Result) {
	if res.Title == "" && res.Reason != kiosk.ReasonUnknownItem {
		if r, _ := x.info(); r != nil {
			res.Title = strings.TrimSpace(r.TitleID)
		}
	}
	if res.Media == kiosk.MediaUnknown && x.infoDone && x.infoR != nil {
		res.Media = MediaType(x.infoR.MediaType)
	}
}

// charged reports whether a circulation status means the item is lent.
func charged(c sip2.CirculationStatus) bool {
	return c == sip2.CircCharged || c == sip2.CircChargedNoRecall || c == sip2.CircRecalled
}

// unknownItem reports whether an 18 describes an item the server does not
// know: status other (or none) and no title.
func unknownItem(r *sip2.ItemInformationResponse) bool {
	return r.CirculationStatus <= sip2.CircOther && strings.TrimSpace(r.TitleID) == ""
}

// reason works out why the server refused, in this order:
//  1. a screen message in KnownMessage's table;
//  2. what 17 says for certain: an unknown item (or one its screen
//     message calls unknown or not for loan); for a checkout, an item
//     lent to this patron (AlreadyYours) or to another (OnLoanOther); for
//     a renewal, an item lent to another (OnLoanOther) or not lent
//     (NotOnLoan); for a return, an item not lent (NotOnLoan). Without 17
//     the patron's charged list answers AlreadyYours and NotOnLoan;
//  3. the patron's status flags from 63 (PatronBlocked, Limit, RenewLimit);
//  4. what 17 suggests: waiting on the hold shelf or a hold queue (CF > 0):
//     OnHoldOther for a checkout, RenewHeld for a renewal of one's loan;
//  5. ReasonOther: the UI shows the server's message.
//
// Look-ups here come after the server answered: a failed one only makes
// the reason less precise.
func (x *tx) reason(afs []string) kiosk.Reason {
	for _, af := range afs {
		if r, ok := KnownMessage(af); ok {
			return adjust(x.op, r)
		}
	}
	info, _ := x.info()
	if r := x.fromItem(info); r != kiosk.ReasonNone {
		return r
	}
	if r := x.fromPatron(); r != kiosk.ReasonNone {
		return r
	}
	if info != nil {
		held := info.HoldQueueLength != nil && *info.HoldQueueLength > 0
		switch {
		case x.op == opCheckout && (held || info.CirculationStatus == sip2.CircWaitingOnHold):
			return kiosk.ReasonOnHoldOther
		case x.op == opRenew && held:
			return kiosk.ReasonRenewHeld
		}
	}
	return kiosk.ReasonOther
}

// adjust fits a message's reason to the transaction: "on hold for
// another patron" refuses a renewal as RenewHeld, and a checkout refused
// for a renewal reason was of the patron's own loan.
func adjust(o op, r kiosk.Reason) kiosk.Reason {
	switch o {
	case opRenew:
		switch r {
		case kiosk.ReasonOnHoldOther:
			return kiosk.ReasonRenewHeld
		case kiosk.ReasonAlreadyYours:
			return kiosk.ReasonOther
		}
	case opCheckout:
		switch r {
		case kiosk.ReasonRenewHeld:
			return kiosk.ReasonOnHoldOther
		case kiosk.ReasonRenewLimit:
			return kiosk.ReasonAlreadyYours
		case kiosk.ReasonNotOnLoan:
			return kiosk.ReasonOther
		}
	}
	return r
}

func (x *tx) fromItem(info *sip2.ItemInformationResponse) kiosk.Reason {
	if info == nil {
		if x.op == opCheckin {
			return kiosk.ReasonNone
		}
		own, err := x.owns()
		switch {
		case err != nil:
		case x.op == opCheckout && own:
			return kiosk.ReasonAlreadyYours
		case x.op == opRenew && !own:
			return kiosk.ReasonNotOnLoan
		}
		return kiosk.ReasonNone
	}
	if unknownItem(info) {
		return kiosk.ReasonUnknownItem
	}
	for _, af := range info.ScreenMessages { // the demo's 18 says "Item is not for loan"
		if r, ok := KnownMessage(af); ok && (r == kiosk.ReasonUnknownItem || r == kiosk.ReasonNotForLoan && x.op == opCheckout) {
			return r
		}
	}
	lent := charged(info.CirculationStatus)
	if x.op == opCheckin {
		if !lent {
			return kiosk.ReasonNotOnLoan
		}
		return kiosk.ReasonNone
	}
	if !lent {
		if x.op == opRenew {
			return kiosk.ReasonNotOnLoan
		}
		return kiosk.ReasonNone
	}
	own, err := x.owns()
	switch {
	case err != nil:
		return kiosk.ReasonNone
	case !own:
		return kiosk.ReasonOnLoanOther
	case x.op == opCheckout:
		return kiosk.ReasonAlreadyYours
	}
	return kiosk.ReasonNone
}

func (x *tx) fromPatron() kiosk.Reason {
	if x.op == opCheckin {
		return kiosk.ReasonNone
	}
	p, _, err := x.patron()
	if err != nil {
		return kiosk.ReasonNone
	}
	st := p.Status
	blocked := st.CardReportedLost || st.ExcessiveOutstandingFines || st.ExcessiveOutstandingFees ||
		st.TooManyItemsBilled || st.TooManyItemsOverdue || st.RecallOverdue || st.TooManyItemsLost
	switch {
	case blocked:
		return kiosk.ReasonPatronBlocked
	case x.op == opRenew && st.TooManyRenewals:
		return kiosk.ReasonRenewLimit
	case x.op == opRenew && st.RenewalPrivilegesDenied:
		return kiosk.ReasonPatronBlocked
	case x.op == opCheckout && (st.TooManyItemsCharged ||
		p.ChargedItemsLimit != nil && *p.ChargedItemsLimit > 0 && p.ChargedItemsCount >= *p.ChargedItemsLimit):
		return kiosk.ReasonLimit
	case x.op == opCheckout && st.ChargePrivilegesDenied:
		return kiosk.ReasonPatronBlocked
	}
	return kiosk.ReasonNone
}

// logResult logs the outcome; the card by its last four characters.
func (x *tx) logResult(r kiosk.Result) {
	plain := r.OK && r.Reason == kiosk.ReasonNone
	if plain && !x.s.log.Enabled(x.ctx, slog.LevelDebug) {
		return // a replay of thousands: no attributes made for a line nobody reads
	}
	attrs := []any{"item", x.item, "ok", r.OK}
	if x.card != "" {
		attrs = append(attrs, "card", sip2.MaskID(x.card))
	}
	if plain {
		x.s.log.Debug("ils: "+x.op.String(), attrs...)
		return
	}
	attrs = append(attrs, "reason", int(r.Reason), "message", r.Message, "hold_shelf", r.HoldShelf, "to_desk", r.ToDesk)
	if r.OK {
		x.s.log.Info("ils: "+x.op.String()+" done with a remark", attrs...)
		return
	}
	x.s.log.Info("ils: "+x.op.String()+" refused", attrs...)
}
