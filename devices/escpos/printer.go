package escpos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/tarm/serial"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
)

// Printer is a receipt printer on a serial port. It opens the port afresh
// for every call, so it survives being unplugged and replugged. Set the
// fields before the first call; the methods may be called concurrently.
type Printer struct {
	Path         string        // e.g. /dev/ttyUSB0 or a stable /dev/serial/by-id/… symlink
	Baud         int           // 0 means 9600; USB printers ignore it
	PaperWidth   int           // millimetres: 58 or 80; 0 means 80
	Timeout      time.Duration // for each status reply; 0 means 1 s. A printer that does not answer is offline
	WriteTimeout time.Duration // for sending one receipt; 0 means 10 s

	once sync.Once
	busy chan struct{} // one call on the port at a time
}

// Validate reports a configuration that cannot work; Print and Status check it first.
func (p *Printer) Validate() error {
	var errs []error
	if p.Path == "" {
		errs = append(errs, errors.New("no port path"))
	}
	if !devices.SupportedBaud(p.baud()) {
		errs = append(errs, fmt.Errorf("unsupported baud rate %d", p.Baud))
	}
	if _, err := p.Columns(); err != nil {
		errs = append(errs, err)
	}
	if p.Timeout < 0 || p.WriteTimeout < 0 {
		errs = append(errs, errors.New("negative timeout"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("receipt printer %q: %w", p.Path, errors.Join(errs...))
	}
	return nil
}

// Columns is the characters per line for PaperWidth, the width to give
// Render and Text.
func (p *Printer) Columns() (int, error) {
	switch p.PaperWidth {
	case 0, 80:
		return Width80, nil
	case 58:
		return Width58, nil
	}
	return 0, fmt.Errorf("paper width %d mm, want 58 or 80", p.PaperWidth)
}

// Print checks the printer's status and, if it can print, sends r and cuts.
// Errors wrap ErrNoPaper or ErrOffline (nothing printed, or for ErrOffline
// while sending, maybe part of it), or are ctx's or the configuration's.
func (p *Printer) Print(ctx context.Context, r Receipt) error {
	if err := p.Validate(); err != nil {
		return err
	}
	width, _ := p.Columns()
	data := Render(r, width)
	c, release, err := p.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	st, err := c.status(ctx, p.timeout())
	if err != nil {
		return p.fail(ctx, err)
	}
	if err := st.Err(); err != nil {
		return fmt.Errorf("%s: %w", p.Path, err)
	}
	if err := c.send(ctx, data, p.writeTimeout()); err != nil {
		c.discard() // so closing does not wait for the printer to take the rest
		return p.fail(ctx, fmt.Errorf("sending receipt: %w", err))
	}
	return nil
}

// Status asks the printer how it is. An error means it could not tell: it
// did not answer within Timeout, or the port is gone (errors.Is ErrOffline,
// and Offline is set), or ctx ended. Status.Err says whether it can print.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	if err := p.Validate(); err != nil {
		return Status{}, err
	}
	c, release, err := p.open(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Status{}, err
		}
		return Status{Offline: true}, err
	}
	defer release()
	st, err := c.status(ctx, p.timeout())
	if err != nil {
		return st, p.fail(ctx, err)
	}
	return st, nil
}

// fail makes an I/O error an ErrOffline, unless ctx ended.
func (p *Printer) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", p.Path, context.Cause(ctx))
	}
	return fmt.Errorf("%s: %w: %w", p.Path, ErrOffline, err)
}

func (p *Printer) baud() int {
	if p.Baud == 0 {
		return 9600
	}
	return p.Baud
}

func (p *Printer) timeout() time.Duration {
	if p.Timeout <= 0 {
		return time.Second
	}
	return p.Timeout
}

func (p *Printer) writeTimeout() time.Duration {
	if p.WriteTimeout <= 0 {
		return 10 * time.Second
	}
	return p.WriteTimeout
}

// open waits its turn and opens the port; release closes it and ends the turn.
func (p *Printer) open(ctx context.Context) (*conn, func(), error) {
	p.once.Do(func() { p.busy = make(chan struct{}, 1) })
	select {
	case p.busy <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("%s: %w", p.Path, context.Cause(ctx))
	}
	c, err := openConn(p.Path, p.baud())
	if err != nil {
		<-p.busy
		return nil, nil, fmt.Errorf("%s: %w: %w", p.Path, ErrOffline, err)
	}
	stop := context.AfterFunc(ctx, c.interrupt)
	return c, func() {
		stop()
		c.close()
		<-p.busy
	}, nil
}

// conn is one opened port. tarm/serial sets the line up (raw, 8N1, baud),
// but its Port blocks without deadlines; so the I/O goes through a second,
// pollable handle on the same device, which deadlines and ctx can interrupt.
type conn struct {
	port *serial.Port
	f    *os.File
}

func openConn(path string, baud int) (*conn, error) {
	port, err := serial.OpenPort(&serial.Config{Name: path, Baud: baud})
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	if err != nil {
		port.Close()
		return nil, err
	}
	// Drop what arrived before: a late reply must not answer this call's query.
	_ = flushInput(f)
	return &conn{port: port, f: f}, nil
}

// interrupt makes pending and later reads and writes fail at once.
func (c *conn) interrupt() { _ = c.f.SetDeadline(time.Unix(1, 0)) }

// discard drops output the printer has not taken yet.
func (c *conn) discard() { _ = c.port.Flush() }

func (c *conn) close() {
	c.f.Close()
	c.port.Close()
}

// status asks DLE EOT 1 and DLE EOT 4, each answered within timeout.
func (c *conn) status(ctx context.Context, timeout time.Duration) (Status, error) {
	printer, err := c.query(ctx, queryPrinter, timeout)
	if err != nil {
		return Status{Offline: true}, err
	}
	paper, err := c.query(ctx, queryPaper, timeout)
	if err != nil {
		return Status{Offline: true}, err
	}
	return parseStatus(printer, paper)
}

// query sends DLE EOT n and returns what came back, up to the reply.
func (c *conn) query(ctx context.Context, n byte, timeout time.Duration) ([]byte, error) {
	if err := c.deadline(ctx, timeout); err != nil {
		return nil, err
	}
	if _, err := c.f.Write([]byte{dle, eot, n}); err != nil {
		return nil, fmt.Errorf("status request %d: %w", n, err)
	}
	var got []byte
	buf := make([]byte, 64)
	for {
		k, err := c.f.Read(buf)
		got = append(got, buf[:k]...)
		if _, ok := firstReply(buf[:k]); ok {
			return got, nil
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("no answer to status request %d within %v", n, timeout)
		}
		if err != nil {
			return nil, fmt.Errorf("status request %d: %w", n, err)
		}
		if len(got) > 4096 { // chattering, but never a reply
			return nil, fmt.Errorf("status request %d: %w in %d bytes", n, errNoReply, len(got))
		}
	}
}

// send writes data within timeout.
func (c *conn) send(ctx context.Context, data []byte, timeout time.Duration) error {
	if err := c.deadline(ctx, timeout); err != nil {
		return err
	}
	_, err := c.f.Write(data)
	return err
}

// deadline sets the I/O deadline to timeout from now, or ctx's if sooner. It
// checks ctx after setting it, so an interrupt cannot be overwritten unseen.
func (c *conn) deadline(ctx context.Context, timeout time.Duration) error {
	d := time.Now().Add(timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	if err := c.f.SetDeadline(d); err != nil {
		return err
	}
	return ctx.Err()
}
