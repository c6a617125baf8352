package main

import (
	"context"

	"github.com/bibliotheekzoetermeer/kiosk/devices/escpos"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// printer is the core's Printer on an ESC/POS printer.
type printer struct{ p *escpos.Printer }

var _ kiosk.Printer = printer{}

func (p printer) Print(ctx context.Context, r kiosk.Receipt) error {
	return p.p.Print(ctx, receipt(r))
}

func receipt(r kiosk.Receipt) escpos.Receipt {
	out := escpos.Receipt{Title: r.Title, Footer: r.Footer}
	for _, l := range r.Lines {
		out.Lines = append(out.Lines, escpos.Line{Left: l.Left, Right: l.Right, Bold: l.Bold})
	}
	return out
}
