package storage

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestPollAnswersAndCountsRoundTrip(t *testing.T) {
	s, _ := mustOpenStore(t)
	day := time.Date(2026, 3, 9, 14, 5, 0, 0, time.Local)
	want := []PollAnswer{
		{Poll: "p1", Face: 4, Service: "checkout", Lang: "nl", Kiosk: "k1", Weekday: time.Monday, Hour: 14},
		{Poll: "p1", Face: 1, FollowUp: 3, Service: "return", Lang: "en", Kiosk: "k2", Weekday: time.Monday, Hour: 15, Filtered: true},
	}
	for _, a := range want {
		if err := s.SavePollAnswer(a, day); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SavePollAnswer(PollAnswer{Poll: "p1", Face: 5}, day); err == nil {
		t.Error("face 5 saved")
	}
	var got []PollAnswer
	err := s.PollAnswers(func(d string, a PollAnswer) error {
		if d != "2026-03-09" {
			t.Errorf("day %q", d)
		}
		got = append(got, a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for range 2 {
		if err := s.CountPoll("p1", "checkout", "shown", day); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CountPoll("p1", "check|out", "shown", day); err == nil {
		t.Error("a | in a key part was taken")
	}
	counts, err := s.PollCounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0] != (PollCount{"p1", "checkout", "shown", "2026-03-09", 2}) {
		t.Errorf("counts %v", counts)
	}
}

// After Retain with Retention.Polls the answers and counts of old days are
// gone from the file's bytes; newer ones stay.
func TestRetainDropsOldPollsFromTheFile(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	old := clock.Now().AddDate(0, -7, 0)
	recent := clock.Now().AddDate(0, -1, 0)
	for i := range 50 {
		a := PollAnswer{Poll: fmt.Sprintf("oldpoll-%03d", i), Face: 2, Service: "checkout", Lang: "nl", Kiosk: "k1", Hour: 10}
		if err := s.SavePollAnswer(a, old); err != nil {
			t.Fatal(err)
		}
		if err := s.CountPoll(a.Poll, "checkout", "shown", old); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SavePollAnswer(PollAnswer{Poll: "newpoll", Face: 3, Service: "return", Hour: 11}, recent); err != nil {
		t.Fatal(err)
	}
	if err := s.CountPoll("newpoll", "return", "answered", recent); err != nil {
		t.Fatal(err)
	}
	r := day
	r.Polls = 6 * 30 * 24 * time.Hour
	got, err := s.Retain(r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Polls != 100 || !got.Compacted {
		t.Errorf("retained %+v, want 100 polls removed and a compaction", got)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("oldpoll-")) || bytes.Contains(raw, []byte(old.Format(dayLayout))) {
		t.Error("an old poll's bytes are still in the file")
	}
	if !bytes.Contains(raw, []byte("newpoll")) {
		t.Error("the recent answer is gone")
	}
	n := 0
	if err := s.PollAnswers(func(string, PollAnswer) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	counts, _ := s.PollCounts()
	if n != 1 || len(counts) != 1 {
		t.Errorf("%d answers, %d counts left; want 1, 1", n, len(counts))
	}
	// 0 keeps them forever.
	r.Polls = 0
	clock.Add(10 * 365 * 24 * time.Hour)
	if got, err := s.Retain(r); err != nil || got.Polls != 0 {
		t.Errorf("Retain with Polls 0: %+v, %v", got, err)
	}
}

// No card number stands within 64 bytes of a stored answer in the raw file,
// though the journal and the patron cache hold cards in the same file.
func TestPollAnswersLieApartFromCards(t *testing.T) {
	s, path := mustOpenStore(t)
	clock := withClock(s)
	people := visitors(60)
	var polls []string
	for i, p := range people {
		clock.Add(time.Minute)
		if err := s.RememberPatron(p.card, CachedPatron{Name: p.name, Seen: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Begin(Entry{Kind: TxCheckout, Patron: p.card, Item: fmt.Sprintf("3079%010d", i)}); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("privpoll-%03d", i)
		polls = append(polls, id)
		a := PollAnswer{Poll: id, Face: 1 + i%4, Service: "checkout", Lang: "nl", Kiosk: "k1", Weekday: clock.Now().Weekday(), Hour: clock.Now().Hour()}
		if err := s.SavePollAnswer(a, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Cards are in the file (the journal keeps them), so the test can fail.
	if !bytes.Contains(raw, []byte(people[0].card)) {
		t.Fatal("no card in the file: the test would prove nothing")
	}
	for _, id := range polls {
		found := 0
		for rest, off := raw, 0; ; {
			i := bytes.Index(rest, []byte(id))
			if i < 0 {
				break
			}
			found++
			at := off + i
			lo, hi := max(at-64, 0), min(at+len(id)+64, len(raw))
			for _, p := range people {
				if bytes.Contains(raw[lo:hi], []byte(p.card)) {
					t.Errorf("card %s within 64 bytes of answer %s at %d", p.card, id, at)
				}
			}
			off = at + len(id)
			rest = raw[off:]
		}
		if found == 0 {
			t.Errorf("answer %s not found in the file", id)
		}
	}
}
