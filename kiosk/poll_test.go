package kiosk_test

import (
	"sync"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
)

// answers records what the core hands its poll store.
type answers struct {
	mu     sync.Mutex
	saved  []kiosk.Answer
	counts map[kiosk.PollEvent]int
}

func (a *answers) SaveAnswer(x kiosk.Answer, _ time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.saved = append(a.saved, x)
	return nil
}

func (a *answers) CountPoll(_ string, _ kiosk.UsedService, ev kiosk.PollEvent, _ time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.counts[ev]++
	return nil
}

func (a *answers) wait(t *testing.T, n int) []kiosk.Answer {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		a.mu.Lock()
		got := append([]kiosk.Answer(nil), a.saved...)
		a.mu.Unlock()
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("never %d answers saved", n)
	return nil
}

var lending = kiosk.Poll{ID: "lenen", Question: map[string]string{"nl": "Hoe ging het lenen?"},
	After: []kiosk.UsedService{kiosk.AfterCheckout}, Every: 1,
	FollowUp: kiosk.FollowUp{Question: map[string]string{"nl": "Wat kan beter?"},
		Options: []map[string]string{{"nl": "Het duurde lang"}, {"nl": "Ik begreep het niet"}}}}

func pollRig(t *testing.T) (*rig, *answers) {
	t.Helper()
	store := &answers{counts: map[kiosk.PollEvent]int{}}
	r := newRigWith(t, kiosk.Options{Polls: []kiosk.Poll{lending}, Classify: classify}, nil)
	r.core.SetPolls(store) // before any visit ends (the loop reads it then)
	return r, store
}

// borrowAndLeave is a visit that borrows one item and says no receipt.
func borrowAndLeave(t *testing.T, r *rig, item string) kiosk.View {
	t.Helper()
	r.welcome(t, kiosktest.CardAdult)
	r.core.Scan(kiosk.Scan{Code: item})
	r.wait(t, "the loan", func(v kiosk.View) bool {
		return len(v.Visit.Rows) == 1 && v.Visit.Rows[0].State == kiosk.RowOK
	})
	r.core.Done()
	r.until(t, kiosk.ScreenReceipt)
	r.core.ChooseReceipt(kiosk.ReceiptNone)
	return r.until(t, kiosk.ScreenNotice)
}

// A visit that borrowed ends with the poll under the goodbye; a poor face
// brings the follow-up on the same screen, and the answer is kept with no
// card, only the poll, the faces, the service, language, weekday and hour.
func TestAPollAfterBorrowing(t *testing.T) {
	r, store := pollRig(t)
	v := borrowAndLeave(t, r, "30790000000075")
	if v.Notice != kiosk.NoticeGoodbye || v.Poll.Stage != kiosk.PollFaces || v.Poll.ID != "lenen" {
		t.Fatalf("goodbye %v with poll %+v", v.Notice, v.Poll)
	}
	r.core.AnswerPoll(2)
	v = r.wait(t, "the follow-up", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollFollowUp })
	if len(v.Poll.FollowUp.Options) != 2 {
		t.Fatalf("follow-up %+v", v.Poll.FollowUp)
	}
	r.core.AnswerFollowUp(1)
	r.wait(t, "thanks", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollThanks })
	a := store.wait(t, 1)[0]
	now := r.clock.Now()
	if a.Poll != "lenen" || a.Face != 2 || a.FollowUp != 1 || a.Service != kiosk.AfterCheckout || a.Lang != "nl" ||
		a.Weekday != now.Weekday() || a.Hour != now.Hour() || a.Filtered {
		t.Errorf("answer %+v", a)
	}
	// Thanks for 2 s, then the attract screen.
	r.clock.Advance(2 * time.Second)
	r.until(t, kiosk.ScreenAttract)
}

// A good face needs no follow-up; a skip keeps the goodbye without the
// poll; an answer within 4 s of the one before at this kiosk is kept apart
// as filtered (children pressing every face), one later is not.
func TestPollSkipsAndSpam(t *testing.T) {
	r, store := pollRig(t)
	borrowAndLeave(t, r, "30790000000075")
	r.core.AnswerPoll(4)
	r.wait(t, "thanks", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollThanks })
	if a := store.wait(t, 1)[0]; a.Face != 4 || a.FollowUp != 0 {
		t.Errorf("answer %+v", a)
	}
	r.clock.Advance(2 * time.Second)
	r.until(t, kiosk.ScreenAttract)

	v := borrowAndLeave(t, r, "30790000000083")
	if v.Poll.Stage != kiosk.PollFaces {
		t.Fatalf("second visit's poll %+v", v.Poll)
	}
	r.core.SkipPoll()
	r.wait(t, "the poll gone", func(v kiosk.View) bool { return v.Screen == kiosk.ScreenNotice && v.Poll.Stage == kiosk.PollNone })

	borrowAndLeave(t, r, "30790000000091")
	r.core.AnswerPoll(3)
	r.wait(t, "thanks", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollThanks })
	got := store.wait(t, 2)
	if !got[1].Filtered {
		t.Errorf("an answer 2 s after the one before is not filtered: %+v", got[1])
	}
	r.clock.Advance(10 * time.Second)
	r.until(t, kiosk.ScreenAttract)

	borrowAndLeave(t, r, "30790000000109")
	r.core.AnswerPoll(3)
	r.wait(t, "thanks", func(v kiosk.View) bool { return v.Poll.Stage == kiosk.PollThanks })
	if got := store.wait(t, 3); got[2].Filtered {
		t.Errorf("an answer 12 s after the one before is filtered: %+v", got[2])
	}
	r.clock.Advance(2 * time.Second)
	r.until(t, kiosk.ScreenAttract)
	var shown, answered, skipped int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		store.mu.Lock() // the counts are written off the loop
		shown, answered, skipped = store.counts[kiosk.PollShown], store.counts[kiosk.PollAnswer], store.counts[kiosk.PollSkipped]
		store.mu.Unlock()
		if shown == 4 && answered == 3 && skipped == 1 {
			break
		}
	}
	if shown != 4 || answered != 3 || skipped != 1 {
		t.Errorf("shown %d answered %d skipped %d; want 4, 3, 1", shown, answered, skipped)
	}
}

// "U vroeg, wij deden": the messages of today take turns on the idle
// screen; one whose days are over is not shown.
func TestNewsTakesTurns(t *testing.T) {
	start := kiosktest.Start(t)
	news := []kiosk.News{
		{Text: map[string]string{"nl": "Meer stopcontacten"}},
		{Text: map[string]string{"nl": "Voorbij"}, Until: start.AddDate(0, 0, -1)},
		{Text: map[string]string{"nl": "Langer open"}},
	}
	r := newRigWith(t, kiosk.Options{News: news, Classify: classify}, nil)
	seen := map[string]bool{}
	for range 4 {
		r.clock.Advance(12 * time.Second)
		v := r.wait(t, "a message", func(v kiosk.View) bool { return v.Chrome.News != nil })
		seen[v.Chrome.News["nl"]] = true
	}
	if !seen["Meer stopcontacten"] || !seen["Langer open"] || seen["Voorbij"] {
		t.Errorf("messages shown: %v", seen)
	}
}
