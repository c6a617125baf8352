package main

import (
	"errors"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

func TestDemoBarcodesAreClassified(t *testing.T) {
	codes, err := barcodeClassifier(config.Default().BarcodeRules())
	if err != nil {
		t.Fatal(err)
	}
	classify := classifier(codes)
	for code, want := range map[string]kiosk.Kind{
		kiosktest.CardAdult: kiosk.KindPatron,
		kiosktest.CardStaff: kiosk.KindStaff,
		"30790000000018":    kiosk.KindItem,
		"9789029538237":     kiosk.KindItem,
		"hello":             kiosk.KindUnknown,
	} {
		if got, err := classify(code); got != want || err != nil {
			t.Errorf("classify(%q) = %v, %v; want %v", code, got, err, want)
		}
	}
	if _, err := classify("20790000000011"); !errors.Is(err, devices.ErrCheckDigit) {
		t.Errorf("a wrong check digit gave %v, want ErrCheckDigit", err)
	}
}

func TestWedgeTellsScannerFromPerson(t *testing.T) {
	w := wedge{&devices.WedgeDetector{}}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	var got string
	for _, r := range kiosktest.CardAdult {
		w.Rune(r, at)
		at = at.Add(5 * time.Millisecond)
	}
	got = w.Enter(at).Scan
	if got != kiosktest.CardAdult {
		t.Errorf("fast keys gave scan %q", got)
	}
	var human []rune
	for _, r := range "1234" {
		human = append(human, w.Rune(r, at).Human...)
		at = at.Add(200 * time.Millisecond)
	}
	r := w.Enter(at)
	human = append(human, r.Human...)
	if r.Scan != "" || string(human) != "1234" || !r.Enter {
		t.Errorf("slow keys: scan %q, human %q, enter %v", r.Scan, string(human), r.Enter)
	}
}
