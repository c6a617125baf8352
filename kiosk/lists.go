package kiosk

import (
	"context"
	"slices"
)

// fetchForPatron asks the ILS get for the patron of visit v in the
// background and hands the answer to done on the event loop, unless the
// visit has ended meanwhile.
func fetchForPatron[T any](k *Kiosk, v *visit, get func(ctx context.Context, card, pin string) (T, error), done func(T, error)) {
	card, pin := v.patron.Card, v.pin
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		got, err := get(ctx, card, pin)
		k.post(func() {
			if k.visit != v {
				return // the patron left meanwhile
			}
			done(got, err)
			k.publish()
		})
	}()
}

// loadLists fetches the patron's loans, and their holds where the ILS
// counted any, in the background.
func (k *Kiosk) loadLists() {
	k.loadLoans()
	k.loadHolds()
}

// loadLoans fetches the patron's loans with titles in the background.
func (k *Kiosk) loadLoans() {
	v := k.visit
	if v.patron.Card == "" || v.loansState == Loading {
		return
	}
	v.loansState = Loading
	fetchForPatron(k, v, k.ils.Loans, func(loans []Loan, err error) {
		if err != nil {
			k.log.Warn("loans not loaded", "card", Last4(v.patron.Card), "err", err)
			v.loansState = LoadFailed
			if unreachable(err) {
				k.ilsDown(err)
			}
			return
		}
		// The fetch may have left before a checkout of this visit reached
		// the ILS: keep what the visit borrowed.
		for _, r := range v.rows {
			if r.Kind == TxCheckout && r.State == RowOK &&
				!slices.ContainsFunc(loans, func(l Loan) bool { return l.Item == r.Item }) {
				loans = append(loans, Loan{Item: r.Item, Title: r.Title, Media: r.Media, Due: r.Due})
			}
		}
		for i := range loans {
			if loans[i].Media == MediaUnknown {
				loans[i].Media = k.mediaOf(loans[i].Item) // the ILS did not say (no CK)
			}
		}
		sortLoans(loans)
		v.loans, v.loansState = loans, Loaded
	})
}

// loadHolds fetches the patron's reservations in the background, when the
// ILS counted any: which are ready is known only item by item.
func (k *Kiosk) loadHolds() {
	v := k.visit
	if v.patron.Card == "" || v.patron.Holds == 0 || v.holdsState == Loading {
		return
	}
	v.holdsState = Loading
	fetchForPatron(k, v, k.ils.Holds, func(holds []Hold, err error) {
		if err != nil {
			k.log.Warn("holds not loaded", "card", Last4(v.patron.Card), "err", err)
			v.holdsState = LoadFailed
			return
		}
		for i := range holds {
			if holds[i].Media == MediaUnknown {
				holds[i].Media = k.mediaOf(holds[i].Item)
			}
		}
		v.holds, v.holdsState = holds, Loaded
	})
}

// ShowLoans opens "Mijn leningen".
func (k *Kiosk) ShowLoans() {
	k.post(func() {
		v := k.visit
		if v.patron.Card == "" || k.screen == ScreenPIN || screens[k.screen].flow != flowVisit {
			return
		}
		if !k.chrome.ILS.Down && (v.loansState == LoadFailed || v.loansState == NotLoaded) {
			k.loadLoans()
		}
		k.show(ScreenLoans, NoticeNone)
	})
}
