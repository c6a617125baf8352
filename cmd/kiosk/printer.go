package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices/escpos"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// printer is the core's Printer on an ESC/POS printer. It tells the library
// system when the paper runs out, in the status of the kiosk's 99 messages.
type printer struct {
	p   *escpos.Printer
	ils *sip2.Client
}

var _ kiosk.Printer = printer{}

func (p printer) Print(ctx context.Context, r kiosk.Receipt) error {
	err := p.p.Print(ctx, receipt(r))
	switch {
	case errors.Is(err, escpos.ErrNoPaper):
		slog.Warn("receipt printer is out of paper", "path", p.p.Path)
		p.report(1)
	case errors.Is(err, escpos.ErrOffline):
		slog.Warn("receipt printer does not answer", "path", p.p.Path, "err", err)
	case err == nil:
		p.report(0)
	}
	return err
}

// report sets the 99 status and sends one at once, so staff see it now.
func (p printer) report(code int) {
	p.ils.SetStatus(code)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.ils.Status(ctx)
	}()
}

func receipt(r kiosk.Receipt) escpos.Receipt {
	out := escpos.Receipt{Title: r.Title, Footer: r.Footer}
	for _, l := range r.Lines {
		out.Lines = append(out.Lines, escpos.Line{Left: l.Left, Right: l.Right, Bold: l.Bold})
	}
	return out
}
