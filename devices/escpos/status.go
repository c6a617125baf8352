package escpos

import (
	"errors"
	"fmt"
)

// Errors a Print or Status.Err reports, for errors.Is: the kiosk then shows
// the receipt on screen, and reports out of paper to the ILS (SIP2 99
// status code 1).
var (
	ErrOffline = errors.New("receipt printer offline")
	ErrNoPaper = errors.New("receipt printer out of paper")
)

// Status is what the printer says about itself (DLE EOT 1 and 4).
type Status struct {
	Offline      bool // no answer, gone, or offline by its own word (cover open, paper end, error)
	PaperEnd     bool // roll paper sensor: no paper
	PaperNearEnd bool // roll paper near-end sensor: little paper left, printing still works
}

// Err is ErrNoPaper or ErrOffline when a receipt cannot be printed, else nil.
func (s Status) Err() error {
	switch {
	case s.PaperEnd:
		return ErrNoPaper
	case s.Offline:
		return ErrOffline
	}
	return nil
}

func (s Status) String() string {
	switch {
	case s.PaperEnd:
		return "paper end"
	case s.Offline:
		return "offline"
	case s.PaperNearEnd:
		return "online, paper near end"
	}
	return "online"
}

// Real-time status requests: DLE EOT n.
const (
	queryPrinter = 1 // printer status: bit 3 offline
	queryPaper   = 4 // roll paper sensor: bits 2–3 near end, bits 5–6 paper end
)

// isReply tells a DLE EOT reply (bits 1 and 4 set, 0 and 7 clear) from the
// other bytes a printer may send: XON, XOFF and Automatic Status Back blocks.
func isReply(b byte) bool { return b&0x93 == 0x12 }

// firstReply finds the reply in bytes read after a query.
func firstReply(read []byte) (byte, bool) {
	for _, b := range read {
		if isReply(b) {
			return b, true
		}
	}
	return 0, false
}

var errNoReply = errors.New("no status reply")

// parseStatus reads the bytes received after DLE EOT 1 and after DLE EOT 4.
func parseStatus(printer, paper []byte) (Status, error) {
	p, ok := firstReply(printer)
	if !ok {
		return Status{Offline: true}, fmt.Errorf("printer status %q: %w", printer, errNoReply)
	}
	s, ok := firstReply(paper)
	if !ok {
		return Status{Offline: true}, fmt.Errorf("paper status %q: %w", paper, errNoReply)
	}
	return decodeStatus(p, s), nil
}

// decodeStatus reads the reply bytes to DLE EOT 1 and DLE EOT 4.
func decodeStatus(printer, paper byte) Status {
	return Status{
		Offline:      printer&0x08 != 0,
		PaperNearEnd: paper&0x0c != 0,
		PaperEnd:     paper&0x60 != 0,
	}
}
