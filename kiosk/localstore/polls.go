package localstore

import (
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Polls is the core's PollStore on a storage.Store: anonymous answers and
// counts, nothing of the patron.
type Polls struct{ s *storage.Store }

var _ kiosk.PollStore = (*Polls)(nil)

// NewPolls wraps an open storage.Store.
func NewPolls(s *storage.Store) *Polls { return &Polls{s: s} }

// SaveAnswer writes one answer of day.
func (p *Polls) SaveAnswer(a kiosk.Answer, day time.Time) error {
	return p.s.SavePollAnswer(storage.PollAnswer{
		Poll: a.Poll, Face: a.Face, FollowUp: a.FollowUp, Service: string(a.Service),
		Lang: a.Lang, Kiosk: a.Kiosk, Weekday: a.Weekday, Hour: a.Hour, Filtered: a.Filtered,
	}, day)
}

// CountPoll adds one to poll's count of ev after service on day.
func (p *Polls) CountPoll(poll string, service kiosk.UsedService, ev kiosk.PollEvent, day time.Time) error {
	return p.s.CountPoll(poll, string(service), string(ev), day)
}
