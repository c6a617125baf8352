// Package ils connects the kiosk core to a library system over SIP2: it turns
// the core's questions into SIP2 requests and the answers into kiosk values.
package ils

import (
	"context"
	"errors"
	"fmt"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// SIP2 is the kiosk's ILS over a SIP2 client.
type SIP2 struct {
	c *sip2.Client
}

var _ kiosk.ILS = (*SIP2)(nil)

// New wraps a SIP2 client.
func New(c *sip2.Client) *SIP2 { return &SIP2{c: c} }

// PatronInfo asks the ILS about a card (63) and reads its blocks.
func (s *SIP2) PatronInfo(ctx context.Context, card, pin string) (kiosk.Patron, error) {
	cfg := s.c.Config()
	resp, err := s.c.PatronInformation(ctx, &sip2.PatronInformationRequest{
		TransactionDate:  cfg.Now(),
		InstitutionID:    cfg.Institution,
		PatronID:         card,
		TerminalPassword: cfg.TerminalPassword,
		PatronPassword:   pin,
	})
	if err != nil {
		return kiosk.Patron{}, unavailable(err)
	}
	// Koha and others answer an unknown card with BL N and no name.
	if resp.ValidPatron == sip2.No || (resp.ValidPatron != sip2.Yes && resp.PersonalName == "") {
		return kiosk.Patron{}, kiosk.ErrUnknownPatron
	}
	return patronFrom(card, resp), nil
}

func patronFrom(card string, r *sip2.PatronInformationResponse) kiosk.Patron {
	p := kiosk.Patron{
		Card:       card,
		Name:       r.PersonalName,
		Loans:      max(r.ChargedItemsCount, len(r.ChargedItems)),
		Overdue:    max(r.OverdueItemsCount, len(r.OverdueItems)),
		HoldsReady: max(r.HoldItemsCount, len(r.HoldItems)),
		Fines:      r.FeeAmount,
		Currency:   r.CurrencyType,
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

// EndSession sends 35.
func (s *SIP2) EndSession(ctx context.Context, card string) error {
	cfg := s.c.Config()
	_, err := s.c.EndPatronSession(ctx, &sip2.EndPatronSessionRequest{
		TransactionDate:  cfg.Now(),
		InstitutionID:    cfg.Institution,
		PatronID:         card,
		TerminalPassword: cfg.TerminalPassword,
	})
	return unavailable(err)
}

// Ping sends 99 and checks that the ILS says it is online.
func (s *SIP2) Ping(ctx context.Context) error {
	st, err := s.c.Status(ctx)
	if err != nil {
		return unavailable(err)
	}
	if !st.OnlineStatus {
		return fmt.Errorf("%w: the ILS reports it is offline", kiosk.ErrUnavailable)
	}
	return nil
}

// unavailable marks every transport failure as kiosk.ErrUnavailable, keeping
// the cause for the log.
func unavailable(err error) error {
	if err == nil || errors.Is(err, kiosk.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", kiosk.ErrUnavailable, err)
}
