package kiosk

import "strings"

// flow is one thing a patron comes to the kiosk for (a visit to borrow or
// return; later study places, a poll, staff work). Every screen belongs to
// one flow, which decides what a scan or a footer button does there.
type flow interface {
	// scan handles a code read on one of the flow's screens: its kind, or
	// misread if its check digit failed.
	scan(code string, kind Kind, misread error)
	// done is "Klaar" (or "Stoppen"); back is "Terug".
	done()
	back()
	// end closes the flow for good: the patron left, timed out, or the
	// kiosk stops. why is the audit event.
	end(why string)
}

type flowID int

const (
	flowIdle flowID = iota
	flowVisit
	flowStudy
)

// screenInfo is what the loop needs to know of a screen.
type screenInfo struct {
	flow flowID
	// session: a patron is at the kiosk; the screen has an inactivity
	// countdown and the way out in its footer.
	session bool
}

// screens maps each screen to its flow, instead of a switch in every event.
var screens = map[Screen]screenInfo{
	ScreenAttract:      {flowIdle, false},
	ScreenNotice:       {flowIdle, false},
	ScreenBusy:         {flowVisit, false},
	ScreenWelcome:      {flowVisit, true},
	ScreenPIN:          {flowVisit, true},
	ScreenLoans:        {flowVisit, true},
	ScreenReturn:       {flowVisit, true},
	ScreenReceipt:      {flowVisit, true},
	ScreenReceiptShown: {flowVisit, true},
	ScreenStudyCard:    {flowStudy, true},
	ScreenStudyZones:   {flowStudy, true},
	ScreenStudySeats:   {flowStudy, true},
	ScreenStudyUntil:   {flowStudy, true},
	ScreenStudyDone:    {flowStudy, true},
	ScreenStudyWhen:    {flowStudy, true},
	ScreenStudyClass:   {flowStudy, true},
}

// flow is the flow of the screen shown now.
func (k *Kiosk) flow() flow {
	switch screens[k.screen].flow {
	case flowVisit:
		return k.visits
	case flowStudy:
		return k.studies
	}
	return k.idle
}

// Scan handles a barcode from any goroutine.
func (k *Kiosk) Scan(s Scan) { k.post(func() { k.handleScan(s) }) }

// Done is "Klaar": it closes what the screen is for.
func (k *Kiosk) Done() { k.post(func() { k.flow().done() }) }

// Back leaves a notice early, or goes one screen back in a flow.
func (k *Kiosk) Back() { k.post(func() { k.flow().back() }) }

// handleScan classifies a code and hands it to the flow of the screen.
func (k *Kiosk) handleScan(s Scan) {
	code := strings.TrimSpace(s.Code)
	if code == "" {
		return
	}
	if !k.opts.Accept(s.Source, code) {
		return // the same code again from the same scanner: one scan
	}
	kind := s.Kind
	var misread error
	if kind == KindUnknown {
		kind, misread = k.opts.Classify(code)
	}
	if misread != nil {
		k.log.Info("scan misread", "source", s.Source, "err", misread)
	}
	k.flow().scan(code, kind, misread)
}

// idleFlow is the attract screen and the notices shown between visits.
type idleFlow struct{ k *Kiosk }

func (f idleFlow) scan(code string, kind Kind, misread error) {
	k := f.k
	switch {
	case misread != nil:
		k.show(ScreenNotice, NoticeMisread)
	case kind == KindPatron:
		k.forget()
		k.visits.lookup(code)
	case kind == KindStaff:
		k.show(ScreenNotice, NoticeStaffCard)
	case kind == KindItem:
		k.show(ScreenNotice, NoticeItemFirst)
	default:
		k.show(ScreenNotice, NoticeNotACard)
	}
}

func (f idleFlow) done() { f.k.toAttract() }

func (f idleFlow) back() {
	if f.k.screen == ScreenNotice {
		f.k.toAttract()
	}
}

func (f idleFlow) end(string) {}
