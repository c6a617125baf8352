package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// goldenDay is the day the golden pictures show.
var goldenDay = time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)

// stubCore takes the taps of a screen drawn from a fixed View.
type stubCore struct{}

func (stubCore) Scan(kiosk.Scan)                           {}
func (stubCore) Done()                                     {}
func (stubCore) MoreTime()                                 {}
func (stubCore) Back()                                     {}
func (stubCore) SetLanguage(string)                        {}
func (stubCore) Help()                                     {}
func (stubCore) CloseHelp()                                {}
func (stubCore) PINDigit(rune)                             {}
func (stubCore) PINBackspace()                             {}
func (stubCore) PINSubmit()                                {}
func (stubCore) ShowLoans()                                {}
func (stubCore) Renew(string)                              {}
func (stubCore) StartReturn()                              {}
func (stubCore) ChooseReceipt(kiosk.ReceiptKind)           {}
func (stubCore) Answer(bool)                               {}
func (stubCore) StartStudy()                               {}
func (stubCore) ChooseClassSize(int)                       {}
func (stubCore) JoinClass(int)                             {}
func (stubCore) AnswerPoll(int)                            {}
func (stubCore) AnswerFollowUp(int)                        {}
func (stubCore) SkipPoll()                                 {}
func (stubCore) PrintSlip()                                {}
func (stubCore) BookLater()                                {}
func (stubCore) ChooseDay(time.Time)                       {}
func (stubCore) ChooseStart(time.Time)                     {}
func (stubCore) ChooseZone(string, bool, ...kiosk.Feature) {}
func (stubCore) ChooseSeat(string)                         {}
func (stubCore) ChooseUntil(time.Time)                     {}
func (stubCore) CheckInPlace()                             {}
func (stubCore) ExtendPlace(time.Time)                     {}
func (stubCore) LeavePlace()                               {}

// Orientations the kiosk's screen may stand in.
var orientations = []struct {
	name string
	size fyne.Size
}{{"landscape", fyne.NewSize(1280, 800)}, {"portrait", fyne.NewSize(800, 1280)}}

// fixedUI draws Views given by the test, with no core behind it.
func fixedUI(t *testing.T, l string) (*UI, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("kiosk")
	if err := LoadTranslations(l); err != nil {
		t.Fatal(err)
	}
	u := New(a, w, stubCore{}, "Bibliotheek Zoetermeer")
	u.now = func() time.Time { return goldenDay }
	return u, w
}

func day(d int) time.Time { return goldenDay.AddDate(0, 0, d) }

// goldenViews are the screens that matter, each with fixed data, in
// states a patron meets: long titles, a full list, offline, a question.
func goldenViews(l string) []struct {
	name string
	v    kiosk.View
} {
	joost := kiosk.Patron{Card: "20790000000010", Name: "Joost Müller", Loans: 4, Overdue: 1, Holds: 2, Fines: "2.50", Currency: "EUR"}
	chrome := kiosk.Chrome{Lang: l, CanPrint: true}
	offline := chrome
	offline.ILS = kiosk.ILSStatus{Down: true, Since: goldenDay.Add(-25 * time.Minute), Waiting: 3}
	offline.Scanners = []kiosk.ScannerState{{Name: "scanner-1", Connected: false}}
	seats := chrome
	seats.StudyOpen = true
	seats.News = map[string]string{"nl": "U vroeg om meer stopcontacten. Die zijn er nu bij de ramen.", "en": "You asked for more power sockets. They are now by the windows."}
	seats.Seats = []kiosk.ZoneCount{
		{Zone: "stilte", Names: map[string]string{"nl": "Stilte", "en": "Quiet zone"}, Free: 12, Total: 20},
		{Zone: "samen", Names: map[string]string{"nl": "Samenwerken", "en": "Group work"}, Free: 1, Total: 8},
		{Zone: "pc", Names: map[string]string{"nl": "Computers"}, Free: 0, Total: 6},
	}
	var seatMap []kiosk.SeatNow
	for i, st := range []kiosk.SeatState{kiosk.SeatFree, kiosk.SeatTaken, kiosk.SeatFree, kiosk.SeatReserved, kiosk.SeatOutOfService, kiosk.SeatFree, kiosk.SeatTaken, kiosk.SeatFree} {
		seatMap = append(seatMap, kiosk.SeatNow{Seat: kiosk.Seat{Number: fmt.Sprintf("S%02d", i+10), Zone: "stilte", Row: 1 + i/4, Column: 1 + i%4}, State: st})
	}
	var untils []time.Time
	for i := 1; i <= 16; i++ {
		untils = append(untils, goldenDay.Add(time.Duration(i)*15*time.Minute-30*time.Minute+15*time.Minute))
	}
	holds := []kiosk.Hold{{Title: "De ontdekking van de hemel", Ready: true, Shelf: "Afhaalkast 3"}, {Title: "Het gouden ei", Media: kiosk.MediaDVD}}
	rows := []kiosk.Row{
		{ID: 1, Kind: kiosk.TxCheckout, Title: "Boven is het stil", Media: kiosk.MediaBook, Due: day(21), State: kiosk.RowOK},
		{ID: 2, Kind: kiosk.TxCheckout, Title: "Het achterhuis", Media: kiosk.MediaBook, State: kiosk.RowRefused, Reason: kiosk.ReasonOnHoldOther},
		{ID: 3, Kind: kiosk.TxRenew, Title: "De avonden", Media: kiosk.MediaBook, Due: day(21), State: kiosk.RowOK},
		{ID: 4, Kind: kiosk.TxCheckout, Title: "Kruimeltje en de grote tocht door het land van de verhalen, deel twee", Media: kiosk.MediaBook, Due: day(21), State: kiosk.RowOK},
		{ID: 5, Kind: kiosk.TxCheckout, Media: kiosk.MediaDVD, State: kiosk.RowRefused, Reason: kiosk.ReasonUnknownItem},
		{ID: 6, Kind: kiosk.TxCheckout, Title: "Donald Duck", Media: kiosk.MediaMagazine, Due: day(14), State: kiosk.RowOK},
		{ID: 7, Kind: kiosk.TxCheckout, Title: "Het diner", Media: kiosk.MediaAudiobook, State: kiosk.RowPending},
	}
	loans := []kiosk.Loan{
		{Item: "1", Title: "The Midnight Library", Due: day(-5), Overdue: true},
		{Item: "2", Title: "Het diner", Media: kiosk.MediaAudiobook, Due: day(7)},
		{Item: "3", Title: "De avonden", Due: day(14)},
		{Item: "4", Title: "Boven is het stil", Due: day(21)},
	}
	loanRows := []kiosk.Row{
		{ID: 1, Kind: kiosk.TxRenew, Item: "2", Title: "Het diner", Media: kiosk.MediaAudiobook, Due: day(7), State: kiosk.RowRefused, Reason: kiosk.ReasonRenewHeld},
		{ID: 2, Kind: kiosk.TxRenew, Item: "3", Title: "De avonden", Due: day(35), State: kiosk.RowOK},
	}
	returns := []kiosk.Row{
		{ID: 1, Kind: kiosk.TxCheckin, Title: "Tirza", State: kiosk.RowOK},
		{ID: 2, Kind: kiosk.TxCheckin, Title: "Het diner", State: kiosk.RowOK, HoldShelf: true},
		{ID: 3, Kind: kiosk.TxCheckin, Title: "Pluk van de Petteflet", State: kiosk.RowOK, Offline: true},
	}
	receipt := kiosk.Receipt{Title: "Bibliotheek Zoetermeer", Lines: []kiosk.ReceiptLine{
		{Left: "27-11-2026 10:30", Right: "Pas …0010"}, {}, {Left: "Geleend, terug vóór:", Bold: true},
		{Left: "Boven is het stil", Right: "18-12-2026"}, {Left: "Donald Duck", Right: "11-12-2026"}},
		Footer: []string{"Breng uw boeken op tijd terug. Tot ziens!"}}
	visit := kiosk.Visit{Patron: joost, Rows: rows, Holds: holds, HoldsState: kiosk.Loaded, Loans: loans, LoansState: kiosk.Loaded}
	flash := chrome
	flash.Flash = kiosk.NoticeMisread
	warning := chrome
	warning.Warning, warning.SecondsLeft = true, 12
	blocked := joost
	blocked.Blocks, blocked.Fines = []kiosk.Block{kiosk.BlockFines}, "12.50"
	return []struct {
		name string
		v    kiosk.View
	}{
		{"attract", kiosk.View{Screen: kiosk.ScreenAttract, Chrome: chrome}},
		{"attract_offline", kiosk.View{Screen: kiosk.ScreenAttract, Chrome: offline}},
		{"attract_seats", kiosk.View{Screen: kiosk.ScreenAttract, Chrome: seats}},
		{"busy_printing", kiosk.View{Screen: kiosk.ScreenBusy, Busy: kiosk.BusyPrinting, Chrome: chrome, Visit: kiosk.Visit{Patron: joost}}},
		{"pin", kiosk.View{Screen: kiosk.ScreenPIN, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, PINLength: 3, PINWrong: 1, PINTriesLeft: 2}}},
		{"welcome", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: chrome, Visit: visit}},
		{"welcome_empty", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, Holds: holds, HoldsState: kiosk.Loaded}}},
		{"welcome_flash", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: flash, Visit: visit}},
		{"welcome_offline", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: offline, Visit: kiosk.Visit{Patron: kiosk.Patron{Card: joost.Card}, Rows: []kiosk.Row{{ID: 1, Kind: kiosk.TxCheckout, Title: "Boven is het stil", Due: day(21), State: kiosk.RowOK, Offline: true}}}}},
		{"welcome_blocked", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: chrome, Visit: kiosk.Visit{Patron: blocked}}},
		{"switch", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, Rows: rows[:2], Confirm: kiosk.ConfirmSwitchPatron, SwitchName: "Sanne de Vries"}}},
		{"warning", kiosk.View{Screen: kiosk.ScreenWelcome, Chrome: warning, Visit: kiosk.Visit{Patron: joost, Rows: rows[:1]}}},
		{"loans", kiosk.View{Screen: kiosk.ScreenLoans, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, Loans: loans, LoansState: kiosk.Loaded, Rows: loanRows}}},
		{"return", kiosk.View{Screen: kiosk.ScreenReturn, Chrome: chrome, Visit: kiosk.Visit{Rows: returns}}},
		{"receipt", kiosk.View{Screen: kiosk.ScreenReceipt, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, ReceiptDefault: kiosk.ReceiptPrint}}},
		{"receipt_shown", kiosk.View{Screen: kiosk.ScreenReceiptShown, Chrome: chrome, Visit: kiosk.Visit{Patron: joost, Receipt: receipt}}},
		{"goodbye", kiosk.View{Screen: kiosk.ScreenNotice, Notice: kiosk.NoticeGoodbye, Chrome: chrome}},
		{"poll", kiosk.View{Screen: kiosk.ScreenNotice, Notice: kiosk.NoticeGoodbye, Chrome: chrome, Poll: kiosk.PollView{ID: "lenen",
			Question: map[string]string{"nl": "Hoe ging het lenen?", "en": "How did borrowing go?"}, Stage: kiosk.PollFaces}}},
		{"poll_followup", kiosk.View{Screen: kiosk.ScreenNotice, Notice: kiosk.NoticeGoodbye, Chrome: chrome, Poll: kiosk.PollView{ID: "lenen", Stage: kiosk.PollFollowUp,
			FollowUp: kiosk.FollowUp{Question: map[string]string{"nl": "Wat kan beter?", "en": "What could be better?"}, Options: []map[string]string{
				{"nl": "Het duurde lang", "en": "It took long"}, {"nl": "Ik begreep het niet", "en": "I did not understand it"},
				{"nl": "De scanner deed het niet", "en": "The scanner did not work"}, {"nl": "Iets anders", "en": "Something else"}}}}}},
		{"poll_thanks", kiosk.View{Screen: kiosk.ScreenNotice, Notice: kiosk.NoticeGoodbye, Chrome: chrome, Poll: kiosk.PollView{ID: "lenen", Stage: kiosk.PollThanks}}},
		{"study_card", kiosk.View{Screen: kiosk.ScreenStudyCard, Chrome: seats}},
		{"study_zones", kiosk.View{Screen: kiosk.ScreenStudyZones, Chrome: seats, Study: kiosk.Study{Name: "Joost Müller", Zones: seats.Seats}}},
		{"study_mine", kiosk.View{Screen: kiosk.ScreenStudyZones, Chrome: seats, Study: kiosk.Study{Zones: seats.Seats,
			Mine:   []kiosk.SeatBooking{{Seat: "S12", Booking: kiosk.Booking{Start: goldenDay.Add(-time.Hour), End: goldenDay.Add(time.Hour), CheckedIn: true}}},
			Extend: []time.Time{goldenDay.Add(75 * time.Minute), goldenDay.Add(90 * time.Minute), goldenDay.Add(105 * time.Minute), goldenDay.Add(2 * time.Hour)}}}},
		{"study_seats", kiosk.View{Screen: kiosk.ScreenStudySeats, Chrome: seats, Study: kiosk.Study{Zones: seats.Seats, Zone: "stilte", Seats: seatMap}}},
		{"study_until", kiosk.View{Screen: kiosk.ScreenStudyUntil, Chrome: seats, Study: kiosk.Study{Seat: "S12", Until: untils}}},
		{"study_when", kiosk.View{Screen: kiosk.ScreenStudyWhen, Chrome: seats, Study: kiosk.Study{Now: goldenDay,
			Days: []time.Time{goldenDay, goldenDay.AddDate(0, 0, 1), goldenDay.AddDate(0, 0, 3)}, Day: goldenDay.AddDate(0, 0, 1), Starts: untils}}},
		{"study_later", kiosk.View{Screen: kiosk.ScreenStudyDone, Chrome: seats, Study: kiosk.Study{Now: goldenDay, CheckinFrom: goldenDay.Add(23*time.Hour + 45*time.Minute),
			Booked: kiosk.SeatBooking{Seat: "W02", Booking: kiosk.Booking{Start: goldenDay.Add(24 * time.Hour), End: goldenDay.Add(26 * time.Hour)}}, BookedZone: seats.Seats[1].Names}}},
		{"study_class", kiosk.View{Screen: kiosk.ScreenStudyClass, Chrome: seats, Study: kiosk.Study{Teacher: true, Zone: "stilte", ClassSizes: []int{2, 4, 6, 8, 10, 12}}}},
		{"study_join", kiosk.View{Screen: kiosk.ScreenStudyZones, Chrome: seats, Study: kiosk.Study{Zones: seats.Seats,
			Blocks: []kiosk.ClassBlock{{Class: "klas", Start: goldenDay, End: goldenDay.Add(2 * time.Hour), Seats: 12, Open: 5}}}}},
		{"study_teacher", kiosk.View{Screen: kiosk.ScreenStudyZones, Chrome: seats, Study: kiosk.Study{Teacher: true, Zones: seats.Seats,
			Blocks: []kiosk.ClassBlock{{Class: "klas", Start: goldenDay.Add(time.Hour), End: goldenDay.Add(3 * time.Hour), Seats: 12, Open: 12}}}}},
		{"study_class_done", kiosk.View{Screen: kiosk.ScreenStudyDone, Chrome: seats, Study: kiosk.Study{Teacher: true, Block: []string{"S10", "S11", "S12", "S13"},
			Booked: kiosk.SeatBooking{Seat: "S10", Booking: kiosk.Booking{Start: goldenDay, End: goldenDay.Add(2 * time.Hour), CheckedIn: false}}, BookedZone: seats.Seats[0].Names,
			CheckinFrom: goldenDay.Add(-15 * time.Minute), Now: goldenDay}}},
		{"study_done", kiosk.View{Screen: kiosk.ScreenStudyDone, Chrome: seats, Study: kiosk.Study{
			Booked: kiosk.SeatBooking{Seat: "S12", Booking: kiosk.Booking{Start: goldenDay, End: goldenDay.Add(3 * time.Hour), CheckedIn: true}}, BookedZone: seats.Seats[0].Names}}},
	}
}

// No screen asks for more room than the display has, standing or lying,
// in any of these states: a text wraps or is cut with …, it never widens
// the window (which would push Klaar off the screen).
func TestNoScreenIsLargerThanTheDisplay(t *testing.T) {
	for _, l := range Languages {
		u, w := fixedUI(t, l)
		for _, o := range orientations {
			w.Resize(o.size)
			for _, g := range goldenViews(l) {
				u.Render(g.v)
				if min := w.Content().MinSize(); min.Width > o.size.Width || min.Height > o.size.Height {
					t.Errorf("%s %s %s: the screen needs %v, the display has %v", l, o.name, g.name, min, o.size)
				}
				if got := w.Canvas().Size(); got != o.size {
					t.Errorf("%s %s %s: the window became %v", l, o.name, g.name, got)
				}
			}
		}
	}
}

// assertGolden compares img with testdata/name. On a mismatch it writes img
// to testdata/failed/name and says where, with how many pixels differ and
// where they lie: never the pixels themselves.
func assertGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	failed := filepath.Join("testdata", "failed", name)
	write := func() {
		if err := os.MkdirAll(filepath.Dir(failed), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(failed)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		write()
		t.Errorf("%s: no golden picture (%v); the new one is %s", name, err, failed)
		return
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		write()
		t.Errorf("%s: golden picture unreadable (%v); the new one is %s", name, err, failed)
		return
	}
	if n, box := goldenDiff(want, img); n > 0 {
		write()
		total := img.Bounds().Dx() * img.Bounds().Dy()
		t.Errorf("%s: %d of %d pixels differ (%.2f%%), within %v; the new picture is %s",
			name, n, total, 100*float64(n)/float64(max(total, 1)), box, failed)
	}
}

// goldenDiff counts the pixels in which two pictures differ and the
// rectangle that holds them; pictures of other sizes differ everywhere.
// It compares bytes, not colours one by one: sixty screenshots a run must
// stay quick under the race detector.
func goldenDiff(want, got image.Image) (int, image.Rectangle) {
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Size() != gb.Size() {
		u := wb.Union(gb)
		return u.Dx() * u.Dy(), u
	}
	w, g := toRGBA(want), toRGBA(got)
	if bytes.Equal(w.Pix, g.Pix) {
		return 0, image.Rectangle{}
	}
	n := 0
	var box image.Rectangle
	for y := 0; y < gb.Dy(); y++ {
		rw, rg := w.Pix[y*w.Stride:y*w.Stride+4*gb.Dx()], g.Pix[y*g.Stride:y*g.Stride+4*gb.Dx()]
		if bytes.Equal(rw, rg) {
			continue
		}
		for x := 0; x < gb.Dx(); x++ {
			if !bytes.Equal(rw[4*x:4*x+4], rg[4*x:4*x+4]) {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, box
}

// toRGBA is img as premultiplied RGBA bytes, starting at (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(r, r.Rect, img, b.Min, draw.Src)
	return r
}

func TestGoldenDiffCountsAndPlacesChangedPixels(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 40, 30))
	b := image.NewRGBA(image.Rect(0, 0, 40, 30))
	if n, _ := goldenDiff(a, b); n != 0 {
		t.Errorf("equal pictures differ in %d pixels", n)
	}
	b.Set(3, 4, color.White)
	b.Set(10, 20, color.White)
	if n, box := goldenDiff(a, b); n != 2 || box != image.Rect(3, 4, 11, 21) {
		t.Errorf("diff = %d within %v; want 2 within (3,4)-(11,21)", n, box)
	}
	if n, _ := goldenDiff(a, image.NewRGBA(image.Rect(0, 0, 40, 31))); n != 40*31 {
		t.Errorf("pictures of other sizes differ in %d pixels; want all", n)
	}
}
