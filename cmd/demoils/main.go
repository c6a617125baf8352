// Command demoils serves the demo library over SIP2, for trying the kiosk
// (or any SIP2 client) without a real library system.
//
//	go run ./cmd/demoils -listen 127.0.0.1:6001 -user kiosk -password kiosk -institution ZTM
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demoils:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:6001", "address to listen on")
	user := flag.String("user", "kiosk", "SIP2 login user (93 CN)")
	password := flag.String("password", "kiosk", "SIP2 login password (93 CO)")
	institution := flag.String("institution", "ZTM", "institution id (AO)")
	charset := flag.String("charset", "utf-8", "wire charset: utf-8, ascii or ibm850")
	state := flag.String("state", "", "JSON file to load the library from and save it to on exit (default: the embedded demo, not saved)")
	verbose := flag.Bool("v", false, "log every connection problem")
	// What real library systems do, to try the kiosk against.
	idle := flag.Duration("idle", 10*time.Minute, "close a connection silent this long (many servers: 1m)")
	closeAfter := flag.Bool("close-after-reply", false, "close the connection after every reply, as some servers do")
	delay := flag.Duration("delay", 0, "hold every answer back this long, as a library system far away")
	holdsAll := flag.Bool("holds-count-all", false, "count every hold among the patron's hold items, as Koha does")
	ownDue := flag.Bool("own-due-dates", false, "give replayed (no block) loans the library's own due date, not the one promised")
	refuse := flag.String("refuse", "", "what the status (98) says the library will not do: any of checkout,checkin,renewal,offline")
	flag.Parse()

	cs, err := sip2.ParseCharset(*charset)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	clock, err := kiosk.ClockFromEnv()
	if err != nil {
		return err
	}
	var lib *demo.Library
	if _, statErr := os.Stat(*state); *state != "" && statErr == nil {
		lib, err = demo.LoadFile(*state, clock.Now)
	} else {
		lib, err = demo.Load(clock.Now)
	}
	if err != nil {
		return err
	}
	lib.SetLogin(*user, *password)
	lib.SetInstitution(*institution)
	lib.SetDelay(*delay)
	lib.SetHoldsCountAll(*holdsAll)
	lib.SetIgnoreNBDueDate(*ownDue)
	off := map[string]bool{}
	for _, w := range strings.Split(*refuse, ",") {
		switch w = strings.TrimSpace(w); w {
		case "":
		case "checkout", "checkin", "renewal", "offline":
			off[w] = true
		default:
			return fmt.Errorf("-refuse: %q is not checkout, checkin, renewal or offline", w)
		}
	}
	lib.SetStatusFlags(!off["checkout"], !off["checkin"], !off["renewal"], !off["offline"])

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Print(lib.Barcodes())
	fmt.Printf("\nSIP2 on %s (user %q, charset %s). Ctrl-C stops.\n", ln.Addr(), *user, cs)

	srv := &sip2.Server{Backend: lib, Charset: cs, Logger: log, IdleTimeout: *idle, CloseAfterReply: *closeAfter}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err := <-errc; !errors.Is(err, sip2.ErrServerClosed) {
		return err
	}
	if *state != "" {
		if err := lib.Save(*state); err != nil {
			return err
		}
		log.Info("library saved", "file", *state)
	}
	return nil
}
