package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// Staff list the bookings (cards cut to their last 4) and cancel one; a
// kiosk holding the database gets a clear word, not a hang.
func TestListAndCancel(t *testing.T) {
	dir := t.TempDir()
	now := kiosktest.Start(t)
	store, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seat := range []string{"S1", "S2"} {
		if _, err := store.PutSeat(seat, []storage.SeatBooking{{ID: "b-" + seat, Card: kiosktest.CardAdult, Start: now, End: now.Add(time.Hour), At: now}}, 0); err != nil {
			t.Fatal(err)
		}
	}
	// While the kiosk has it open:
	var out, errOut bytes.Buffer
	if code := run([]string{"-data-dir", dir, "list"}, &out, &errOut, func() time.Time { return now }); code != 1 || !strings.Contains(errOut.String(), "stop it first") {
		t.Errorf("with the database in use: exit %d, %q", code, errOut.String())
	}
	store.Close()

	out.Reset()
	errOut.Reset()
	if code := run([]string{"-data-dir", dir, "list"}, &out, &errOut, func() time.Time { return now }); code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut.String())
	}
	if got := out.String(); !strings.Contains(got, "S1") || !strings.Contains(got, "S2") || strings.Contains(got, kiosktest.CardAdult) || !strings.Contains(got, "…0010") {
		t.Errorf("list:\n%s", got)
	}
	out.Reset()
	if code := run([]string{"-data-dir", dir, "cancel", "S1"}, &out, &errOut, func() time.Time { return now }); code != 0 {
		t.Fatalf("cancel: exit %d: %s", code, errOut.String())
	}
	out.Reset()
	run([]string{"-data-dir", dir, "list"}, &out, &errOut, func() time.Time { return now })
	if got := out.String(); strings.Contains(got, "S1 ") || !strings.Contains(got, "S2") {
		t.Errorf("after cancelling S1:\n%s", got)
	}
	for _, c := range []struct{ cmd, want string }{{"out-of-service", "S2     out of service"}, {"in-service", ""}} {
		out.Reset()
		if code := run([]string{"-data-dir", dir, c.cmd, "S2"}, &out, &errOut, func() time.Time { return now }); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.cmd, code, errOut.String())
		}
		out.Reset()
		run([]string{"-data-dir", dir, "list"}, &out, &errOut, func() time.Time { return now })
		if got := out.String(); c.want != "" && !strings.Contains(got, c.want) || c.want == "" && strings.Contains(got, "out of service") {
			t.Errorf("after %s:\n%s", c.cmd, got)
		}
	}
}
