package kiosk_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// studyRig is a core with study places on a real bbolt file, against the
// demo library over SIP2, on a Monday 10:30 (any week).
type studyRig struct {
	*rig
	seats *localstore.Seats
	desk  *kiosk.StudyDesk
	first kiosk.View // the View the kiosk started with
}

func newStudyRig(t *testing.T) *studyRig { t.Helper(); return newStudyRigWith(t, nil) }

// newStudyRigWith is newStudyRig with a receipt printer.
func newStudyRigWith(t *testing.T, printer kiosk.Printer) *studyRig {
	t.Helper()
	loc := amsterdam(t)
	start := kiosktest.Start(t).In(loc)
	for start.Weekday() != time.Monday {
		start = start.AddDate(0, 0, 1)
	}
	y, m, d := start.Date()
	start = time.Date(y, m, d, 10, 30, 0, 0, loc)
	clock := kiosk.NewFakeClock(start)
	lib := kiosktest.StartILS(t, clock.Now)
	store, err := storage.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	store.Now = clock.Now
	t.Cleanup(func() { store.Close() })
	plan := olc()
	plan.Rules.BlockedMayStudy = true
	plan.Rules.Horizon = 72 * time.Hour
	r := &studyRig{rig: &rig{clock: clock, store: store, ils: lib, views: make(chan kiosk.View, 100), done: make(chan struct{})},
		seats: localstore.NewSeats(store)}
	r.desk = &kiosk.StudyDesk{Plan: plan, Store: r.seats, Now: clock.Now}
	r.core = kiosk.New(kiosk.Options{Study: plan, Classify: classify}, lib.ILS, localstore.New(store), clock)
	r.core.SetSeats(r.seats)
	if printer != nil {
		r.core.SetPrinter(printer)
	}
	r.core.Subscribe(func(v kiosk.View) { r.views <- v })
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { r.core.Run(ctx); close(r.done) }()
	t.Cleanup(func() { r.cancel(); <-r.done })
	r.first = r.next(t)
	return r
}

// A patron walks up, scans the card, asks for any place with a PC, takes
// it until 12:00 and sees it confirmed; the idle screen counts it taken.
func TestTakeAStudyPlace(t *testing.T) {
	r := newStudyRig(t)
	v := r.first
	if len(v.Chrome.Seats) != 2 || v.Chrome.Seats[0].Free != 2 || v.Chrome.Seats[0].Total != 2 {
		t.Fatalf("idle screen %+v, want stilte 2 of 2 free", v.Chrome.Seats)
	}
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v = r.until(t, kiosk.ScreenStudyZones)
	if v.Study.Name != "Joost Müller" || len(v.Study.Mine) != 0 || len(v.Study.Zones) != 2 {
		t.Fatalf("zones screen: %+v", v.Study)
	}
	r.core.ChooseZone("", false, kiosk.FeaturePC)
	v = r.until(t, kiosk.ScreenStudyUntil)
	if v.Study.Seat != "S1" || len(v.Study.Until) == 0 || v.Study.Until[0].Format("15:04") != "10:45" {
		t.Fatalf("until screen: seat %q, ends %v", v.Study.Seat, v.Study.Until)
	}
	var noon time.Time
	for _, e := range v.Study.Until {
		if e.Format("15:04") == "12:00" {
			noon = e
		}
	}
	r.core.ChooseUntil(noon)
	v = r.until(t, kiosk.ScreenStudyDone)
	if b := v.Study.Booked; b.Seat != "S1" || !b.CheckedIn || !b.End.Equal(noon) || v.Study.BookedZone["nl"] != "Stilte" {
		t.Fatalf("confirmation: %+v in %v", b, v.Study.BookedZone)
	}
	r.core.Done()
	r.wait(t, "one place fewer on the idle screen", func(v kiosk.View) bool {
		return len(v.Chrome.Seats) == 2 && v.Chrome.Seats[0].Free == 1
	})

	// Back at the kiosk: the patron's own place comes first, and leaving
	// frees it.
	r.clock.Advance(10 * time.Second)
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v = r.until(t, kiosk.ScreenStudyZones)
	if len(v.Study.Mine) != 1 || v.Study.Mine[0].Seat != "S1" || len(v.Study.Extend) == 0 {
		t.Fatalf("own place: %+v, extend %v", v.Study.Mine, v.Study.Extend)
	}
	r.core.LeavePlace()
	v = r.until(t, kiosk.ScreenNotice)
	if v.Notice != kiosk.NoticeLeftPlace {
		t.Errorf("after leaving: %v", v.Notice)
	}
	r.wait(t, "the place free again", func(v kiosk.View) bool { return len(v.Chrome.Seats) == 2 && v.Chrome.Seats[0].Free == 2 })
}

// Cards the library refuses for lending are refused here too; a patron
// with fines may study (studying is free).
func TestStudyCards(t *testing.T) {
	r := newStudyRig(t)
	for _, tc := range []struct {
		card   string
		screen kiosk.Screen
		notice kiosk.Notice
	}{
		{kiosktest.CardUnknown, kiosk.ScreenNotice, kiosk.NoticeUnknownCard},
		{kiosktest.CardLost, kiosk.ScreenNotice, kiosk.NoticeCardLost},
		{kiosktest.CardFines, kiosk.ScreenStudyZones, kiosk.NoticeNone},
	} {
		r.core.StartStudy()
		r.until(t, kiosk.ScreenStudyCard)
		r.core.Scan(kiosk.Scan{Code: tc.card})
		v := r.wait(t, "the answer to "+tc.card, func(v kiosk.View) bool {
			return v.Screen == kiosk.ScreenNotice || v.Screen == kiosk.ScreenStudyZones
		})
		if v.Screen != tc.screen || v.Notice != tc.notice {
			t.Errorf("%s: screen %v notice %v, want %v %v", tc.card, v.Screen, v.Notice, tc.screen, tc.notice)
		}
		r.core.Done()
		r.clock.Advance(10 * time.Second)
		r.until(t, kiosk.ScreenAttract)
	}
}

// Never double-booked: 40 patrons race for one seat and slot through the
// real store; exactly one gets it, the others are told it is taken.
func TestNoSeatIsBookedTwice(t *testing.T) {
	r := newStudyRig(t)
	now := r.clock.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, taken := 0, 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.desk.Book(kiosktest.CardAdult[:13]+string(rune('0'+i%10))+string(rune('a'+i)), "S2", now, now.Add(time.Hour))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, kiosk.ErrSeatTaken):
				taken++
			default:
				t.Errorf("booking: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || taken != 39 {
		t.Errorf("%d won and %d were told it is taken; want 1 and 39", won, taken)
	}
	rec, _, err := r.seats.Get("S2")
	if err != nil || len(rec.Bookings) != 1 {
		t.Errorf("S2 holds %d bookings (%v)", len(rec.Bookings), err)
	}
}

// The rules: not longer than the longest stay, not past closing, not more
// open bookings than allowed; a place given back is free at once.
func TestStudyRules(t *testing.T) {
	r := newStudyRig(t)
	r.desk.Plan.Rules.OpenAtOnce = 1
	now := r.clock.Now()
	if _, err := r.desk.Book("p1", "S1", now, now.Add(5*time.Hour)); !errors.Is(err, kiosk.ErrTooLong) {
		t.Errorf("5 h: %v, want too long", err)
	}
	closing := now.Add(10*time.Hour + 45*time.Minute) // 21:15
	if _, err := r.desk.Book("p1", "S1", closing.Add(-2*time.Hour), closing); !errors.Is(err, kiosk.ErrClosed) {
		t.Errorf("past closing: %v, want closed", err)
	}
	b, err := r.desk.Book("p1", "S1", now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Book("p1", "S2", now, now.Add(time.Hour)); !errors.Is(err, kiosk.ErrTooMany) {
		t.Errorf("a second place: %v, want too many", err)
	}
	if err := r.desk.Leave(kiosk.SeatBooking{Seat: "S1", Booking: b}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Book("p2", "S1", now, now.Add(time.Hour)); err != nil {
		t.Errorf("the place given back: %v", err)
	}
}

// After closing time the idle screen says the places are closed (within
// a minute, on the kiosk's clock), and "Studieplek" says so too.
func TestStudyPlacesClose(t *testing.T) {
	r := newStudyRig(t)
	if !r.first.Chrome.StudyOpen {
		t.Fatal("closed at 10:30 on a Monday")
	}
	r.clock.Advance(10*time.Hour + 31*time.Minute) // 21:01
	r.wait(t, "closed on the idle screen", func(v kiosk.View) bool { return !v.Chrome.StudyOpen })
	r.core.StartStudy()
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeStudyClosedNow {
		t.Errorf("Studieplek after closing: %v", v.Notice)
	}
}

// A patron at their place stays longer while the seat is free after it,
// and not into someone else's booking.
func TestStayLonger(t *testing.T) {
	r := newStudyRig(t)
	now := r.clock.Now()
	mine, err := r.desk.Book(kiosktest.CardAdult, "S1", now, now.Add(time.Hour)) // 10:30-11:30, checked in
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Book("someone", "S1", now.Add(2*time.Hour), now.Add(3*time.Hour)); err != nil { // 12:30-13:30
		t.Fatal(err)
	}
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v := r.until(t, kiosk.ScreenStudyZones)
	ext := v.Study.Extend
	if len(ext) == 0 || !ext[len(ext)-1].Equal(now.Add(2*time.Hour)) || !ext[0].After(mine.End) {
		t.Fatalf("stay longer until %v; want after 11:30 up to the next booking at 12:30", ext)
	}
	r.core.ExtendPlace(ext[len(ext)-1])
	v = r.until(t, kiosk.ScreenStudyDone)
	if !v.Study.Booked.End.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("extended to %v", v.Study.Booked.End)
	}
	rec, _, _ := r.seats.Get("S1")
	if len(rec.Bookings) != 2 {
		t.Errorf("S1 has %d bookings after extending, want 2", len(rec.Bookings))
	}
}

// A place for tomorrow: booked now, checked in tomorrow within the window;
// a booking not checked in by 15 minutes after its start is released.
func TestBookForLater(t *testing.T) {
	r := newStudyRig(t)
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenStudyZones)
	r.core.BookLater()
	v := r.until(t, kiosk.ScreenStudyWhen)
	if len(v.Study.Days) < 2 {
		t.Fatalf("days to choose: %v", v.Study.Days)
	}
	tomorrow := v.Study.Days[1]
	r.core.ChooseDay(tomorrow)
	v = r.wait(t, "tomorrow's starts", func(v kiosk.View) bool { return v.Study.Day.Equal(tomorrow) })
	var ten time.Time
	for _, s := range v.Study.Starts {
		if s.Format("15:04") == "10:00" {
			ten = s
		}
	}
	if ten.IsZero() || v.Study.Starts[0].Format("15:04") != "09:00" {
		t.Fatalf("tomorrow's starts %v", v.Study.Starts)
	}
	r.core.ChooseStart(ten)
	v = r.until(t, kiosk.ScreenStudyZones)
	if !v.Study.Later || !v.Study.Start.Equal(ten) {
		t.Fatalf("zones for later: %+v", v.Study)
	}
	r.core.ChooseZone("", false, kiosk.FeaturePC)
	v = r.until(t, kiosk.ScreenStudyUntil)
	r.core.ChooseUntil(v.Study.Until[7]) // two hours
	v = r.until(t, kiosk.ScreenStudyDone)
	if b := v.Study.Booked; b.CheckedIn || !b.Start.Equal(ten) || b.End.Sub(b.Start) != 2*time.Hour {
		t.Fatalf("booked %+v", b)
	}
	r.core.Done()

	// Tomorrow at 09:50 the patron checks in.
	r.clock.Advance(ten.Sub(r.clock.Now()) - 10*time.Minute)
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v = r.until(t, kiosk.ScreenStudyZones)
	if len(v.Study.Mine) != 1 || v.Study.Mine[0].CheckedIn {
		t.Fatalf("own booking %+v", v.Study.Mine)
	}
	r.core.CheckInPlace()
	if v = r.until(t, kiosk.ScreenStudyDone); !v.Study.Booked.CheckedIn {
		t.Errorf("checked in: %+v", v.Study.Booked)
	}
	r.core.Done()

	// Another's booking for 12:30 is released at 12:46 without a check-in.
	noon := ten.Add(2*time.Hour + 30*time.Minute)
	if _, err := r.desk.Book("late", "S2", noon, noon.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(noon.Add(16 * time.Minute).Sub(r.clock.Now()))
	if mine := r.desk.Plan.Of(mustAll(t, r.seats), "late", r.clock.Now()); len(mine) != 0 {
		t.Errorf("a no-show still holds %+v", mine)
	}
}

func mustAll(t *testing.T, s kiosk.SeatStore) map[string]kiosk.Revisioned {
	t.Helper()
	all, err := s.All()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// paper keeps what was printed.
type paper struct {
	mu    sync.Mutex
	slips []kiosk.Receipt
}

func (p *paper) Print(_ context.Context, r kiosk.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slips = append(p.slips, r)
	return nil
}

// The place taken, on a slip from the receipt printer: seat, zone, times.
func TestStudySlip(t *testing.T) {
	printed := &paper{}
	r := newStudyRigWith(t, printed)
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenStudyZones)
	r.core.ChooseZone("samen", false)
	r.until(t, kiosk.ScreenStudySeats)
	r.core.ChooseSeat("W1")
	v := r.until(t, kiosk.ScreenStudyUntil)
	r.core.ChooseUntil(v.Study.Until[3])
	r.until(t, kiosk.ScreenStudyDone)
	r.core.PrintSlip()
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeTakeReceipt {
		t.Errorf("after printing: %v", v.Notice)
	}
	printed.mu.Lock()
	defer printed.mu.Unlock()
	if len(printed.slips) != 1 {
		t.Fatalf("%d slips printed", len(printed.slips))
	}
	var text []string
	for _, l := range printed.slips[0].Lines {
		text = append(text, l.Left+" "+l.Right)
	}
	got := fmt.Sprint(text)
	for _, want := range []string{"slip.seat", "Samenwerken", "10:30 - 11:30"} {
		if !strings.Contains(got, want) {
			t.Errorf("slip %s lacks %q", got, want)
		}
	}
}

// A teacher books a block of seats for a class: side by side, all or
// nothing; students take them with their own cards; what no student took
// is released after the check-in window, or the teacher checks the whole
// block in at once.
func TestClassBlocks(t *testing.T) {
	r := newStudyRig(t)
	d := r.desk
	now := r.clock.Now()
	if _, err := d.BookBlock("teacher", "stilte", "groep 8b", 3, now, now.Add(2*time.Hour)); !errors.Is(err, kiosk.ErrNoBlock) {
		t.Fatalf("3 seats where 2 are in service: %v", err)
	}
	block, err := d.BookBlock("teacher", "stilte", "groep 8b", 2, now, now.Add(2*time.Hour))
	if err != nil || len(block) != 2 || block[0].Seat != "S1" || block[1].Seat != "S2" {
		t.Fatalf("block %+v, %v", block, err)
	}
	blocks, err := d.Blocks()
	if err != nil || len(blocks) != 1 || blocks[0].Open != 2 || blocks[0].Class != "groep 8b" {
		t.Fatalf("blocks %+v, %v", blocks, err)
	}
	a, errA := d.JoinBlock("student-a", blocks[0])
	b, errB := d.JoinBlock("student-b", blocks[0])
	_, errC := d.JoinBlock("student-c", blocks[0])
	if errA != nil || errB != nil || a.Seat == b.Seat || !a.CheckedIn || !errors.Is(errC, kiosk.ErrNoBlock) {
		t.Errorf("joined %v %v (%v, %v), third %v", a.Seat, b.Seat, errA, errB, errC)
	}
	if mine := d.Plan.Of(mustAll(t, r.seats), "student-a", now); len(mine) != 1 || mine[0].Class != "groep 8b" {
		t.Errorf("student a's place %+v", mine)
	}

	// A seat of a block no student takes is released after the window.
	if _, err := d.BookBlock("teacher", "samen", "groep 6", 1, now, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := d.Plan.Occupancy(mustAll(t, r.seats), now); got[1].Free != 0 {
		t.Errorf("samen with its seat in a block: %+v", got[1])
	}
	if got := d.Plan.Occupancy(mustAll(t, r.seats), now.Add(16*time.Minute)); got[1].Free != 1 {
		t.Errorf("samen 16 minutes after an untaken block began: %+v", got[1])
	}

	// A block for the afternoon: the teacher checks the class in at once.
	later := now.Add(4 * time.Hour)
	if _, err := d.BookBlock("teacher", "stilte", "groep 7", 2, later, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(4*time.Hour - 5*time.Minute)
	blocks, _ = d.Blocks()
	if len(blocks) != 1 || blocks[0].Class != "groep 7" {
		t.Fatalf("blocks at 14:25: %+v", blocks)
	}
	if n, err := d.CheckInBlock("teacher", blocks[0]); n != 2 || err != nil {
		t.Errorf("checked in %d seats (%v), want 2", n, err)
	}
	r.clock.Advance(30 * time.Minute)
	if got := d.Plan.Occupancy(mustAll(t, r.seats), r.clock.Now()); got[0].Free != 0 {
		t.Errorf("a checked-in class block frees seats: %+v", got[0])
	}
}

// At the kiosk: a teacher's staff card books the seats of a zone for a
// class; a student then takes one of them with their own card.
func TestAClassAtTheKiosk(t *testing.T) {
	r := newStudyRig(t)
	teacher := kiosktest.CardStaff
	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: teacher})
	v := r.until(t, kiosk.ScreenStudyZones)
	if !v.Study.Teacher {
		t.Fatalf("a staff card is not taken as a teacher's: %+v", v.Study)
	}
	r.core.ChooseZone("stilte", false)
	v = r.until(t, kiosk.ScreenStudyClass)
	if len(v.Study.ClassSizes) != 1 || v.Study.ClassSizes[0] != 2 {
		t.Fatalf("class sizes %v, want [2] (two seats in service)", v.Study.ClassSizes)
	}
	r.core.ChooseClassSize(2)
	v = r.until(t, kiosk.ScreenStudyUntil)
	r.core.ChooseUntil(v.Study.Until[len(v.Study.Until)-1])
	v = r.until(t, kiosk.ScreenStudyDone)
	if len(v.Study.Block) != 2 {
		t.Fatalf("block %v", v.Study.Block)
	}
	r.core.Done()
	r.clock.Advance(10 * time.Second)

	r.core.StartStudy()
	r.until(t, kiosk.ScreenStudyCard)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v = r.until(t, kiosk.ScreenStudyZones)
	if len(v.Study.Blocks) != 1 || v.Study.Blocks[0].Open != 2 {
		t.Fatalf("classes to join %+v", v.Study.Blocks)
	}
	r.core.JoinClass(0)
	v = r.until(t, kiosk.ScreenStudyDone)
	if b := v.Study.Booked; b.Seat == "" || !b.CheckedIn || b.Card != kiosktest.CardAdult || b.Class == "" {
		t.Errorf("joined %+v", b)
	}
}

// The library's figures are kept anonymously: bookings and no-shows per
// day, the most places taken per zone and hour; no card anywhere in them.
func TestStudyUsageIsAnonymous(t *testing.T) {
	r := newStudyRig(t)
	now := r.clock.Now()
	if _, err := r.desk.Book(kiosktest.CardAdult, "S1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	r.desk.Usage = r.seats // as the kiosk's own desk has it
	if _, err := r.desk.Book(kiosktest.CardSenior, "S2", now.Add(time.Hour), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Hour + 20*time.Minute) // S2's booking a no-show; the kiosk recounts each minute
	if _, err := r.desk.Book("someone", "S2", r.clock.Now(), r.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err) // the write that clears the no-show
	}
	r.core.Sync()
	usage, err := r.store.Usage()
	if err != nil {
		t.Fatal(err)
	}
	day := now.Format("2006-01-02")
	if usage[day+"|bookings"] != 2 || usage[day+"|no-shows"] != 1 {
		t.Errorf("usage %v: want 2 bookings and 1 no-show on %s", usage, day)
	}
	if usage[now.Format("2006-01-02|15")+"|stilte|occupied"] < 1 {
		t.Errorf("usage %v: no place taken in stilte at %s", usage, now.Format("15h"))
	}
	for k := range usage {
		if strings.Contains(k, kiosktest.CardAdult[len(kiosktest.CardAdult)-4:]) || strings.Contains(k, "someone") {
			t.Errorf("a card in the usage figures: %q", k)
		}
	}
}

// A patron of a teacher category (Koha's PC in the 64, as the demo
// library sends it) books for a class with their own library card.
func TestTeacherCategory(t *testing.T) {
	r := newStudyRig(t)
	r.desk.Plan.Rules.TeacherCategories = []string{"SENIOR"} // before the kiosk reads it (through the loop)
	for card, teacher := range map[string]bool{kiosktest.CardSenior: true, kiosktest.CardAdult: false} {
		r.core.StartStudy()
		r.until(t, kiosk.ScreenStudyCard)
		r.core.Scan(kiosk.Scan{Code: card})
		if v := r.until(t, kiosk.ScreenStudyZones); v.Study.Teacher != teacher {
			t.Errorf("%s: teacher %v, want %v", card, v.Study.Teacher, teacher)
		}
		r.core.Done()
		r.until(t, kiosk.ScreenAttract)
	}
}

// Staff take a seat out of service (and back) in its record: the map says
// so, no one can book it, and it does not count among the places.
func TestSeatOutOfService(t *testing.T) {
	r := newStudyRig(t)
	if err := r.desk.SetOutOfService("S1", true); err != nil {
		t.Fatal(err)
	}
	now := r.clock.Now()
	if _, err := r.desk.Book("p", "S1", now, now.Add(time.Hour)); !errors.Is(err, kiosk.ErrSeatTaken) {
		t.Errorf("booking a seat out of service: %v", err)
	}
	if got := r.desk.Plan.Occupancy(mustAll(t, r.seats), now); got[0].Total != 1 || got[0].Free != 1 {
		t.Errorf("stilte with S1 out of service: %+v, want 1 of 1", got[0])
	}
	if blocks, _ := r.desk.Blocks(); len(blocks) != 0 {
		t.Errorf("out of service shows as a class: %+v", blocks)
	}
	if err := r.desk.SetOutOfService("S1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.desk.Book("p", "S1", now, now.Add(time.Hour)); err != nil {
		t.Errorf("booking the seat back in service: %v", err)
	}
}
