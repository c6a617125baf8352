package ils

import (
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// dropped reports whether a request went out on a connection the server
// closed before it answered (EOF, reset), as servers that close idle
// connections do: it most likely never read the request, but it may have.
// A timeout is not a drop: the server is slow and may still do it.
func dropped(err error) bool {
	if !errors.Is(err, sip2.ErrNoReply) || errors.Is(err, sip2.ErrUnreachable) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// settle finds out whether a transaction whose connection dropped took
// effect, the way the journal does before any resend, and sends it once
// more when it did not: the patron sees an answer, never the dropped line,
// and the ILS does it once. When the ILS cannot tell, the outcome stays in
// doubt (kiosk.ErrNoReply) and the journal keeps it so.
func (s *SIP2) settle(x *tx, sendErr error, again func() (kiosk.Result, error)) (kiosk.Result, error) {
	s.log.Info("ils: connection dropped under a transaction; asking whether it was done", "op", x.op.String(), "item", x.item, "err", sendErr)
	res, done, err := x.wasDone()
	switch {
	case err != nil:
		s.log.Warn("ils: transaction in doubt: the library system could not say", "op", x.op.String(), "item", x.item, "err", err)
		return kiosk.Result{}, classify(sendErr)
	case done:
		s.log.Info("ils: the dropped transaction had been done", "op", x.op.String(), "item", x.item)
		x.logResult(res)
		return res, nil
	}
	x.resent = true
	return again()
}

// wasDone asks the ILS whether x took effect: a loan is on the patron's
// charged list, a returned item is no longer lent, a renewed loan is due
// later than the visit last saw.
func (x *tx) wasDone() (kiosk.Result, bool, error) {
	x.infoDone = false // the item's state after the drop, not before
	res := kiosk.Result{Item: x.item}
	switch x.op {
	case opCheckout:
		_, lent, err := x.s.itemList(x.ctx, x.card, "", sip2.ChargedItems)
		if err != nil {
			return res, false, err
		}
		if !slices.Contains(lent, x.item) {
			return res, false, nil
		}
		res.OK = true
		if info, _ := x.info(); info != nil {
			res.Title, res.Media, res.Due = strings.TrimSpace(info.TitleID), MediaType(info.MediaType), itemDue(info)
		}
		return res, true, nil
	case opCheckin:
		info, err := x.info()
		if err != nil || info == nil {
			return res, false, errOr(err, "no item information to tell")
		}
		if charged(info.CirculationStatus) {
			return res, false, nil
		}
		res.OK, res.Title, res.Media = true, strings.TrimSpace(info.TitleID), MediaType(info.MediaType)
		res.HoldShelf = info.CirculationStatus == sip2.CircWaitingOnHold
		return res, true, nil
	case opRenew:
		before, known := x.s.dueSeen(x.card, x.item)
		info, err := x.info()
		if err != nil || info == nil || !known {
			return res, false, errOr(err, "no due date to compare")
		}
		due := itemDue(info)
		if due.IsZero() || !charged(info.CirculationStatus) {
			return res, false, errOr(nil, "no due date to compare")
		}
		if !due.After(before) {
			return res, false, nil
		}
		res.OK, res.Title, res.Media, res.Due = true, strings.TrimSpace(info.TitleID), MediaType(info.MediaType), due
		return res, true, nil
	}
	return res, false, errOr(nil, "nothing to look up")
}

func errOr(err error, why string) error {
	if err != nil {
		return err
	}
	return errors.New("ils: " + why)
}

// dueSeen is the due date of card's loan of item as the visit last saw it.
func (s *SIP2) dueSeen(card, item string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.visitCard != card {
		return time.Time{}, false
	}
	d, ok := s.visitDue[item]
	return d, ok
}
