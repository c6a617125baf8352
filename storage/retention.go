package storage

import "time"

// AttentionRetention is how long an entry that needs staff attention keeps
// its patron when staff do not resolve it sooner. Staff need the card to
// tell who took an item the library refused on replay; by then the item is
// missed on its shelf or overdue: three weeks' loan, renewed twice, is 63
// days, and the reminder that follows comes within the month after.
const AttentionRetention = 90 * 24 * time.Hour

// Retention is how long the kiosk keeps what identifies a patron, counted
// on the store's clock from an entry's last change.
type Retention struct {
	Journal   time.Duration // a finished transaction's card number (kiosk.retention)
	Attention time.Duration // an unresolved transaction for staff: AttentionRetention
	Patrons   time.Duration // a remembered card and name (offline.patron_cache)
}
