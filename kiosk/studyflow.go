package kiosk

import (
	"errors"
	"slices"
	"time"
)

// Study is what the study-place screens show.
type Study struct {
	// Name is the patron's, when the library system said it.
	Name string
	// Mine are the patron's place and bookings, soonest first.
	Mine []SeatBooking
	// Zones count the free places per zone now.
	Zones []ZoneCount
	// Zone is the zone whose map is shown; Seats its seats as they are now.
	Zone  string
	Seats []SeatNow
	// Seat is the place chosen; Until the ends it may have.
	Seat  string
	Until []time.Time
	// Start is when the place is wanted: now unless the patron chose a
	// later time (ScreenStudyWhen), from Days and the Starts of Day.
	Start time.Time
	Later bool
	// Teacher: a staff card books seats for a class (ScreenStudyClass
	// asks how many of ClassSizes); Block lists the seats booked. Blocks
	// are the class blocks a student may join now, or the teacher's own.
	Teacher    bool
	ClassSizes []int
	Block      []string
	Blocks     []ClassBlock
	// Now is the kiosk's clock when the View was built, to say "today".
	Now    time.Time
	Days   []time.Time
	Day    time.Time
	Starts []time.Time
	// Booked is the place the patron just took, checked in to or extended,
	// in the zone named BookedZone; CheckinFrom is when a booking for later
	// may be checked in to.
	Booked      SeatBooking
	BookedZone  map[string]string
	CheckinFrom time.Time
	// Extend lists the ends the patron's own place (Mine[0]) may move to.
	Extend []time.Time
}

// SeatState is how a seat is now, in words on the map.
type SeatState int

const (
	SeatFree     SeatState = iota
	SeatTaken              // someone sits there
	SeatReserved           // booked for later today, or waiting for its patron
	SeatOutOfService
)

var seatStateNames = [...]string{"free", "taken", "reserved", "out-of-service"}

func (s SeatState) String() string { return enumName(seatStateNames[:], int(s), "seat state") }

// SeatNow is one seat on the map.
type SeatNow struct {
	Seat  Seat
	State SeatState
}

// studyVisit is a patron at the kiosk for a study place.
type studyVisit struct {
	card, name string
	teacher    bool     // a staff card: books blocks for a class
	classN     int      // seats for the class
	block      []string // the seats of the block just booked
	zone, seat string
	day, start time.Time // a booking for later; zero: now
	recs       map[string]Revisioned
	booked     SeatBooking
}

func (s *studyVisit) snapshot() Study {
	return Study{Name: s.name, Zone: s.zone, Seat: s.seat, Booked: s.booked, Teacher: s.teacher, Block: slices.Clone(s.block)}
}

// studyFlow is taking a study place: card, zone, seat, until when.
type studyFlow struct{ k *Kiosk }

// StartStudy opens "Studieplek" on the attract screen.
func (k *Kiosk) StartStudy() {
	k.post(func() {
		if k.study == nil || screens[k.screen].flow != flowIdle {
			return
		}
		k.forget()
		if _, open := k.study.Plan.OpenAt(k.clock.Now()); !open {
			k.show(ScreenNotice, NoticeStudyClosedNow)
			return
		}
		k.place = &studyVisit{}
		k.show(ScreenStudyCard, NoticeNone)
	})
}

func (f studyFlow) scan(code string, kind Kind, misread error) {
	k := f.k
	k.activity()
	switch {
	case misread != nil:
		k.flash(NoticeMisread)
	case kind == KindStaff && k.screen == ScreenStudyCard:
		// A teacher (a staff card) books seats for a class.
		k.place = &studyVisit{card: code, teacher: true}
		k.audit("study_teacher", Last4(code))
		f.home()
	case kind != KindPatron:
		k.flash(NoticeNotACard)
	case k.place.card == code && k.screen != ScreenStudyCard:
		// the patron's own card again: nothing to do
	default:
		f.lookup(code)
	}
}

// lookup asks the library system about the card, as a checkout does: an
// unknown or lost card is refused; fines do not stop studying unless the
// rules say so.
func (f studyFlow) lookup(card string) {
	k := f.k
	if k.chrome.ILS.Down {
		p := Patron{Card: card}
		if k.opts.PatronCache > 0 {
			if cached, ok, _ := k.patrons.CachedPatron(card, k.clock.Now().Add(-k.opts.PatronCache)); ok {
				p = cached
			}
		}
		f.lookedUp(card, p, nil)
		return
	}
	k.busy = BusyLookup
	k.show(ScreenBusy, NoticeNone)
	k.place = &studyVisit{}
	gen := k.gen
	go func() {
		ctx, cancel := k.ctx()
		defer cancel()
		p, err := k.ils.PatronInfo(ctx, card, "")
		k.post(func() {
			if k.gen == gen {
				f.lookedUp(card, p, err)
			}
		})
	}()
}

func (f studyFlow) lookedUp(card string, p Patron, err error) {
	k := f.k
	switch {
	case errors.Is(err, ErrUnknownPatron) || p.Unknown:
		k.place = nil
		k.show(ScreenNotice, NoticeUnknownCard)
		return
	case err != nil && unreachable(err):
		k.ilsDown(err)
		f.lookup(card) // offline now: by the patron cache
		return
	case err != nil:
		k.log.Warn("study: patron lookup failed", "card", Last4(card), "err", err)
		k.place = nil
		k.show(ScreenNotice, NoticeUnavailable)
		return
	case p.Has(BlockCardLost):
		k.place = nil
		k.show(ScreenNotice, NoticeCardLost)
		return
	case p.Blocked() && !k.study.Plan.Rules.BlockedMayStudy:
		k.place = nil
		k.show(ScreenNotice, NoticeStudyOff) // "ask at the desk"
		return
	}
	k.place = &studyVisit{card: card, name: p.Name}
	if p.Category != "" && slices.Contains(k.study.Plan.Rules.TeacherCategories, p.Category) {
		k.place.teacher = true // a teacher's own card: books for a class
	}
	k.audit("study_start", Last4(card))
	f.home()
}

// home shows the patron's own place first, or the zones.
func (f studyFlow) home() {
	k := f.k
	if !f.read() {
		return
	}
	k.place.zone, k.place.seat = "", ""
	k.show(ScreenStudyZones, NoticeNone)
}

// read fetches every seat's record; false (with a notice) if the store
// cannot be read.
func (f studyFlow) read() bool {
	k := f.k
	all, err := k.study.Store.All()
	if err != nil {
		k.log.Error("study places not read", "err", err)
		k.place = nil
		k.show(ScreenNotice, NoticeStudyOff)
		return false
	}
	k.place.recs = all
	return true
}

// studyView builds the Study part of the View from the visit and the records.
func (k *Kiosk) studyView() Study {
	s := k.place.snapshot()
	if k.place.recs == nil || k.study == nil {
		return s
	}
	plan, now := k.study.Plan, k.clock.Now()
	start := now
	if !k.place.start.IsZero() {
		start, s.Later = k.place.start, true
	}
	s.Start, s.Now = start, now
	// From the records read for this visit: a View is built on every
	// change, and must not read the store again.
	for _, b := range plan.blocks(k.place.recs, now) {
		if k.place.teacher && b.Teacher == k.place.card || !k.place.teacher && b.Open > 0 {
			s.Blocks = append(s.Blocks, b)
		}
	}
	if k.screen == ScreenStudyClass {
		free := len(plan.FreeSeats(k.place.recs, k.place.zone, false, nil, start, start.Add(max(plan.Rules.Slot, time.Minute)), now))
		for _, n := range []int{2, 4, 6, 8, 10, 12, 16, 20, 24, 30} {
			if n <= free {
				s.ClassSizes = append(s.ClassSizes, n)
			}
		}
		if free > 0 && (len(s.ClassSizes) == 0 || s.ClassSizes[len(s.ClassSizes)-1] != free) && free < 30 {
			s.ClassSizes = append(s.ClassSizes, free)
		}
	}
	if !k.place.teacher {
		s.Mine = plan.Of(k.place.recs, k.place.card, now)
	}
	s.Zones = plan.OccupancyAt(k.place.recs, start, now)
	if k.screen == ScreenStudyWhen {
		s.Days = plan.Days(now)
		s.Day = k.place.day
		if s.Day.IsZero() && len(s.Days) > 0 {
			s.Day = s.Days[0]
		}
		s.Starts = plan.Starts(s.Day, now)
	}
	if len(s.Mine) > 0 && s.Mine[0].CheckedIn {
		seat, _ := k.study.seat(s.Mine[0].Seat)
		others := SeatRecord{}
		for _, b := range k.place.recs[seat.Number].Record.Bookings {
			if b.ID != s.Mine[0].ID {
				others.Bookings = append(others.Bookings, b)
			}
		}
		s.Extend = slices.DeleteFunc(plan.Until(seat, others, s.Mine[0].Start, now), func(t time.Time) bool {
			return !t.After(s.Mine[0].End)
		})
	}
	if s.Zone != "" {
		for _, seat := range plan.Seats {
			if seat.Zone == s.Zone {
				s.Seats = append(s.Seats, SeatNow{Seat: seat, State: plan.stateAt(seat, k.place.recs[seat.Number].Record, start, now)})
			}
		}
	}
	if s.Seat != "" {
		seat, _ := k.study.seat(s.Seat)
		s.Until = plan.Until(seat, k.place.recs[s.Seat].Record, start, now)
	}
	if s.Booked.Seat != "" {
		seat, _ := k.study.seat(s.Booked.Seat)
		for _, z := range plan.Zones {
			if z.ID == seat.Zone {
				s.BookedZone = z.Names
			}
		}
		s.CheckinFrom = s.Booked.Start.Add(-plan.Rules.CheckinBefore)
	}
	return s
}

// stateAt says how seat s is at at, as the records stand at now: for a
// later time, a seat is free or reserved.
func (p *StudyPlan) stateAt(s Seat, rec SeatRecord, at, now time.Time) SeatState {
	if outOfService(s, rec) {
		return SeatOutOfService
	}
	if at.After(now) {
		if p.FreeDuring(s, rec, at, at.Add(max(p.Rules.Slot, time.Minute)), now) {
			return SeatFree
		}
		return SeatReserved
	}
	for _, b := range rec.Bookings {
		if b.Expired(now, p.Rules.CheckinAfter) || b.End.Sub(now) > 24*time.Hour || b.Start.Format("2006-01-02") != now.Format("2006-01-02") {
			continue
		}
		if b.CheckedIn && !now.Before(b.Start) {
			return SeatTaken
		}
		if p.Rules.holds(b, now, now.Add(max(p.Rules.Slot, time.Minute)), now) {
			return SeatReserved
		}
	}
	return SeatFree
}

// ChooseZone opens a zone's map; or, with zone "", takes the first free
// place with the features wanted (and in a quiet zone if quiet).
func (k *Kiosk) ChooseZone(zone string, quiet bool, want ...Feature) {
	k.post(func() {
		if k.screen != ScreenStudyZones || k.place == nil {
			return
		}
		k.activity()
		if zone != "" {
			k.place.zone = zone
			if k.place.teacher {
				k.show(ScreenStudyClass, NoticeNone)
				return
			}
			k.show(ScreenStudySeats, NoticeNone)
			return
		}
		now, start := k.clock.Now(), k.studyView().Start
		free := k.study.Plan.FreeSeats(k.place.recs, "", quiet, want, start, start.Add(max(k.study.Plan.Rules.Slot, time.Minute)), now)
		if len(free) == 0 {
			k.flash(NoticeSeatNotFree)
			return
		}
		k.place.seat = free[0].Number
		k.show(ScreenStudyUntil, NoticeNone)
	})
}

// ChooseClassSize sets how many seats the teacher's class needs, and asks
// until when (for the first free seat of the zone).
func (k *Kiosk) ChooseClassSize(n int) {
	k.post(func() {
		if k.screen != ScreenStudyClass || k.place == nil || !k.place.teacher {
			return
		}
		k.activity()
		v := k.studyView()
		free := k.study.Plan.FreeSeats(k.place.recs, k.place.zone, false, nil, v.Start, v.Start.Add(max(k.study.Plan.Rules.Slot, time.Minute)), k.clock.Now())
		if len(free) < n {
			k.flash(NoticeSeatNotFree)
			return
		}
		k.place.classN = n
		k.place.seat = free[0].Number
		k.show(ScreenStudyUntil, NoticeNone)
	})
}

// JoinClass takes a seat of an open class block on the student's card.
func (k *Kiosk) JoinClass(i int) {
	k.post(func() {
		if k.screen != ScreenStudyZones || k.place == nil || k.place.teacher {
			return
		}
		blocks := k.studyView().Blocks
		if i < 0 || i >= len(blocks) {
			return
		}
		sb, err := k.study.JoinBlock(k.place.card, blocks[i])
		if errors.Is(err, ErrNoBlock) {
			err = ErrSeatTaken
		}
		k.studied(sb, err, "study_join_class")
	})
}

// ChooseSeat picks a seat on the map.
func (k *Kiosk) ChooseSeat(number string) {
	k.post(func() {
		if k.screen != ScreenStudySeats || k.place == nil {
			return
		}
		k.activity()
		k.place.seat = number
		if len(k.studyView().Until) == 0 {
			k.flash(NoticeSeatNotFree)
			k.place.seat = ""
			return
		}
		k.show(ScreenStudyUntil, NoticeNone)
	})
}

// ChooseUntil takes the chosen seat from now until end.
func (k *Kiosk) ChooseUntil(end time.Time) {
	k.post(func() {
		if k.screen != ScreenStudyUntil || k.place == nil || k.place.seat == "" {
			return
		}
		start := k.studyView().Start
		if k.place.teacher {
			block, err := k.study.BookBlock(k.place.card, k.place.zone, "klas", k.place.classN, start, end)
			if errors.Is(err, ErrNoBlock) {
				err = ErrSeatTaken
			}
			k.place.block = nil
			for _, sb := range block {
				k.place.block = append(k.place.block, sb.Seat)
			}
			var first SeatBooking
			if len(block) > 0 {
				first = block[0]
			}
			k.studied(first, err, "study_book_class")
			return
		}
		b, err := k.study.Book(k.place.card, k.place.seat, start, end)
		k.studied(SeatBooking{Seat: k.place.seat, Booking: b}, err, "study_book")
	})
}

// BookLater asks when: a day within the horizon and a start time.
func (k *Kiosk) BookLater() {
	k.post(func() {
		if k.screen != ScreenStudyZones || k.place == nil {
			return
		}
		k.activity()
		k.show(ScreenStudyWhen, NoticeNone)
	})
}

// ChooseDay shows the start times of another day.
func (k *Kiosk) ChooseDay(day time.Time) {
	k.post(func() {
		if k.screen != ScreenStudyWhen || k.place == nil {
			return
		}
		k.activity()
		k.place.day = day
		k.publish()
	})
}

// ChooseStart sets when the place is wanted, and goes on to the zones.
func (k *Kiosk) ChooseStart(start time.Time) {
	k.post(func() {
		if k.screen != ScreenStudyWhen || k.place == nil {
			return
		}
		k.place.start = start
		k.show(ScreenStudyZones, NoticeNone)
	})
}

// PrintSlip prints the place just taken on the receipt printer: seat,
// zone, when; then the visit ends.
func (k *Kiosk) PrintSlip() {
	k.post(func() {
		if k.screen != ScreenStudyDone || k.place == nil || k.printer == nil {
			return
		}
		slip := k.slip(k.studyView())
		place := k.place
		k.busy = BusyPrinting
		k.show(ScreenBusy, NoticeNone)
		gen := k.gen
		go func() {
			ctx, cancel := k.ctx()
			err := k.printer.Print(ctx, slip)
			cancel()
			k.post(func() {
				if k.gen != gen {
					return
				}
				if err != nil {
					k.log.Warn("study slip not printed", "err", err)
					k.place = place
					k.show(ScreenStudyDone, NoticeNone)
					k.flash(NoticePrinterFailed)
					return
				}
				k.place = place
				k.studies.end("session_end")
				k.show(ScreenNotice, NoticeTakeReceipt)
			})
		}()
	})
}

// slip is the study place on paper, in the patron's language.
func (k *Kiosk) slip(s Study) Receipt {
	t := func(key string, data map[string]any) string { return k.opts.Translate(k.chrome.Lang, key, data) }
	b := s.Booked
	zone := s.BookedZone[k.chrome.Lang]
	if zone == "" {
		zone = s.BookedZone[DefaultLanguage]
	}
	lines := []ReceiptLine{
		{Left: k.clock.Now().Format("02-01-2006 15:04")},
		{},
		{Left: t("slip.seat", map[string]any{"Seat": b.Seat}), Bold: true},
		{Left: zone},
		{Left: b.Start.Format("02-01-2006"), Right: b.Start.Format("15:04") + " - " + b.End.Format("15:04")},
	}
	footer := []string{}
	if !b.CheckedIn {
		footer = append(footer, t("slip.checkin", map[string]any{"From": s.CheckinFrom.Format("15:04")}))
	}
	footer = append(footer, t("slip.footer", nil))
	return Receipt{Title: k.opts.LibraryName, Lines: lines, Footer: footer}
}

// CheckInPlace checks the patron in to their booking.
func (k *Kiosk) CheckInPlace() {
	k.post(func() {
		if k.screen != ScreenStudyZones || k.place == nil {
			return
		}
		if k.place.teacher {
			if blocks := k.studyView().Blocks; len(blocks) > 0 {
				n, err := k.study.CheckInBlock(k.place.card, blocks[0])
				if err == nil && n == 0 {
					err = ErrNoBooking
				}
				k.studied(SeatBooking{Seat: "", Booking: Booking{Start: blocks[0].Start, End: blocks[0].End, CheckedIn: true}}, err, "study_checkin_class")
				return
			}
		}
		sb, err := k.study.CheckIn(k.place.card)
		k.studied(sb, err, "study_checkin")
	})
}

// ownPlace is the place (or first booking) of the patron on the screen
// that shows it.
func (k *Kiosk) ownPlace() (SeatBooking, bool) {
	if k.screen != ScreenStudyZones || k.place == nil {
		return SeatBooking{}, false
	}
	mine := k.studyView().Mine
	if len(mine) == 0 {
		return SeatBooking{}, false
	}
	return mine[0], true
}

// ExtendPlace moves the end of the patron's place to end.
func (k *Kiosk) ExtendPlace(end time.Time) {
	k.post(func() {
		mine, ok := k.ownPlace()
		if !ok {
			return
		}
		err := k.study.Extend(mine, end)
		mine.End = end
		k.studied(mine, err, "study_extend")
	})
}

// LeavePlace gives the patron's place (or first booking) back now.
func (k *Kiosk) LeavePlace() {
	k.post(func() {
		mine, ok := k.ownPlace()
		if !ok {
			return
		}
		if err := k.study.Leave(mine); err != nil && !errors.Is(err, ErrNoBooking) {
			k.log.Error("study place not given back", "err", err)
			k.flash(NoticeStudyOff)
			return
		}
		k.audit("study_leave", Last4(k.place.card))
		k.studies.end("session_end")
		k.show(ScreenNotice, NoticeLeftPlace)
	})
}

// studied shows the outcome of a booking, check-in or extension.
func (k *Kiosk) studied(sb SeatBooking, err error, what string) {
	switch {
	case err == nil:
		k.audit(what, Last4(k.place.card))
		k.place.booked = sb
		if k.studies.read() {
			k.show(ScreenStudyDone, NoticeNone)
		}
	case errors.Is(err, ErrTooMany):
		k.flash(NoticeStudyLimit)
	case errors.Is(err, ErrClosed):
		k.flash(NoticeStudyClosed)
	case errors.Is(err, ErrSeatTaken), errors.Is(err, ErrCannotStay), errors.Is(err, ErrSeatChanged), errors.Is(err, ErrNoBooking):
		// Someone was quicker: the patron chooses again from what is free now.
		k.studies.home()
		k.flash(NoticeSeatTaken)
	default:
		k.log.Error("study place not booked", "err", err)
		k.flash(NoticeStudyOff)
	}
}

func (f studyFlow) done() {
	k := f.k
	booked := k.place != nil && k.place.booked.ID != ""
	f.end("session_end")
	if booked {
		k.show(ScreenNotice, NoticeGoodbye)
		return
	}
	k.toAttract()
}

func (f studyFlow) back() {
	k := f.k
	switch k.screen {
	case ScreenStudySeats, ScreenStudyWhen, ScreenStudyClass:
		k.place.zone = ""
		k.show(ScreenStudyZones, NoticeNone)
	case ScreenStudyUntil:
		k.place.seat = ""
		if k.place.zone != "" && k.place.teacher {
			k.show(ScreenStudyClass, NoticeNone)
		} else if k.place.zone != "" {
			k.show(ScreenStudySeats, NoticeNone)
		} else {
			k.show(ScreenStudyZones, NoticeNone)
		}
	default:
		f.done()
	}
}

func (f studyFlow) end(why string) {
	k := f.k
	if why == "session_end" && k.place != nil && (k.place.booked.ID != "" || len(k.place.block) > 0) {
		k.used(AfterStudy)
	}
	if k.place != nil && k.place.card != "" {
		k.audit("study_"+why, Last4(k.place.card))
	}
	k.place = nil
	k.forget()
}
