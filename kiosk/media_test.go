package kiosk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// More demo items (assets/demo/library.json).
const (
	itemSoof    = "30790000000307" // Soof, a dvd on the shelf
	itemAvonden = "30790000000018" // De avonden, a book lent to Joost (CardAdult)
)

// noCK is an ILS that says no media of any item, as a server without CK.
type noCK struct{ kiosk.ILS }

func (n noCK) Checkout(ctx context.Context, card, pin, item string, at time.Time) (kiosk.Result, error) {
	r, err := n.ILS.Checkout(ctx, card, pin, item, at)
	r.Media = kiosk.MediaUnknown
	return r, err
}

func (n noCK) Loans(ctx context.Context, card, pin string) ([]kiosk.Loan, error) {
	loans, err := n.ILS.Loans(ctx, card, pin)
	for i := range loans {
		loans[i].Media = kiosk.MediaUnknown
	}
	return loans, err
}

// magazines says by the barcode that every item is a magazine.
func magazines(item string) kiosk.Media {
	if strings.HasPrefix(item, "3") {
		return kiosk.MediaMagazine
	}
	return kiosk.MediaUnknown
}

// What the ILS says an item is wins over the barcode rules; where it says
// nothing (no CK), the rules' media names the row and the loans.
func TestMediaOfTheILSThenOfTheBarcodeRules(t *testing.T) {
	r := newRig(t, kiosk.Options{MediaOf: magazines})
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.core.Scan(kiosk.Scan{Code: itemSoof})
	v := r.wait(t, "the dvd lent", func(v kiosk.View) bool { return rowState(v, itemSoof) == kiosk.RowOK })
	if row, _ := v.Visit.Row(kiosk.TxCheckout, itemSoof); row.Media != kiosk.MediaDVD {
		t.Errorf("a dvd by the ILS's CK, a magazine by the barcode rules: row media %v, want dvd", row.Media)
	}

	r = newRigWith(t, kiosk.Options{MediaOf: magazines}, func(ils kiosk.ILS) kiosk.ILS { return noCK{ils} })
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.wait(t, "the loans", func(v kiosk.View) bool { return v.Visit.LoansState == kiosk.Loaded })
	r.core.Scan(kiosk.Scan{Code: itemSoof})
	v = r.wait(t, "the dvd lent", func(v kiosk.View) bool { return rowState(v, itemSoof) == kiosk.RowOK })
	if row, _ := v.Visit.Row(kiosk.TxCheckout, itemSoof); row.Media != kiosk.MediaMagazine {
		t.Errorf("no CK, a magazine by the barcode rules: row media %v, want magazine", row.Media)
	}
	for _, l := range v.Visit.Loans {
		if l.Media != kiosk.MediaMagazine {
			t.Errorf("loan %s without CK: media %v, want the barcode rules' magazine", l.Item, l.Media)
		}
	}
}

// Offline the ILS cannot say: the barcode rules name what was lent.
func TestMediaOfOfflineRows(t *testing.T) {
	r := newRig(t, kiosk.Options{OfflineBorrow: true, MediaOf: magazines})
	r.ils.Stop(t)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	r.core.Scan(kiosk.Scan{Code: itemSoof})
	v := r.wait(t, "the offline loan", func(v kiosk.View) bool { return rowState(v, itemSoof) == kiosk.RowOK })
	if row, _ := v.Visit.Row(kiosk.TxCheckout, itemSoof); !row.Offline || row.Media != kiosk.MediaMagazine {
		t.Errorf("offline row %+v: want offline, media magazine by the barcode rules", row)
	}
	r.core.Renew(itemAvonden) // refused offline: still named
	v = r.wait(t, "the renewal refused", func(v kiosk.View) bool { return rowState(v, itemAvonden) == kiosk.RowRefused })
	if row, _ := v.Visit.Row(kiosk.TxRenew, itemAvonden); row.Media != kiosk.MediaMagazine {
		t.Errorf("refused offline renewal %+v: want media magazine by the barcode rules", row)
	}
}
