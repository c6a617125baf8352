package localstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

func TestPollsKeepsTheAnswerAndCounts(t *testing.T) {
	s, err := storage.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p := NewPolls(s)
	day := time.Date(2026, 5, 12, 16, 30, 0, 0, time.Local)
	a := kiosk.Answer{Poll: "p", Face: 2, FollowUp: 1, Service: kiosk.AfterStudy, Lang: "nl", Kiosk: "k1", Weekday: time.Tuesday, Hour: 16, Filtered: true}
	if err := p.SaveAnswer(a, day); err != nil {
		t.Fatal(err)
	}
	if err := p.CountPoll("p", kiosk.AfterStudy, kiosk.PollSkipped, day); err != nil {
		t.Fatal(err)
	}
	var got []storage.PollAnswer
	if err := s.PollAnswers(func(d string, a storage.PollAnswer) error { got = append(got, a); return nil }); err != nil {
		t.Fatal(err)
	}
	want := storage.PollAnswer{Poll: "p", Face: 2, FollowUp: 1, Service: "study", Lang: "nl", Kiosk: "k1", Weekday: time.Tuesday, Hour: 16, Filtered: true}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	counts, err := s.PollCounts()
	if err != nil || len(counts) != 1 || counts[0] != (storage.PollCount{Poll: "p", Service: "study", Event: "skipped", Day: "2026-05-12", N: 1}) {
		t.Errorf("counts %+v, %v", counts, err)
	}
}
