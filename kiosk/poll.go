package kiosk

import "time"

// Quick polls: one tap on four faces after a visit, a follow-up question
// when the answer is poor, anonymous.

// Poll is one question the library asks, as configured.
type Poll struct {
	ID string
	// Question is the question per language code; Dutch at least.
	Question map[string]string
	// From and Until bound the days it is asked (zero: no bound).
	From, Until time.Time
	// After lists the services after which it is asked.
	After []UsedService
	// Every asks it after 1 in Every visits (1: every visit).
	Every int
	// FollowUp is asked after the two poorest answers: a question and up to
	// six options, each per language; none if Options is empty.
	FollowUp FollowUp
}

// FollowUp is a poll's second question.
type FollowUp struct {
	Question map[string]string
	Options  []map[string]string
}

// UsedService names what a patron just did at the kiosk, for a poll.
type UsedService string

const (
	AfterCheckout UsedService = "checkout"
	AfterReturn   UsedService = "return"
	AfterStudy    UsedService = "study"
	AfterIdle     UsedService = "idle"
)

// Answer is one anonymous poll answer as stored: no card, no session, no
// exact time.
type Answer struct {
	Poll     string
	Face     int // 1 (heel slecht) to 4 (heel goed)
	FollowUp int // the option chosen (1-based), 0 if none
	Service  UsedService
	Lang     string
	Kiosk    string
	Weekday  time.Weekday
	Hour     int
	// Filtered: given within the spam window of the answer before at this
	// kiosk; kept apart from the results.
	Filtered bool
}

// PollEvent is one of the counts of a poll per service.
type PollEvent string

const (
	PollShown   PollEvent = "shown"
	PollAnswer  PollEvent = "answered"
	PollSkipped PollEvent = "skipped"
)

// PollStore keeps the answers and the counts.
type PollStore interface {
	// SaveAnswer writes one answer durably; the day and hour in it are all
	// the time it keeps.
	SaveAnswer(a Answer, day time.Time) error
	// CountPoll adds one to a poll's count of ev after service on day.
	CountPoll(poll string, service UsedService, ev PollEvent, day time.Time) error
}

// News is a "U vroeg, wij deden" message for the idle screen: what the
// library did with what patrons said.
type News struct {
	Text        map[string]string
	From, Until time.Time
}

// PollView is the poll on the goodbye screen.
type PollView struct {
	ID       string
	Question map[string]string
	// Stage is where the patron is: the faces, the follow-up, thanks.
	Stage    PollStage
	FollowUp FollowUp
}

// PollStage is how far a poll has come.
type PollStage int

const (
	PollNone PollStage = iota
	PollFaces
	PollFollowUp
	PollThanks
)

var pollStageNames = [...]string{"none", "faces", "follow-up", "thanks"}

func (s PollStage) String() string { return enumName(pollStageNames[:], int(s), "poll stage") }

// activeOn reports whether p is asked on day's date.
func (p Poll) activeOn(day time.Time) bool {
	d := day.Format("2006-01-02")
	return (p.From.IsZero() || d >= p.From.Format("2006-01-02")) && (p.Until.IsZero() || d <= p.Until.Format("2006-01-02"))
}

func (p Poll) asksAfter(s UsedService) bool {
	for _, a := range p.After {
		if a == s {
			return true
		}
	}
	return false
}
