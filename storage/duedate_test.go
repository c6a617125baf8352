package storage

import (
	"testing"
	"time"
)

// An offline loan the ILS accepts with a due date on another day than the
// one the patron was promised goes to staff, with both dates; the same day
// at another time of day does not.
func TestReplayedLoanDueOnAnotherDayNeedsAttention(t *testing.T) {
	promised := time.Date(2026, 12, 24, 23, 59, 0, 0, time.Local)
	for _, tc := range []struct {
		name      string
		offline   bool
		due       time.Time // what the ILS says
		msg       string    // the ILS's screen message
		wantState TxState
		wantMsg   string
		wantDue   time.Time
	}{
		{"same day, 23:59:59", true, time.Date(2026, 12, 24, 23, 59, 59, 0, time.Local), "", TxDone, "", time.Date(2026, 12, 24, 23, 59, 59, 0, time.Local)},
		{"same day, date only", true, time.Date(2026, 12, 24, 0, 0, 0, 0, time.Local), "", TxDone, "", time.Date(2026, 12, 24, 0, 0, 0, 0, time.Local)},
		{"same day, in UTC", true, promised.UTC(), "", TxDone, "", promised},
		{"no due date from the ILS", true, time.Time{}, "", TxDone, "", promised},
		{"six days early", true, time.Date(2026, 12, 18, 23, 59, 0, 0, time.Local), "", TxAttention,
			"due date differs: promised 2026-12-24, library says 2026-12-18", time.Date(2026, 12, 18, 23, 59, 0, 0, time.Local)},
		{"midnight after", true, time.Date(2026, 12, 25, 0, 0, 0, 0, time.Local), "Veel leesplezier", TxAttention,
			"due date differs: promised 2026-12-24, library says 2026-12-25; Veel leesplezier", time.Date(2026, 12, 25, 0, 0, 0, 0, time.Local)},
		{"online: the patron saw the ILS's date", false, time.Date(2026, 12, 18, 23, 59, 0, 0, time.Local), "", TxDone, "", time.Date(2026, 12, 18, 23, 59, 0, 0, time.Local)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := mustOpenStore(t)
			withClock(s)
			e := mustBegin(t, s, Entry{Kind: TxCheckout, Patron: "20790000000010", Item: "30790000000075", Offline: tc.offline, Due: promised})
			if err := s.MarkSentAll([]string{e.ID}); err != nil {
				t.Fatal(err)
			}
			att, err := s.FinishAll([]Outcome{{ID: e.ID, State: TxDone, Due: tc.due, Message: tc.msg}})
			if err != nil {
				t.Fatal(err)
			}
			got := mustEntry(t, s, e.ID)
			if got.State != tc.wantState || (tc.wantMsg != "" && got.Message != tc.wantMsg) || !got.Due.Equal(tc.wantDue) {
				t.Errorf("entry is %s %q due %v, want %s %q due %v", got.State, got.Message, got.Due, tc.wantState, tc.wantMsg, tc.wantDue)
			}
			if (len(att) == 1) != (tc.wantState == TxAttention) {
				t.Errorf("FinishAll reported %v as needing attention", att)
			}
			if left, _ := s.Unfinished(); len(left) != 0 {
				t.Errorf("the loan is still to be replayed: %+v", left)
			}
		})
	}
}

func TestSameDayIsTheLocalCalendarDay(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	promised := time.Date(2026, 12, 24, 23, 59, 0, 0, cet)
	for _, tc := range []struct {
		due  time.Time
		want bool
	}{
		{time.Date(2026, 12, 24, 22, 59, 59, 0, time.UTC), true}, // 23:59:59 CET, sent in UTC
		{time.Date(2026, 12, 24, 0, 0, 0, 0, cet), true},         // a date-only due date
		{time.Date(2026, 12, 24, 23, 30, 0, 0, time.UTC), false}, // 00:30 CET on the 25th
		{time.Date(2026, 12, 25, 0, 0, 0, 0, cet), false},        // midnight after: another day
		{time.Date(2027, 12, 24, 23, 59, 0, 0, cet), false},      // a year later
		{time.Date(2026, 12, 23, 23, 30, 0, 0, time.UTC), true},  // 00:30 CET on the 24th
	} {
		if got := sameDay(promised, tc.due, cet); got != tc.want {
			t.Errorf("sameDay(%v, %v) = %v, want %v", promised, tc.due, got, tc.want)
		}
	}
}
