package ils

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// ErrWrongPIN: the ILS said the PIN does not belong to the card (CQ N), so
// Loans lists nothing. The core checks the PIN with PatronInfo first.
var ErrWrongPIN = errors.New("ils: the library system refused the PIN")

// classify turns a client error into the core's terms, keeping the cause:
//   - not sent (dial failed, backing off, login refused, client closed, or
//     the context ended before the request went out): kiosk.ErrUnavailable;
//   - sent without a usable answer (no reply, a reply out of step, one
//     that cannot be read): kiosk.ErrNoReply, the ILS may have done it.
func classify(err error) error {
	var de *sip2.DecodeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kiosk.ErrUnavailable), errors.Is(err, kiosk.ErrNoReply), errors.Is(err, kiosk.ErrUnknownPatron):
		return err
	case errors.Is(err, sip2.ErrLoginFailed):
		return fmt.Errorf("%w: %w: %w", kiosk.ErrUnavailable, kiosk.ErrLoginRefused, err)
	case errors.Is(err, sip2.ErrCharset):
		// The server answered 96 every time: it never read the request.
		return fmt.Errorf("%w: %w: %w", kiosk.ErrUnavailable, kiosk.ErrCharset, err)
	// ErrUnreachable first: a login that got no reply wraps ErrNoReply too,
	// but the request itself never went out.
	case errors.Is(err, sip2.ErrUnreachable), errors.Is(err, sip2.ErrClosed):
		return fmt.Errorf("%w: %w", kiosk.ErrUnavailable, err)
	case errors.Is(err, sip2.ErrNoReply), errors.Is(err, sip2.ErrUnexpectedResponse),
		errors.Is(err, sip2.ErrChecksum), errors.As(err, &de):
		return fmt.Errorf("%w: %w", kiosk.ErrNoReply, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", kiosk.ErrUnavailable, err)
	}
	return err
}

// unavailable marks any failure as kiosk.ErrUnavailable, for requests
// whose outcome is not in doubt: reads, and the look-ups before a
// transaction is sent.
func unavailable(err error) error {
	if err == nil || errors.Is(err, kiosk.ErrUnavailable) || errors.Is(err, kiosk.ErrUnknownPatron) {
		return err
	}
	if errors.Is(err, sip2.ErrLoginFailed) || errors.Is(err, sip2.ErrCharset) {
		return classify(err)
	}
	return fmt.Errorf("%w: %w", kiosk.ErrUnavailable, err)
}

// transport reports whether err is a failed exchange (as opposed to an
// answer that could not be read).
func transport(err error) bool {
	return errors.Is(err, sip2.ErrUnreachable) || errors.Is(err, sip2.ErrLoginFailed) ||
		errors.Is(err, sip2.ErrClosed) || errors.Is(err, sip2.ErrNoReply) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// read runs a request that changes nothing in the ILS, once more when it
// went out on a connection that turned out dead (the server restarted
// while the kiosk was idle): the retry reconnects, or finds the ILS
// unreachable. A timeout is not retried: the ILS is slow, not gone.
func (s *SIP2) read(ctx context.Context, f func() error) error {
	err := f()
	if err == nil || ctx.Err() != nil || !errors.Is(err, sip2.ErrNoReply) || errors.Is(err, sip2.ErrUnreachable) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	s.log.Debug("ils: connection was dead; asking again", "err", err)
	return f()
}

// tolerate accepts a reply that the client could parse but for a missing
// or malformed variable field (some servers leave out AJ or AH on a
// refusal): its fixed part, where OK and the flags stand, was read.
func tolerate[T any](s *SIP2, r *T, err error) (*T, error) {
	if err == nil || r == nil {
		return r, err // before de: its address escapes, one allocation a reply
	}
	var de *sip2.DecodeError
	if !errors.As(err, &de) || errors.Is(err, sip2.ErrUnexpectedResponse) || !fieldID(de.Field) {
		return r, err
	}
	s.log.Debug("ils: reply lacks a field; using the rest", "err", err)
	return r, nil
}

func fieldID(f string) bool {
	return len(f) == 2 && f[0] >= 'A' && f[0] <= 'Z' && f[1] >= 'A' && f[1] <= 'Z'
}
