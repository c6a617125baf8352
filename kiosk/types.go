package kiosk

import (
	"fmt"
	"time"
)

// Screen is what the body of the kiosk shows.
type Screen int

const (
	ScreenAttract      Screen = iota // "Scan uw bibliotheekpas"
	ScreenBusy                       // a spinner while the ILS or the printer works: Busy says which
	ScreenWelcome                    // the patron's home: summary, borrowed items
	ScreenNotice                     // a message, then back to attract
	ScreenPIN                        // the keypad
	ScreenLoans                      // the patron's loans, to renew
	ScreenReturn                     // returning items, no card needed
	ScreenReceipt                    // print, show or no receipt?
	ScreenReceiptShown               // the receipt on the screen
	ScreenStudyCard                  // "Studieplek": scan your card
	ScreenStudyZones                 // the zones with their free places, or the patron's own place
	ScreenStudySeats                 // one zone's map
	ScreenStudyUntil                 // until when?
	ScreenStudyDone                  // the place is yours: seat, zone, until when
	ScreenStudyWhen                  // a place for later: which day, from when
	ScreenStudyClass                 // a teacher's class: how many places
)

var screenNames = [...]string{"attract", "busy", "welcome", "notice", "pin", "loans", "return", "receipt", "receipt-shown",
	"study-card", "study-zones", "study-seats", "study-until", "study-done", "study-when", "study-class"}

func (s Screen) String() string { return enumName(screenNames[:], int(s), "screen") }

// Busy says what the kiosk waits for on ScreenBusy.
type Busy int

const (
	BusyLookup   Busy = iota // the library system looks the card up
	BusyPrinting             // the receipt is printing
)

var busyNames = [...]string{"lookup", "printing"}

func (b Busy) String() string { return enumName(busyNames[:], int(b), "busy") }

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
	NoticePINWrong       // flash: try again
	NoticePINLocked      // too many wrong PINs: session over
	NoticeAlreadyListed  // flash: this item is already on the list
	NoticeStaffIgnored   // flash: a staff card in a patron session
	NoticeCardInReturn   // flash: only items while returning
	NoticeItemFirst      // flash: scan your card to borrow
	NoticeTakeReceipt    // goodbye with a printed receipt
	NoticePrinterFailed  // flash on the shown receipt: the printer did not work
	NoticeThanksReturn   // goodbye after returning
	NoticeStoreFull      // the journal could not be written: nothing was sent
	NoticeAnswerFirst    // flash in the open question: an item scanned now is not lent
	NoticeReturnsOff     // the library system takes no returns at the kiosk now
	NoticeVisitFull      // flash: this visit has as many items as one visit may
	NoticeSeatTaken      // flash: someone took that place just now
	NoticeStudyLimit     // flash: the patron has as many bookings as allowed
	NoticeStudyClosed    // the study places are closed now
	NoticeStudyOff       // flash or notice: booking does not work now (store unreadable)
	NoticeLeftPlace      // goodbye after leaving a study place
	NoticeSeatNotFree    // flash: that place is not free; choose one marked free
	NoticeStudyClosedNow // the study places are closed now
)

var noticeNames = [...]string{"none", "unknown-card", "card-lost", "unavailable", "goodbye", "timed-out",
	"not-a-card", "staff-card", "misread", "pin-wrong", "pin-locked", "already-listed", "staff-ignored",
	"card-in-return", "item-first", "take-receipt", "printer-failed", "thanks-return", "store-full",
	"answer-first", "returns-off", "visit-full", "seat-taken", "study-limit", "study-closed", "study-off", "left-place", "seat-not-free", "study-closed-now"}

func (n Notice) String() string { return enumName(noticeNames[:], int(n), "notice") }

// Kind is what a scanned code is.
type Kind int

const (
	KindUnknown Kind = iota
	KindPatron
	KindItem
	KindStaff
)

var kindNames = [...]string{"unknown", "patron", "item", "staff"}

func (k Kind) String() string { return enumName(kindNames[:], int(k), "kind") }

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
	// ConfirmBorrowNext: a card was scanned while returning; borrow now?
	ConfirmBorrowNext
)

var confirmNames = [...]string{"none", "switch-patron", "borrow-next"}

func (c Confirm) String() string { return enumName(confirmNames[:], int(c), "confirm") }

// RowState is where one transaction of this visit stands.
type RowState int

const (
	RowPending RowState = iota // the ILS has not answered yet
	RowOK
	RowRefused // the ILS said no: Reason says why
	RowFailed  // it did not happen: Failure says why
)

var rowStateNames = [...]string{"pending", "ok", "refused", "failed"}

func (s RowState) String() string { return enumName(rowStateNames[:], int(s), "row state") }

// Row is one borrowing, renewal or return of this visit, as the patron sees
// it. Rows are values the core replaces whole, so the UI can tell a changed
// row by comparing it with the one it drew.
type Row struct {
	ID    int
	Kind  TxKind
	Item  string
	Title string
	Media Media
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

var loadStateNames = [...]string{"not-loaded", "loading", "loaded", "load-failed"}

func (s LoadState) String() string { return enumName(loadStateNames[:], int(s), "load state") }

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

// enumName is the name of value i in names, for logs and test failures.
func enumName(names []string, i int, what string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", what, i)
}
