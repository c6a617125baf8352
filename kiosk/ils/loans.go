package ils

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// maxPages bounds the 63s asked for one item list.
const maxPages = 20

// Charged lists the barcodes lent to card, from the 63 charged items alone.
func (s *SIP2) Charged(ctx context.Context, card string) ([]string, error) {
	_, charged, err := s.itemList(ctx, card, "", sip2.ChargedItems)
	if err != nil {
		return nil, classify(err)
	}
	return charged, nil
}

// Loans lists the patron's loans: the charged and overdue items of 63
// (paged with BP/BQ when the server sends fewer than it counts), then a 17
// per item for title and due date when the server handles 17. Without 17
// a loan has no title and no due date; the UI shows the barcode. Sorted by
// due date, loans without one last.
func (s *SIP2) Loans(ctx context.Context, card, pin string) ([]kiosk.Loan, error) {
	p, charged, err := s.itemList(ctx, card, pin, sip2.ChargedItems)
	if err != nil {
		return nil, classify(err)
	}
	if pin != "" && p.ValidPatronPassword == sip2.No {
		return nil, ErrWrongPIN
	}
	overdue := map[string]bool{}
	if p.OverdueItemsCount > 0 {
		_, list, err := s.itemList(ctx, card, pin, sip2.OverdueItems)
		if err != nil {
			return nil, classify(err)
		}
		for _, b := range list {
			overdue[b] = true
		}
	}
	info, err := s.supports(ctx, sip2.CodeItemInformation)
	if err != nil && transport(err) {
		return nil, classify(err)
	}
	now := s.c.Config().Now()
	loans := make([]kiosk.Loan, 0, len(charged))
	for _, b := range charged {
		l := kiosk.Loan{Item: b, Overdue: overdue[b]}
		if info {
			r, err := s.itemInfo(ctx, b)
			if err != nil && transport(err) {
				return nil, classify(err)
			}
			if r != nil {
				l.Title = strings.TrimSpace(r.TitleID)
				l.Media = MediaType(r.MediaType)
				l.Due = itemDue(r)
			}
		}
		if !l.Due.IsZero() && l.Due.Before(now) {
			l.Overdue = true
		}
		s.sawDue(card, b, l.Due)
		loans = append(loans, l)
	}
	slices.SortStableFunc(loans, func(a, b kiosk.Loan) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return strings.Compare(a.Item, b.Item)
	})
	return loans, nil
}

// Holds lists the patron's reservations: the 63's hold items and
// unavailable hold items, each looked up with 17. Only an item whose 17
// says it waits on the hold shelf (circulation status 08) is ready: servers
// such as Koha count every hold among the "hold items", even one still lent
// to someone else. Without 17 a hold item is taken as ready, as the spec
// means it.
func (s *SIP2) Holds(ctx context.Context, card, pin string) ([]kiosk.Hold, error) {
	p, listed, err := s.itemList(ctx, card, pin, sip2.HoldItems)
	if err != nil {
		return nil, classify(err)
	}
	waiting := map[string]bool{}
	if p.UnavailableHoldsCount > 0 {
		_, list, err := s.itemList(ctx, card, pin, sip2.UnavailableHoldItems)
		if err != nil {
			return nil, classify(err)
		}
		for _, b := range list {
			if !slices.Contains(listed, b) {
				listed = append(listed, b)
				waiting[b] = true
			}
		}
	}
	info, err := s.supports(ctx, sip2.CodeItemInformation)
	if err != nil && transport(err) {
		return nil, classify(err)
	}
	holds := make([]kiosk.Hold, 0, len(listed))
	for _, b := range listed {
		h := kiosk.Hold{Item: b, Ready: !info && !waiting[b]}
		if info {
			r, err := s.itemInfo(ctx, b)
			if err != nil && transport(err) {
				return nil, classify(err)
			}
			if r != nil {
				h.Title = strings.TrimSpace(r.TitleID)
				h.Media = MediaType(r.MediaType)
				h.Ready = r.CirculationStatus == sip2.CircWaitingOnHold
				if h.Ready {
					h.Shelf = strings.TrimSpace(r.CurrentLocation)
				}
			}
		}
		holds = append(holds, h)
	}
	// Ready first: that is what the patron came for.
	slices.SortStableFunc(holds, func(a, b kiosk.Hold) int {
		switch {
		case a.Ready == b.Ready:
			return 0
		case a.Ready:
			return -1
		}
		return 1
	})
	return holds, nil
}

// itemList asks 63 for one of the patron's item lists, all of it: when a
// server sends fewer items than its count says, it asks for the rest with
// BP/BQ. It returns the first answer with the list.
func (s *SIP2) itemList(ctx context.Context, card, pin string, list sip2.ItemList) (*sip2.PatronInformationResponse, []string, error) {
	var first *sip2.PatronInformationResponse
	var items []string
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		var start, end *int
		if page > 0 {
			a, b := len(items)+1, listCount(first, list)
			start, end = &a, &b
		}
		var r *sip2.PatronInformationResponse
		err := s.read(ctx, func() (err error) {
			r, err = s.patronInformation(ctx, card, pin, list, start, end)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		if first == nil {
			if !validPatron(r) {
				return nil, nil, kiosk.ErrUnknownPatron
			}
			first = r
		}
		added := 0
		for _, b := range listItems(r, list) {
			if b = strings.TrimSpace(b); b != "" && !seen[b] {
				seen[b] = true
				items = append(items, b)
				added++
			}
		}
		if added == 0 || len(items) >= listCount(first, list) {
			break
		}
	}
	return first, items, nil
}

func listItems(r *sip2.PatronInformationResponse, l sip2.ItemList) []string {
	switch l {
	case sip2.ChargedItems:
		return r.ChargedItems
	case sip2.OverdueItems:
		return r.OverdueItems
	case sip2.HoldItems:
		return r.HoldItems
	case sip2.UnavailableHoldItems:
		return r.UnavailableHoldItems
	}
	return nil
}

func listCount(r *sip2.PatronInformationResponse, l sip2.ItemList) int {
	switch l {
	case sip2.ChargedItems:
		return r.ChargedItemsCount
	case sip2.OverdueItems:
		return r.OverdueItemsCount
	case sip2.HoldItems:
		return r.HoldItemsCount
	case sip2.UnavailableHoldItems:
		return r.UnavailableHoldsCount
	}
	return 0
}

// supports reports whether the server handles a request code (BX of 98).
func (s *SIP2) supports(ctx context.Context, code string) (bool, error) {
	var ok bool
	err := s.read(ctx, func() (err error) {
		ok, err = s.c.Supports(ctx, code)
		return err
	})
	return ok, err
}

// itemInfo sends a 17. An answer that cannot be read comes back as nil
// with a DecodeError; a failed exchange as nil with a transport error.
func (s *SIP2) itemInfo(ctx context.Context, item string) (*sip2.ItemInformationResponse, error) {
	cfg := s.c.Config()
	var r *sip2.ItemInformationResponse
	err := s.read(ctx, func() (err error) {
		r, err = s.c.ItemInformation(ctx, &sip2.ItemInformationRequest{
			TransactionDate:  cfg.Now(),
			InstitutionID:    cfg.Institution,
			ItemID:           item,
			TerminalPassword: cfg.TerminalPassword,
		})
		r, err = tolerate(s, r, err)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func itemDue(r *sip2.ItemInformationResponse) time.Time {
	t, err := r.Due(time.Local)
	if err != nil {
		return parseDue(r.DueDate)
	}
	return t
}

// dueLayouts are the non-SIP2 due dates servers send in AH (Koha has sent
// ISO dates; some send the date alone).
var dueLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02", "20060102"}

// parseDue reads a due date that is not a SIP2 date; zero if none fits.
func parseDue(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range dueLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			if len(l) <= len("2006-01-02") {
				t = t.Add(23*time.Hour + 59*time.Minute) // a date alone: due by the end of it
			}
			return t
		}
	}
	return time.Time{}
}
