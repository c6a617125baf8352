package kiosk

import (
	"context"
	"errors"
	"time"
)

// ILS is what the kiosk needs from the library system. The SIP2 adapter in
// kiosk/ils implements it; tests may use the demo library behind it.
type ILS interface {
	// PatronInfo looks up a card. An unknown card gives ErrUnknownPatron.
	PatronInfo(ctx context.Context, card, pin string) (Patron, error)
	// EndSession tells the ILS the patron has left.
	EndSession(ctx context.Context, card string) error
	// Ping checks that the ILS answers.
	Ping(ctx context.Context) error
}

// Store keeps what must survive the kiosk: here, the audit trail.
type Store interface {
	RecordAudit(at time.Time, kind, card string) error
}

var (
	// ErrUnknownPatron: the ILS does not know the card.
	ErrUnknownPatron = errors.New("unknown patron")
	// ErrUnavailable: the ILS cannot be reached or does not answer.
	ErrUnavailable = errors.New("library system unavailable")
)

// Block is a reason the ILS gives for not lending to a patron.
type Block int

const (
	BlockCardLost Block = iota + 1
	BlockFines
	BlockTooManyOverdue
	BlockTooManyItems
	BlockOther
)

// Patron is what the kiosk shows of a patron.
type Patron struct {
	Card       string
	Name       string
	Loans      int
	Overdue    int
	HoldsReady int
	// Fines is the amount owed in the ILS's notation ("12.50"); empty or
	// zero means none.
	Fines    string
	Currency string
	Blocks   []Block
}

// Blocked reports whether the patron may not borrow.
func (p Patron) Blocked() bool { return len(p.Blocks) > 0 }

// Has reports whether the patron has block b.
func (p Patron) Has(b Block) bool {
	for _, x := range p.Blocks {
		if x == b {
			return true
		}
	}
	return false
}
