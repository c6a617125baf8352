package storage

import (
	"testing"
	"time"
)

func TestPatronCacheRemembersAndForgets(t *testing.T) {
	s, path := mustOpenStore(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := s.RememberPatron("20790000000010", CachedPatron{Name: "Joost Müller", Seen: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.RememberPatron("20790000000044", CachedPatron{Name: "Fatima", Blocked: true, Seen: now.Add(-8 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path) // it survives a restart
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, ok, err := s.CachedPatron("20790000000010")
	if err != nil || !ok || p.Name != "Joost Müller" || p.Blocked {
		t.Errorf("cached = %+v, %v, %v", p, ok, err)
	}
	n, err := s.PrunePatrons(now.Add(-7 * 24 * time.Hour))
	if err != nil || n != 1 {
		t.Errorf("pruned %d, %v; want 1", n, err)
	}
	if _, ok, _ := s.CachedPatron("20790000000044"); ok {
		t.Error("a card seen 8 days ago is still cached after a 7-day prune")
	}
	if _, ok, _ := s.CachedPatron("20790000099999"); ok {
		t.Error("an unknown card is cached")
	}
}
