// Package ils connects the kiosk core to a library system over SIP2: it turns
// the core's questions into SIP2 requests and the answers into kiosk values.
//
// Patron: 63 (PatronInfo, PatronName, Loans), 35 (EndSession). Items: 11, 29, 09 for
// checkout, renewal and return, 17 for titles and for working out why the
// library system refused something it did not explain in words the kiosk
// knows (see KnownMessage). Card numbers reach the log as their last four
// characters only.
package ils

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// SIP2 is the kiosk's ILS over a SIP2 client.
type SIP2 struct {
	c   *sip2.Client
	log *slog.Logger

	// The items lent to the patron at the kiosk, from the visit's 63, so a
	// checkout needs no look-up first to tell "already yours" (one patron at
	// a time; forgotten at EndSession).
	mu          sync.Mutex
	visitCard   string
	visitLoaned map[string]bool
	visitDue    map[string]time.Time // due dates as the visit saw them, for renewals in doubt
}

var _ kiosk.ILS = (*SIP2)(nil)

// New wraps a SIP2 client.
func New(c *sip2.Client) *SIP2 {
	log := c.Config().Logger
	if log == nil {
		log = slog.Default()
	}
	return &SIP2{c: c, log: log.With("ils", "sip2")}
}

// PatronInfo asks the ILS about a card (63, with the charged items) and
// reads its blocks, the PIN check (CQ) and the screen messages (AF). The
// charged items stay with the adapter for the visit's checkouts.
func (s *SIP2) PatronInfo(ctx context.Context, card, pin string) (kiosk.Patron, error) {
	resp, charged, err := s.itemList(ctx, card, pin, sip2.ChargedItems)
	if err != nil {
		return kiosk.Patron{}, classify(err)
	}
	s.visit(card, charged)
	return patronFrom(card, resp), nil
}

// PatronName asks the ILS for the name of card's patron (63 with no item
// list). Unlike PatronInfo it keeps the visit's loans as they are: the
// card is only asked about, by the patron at the kiosk.
func (s *SIP2) PatronName(ctx context.Context, card string) (string, error) {
	var r *sip2.PatronInformationResponse
	err := s.read(ctx, func() (err error) {
		r, err = s.patronInformation(ctx, card, "", sip2.NoItems, nil, nil)
		return err
	})
	if err != nil {
		return "", classify(err)
	}
	if !validPatron(r) {
		return "", kiosk.ErrUnknownPatron
	}
	return r.PersonalName, nil
}

// visit remembers the items lent to card, for the visit at the kiosk.
func (s *SIP2) visit(card string, charged []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.visitCard, s.visitLoaned, s.visitDue = card, make(map[string]bool, len(charged)), map[string]time.Time{}
	for _, it := range charged {
		s.visitLoaned[it] = true
	}
}

// sawDue records a loan's due date as the visit sees it.
func (s *SIP2) sawDue(card, item string, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.visitCard == card && !due.IsZero() {
		s.visitDue[item] = due
	}
}

// lent reports whether the visit's 63 listed item as lent to card; with
// add, it records that the item is now.
func (s *SIP2) lent(card, item string, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.visitCard != card {
		return false
	}
	if add {
		s.visitLoaned[item] = true
	}
	return s.visitLoaned[item]
}

// validPatron: Koha and others answer an unknown card with BL N and no name.
func validPatron(r *sip2.PatronInformationResponse) bool {
	return r.ValidPatron != sip2.No && (r.ValidPatron == sip2.Yes || r.PersonalName != "")
}

// patronInformation sends one 63, accepting an answer that lacks a field
// the spec requires (see tolerate).
func (s *SIP2) patronInformation(ctx context.Context, card, pin string, list sip2.ItemList, start, end *int) (*sip2.PatronInformationResponse, error) {
	cfg := s.c.Config()
	r, err := s.c.PatronInformation(ctx, &sip2.PatronInformationRequest{
		TransactionDate:  cfg.Now(),
		Summary:          list,
		InstitutionID:    cfg.Institution,
		PatronID:         card,
		TerminalPassword: cfg.TerminalPassword,
		PatronPassword:   pin,
		StartItem:        start,
		EndItem:          end,
	})
	return tolerate(s, r, err)
}

func patronFrom(card string, r *sip2.PatronInformationResponse) kiosk.Patron {
	p := kiosk.Patron{
		Card:       card,
		Name:       r.PersonalName,
		Loans:      max(r.ChargedItemsCount, len(r.ChargedItems)),
		Overdue:    max(r.OverdueItemsCount, len(r.OverdueItems)),
		Holds:      max(r.HoldItemsCount, len(r.HoldItems)) + r.UnavailableHoldsCount,
		Fines:      r.FeeAmount,
		Currency:   r.CurrencyType,
		PINChecked: r.ValidPatronPassword == sip2.Yes || r.ValidPatronPassword == sip2.No,
		PINValid:   r.ValidPatronPassword == sip2.Yes,
		Messages:   r.ScreenMessages,
		Category:   category(r.Extra),
	}
	st := r.Status
	switch {
	case st.CardReportedLost:
		p.Blocks = append(p.Blocks, kiosk.BlockCardLost)
	case st.ExcessiveOutstandingFines, st.ExcessiveOutstandingFees, st.TooManyItemsBilled:
		p.Blocks = append(p.Blocks, kiosk.BlockFines)
	case st.TooManyItemsOverdue, st.RecallOverdue:
		p.Blocks = append(p.Blocks, kiosk.BlockTooManyOverdue)
	case st.TooManyItemsCharged:
		p.Blocks = append(p.Blocks, kiosk.BlockTooManyItems)
	case st.ChargePrivilegesDenied:
		p.Blocks = append(p.Blocks, kiosk.BlockOther)
	}
	return p
}

// EndSession sends 35, and forgets the visit's loans.
func (s *SIP2) EndSession(ctx context.Context, card string) error {
	s.mu.Lock()
	if s.visitCard == card {
		s.visitCard, s.visitLoaned, s.visitDue = "", nil, nil
	}
	s.mu.Unlock()
	cfg := s.c.Config()
	return classify(s.read(ctx, func() error {
		r, err := s.c.EndPatronSession(ctx, &sip2.EndPatronSessionRequest{
			TransactionDate:  cfg.Now(),
			InstitutionID:    cfg.Institution,
			PatronID:         card,
			TerminalPassword: cfg.TerminalPassword,
		})
		_, err = tolerate(s, r, err)
		return err
	}))
}

// Ping sends 99 and checks that the ILS says it is online, and reads what
// it allows from the 98's flags and supported messages. Any failure, a
// missing reply included, is kiosk.ErrUnavailable: the ILS does not answer.
// It dials at once when there is no connection, whatever the client's
// backoff: the kiosk's probe is the retry, and must see the ILS come back.
func (s *SIP2) Ping(ctx context.Context) (kiosk.Service, error) {
	var st *sip2.ACSStatusResponse
	err := s.read(ctx, func() (err error) {
		st, err = s.c.Probe(ctx)
		st, err = tolerate(s, st, err)
		return err
	})
	if err != nil {
		return kiosk.Service{}, unavailable(err)
	}
	if !st.OnlineStatus {
		return kiosk.Service{}, fmt.Errorf("%w: the ILS reports it is offline", kiosk.ErrUnavailable)
	}
	return serviceOf(st), nil
}

// serviceOf reads the 98. A BX that lists nothing is taken as absent
// (servers that leave it out), not as "renewals unsupported".
func serviceOf(st *sip2.ACSStatusResponse) kiosk.Service {
	bx := st.Supported != sip2.SupportedMessages{}
	return kiosk.Service{
		NoCheckout: !st.CheckoutOK,
		NoCheckin:  !st.CheckinOK,
		NoRenew:    !st.ACSRenewalPolicy || bx && !st.Supported.Renew,
		NoOffline:  !st.OfflineOK,
		RenewAll:   bx && st.Supported.RenewAll,
	}
}

// category is the patron category as Koha and others send it in a 64's
// extension field PC (not in the SIP2 2.00 standard); "" if absent.
func category(extra []sip2.Field) string {
	for _, f := range extra {
		if f.ID == "PC" {
			return strings.TrimSpace(f.Value)
		}
	}
	return ""
}
