package ils_test

import (
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// More demo items (assets/demo/library.json).
const (
	zwartboek = "30790000000299" // dvd, lent to Olena
	soof      = "30790000000307" // dvd, available
	donald    = "30790000000315" // magazine, available
	geheim    = "30790000000349" // audiobook, available
)

func TestMediaType(t *testing.T) {
	for ck, want := range map[string]kiosk.Media{
		"000":   kiosk.MediaOther,
		"001":   kiosk.MediaBook,
		"002":   kiosk.MediaMagazine,
		"003":   kiosk.MediaMagazine, // bound journal
		"004":   kiosk.MediaAudiobook,
		"005":   kiosk.MediaDVD, // video tape
		"006":   kiosk.MediaCD,
		"007":   kiosk.MediaOther, // diskette
		"008":   kiosk.MediaBook,  // book with diskette
		"009":   kiosk.MediaBook,  // book with CD
		"010":   kiosk.MediaBook,  // book with audio tape
		" 005 ": kiosk.MediaDVD,
		"":      kiosk.MediaUnknown,
		"011":   kiosk.MediaUnknown,
		"5":     kiosk.MediaUnknown,
		"dvd":   kiosk.MediaUnknown,
	} {
		if got := ils.MediaType(ck); got != want {
			t.Errorf("MediaType(%q) = %v; want %v", ck, got, want)
		}
	}
}

// The media of what the kiosk lends, renews and takes back comes from the
// CK of the demo library's 12, 30, 10 and 18.
func TestMediaFromTheLibrary(t *testing.T) {
	d := kiosktest.StartILS(t, now)
	if _, err := d.ILS.PatronInfo(ctx(t), kiosktest.CardAdult, pinJoost); err != nil {
		t.Fatal(err)
	}
	for item, want := range map[string]kiosk.Media{soof: kiosk.MediaDVD, donald: kiosk.MediaMagazine,
		geheim: kiosk.MediaAudiobook, bovenIsHetStil: kiosk.MediaBook} {
		r, err := d.ILS.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, item, now())
		if err != nil || !r.OK || r.Media != want {
			t.Errorf("checkout %s = %+v, %v; want ok, media %v", item, r, err, want)
		}
	}
	if r, err := d.ILS.Renew(ctx(t), kiosktest.CardAdult, pinJoost, soof, now()); err != nil || r.Media != kiosk.MediaDVD {
		t.Errorf("renew of the dvd = %+v, %v; want media dvd", r, err)
	}
	if r, err := d.ILS.Checkout(ctx(t), kiosktest.CardAdult, pinJoost, soof, now()); err != nil || r.Reason != kiosk.ReasonAlreadyYours || r.Media != kiosk.MediaDVD {
		t.Errorf("checkout of the patron's own dvd = %+v, %v; want already yours, media dvd", r, err)
	}
	loans, err := d.ILS.Loans(ctx(t), kiosktest.CardAdult, pinJoost)
	if err != nil {
		t.Fatal(err)
	}
	media := map[string]kiosk.Media{}
	for _, l := range loans {
		media[l.Item] = l.Media
	}
	if media[soof] != kiosk.MediaDVD || media[donald] != kiosk.MediaMagazine || media[deAvonden] != kiosk.MediaBook {
		t.Errorf("loans' media = %v", media)
	}
	if r, err := d.ILS.Checkin(ctx(t), soof, now()); err != nil || !r.OK || r.Media != kiosk.MediaDVD {
		t.Errorf("checkin of the dvd = %+v, %v; want ok, media dvd", r, err)
	}
	if r, err := d.ILS.Checkin(ctx(t), zwartboek, now()); err != nil || !r.OK || r.Media != kiosk.MediaDVD {
		t.Errorf("checkin of Olena's dvd = %+v, %v; want ok, media dvd", r, err)
	}
	holds, err := d.ILS.Holds(ctx(t), kiosktest.CardHold, "")
	if err != nil || len(holds) == 0 || holds[0].Media != kiosk.MediaBook {
		t.Errorf("holds = %+v, %v; want a book", holds, err)
	}
}

// Without CK the media is unknown, for the barcode rules to say; a 17 the
// adapter asks anyway (for a missing title) gives it, but none is asked
// for the media alone.
func TestMediaWithoutCK(t *testing.T) {
	b := &backend{checkin: func(r *sip2.CheckinResponse) { r.MediaType = "" }}
	s := serve(t, b, 2*time.Second)
	if r, err := s.Checkin(ctx(t), zwartboek, now()); err != nil || !r.OK || r.Media != kiosk.MediaUnknown {
		t.Errorf("checkin without CK = %+v, %v; want media unknown", r, err)
	}
	if n := b.itemInfos.Load(); n != 0 {
		t.Errorf("%d 17s asked for the media alone", n)
	}

	b = &backend{checkin: func(r *sip2.CheckinResponse) { r.MediaType, r.TitleID = "", "" }}
	s = serve(t, b, 2*time.Second)
	if r, err := s.Checkin(ctx(t), zwartboek, now()); err != nil || r.Title != "Zwartboek" || r.Media != kiosk.MediaDVD {
		t.Errorf("checkin without CK nor title = %+v, %v; want the 17's title and media", r, err)
	}
}
