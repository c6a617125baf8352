// Command seats lets staff see and cancel study-place bookings in a kiosk's
// database, while that kiosk is stopped (the kiosk holds its database; the
// staff screen will do this while it runs):
//
//	seats -data-dir /var/lib/bibliotheek-kiosk list
//	seats -data-dir /var/lib/bibliotheek-kiosk cancel S12 [booking-id]
//	seats -data-dir /var/lib/bibliotheek-kiosk out-of-service S12
//	seats -data-dir /var/lib/bibliotheek-kiosk in-service S12
//
// Cards show as their last 4 digits only.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, time.Now)) }

func run(args []string, out, errOut io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("seats", flag.ContinueOnError)
	fs.SetOutput(errOut)
	dataDir := fs.String("data-dir", "", "the kiosk's data `directory` (default: as the kiosk's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := *dataDir
	if dir == "" {
		d, err := config.Default().DataDir()
		if err != nil {
			fmt.Fprintf(errOut, "seats: %v\n", err)
			return 1
		}
		dir = d
	}
	store, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintln(errOut, "seats: the kiosk is running and holds its database: stop it first (systemctl stop kiosk), then try again")
		return 1
	}
	if err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	defer store.Close()
	switch fs.Arg(0) {
	case "list", "":
		return list(store, out, errOut, now())
	case "cancel":
		if fs.NArg() < 2 {
			fmt.Fprintln(errOut, "seats: cancel needs a seat number: seats cancel S12 [booking-id]")
			return 2
		}
		return cancel(store, fs.Arg(1), fs.Arg(2), out, errOut)
	case "out-of-service", "in-service":
		if fs.NArg() < 2 {
			fmt.Fprintf(errOut, "seats: %s needs a seat number: seats %s S12\n", fs.Arg(0), fs.Arg(0))
			return 2
		}
		return service(store, fs.Arg(1), fs.Arg(0) == "out-of-service", out, errOut, now())
	}
	fmt.Fprintf(errOut, "seats: %q is not a command; use list, cancel, out-of-service or in-service\n", fs.Arg(0))
	return 2
}

// list prints every booking not yet ended, by seat and start.
func list(store *storage.Store, out, errOut io.Writer, now time.Time) int {
	seats, err := store.Seats()
	if err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	names := make([]string, 0, len(seats))
	for n := range seats {
		names = append(names, n)
	}
	slices.Sort(names)
	shown := 0
	for _, n := range names {
		for _, b := range seats[n].Bookings {
			if !now.Before(b.End) {
				continue
			}
			if b.Class == kiosk.OutOfServiceClass {
				fmt.Fprintf(out, "%-6s out of service since %s\n", n, b.Start.Format("2006-01-02 15:04"))
				shown++
				continue
			}
			state := "booked"
			if b.CheckedIn {
				state = "checked in"
			}
			class := ""
			if b.Class != "" {
				class = " class " + b.Class
			}
			fmt.Fprintf(out, "%-6s %s %s-%s  card %s  %s%s  id %s\n", n, b.Start.Format("2006-01-02"), b.Start.Format("15:04"),
				b.End.Format("15:04"), kiosk.Last4(b.Card), state, class, b.ID)
			shown++
		}
	}
	if shown == 0 {
		fmt.Fprintln(out, "no bookings")
	}
	return 0
}

// cancel removes a seat's booking (the only one, or the one with id).
func cancel(store *storage.Store, seat, id string, out, errOut io.Writer) int {
	rec, err := store.Seat(seat)
	if err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	keep := slices.DeleteFunc(slices.Clone(rec.Bookings), func(b storage.SeatBooking) bool {
		return b.Class != kiosk.OutOfServiceClass && (id == "" || b.ID == id)
	})
	gone := len(rec.Bookings) - len(keep)
	switch {
	case gone == 0:
		fmt.Fprintf(errOut, "seats: %s has no booking %s\n", seat, id)
		return 1
	case id == "" && gone > 1:
		fmt.Fprintf(errOut, "seats: %s has %d bookings: name the one to cancel by its id (seats list)\n", seat, gone)
		return 2
	}
	if _, err := store.PutSeat(seat, keep, rec.Revision); err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	fmt.Fprintf(out, "cancelled %d booking of %s\n", gone, seat)
	return 0
}

// service takes seat out of service, or puts it back; its bookings stay.
func service(store *storage.Store, seat string, off bool, out, errOut io.Writer, now time.Time) int {
	rec, err := store.Seat(seat)
	if err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	keep := slices.DeleteFunc(slices.Clone(rec.Bookings), func(b storage.SeatBooking) bool { return b.Class == kiosk.OutOfServiceClass })
	if off {
		b := kiosk.OutOfService(now)
		keep = append(keep, storage.SeatBooking{ID: b.ID, Class: b.Class, Start: b.Start, End: b.End, At: b.At, CheckedIn: true})
	}
	if _, err := store.PutSeat(seat, keep, rec.Revision); err != nil {
		fmt.Fprintf(errOut, "seats: %v\n", err)
		return 1
	}
	if off {
		fmt.Fprintf(out, "%s is out of service\n", seat)
	} else {
		fmt.Fprintf(out, "%s is in service again\n", seat)
	}
	return 0
}
