package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// smallOLC is a study room open every day from 08:00 to 22:00.
func smallOLC() *kiosk.StudyPlan {
	p := &kiosk.StudyPlan{
		Zones: []kiosk.Zone{{ID: "stilte", Names: map[string]string{"nl": "Stilte", "en": "Quiet zone"}, Quiet: true}},
		Seats: []kiosk.Seat{
			{Number: "S1", Zone: "stilte", Features: []kiosk.Feature{kiosk.FeaturePC}, Row: 1, Column: 1},
			{Number: "S2", Zone: "stilte", Row: 1, Column: 2},
		},
		Rules: kiosk.StudyRules{Slot: 15 * time.Minute, LongestStay: 4 * time.Hour, CheckinBefore: 15 * time.Minute,
			CheckinAfter: 15 * time.Minute, OpenAtOnce: 1, PerDay: 2, Horizon: 72 * time.Hour, BlockedMayStudy: true},
	}
	for d := range p.Week {
		p.Week[d] = []kiosk.Span{{Open: 8 * time.Hour, Close: 22 * time.Hour}}
	}
	return p
}

// The whole walk-up on the screens: Studieplek, card, "a place with a
// computer", a time, the confirmation; the attract screen counts it.
func TestTakeAStudyPlaceOnTheScreen(t *testing.T) {
	// At 10:30 of the test's day: the room is open then, on any day.
	day := kiosktest.Start(t)
	y, m, d := day.Date()
	h := newHarnessSetup(t, setup{opts: kiosk.Options{Study: smallOLC()}, start: time.Date(y, m, d, 10, 30, 0, 0, day.Location())})
	if !h.ui.attract.studyBox.Visible() || !strings.Contains(h.ui.attract.seats.Text, "Stilte: 2 van 2 plekken vrij") {
		t.Fatalf("attract: study button %v, seats %q", h.ui.attract.studyBox.Visible(), h.ui.attract.seats.Text)
	}
	test.Tap(h.ui.attract.studyButton)
	h.settle()
	if !h.ui.studyCard.Visible() {
		t.Fatal("Studieplek did not ask for the card")
	}
	h.typeScan(kiosktest.CardAdult)
	h.pumpUntil("the zones", func() bool { return h.ui.studyZones.Visible() })
	pc := button(h.ui.studyZones.quick.box, "Een plek met een computer")
	if pc == nil {
		t.Fatalf("no quick choice: %q", rowTexts(h.ui.studyZones.quick.box))
	}
	test.Tap(pc)
	h.pumpUntil("until when", func() bool { return h.ui.studyUntil.Visible() })
	if !strings.Contains(h.ui.studyUntil.title.Text, "S1") {
		t.Errorf("until title %q", h.ui.studyUntil.title.Text)
	}
	h.core.Sync()
	until := h.ui.view.Study.Until
	if len(until) < 4 {
		t.Fatalf("times to choose: %v", until)
	}
	end := until[3].Format("15:04") // an hour from the next quarter
	test.Tap(button(h.ui.studyUntil.ends.box, end))
	h.pumpUntil("the confirmation", func() bool { return h.ui.studyDone.Visible() })
	if got := h.ui.studyDone.seat.Text + " " + h.ui.studyDone.text.Text; !strings.Contains(got, "Plek S1") ||
		!strings.Contains(got, "Stilte.") || !strings.Contains(got, "tot "+end) {
		t.Errorf("confirmation %q", got)
	}
	test.Tap(h.ui.done)
	h.settle()
	h.advance(8 * time.Second)
	h.pumpUntil("the count on the attract screen", func() bool {
		return strings.Contains(h.ui.attract.seats.Text, "Stilte: 1 van 2 plekken vrij")
	})
}
