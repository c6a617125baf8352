package ils

import (
	"strings"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// knownMessages maps the English screen messages (AF) of library systems
// to the kiosk's reasons. Keys are normalised (see normMessage): lower
// case, single spaces, no trailing full stop. A key ending in "*" matches
// every message that begins with the rest (Koha appends names and amounts).
var knownMessages = map[string]kiosk.Reason{
	// The demo library (kiosk/demo), worded like Koha.
	norm("Item not found"):                        kiosk.ReasonUnknownItem,
	norm("Item is not for loan"):                  kiosk.ReasonNotForLoan,
	norm("Item is checked out to another patron"): kiosk.ReasonOnLoanOther,
	norm("Item is on hold for another patron"):    kiosk.ReasonOnHoldOther,
	norm("Item was not checked out"):              kiosk.ReasonNotOnLoan,
	norm("Item has reached its renewal limit"):    kiosk.ReasonRenewLimit,
	norm("Patron has too many items checked out"): kiosk.ReasonLimit,
	norm("Patron has outstanding fines"):          kiosk.ReasonPatronBlocked,
	norm("Card reported lost"):                    kiosk.ReasonPatronBlocked,
	norm("Patron not found"):                      kiosk.ReasonUnknownPatron,

	// Common wordings.
	"item not found": kiosk.ReasonUnknownItem,
	"item is on hold shelf for another patron": kiosk.ReasonOnHoldOther,
	"this item is already checked out to you":  kiosk.ReasonAlreadyYours,
	"patron has too many items":                kiosk.ReasonLimit,
	"item not for loan":                        kiosk.ReasonNotForLoan,
	"item checked out to another patron":       kiosk.ReasonOnLoanOther,
	"too many renewals":                        kiosk.ReasonRenewLimit,
	"renewal denied: item on hold":             kiosk.ReasonRenewHeld,
	"patron blocked":                           kiosk.ReasonPatronBlocked,
	"unknown patron":                           kiosk.ReasonUnknownPatron,
	"invalid patron":                           kiosk.ReasonUnknownPatron,
	"invalid patron barcode":                   kiosk.ReasonUnknownPatron,
	"invalid user barcode":                     kiosk.ReasonUnknownPatron,
	"item not checked out":                     kiosk.ReasonNotOnLoan,

	// Koha (C4::SIP::ILS, Transaction::Checkout and ::Renew).
	"invalid item":                                                                kiosk.ReasonUnknownItem,
	"item is on hold for another patron":                                          kiosk.ReasonOnHoldOther,
	"item is reserved for another patron upon return":                             kiosk.ReasonOnHoldOther,
	"item has been recalled for another patron":                                   kiosk.ReasonOnHoldOther,
	"item already checked out to another patron. please return item for check-in": kiosk.ReasonOnLoanOther,
	"item already issued to other borrower":                                       kiosk.ReasonOnLoanOther,
	"item already checked out to you: renewing item":                              kiosk.ReasonAlreadyYours,
	"outstanding fines block issue":                                               kiosk.ReasonPatronBlocked,
	"patron debarred":                                                             kiosk.ReasonPatronBlocked,
	"patron expired*":                                                             kiosk.ReasonPatronBlocked,
	"patron has fines*":                                                           kiosk.ReasonPatronBlocked,
	"renewals not allowed":                                                        kiosk.ReasonPatronBlocked,
	"item unavailable due to outstanding holds":                                   kiosk.ReasonRenewHeld,
	"item has reached maximum renewals":                                           kiosk.ReasonRenewLimit,
	"item has reached maximum consecutive renewals without being seen":            kiosk.ReasonRenewLimit,
	"item not checked out to*":                                                    kiosk.ReasonNotOnLoan,
	"on_reserve":                                                                  kiosk.ReasonRenewHeld,
	"too_many":                                                                    kiosk.ReasonRenewLimit,
	"too_unseen":                                                                  kiosk.ReasonRenewLimit,
	"restriction":                                                                 kiosk.ReasonPatronBlocked,
	// Koha's "Issue failed : <CanBookBeIssued code>".
	"issue failed: not_for_loan":         kiosk.ReasonNotForLoan,
	"issue failed: not_for_loan_forcing": kiosk.ReasonNotForLoan,
	"issue failed: unknown_barcode":      kiosk.ReasonUnknownItem,
	"issue failed: too_many":             kiosk.ReasonLimit,
	"issue failed: gna":                  kiosk.ReasonPatronBlocked,
	"issue failed: card_lost":            kiosk.ReasonPatronBlocked,
	"issue failed: debarred":             kiosk.ReasonPatronBlocked,
	"issue failed: expired":              kiosk.ReasonPatronBlocked,
	"issue failed: restricted":           kiosk.ReasonPatronBlocked,
	"issue failed: userblockedoverdue":   kiosk.ReasonPatronBlocked,
	"issue failed: debt":                 kiosk.ReasonPatronBlocked,
	"issue failed: debt_guarantees":      kiosk.ReasonPatronBlocked,
	"issue failed: no_more_renewals":     kiosk.ReasonRenewLimit,

	// Evergreen (OpenILS::SIP) and the reference SIPServer.
	"item on hold for another user": kiosk.ReasonOnHoldOther,
	"invalid item barcode*":         kiosk.ReasonUnknownItem,
	"renewals not permitted":        kiosk.ReasonAlreadyYours, // a checkout of one's own loan without SC renewal
}

// knownPrefixes are the "*" keys of knownMessages, longest first.
var knownPrefixes = func() []string {
	var ps []string
	for k := range knownMessages {
		if strings.HasSuffix(k, "*") {
			ps = append(ps, k)
		}
	}
	// Longest first, so a more precise prefix wins.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && len(ps[j]) > len(ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}()

// KnownMessage reports the kiosk's reason for a library system's screen
// message (AF) the adapter knows, in English as Koha, Evergreen and the
// demo library send them. Case, spacing and a final full stop do not
// matter. The UI shows its own text for the reason; it shows the raw
// message only for kiosk.ReasonOther.
func KnownMessage(af string) (kiosk.Reason, bool) {
	m := norm(af)
	if m == "" {
		return kiosk.ReasonNone, false
	}
	if r, ok := knownMessages[m]; ok {
		return r, true
	}
	for _, p := range knownPrefixes {
		if strings.HasPrefix(m, p[:len(p)-1]) {
			return knownMessages[p], true
		}
	}
	return kiosk.ReasonNone, false
}

// norm lowers case, folds runs of white space to one space, writes " :"
// as ":", and drops final full stops and exclamation marks.
func norm(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	s = strings.ReplaceAll(s, " :", ":")
	return strings.TrimRight(s, ".! ")
}

// holdMessages are checkin messages that say the item goes to the hold shelf.
var holdMessages = []string{norm("Item is on hold: put it on the hold shelf"), "hold shelf", "item is on hold", "hold for patron", "trapped"}

func holdMessage(af string) bool {
	m := norm(af)
	for _, h := range holdMessages {
		if strings.Contains(m, h) {
			return true
		}
	}
	return false
}
