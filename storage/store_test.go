package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustOpenStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenCreatesPrivateFileWithSchema(t *testing.T) {
	s, path := mustOpenStore(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("database mode = %o, want 600", mode)
	}
	if v, err := s.Schema(); err != nil || v != SchemaVersion {
		t.Errorf("schema = %d, %v; want %d", v, err, SchemaVersion)
	}
}

func TestOpenTightensLooseMode(t *testing.T) {
	_, path := mustOpenStore(t)
	// Reopening a world-readable file must make it private again.
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(loose, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(loose)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, _ := os.Stat(loose)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after reopen = %o, want 600", fi.Mode().Perm())
	}
}

func TestSecondOpenFailsFastWithErrLocked(t *testing.T) {
	_, path := mustOpenStore(t)
	start := time.Now()
	_, err := Open(path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: err = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second open took %v, want about 1s", d)
	}
}

func TestAuditKeepsOnlyLastFourDigits(t *testing.T) {
	s, path := mustOpenStore(t)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := s.RecordAudit(at, "session_start", "20790000000018"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(at.Add(time.Minute), "session_end", "20790000000018"); err != nil {
		t.Fatal(err)
	}
	events, err := s.AuditEvents()
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Kind != "session_start" || events[1].Kind != "session_end" {
		t.Fatalf("events = %+v, want start then end", events)
	}
	if events[0].Card != "0018" {
		t.Errorf("stored card = %q, want 0018", events[0].Card)
	}
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "2079000000") {
		t.Error("the full card number reached the disk")
	}
}

func TestPruneAuditDropsOldEvents(t *testing.T) {
	s, _ := mustOpenStore(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		if err := s.RecordAudit(now.Add(time.Duration(i-4)*24*time.Hour), "session_start", "1234"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneAudit(now.Add(-36 * time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("pruned %d, %v; want 3", n, err)
	}
	events, _ := s.AuditEvents()
	if len(events) != 2 {
		t.Errorf("%d events left, want 2", len(events))
	}
}
