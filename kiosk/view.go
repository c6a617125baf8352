package kiosk

import (
	"slices"
	"time"
)

// View is everything the UI needs to draw: the screen, the chrome around
// it, and one part per flow. The core builds a new View each time it
// publishes and never changes it after, so a View can be shared without a
// copy: its slices are the UI's to read, never to write.
type View struct {
	Screen Screen
	// Notice is the message of ScreenNotice; Busy what ScreenBusy waits for.
	Notice Notice
	Busy   Busy
	Chrome Chrome
	// Visit is the patron at the kiosk, or a pile of returns; zero on the
	// attract screen.
	Visit Visit
	// Study is a visit for a study place, on the study screens.
	Study Study
	// Poll is the quick poll on the goodbye screen, if one is asked.
	Poll PollView
}

// Chrome is what stays around every screen: the language, the countdown,
// help, the flash line, and how the library system and the scanners are.
type Chrome struct {
	// Lang is the language the patron chose ("nl", "en").
	Lang string
	// Warning is set while the session-end countdown runs.
	Warning     bool
	SecondsLeft int
	// Help is set while the help text is open.
	Help bool
	// Flash is a short message on a session screen ("scan again"), gone
	// after a few seconds or at the next action.
	Flash    Notice
	ILS      ILSStatus
	Scanners []ScannerState
	// CanPrint says whether a receipt printer is there to offer.
	CanPrint bool
	// Seats is how many study places are free per zone now, for the idle
	// screen; nil where the kiosk has no study places. StudyOpen: the study
	// places are open now.
	Seats     []ZoneCount
	StudyOpen bool
	// News is the "U vroeg, wij deden" message on the idle screen now, per
	// language; nil when there is none.
	News map[string]string
}

// ILSStatus is how the library system is, for the header and for staff.
type ILSStatus struct {
	// Down: unreachable, the kiosk works offline since Since; Waiting
	// transactions are still to be sent.
	Down    bool
	Since   time.Time
	Waiting int
	// Fault: the ILS refuses the kiosk's settings, for staff.
	Fault ILSFault
	// Service is what the library system last said the kiosk may do.
	Service Service
}

// Visit is one patron's visit, or a pile of returns without a card.
type Visit struct {
	Patron Patron
	// PINLength is how many digits were typed (they show as dots);
	// PINWrong how many PINs were wrong, PINTriesLeft how many more end
	// the visit.
	PINLength    int
	PINWrong     int
	PINTriesLeft int
	// Rows are this visit's borrowings and renewals, or its returns,
	// oldest first; each row keeps its ID for its whole life.
	Rows []Row
	// Full: the visit has as many rows as one visit may (Options.MaxRows).
	Full       bool
	Loans      []Loan
	LoansState LoadState
	// Holds are the patron's reservations, fetched in the background when
	// the ILS counted any.
	Holds      []Hold
	HoldsState LoadState
	// Confirm is the question the visit waits on; SwitchName names the
	// patron of the other card once the ILS has said it.
	Confirm    Confirm
	SwitchName string
	// ReceiptDefault is the choice preselected on ScreenReceipt.
	ReceiptDefault ReceiptKind
	// Receipt is shown on ScreenReceiptShown.
	Receipt Receipt
}

// ScannerMissing reports whether any configured scanner is not connected.
func (c Chrome) ScannerMissing() bool {
	return slices.ContainsFunc(c.Scanners, func(s ScannerState) bool { return !s.Connected })
}

// InSession reports whether a patron (or a return) is at the kiosk: the
// screens with an inactivity countdown.
func (v View) InSession() bool { return screens[v.Screen].session }

// Returning reports whether the visit is a pile of returns without a card.
func (v Visit) Returning() bool { return v.Patron.Card == "" }

// Borrowed counts what this visit has borrowed so far.
func (v Visit) Borrowed() int { return v.done(TxCheckout) }

// Returned counts what this visit has returned so far.
func (v Visit) Returned() int { return v.done(TxCheckin) }

func (v Visit) done(kind TxKind) int {
	n := 0
	for _, r := range v.Rows {
		if r.Kind == kind && r.State == RowOK {
			n++
		}
	}
	return n
}

// Row finds the row of item of kind, the newest if there are several.
func (v Visit) Row(kind TxKind, item string) (Row, bool) {
	for i := len(v.Rows) - 1; i >= 0; i-- {
		if v.Rows[i].Kind == kind && v.Rows[i].Item == item {
			return v.Rows[i], true
		}
	}
	return Row{}, false
}

// RenewableLoans are the loans "Alles verlengen" would renew: those not
// renewed or refused yet in this visit (a refusal would only come again),
// none when the library system allows no renewals now.
func (v View) RenewableLoans() []Loan {
	if v.Chrome.ILS.Service.NoRenew || v.Visit.LoansState != Loaded {
		return nil
	}
	var out []Loan
	for _, l := range v.Visit.Loans {
		tried := slices.ContainsFunc(v.Visit.Rows, func(r Row) bool {
			return r.Kind == TxRenew && r.Item == l.Item && r.State != RowFailed
		})
		if !tried {
			out = append(out, l)
		}
	}
	return out
}
