// Package demo is a small library system for demonstrations and tests: a
// catalogue and patrons loaded from the embedded assets/demo/library.json,
// served over SIP2 through sip2.Server.
package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/assets"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Category is a patron category with its limits.
type Category struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	LoanLimit      int    `json:"loan_limit"`
	HoldLimit      int    `json:"hold_limit"`
	LoanDays       int    `json:"loan_days"`
	RenewLimit     int    `json:"renew_limit"` // renewals per loan; 0 means the default, 3
	FineLimitCents int    `json:"fine_limit_cents"`
}

// defaultRenewLimit applies to categories without renew_limit.
const defaultRenewLimit = 3

// Patron is a card holder. Staff cards unlock the kiosk's maintenance mode.
type Patron struct {
	Barcode    string `json:"barcode"`
	Name       string `json:"name"`
	PIN        string `json:"pin"`
	Category   string `json:"category"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Address    string `json:"address,omitempty"`
	Language   string `json:"language,omitempty"` // ISO 639-2, e.g. "dut"
	FinesCents int    `json:"fines_cents,omitempty"`
	CardLost   bool   `json:"card_lost,omitempty"`
	Staff      bool   `json:"staff,omitempty"`
}

// Loan says who has an item and until when. In library.json DueDays is
// relative to the moment of loading; saved state has Due.
type Loan struct {
	Patron   string    `json:"patron"`
	Since    time.Time `json:"since,omitzero"` // transaction date of the checkout
	Due      time.Time `json:"due,omitzero"`
	DueDays  int       `json:"due_days,omitempty"`
	Renewals int       `json:"renewals,omitempty"`
}

// Event is one circulation transaction as the library recorded it; the
// history is saved with the state so a test can check what happened.
type Event struct {
	Kind            string    `json:"kind"` // checkout, renew, checkin
	Patron          string    `json:"patron,omitempty"`
	Item            string    `json:"item"`
	OK              bool      `json:"ok"`
	NoBlock         bool      `json:"no_block,omitempty"` // an offline replay
	TransactionDate time.Time `json:"transaction_date,omitzero"`
	Due             time.Time `json:"due,omitzero"`
	Recorded        time.Time `json:"recorded"` // the library's clock
	Message         string    `json:"message,omitempty"`
}

// Hold is a reservation; Ready means it waits on the pickup shelf, Pickup
// (default PickupShelf) says which.
type Hold struct {
	Patron string `json:"patron"`
	Ready  bool   `json:"ready"`
	Pickup string `json:"pickup,omitempty"`
}

// PickupShelf is where ready holds wait when their data names no shelf.
const PickupShelf = "Afhaalkast"

// Item is one copy in the catalogue.
type Item struct {
	Barcode    string `json:"barcode"`
	Title      string `json:"title"`
	Author     string `json:"author"`
	Media      string `json:"media"` // book, dvd, magazine, audiobook, reference
	Language   string `json:"language,omitempty"`
	Location   string `json:"location,omitempty"`
	NotForLoan bool   `json:"not_for_loan,omitempty"`
	Loan       *Loan  `json:"loan,omitempty"`
	Hold       *Hold  `json:"hold,omitempty"`
}

type data struct {
	Institution string     `json:"institution"`
	LibraryName string     `json:"library_name"`
	Currency    string     `json:"currency"`
	Categories  []Category `json:"categories"`
	Patrons     []*Patron  `json:"patrons"`
	Items       []*Item    `json:"items"`
	History     []Event    `json:"history,omitempty"`
}

// Library is the demo library system. It implements sip2.Backend (and
// checkout, checkin, renew and renew all) and is safe for concurrent use.
type Library struct {
	mu       sync.Mutex
	d        data
	patrons  map[string]*Patron
	items    map[string]*Item
	cats     map[string]Category
	user     string
	password string
	now      func() time.Time

	// what a real server does differently: switches.go
	delay         time.Duration
	requests      map[string]int // answered, by request code
	holdsCountAll bool
	// what the 98 says the library will not do, and it then refuses
	noCheckout, noCheckin, noRenewal, noOffline bool
	ignoreNBDue                                 bool
}

var (
	_ sip2.Backend         = (*Library)(nil)
	_ sip2.CheckoutBackend = (*Library)(nil)
	_ sip2.CheckinBackend  = (*Library)(nil)
	_ sip2.RenewBackend    = (*Library)(nil)
)

// Load reads the embedded demo library. The library reads the time from now
// (nil: the wall clock); relative due dates count from its first reading.
func Load(now func() time.Time) (*Library, error) {
	b, err := assets.Demo.ReadFile("demo/library.json")
	if err != nil {
		return nil, err
	}
	return Parse(b, now)
}

// LoadFile reads a library saved with Save (or any library.json), on the
// clock now as Load.
func LoadFile(path string, now func() time.Time) (*Library, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l, err := Parse(b, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Parse reads a library from JSON, on the clock now as Load.
func Parse(b []byte, now func() time.Time) (*Library, error) {
	if now == nil {
		now = time.Now
	}
	l := &Library{user: "kiosk", password: "kiosk", now: now, requests: map[string]int{}}
	if err := json.Unmarshal(b, &l.d); err != nil {
		return nil, fmt.Errorf("demo library: %w", err)
	}
	if l.d.Currency == "" {
		l.d.Currency = "EUR"
	}
	l.cats = map[string]Category{}
	for i, c := range l.d.Categories {
		if c.RenewLimit == 0 {
			c.RenewLimit = defaultRenewLimit
			l.d.Categories[i] = c
		}
		l.cats[c.Code] = c
	}
	l.patrons = map[string]*Patron{}
	for _, p := range l.d.Patrons {
		if _, dup := l.patrons[p.Barcode]; dup {
			return nil, fmt.Errorf("demo library: patron %s twice", p.Barcode)
		}
		if _, ok := l.cats[p.Category]; !ok {
			return nil, fmt.Errorf("demo library: patron %s: unknown category %q", p.Barcode, p.Category)
		}
		l.patrons[p.Barcode] = p
	}
	l.items = map[string]*Item{}
	start := now()
	for _, it := range l.d.Items {
		if _, dup := l.items[it.Barcode]; dup {
			return nil, fmt.Errorf("demo library: item %s twice", it.Barcode)
		}
		if it.Loan != nil {
			if l.patrons[it.Loan.Patron] == nil {
				return nil, fmt.Errorf("demo library: item %s: loan to unknown patron", it.Barcode)
			}
			if it.Loan.Due.IsZero() {
				it.Loan.Due = endOfDay(start.AddDate(0, 0, it.Loan.DueDays))
				it.Loan.DueDays = 0
			}
		}
		if it.Hold != nil && l.patrons[it.Hold.Patron] == nil {
			return nil, fmt.Errorf("demo library: item %s: hold for unknown patron", it.Barcode)
		}
		l.items[it.Barcode] = it
	}
	return l, nil
}

// Save writes the current state (loans, holds, fines) as JSON, atomically.
func (l *Library) Save(path string) error {
	l.mu.Lock()
	b, err := json.MarshalIndent(l.d, "", " ")
	l.mu.Unlock()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".library-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SetLogin sets the 93 credentials the library accepts (default kiosk/kiosk).
func (l *Library) SetLogin(user, password string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.user, l.password = user, password
}

// SetInstitution sets the AO institution id (default from library.json, "ZTM").
func (l *Library) SetInstitution(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d.Institution = id
}

// Institution returns the AO institution id.
func (l *Library) Institution() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.d.Institution
}

// Now reads the library's clock, for a client that must agree with it.
func (l *Library) Now() time.Time {
	return l.now() // set once, by Parse
}

// Patron returns a copy of the patron with this card barcode.
func (l *Library) Patron(barcode string) (Patron, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.patrons[barcode]
	if p == nil {
		return Patron{}, false
	}
	return *p, true
}

// Item returns a copy of the item with this barcode.
func (l *Library) Item(barcode string) (Item, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	it := l.items[barcode]
	if it == nil {
		return Item{}, false
	}
	c := *it
	if it.Loan != nil {
		ln := *it.Loan
		c.Loan = &ln
	}
	if it.Hold != nil {
		h := *it.Hold
		c.Hold = &h
	}
	return c, true
}

// History returns the transactions recorded since the library was
// created, oldest first, including those in a loaded state file.
func (l *Library) History() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.d.History...)
}

// record appends to the history. Holds l.mu.
func (l *Library) record(e Event) {
	e.Recorded = l.now()
	l.d.History = append(l.d.History, e)
}

// Patrons returns copies of all patrons in file order.
func (l *Library) Patrons() []Patron {
	l.mu.Lock()
	defer l.mu.Unlock()
	ps := make([]Patron, len(l.d.Patrons))
	for i, p := range l.d.Patrons {
		ps[i] = *p
	}
	return ps
}

// Items returns copies of all items in file order.
func (l *Library) Items() []Item {
	var out []Item
	l.mu.Lock()
	codes := make([]string, len(l.d.Items))
	for i, it := range l.d.Items {
		codes[i] = it.Barcode
	}
	l.mu.Unlock()
	for _, c := range codes {
		it, _ := l.Item(c)
		out = append(out, it)
	}
	return out
}

// Barcodes returns a printable table of the demo cards and items.
func (l *Library) Barcodes() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "CARDS (%s, %s)\n", l.d.LibraryName, l.d.Institution)
	fmt.Fprintln(tw, "card\tPIN\trole\tname\tnotes")
	for _, p := range l.d.Patrons {
		role := l.cats[p.Category].Name
		if p.Staff {
			role = "staff (" + role + ")"
		}
		var notes []string
		if p.CardLost {
			notes = append(notes, "card reported lost")
		}
		if p.FinesCents > 0 {
			n := "fines " + money(p.FinesCents)
			if p.FinesCents > l.cats[p.Category].FineLimitCents {
				n += " (blocked, limit " + money(l.cats[p.Category].FineLimitCents) + ")"
			}
			notes = append(notes, n)
		}
		loans, overdue, ready, waiting := 0, 0, 0, 0
		for _, it := range l.d.Items {
			if it.Loan != nil && it.Loan.Patron == p.Barcode {
				loans++
				if it.Loan.Due.Before(now) {
					overdue++
				}
			}
			if it.Hold != nil && it.Hold.Patron == p.Barcode {
				if it.Hold.Ready {
					ready++
				} else {
					waiting++
				}
			}
		}
		if loans > 0 {
			notes = append(notes, fmt.Sprintf("%d on loan", loans))
		}
		if overdue > 0 {
			notes = append(notes, fmt.Sprintf("%d overdue", overdue))
		}
		if ready > 0 {
			notes = append(notes, fmt.Sprintf("%d hold ready", ready))
		}
		if waiting > 0 {
			notes = append(notes, fmt.Sprintf("%d hold waiting", waiting))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Barcode, p.PIN, role, p.Name, strings.Join(notes, ", "))
	}
	tw.Flush()
	tw = tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nITEMS")
	fmt.Fprintln(tw, "item\ttype\ttitle\tauthor\tstatus")
	for _, it := range l.d.Items {
		status := "available"
		switch {
		case it.NotForLoan:
			status = "not for loan"
		case it.Loan != nil:
			status = "on loan to " + sip2.MaskID(it.Loan.Patron) + ", due " + it.Loan.Due.Format("2006-01-02")
			if it.Loan.Due.Before(now) {
				status += " (overdue)"
			}
		}
		if it.Hold != nil {
			if it.Hold.Ready {
				status += "; hold ready for " + sip2.MaskID(it.Hold.Patron)
			} else {
				status += "; hold for " + sip2.MaskID(it.Hold.Patron)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.Barcode, it.Media, it.Title, it.Author, status)
	}
	tw.Flush()
	return sb.String()
}

func money(cents int) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 0, 0, t.Location())
}

// CheckDigit returns the Luhn mod-10 check digit over the digits of s, the
// check used on the library's Codabar cards and labels.
func CheckDigit(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidBarcode reports whether s is 14 digits with a correct check digit.
func ValidBarcode(s string) bool {
	if len(s) != 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return CheckDigit(s[:13]) == s[13]
}

// sortedLoans returns the items on loan to p, earliest due first.
func (l *Library) loansOf(p string) []*Item {
	var out []*Item
	for _, it := range l.d.Items {
		if it.Loan != nil && it.Loan.Patron == p {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Loan.Due.Before(out[j].Loan.Due) })
	return out
}
