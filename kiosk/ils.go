package kiosk

import (
	"context"
	"errors"
	"strings"
	"time"
)

// ILS is what the kiosk needs from the library system. The SIP2 adapter in
// kiosk/ils implements it against any SIP2 server.
type ILS interface {
	// PatronInfo looks up a card; pin is empty when none was asked. An
	// unknown card gives ErrUnknownPatron.
	PatronInfo(ctx context.Context, card, pin string) (Patron, error)
	// PatronName is the name of card's patron, for a question about
	// another card in a visit: it begins no visit, and leaves the one at
	// the kiosk as it is. An unknown card gives ErrUnknownPatron.
	PatronName(ctx context.Context, card string) (string, error)
	// Loans lists the items the patron has, with titles and due dates.
	Loans(ctx context.Context, card, pin string) ([]Loan, error)
	// Holds lists the patron's reservations, each ready for pickup only
	// where the ILS says the item waits on the hold shelf.
	Holds(ctx context.Context, card, pin string) ([]Hold, error)
	// Checkout lends item to the patron. A refusal is a Result with OK
	// false and a Reason, not an error; errors are for a failed exchange.
	Checkout(ctx context.Context, card, pin, item string, at time.Time) (Result, error)
	// Renew extends a loan.
	Renew(ctx context.Context, card, pin, item string, at time.Time) (Result, error)
	// RenewAll extends all the patron's loans in one request, where the ILS
	// handles it (Service.RenewAll), and returns a Result for each of items,
	// in their order.
	RenewAll(ctx context.Context, card, pin string, items []string, at time.Time) ([]Result, error)
	// Checkin takes an item back; no patron is needed.
	Checkin(ctx context.Context, item string, at time.Time) (Result, error)
	// Charged lists the items lent to card, as barcodes (no titles: cheap),
	// to find out whether a transaction in doubt took effect.
	Charged(ctx context.Context, card string) ([]string, error)
	// Replay sends a transaction made while the ILS was unreachable, with
	// its own transaction date and (for a checkout) the due date the kiosk
	// promised; with noBlock as the ILS allows (Service.NoOffline).
	Replay(ctx context.Context, tx Tx, noBlock bool) (Result, error)
	// EndSession tells the ILS the patron has left.
	EndSession(ctx context.Context, card string) error
	// Ping checks that the ILS answers, and says what it lets the kiosk do.
	Ping(ctx context.Context) (Service, error)
}

// Service is what the library system lets the kiosk do now, from its
// status (SIP2 98). The zero value allows everything.
type Service struct {
	NoCheckout bool // checkout ok N
	NoCheckin  bool // checkin ok N
	NoRenew    bool // ACS renewal policy N, or no 29 in the supported messages
	NoOffline  bool // offline ok N: no transactions while it cannot be reached
	// RenewAll: the ILS handles renew all (65) in one request.
	RenewAll bool
}

// forbids reports whether the ILS said it does not do kind now.
func (s Service) forbids(kind TxKind) bool {
	switch kind {
	case TxCheckout:
		return s.NoCheckout
	case TxCheckin:
		return s.NoCheckin
	case TxRenew:
		return s.NoRenew
	}
	return false
}

// String lists what is not allowed, for the log.
func (s Service) String() string {
	var off []string
	for _, f := range []struct {
		no   bool
		what string
	}{{s.NoCheckout, "checkout"}, {s.NoCheckin, "checkin"}, {s.NoRenew, "renewal"}, {s.NoOffline, "offline transactions"}} {
		if f.no {
			off = append(off, f.what)
		}
	}
	if len(off) == 0 {
		return "everything allowed"
	}
	return "not allowed: " + strings.Join(off, ", ")
}

// Limits reports whether s forbids anything (RenewAll is a way, not a permission).
func (s Service) Limits() bool {
	s.RenewAll = false
	return s != Service{}
}

// Journal keeps the transactions: each is written before it goes to the
// ILS, and its outcome after.
type Journal interface {
	// Begin writes tx durably, as on the wire, and returns its id; only then
	// may it be sent. After a crash before Finish its outcome is in doubt.
	// A tx with Offline set is written as waiting to be sent instead.
	Begin(tx Tx) (string, error)
	// Finish records the outcome: the ILS's result, or the error of the exchange.
	Finish(id string, r Result, err error) error
	// Unfinished lists the transactions that have not reached the ILS yet,
	// or whose outcome is in doubt, oldest first.
	Unfinished() ([]Pending, error)
	// Resend marks unfinished transactions as on the wire again, in one
	// durable write.
	Resend(ids ...string) error
	// FinishAll records the outcomes of a replayed batch in one write.
	FinishAll(outs []Outcome) error
	// FinishAndResend records outcomes and marks next as on the wire again,
	// in one durable write.
	FinishAndResend(outs []Outcome, next ...string) error
}

// Audit is the trail of sessions, with cards cut to their last 4.
type Audit interface {
	RecordAudit(at time.Time, kind, card string) error
}

// PatronCache keeps what the ILS said of a card, for offline visits;
// CachedPatron finds it again if it was seen after since.
type PatronCache interface {
	RememberPatron(p Patron, at time.Time) error
	CachedPatron(card string, since time.Time) (Patron, bool, error)
}

// Store is everything the kiosk keeps on its disk; each part of the core
// takes only the narrow interface it uses.
type Store interface {
	Journal
	Audit
	PatronCache
}

// TxKind is what a journalled transaction does.
type TxKind string

const (
	TxCheckout TxKind = "checkout"
	TxRenew    TxKind = "renew"
	TxCheckin  TxKind = "checkin"
)

// Tx is one circulation transaction as the journal keeps it.
type Tx struct {
	Kind TxKind
	Card string // empty for a return
	Item string
	At   time.Time
	// Offline: made while the ILS was unreachable; Due is the date promised.
	Offline bool
	Due     time.Time
}

// Outcome is the ILS's answer to one journalled transaction.
type Outcome struct {
	ID     string
	Result Result
}

// Pending is a journalled transaction still to reach the ILS.
type Pending struct {
	ID string
	Tx
	// InDoubt: it went on the wire and no answer was recorded.
	InDoubt bool
}

// ErrStoreFull means the journal could not be written (a full disk): the
// transaction was not sent.
var ErrStoreFull = errors.New("the kiosk's disk is full")

// Printer prints a receipt; kiosk works without one.
type Printer interface {
	Print(ctx context.Context, r Receipt) error
}

// Receipt is a receipt in the patron's language, ready to print or show.
type Receipt struct {
	Title  string
	Lines  []ReceiptLine
	Footer []string
}

// ReceiptLine is one entry: text on the left, a date or amount on the right.
type ReceiptLine struct {
	Left, Right string
	Bold        bool
}

var (
	// ErrUnknownPatron: the ILS does not know the card.
	ErrUnknownPatron = errors.New("unknown patron")
	// ErrUnavailable: the ILS cannot be reached; the request was not sent.
	ErrUnavailable = errors.New("library system unavailable")
	// ErrNoReply: the request went out but no answer came; the ILS may or
	// may not have done it.
	ErrNoReply = errors.New("no reply from the library system")
	// ErrLoginRefused: the ILS refused the kiosk's login (with ErrUnavailable).
	ErrLoginRefused = errors.New("the library system refused the kiosk's login")
	// ErrCharset: the ILS cannot read the characters the kiosk sends (with
	// ErrUnavailable or ErrNoReply).
	ErrCharset = errors.New("the library system cannot read the kiosk's characters")
)

// ILSFault is a setting of the kiosk's that the ILS refuses: waiting does
// not help, staff must change the configuration.
type ILSFault int

const (
	FaultNone    ILSFault = iota
	FaultLogin            // login refused: [ils] user, password (location)
	FaultCharset          // text unreadable for the ILS: [ils] charset
)

func faultOf(err error) ILSFault {
	switch {
	case errors.Is(err, ErrLoginRefused):
		return FaultLogin
	case errors.Is(err, ErrCharset):
		return FaultCharset
	}
	return FaultNone
}

func (f ILSFault) String() string {
	return [...]string{"none", "login refused", "character set"}[f]
}

// ConfigKeys names the settings to check.
func (f ILSFault) ConfigKeys() string {
	return [...]string{"", "ils.user, ils.password, ils.location", "ils.charset"}[f]
}

// Block is a reason the ILS gives for not lending to a patron.
type Block int

const (
	BlockCardLost Block = iota + 1
	BlockFines
	BlockTooManyOverdue
	BlockTooManyItems
	BlockOther
)

var blockNames = [...]string{"none", "card-lost", "fines", "too-many-overdue", "too-many-items", "other"}

func (b Block) String() string { return enumName(blockNames[:], int(b), "block") }

// Patron is what the kiosk shows of a patron.
type Patron struct {
	Card    string
	Name    string
	Loans   int
	Overdue int
	// Holds is how many reservations the ILS counted, ready or not: some
	// count every hold as a "hold item". Holds says which are ready.
	Holds int
	// Fines is the amount owed in the ILS's notation ("12.50"); empty or
	// zero means none.
	Fines    string
	Currency string
	Blocks   []Block
	// PINChecked is set when the ILS checked a PIN: PINValid says if it was right.
	PINChecked, PINValid bool
	// Messages are the ILS's screen messages (AF), as it sent them.
	Messages []string
	// Unknown: the ILS does not know the card (kept in the patron cache,
	// so the card is refused offline too).
	Unknown bool
	// Category is the patron category the ILS gave (Koha's PC), if any.
	Category string
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

// Hold is one of the patron's reservations.
type Hold struct {
	Item  string
	Title string
	Media Media
	Ready bool   // it waits for the patron on the hold shelf
	Shelf string // where it waits, when the ILS says
}

// Media is what kind of thing an item is, from the library system's media
// type (SIP2 CK) or the barcode rules, so the screens can name it: "boek",
// "dvd", "tijdschrift".
type Media int

const (
	MediaUnknown Media = iota // not said: the screens say "item" words that fit anything
	MediaBook
	MediaMagazine
	MediaAudiobook
	MediaDVD
	MediaCD
	MediaGame
	MediaOther
)

var mediaNames = [...]string{"unknown", "book", "magazine", "audiobook", "dvd", "cd", "game", "other"}

func (m Media) String() string { return enumName(mediaNames[:], int(m), "media") }

// KnownMedia lists every Media but MediaUnknown: the names a barcode rule
// can give its items.
func KnownMedia() []Media {
	out := make([]Media, 0, len(mediaNames)-1)
	for i := range mediaNames[1:] {
		out = append(out, Media(i+1))
	}
	return out
}

// ParseMedia reads a media name as the config and the demo library write it
// ("book", "dvd"); an unknown name is MediaUnknown.
func ParseMedia(name string) Media {
	for i, n := range mediaNames {
		if n == name {
			return Media(i)
		}
	}
	return MediaUnknown
}

// Loan is one item a patron has borrowed.
type Loan struct {
	Item    string
	Title   string
	Media   Media
	Due     time.Time
	Overdue bool
}

// Reason says in the kiosk's words why the ILS refused a transaction, so the
// screens can explain it plainly instead of showing a raw ILS message.
type Reason int

const (
	ReasonNone          Reason = iota
	ReasonUnknownItem          // the ILS does not know the barcode
	ReasonOnHoldOther          // reserved for someone else
	ReasonOnLoanOther          // lent to someone else
	ReasonNotForLoan           // reference copy: read it here
	ReasonLimit                // the patron has as many items as allowed
	ReasonPatronBlocked        // fines, lost card: the patron may not borrow
	ReasonAlreadyYours         // the patron has it already: offer renewal
	ReasonRenewLimit           // renewed as often as allowed
	ReasonRenewHeld            // someone reserved it: no renewal
	ReasonNotOnLoan            // a return of an item that was not lent
	ReasonOther                // anything else: the ILS's message, translated if known
	ReasonOfflineRenew         // no renewals while the ILS is unreachable
	ReasonOfflineLimit         // no more loans offline this visit
	ReasonServiceOff           // the ILS does not allow this at the kiosk now (98)
	ReasonOfflineOff           // the ILS allows nothing offline (98 offline ok N)
	ReasonUnknownPatron        // the ILS does not know the card (a 12 with BL N)
)

var reasonNames = [...]string{"none", "unknown-item", "on-hold-other", "on-loan-other", "not-for-loan",
	"limit", "patron-blocked", "already-yours", "renew-limit", "renew-held", "not-on-loan", "other",
	"offline-renew", "offline-limit", "service-off", "offline-off", "unknown-patron"}

func (r Reason) String() string { return enumName(reasonNames[:], int(r), "reason") }

// Result is the ILS's answer to one checkout, renewal or return.
type Result struct {
	OK     bool
	Item   string
	Title  string
	Media  Media
	Due    time.Time
	Reason Reason
	// Message is the ILS's own screen message (AF), if any.
	Message string
	// HoldShelf: a returned item is reserved for someone: put it on the hold shelf.
	HoldShelf bool
	// ToDesk: a returned item needs staff: bring it to the desk.
	ToDesk bool
}
