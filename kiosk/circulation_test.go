package kiosk_test

import (
	"context"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// renewingCheckout is a library system that takes a checkout of a loan the
// patron has as a renewal, and says so (OK, ReasonAlreadyYours), as Koha
// and the demo do when the 11 goes out.
type renewingCheckout struct{ kiosk.ILS }

func (r renewingCheckout) Checkout(ctx context.Context, card, pin, item string, at time.Time) (kiosk.Result, error) {
	if item != itemAvonden {
		return r.ILS.Checkout(ctx, card, pin, item, at)
	}
	res, err := r.ILS.Renew(ctx, card, pin, item, at)
	if res.OK {
		res.Reason = kiosk.ReasonAlreadyYours
	}
	return res, err
}

// A checkout the library system answers as a renewal of the patron's loan
// is no loan more: the count stays, the loan is due when the row says.
func TestCheckoutTheILSRenewsIsNoNewLoan(t *testing.T) {
	r := newRigWith(t, kiosk.Options{}, func(ils kiosk.ILS) kiosk.ILS { return renewingCheckout{ils} })
	before := r.welcome(t, kiosktest.CardAdult)
	r.core.Scan(kiosk.Scan{Code: itemAvonden})
	v := r.wait(t, "the checkout", func(v kiosk.View) bool { return rowState(v, itemAvonden) == kiosk.RowOK })
	row, _ := v.Visit.Row(kiosk.TxCheckout, itemAvonden)
	if v.Visit.Patron.Loans != before.Visit.Patron.Loans || len(v.Visit.Loans) != len(before.Visit.Loans) {
		t.Errorf("after a renewal by checkout: %d loans counted, %d listed; want %d, %d",
			v.Visit.Patron.Loans, len(v.Visit.Loans), before.Visit.Patron.Loans, len(before.Visit.Loans))
	}
	for _, l := range v.Visit.Loans {
		if l.Item == itemAvonden && !l.Due.Equal(row.Due) {
			t.Errorf("the loan is due %v, the row says %v", l.Due, row.Due)
		}
	}
}
