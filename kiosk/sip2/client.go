package sip2

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ClientConfig configures a Client. Zero durations take the defaults.
type ClientConfig struct {
	Addr             string // host:port of the SIP2 server
	User, Password   string // 93 CN and CO
	Location         string // 93 CP, optional
	Institution      string // AO in every request
	TerminalPassword string // AC in requests that carry it
	Charset          Charset
	Delimiter        byte          // 0 means '|'
	ErrorDetection   bool          // send AY/AZ
	DialTimeout      time.Duration // default 3s
	RequestTimeout   time.Duration // default 5s, per request including resends
	KeepAlive        time.Duration // idle time before a 99; default 3 min, < 0 disables
	MaxResend        int           // 96/97 exchanges per request; default 3, < 0 means none
	MaxBackoff       time.Duration // longest wait between reconnects; default 30s
	Logger           *slog.Logger  // default slog.Default()
	Now              func() time.Time
	// Dial replaces net.Dialer.DialContext, for tests and TLS tunnels.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Client talks to one SIP2 server over one TCP connection. It connects and
// logs in on the first request, and again after any error. It is safe for
// concurrent use; requests go one at a time.
type Client struct {
	cfg   ClientConfig
	codec Codec
	log   *slog.Logger

	sem chan struct{} // holds the connection: one request in flight

	// guarded by sem
	conn     net.Conn
	rd       *bufio.Reader
	idle     *idleReader // nil without a file descriptor: readIdleSlow
	seq      int
	failures int
	retryAt  time.Time
	buf      []byte
	resend   []byte             // an encoded 97, made once
	bx       *SupportedMessages // BX of the last 98 on this connection
	clock    func() time.Time   // for the backoff; tests replace it

	lastUsed atomic.Int64 // unix nanoseconds of the last exchange, for keepalive
	closed   atomic.Bool
	scStatus atomic.Int32 // the status code of our 99s (SetStatus)

	mu    sync.Mutex // guards timer and armed
	timer *time.Timer
	armed bool // timer pending
}

// NewClient returns a client; it does not connect yet.
func NewClient(cfg ClientConfig) *Client {
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 3 * time.Second
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 5 * time.Second
	}
	if cfg.KeepAlive == 0 {
		cfg.KeepAlive = 3 * time.Minute
	}
	if cfg.MaxResend == 0 {
		cfg.MaxResend = 3
	} else if cfg.MaxResend < 0 {
		cfg.MaxResend = 0
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Dial == nil {
		d := &net.Dialer{Timeout: cfg.DialTimeout}
		cfg.Dial = d.DialContext
	}
	return &Client{
		cfg:   cfg,
		codec: Codec{Charset: cfg.Charset, Delimiter: cfg.Delimiter},
		log:   cfg.Logger.With("sip2", cfg.Addr),
		sem:   make(chan struct{}, 1),
		seq:   -1,
		clock: time.Now,
	}
}

// Config returns the configuration with defaults filled in.
func (c *Client) Config() ClientConfig { return c.cfg }

func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if c.closed.Load() {
		<-c.sem
		return ErrClosed
	}
	return nil
}

func (c *Client) release() {
	c.armKeepAlive()
	<-c.sem
}

// Close drops the connection. Requests after Close fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed.Store(true)
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	var err error
	if c.conn != nil {
		err = c.conn.Close()
		c.conn = nil
	}
	return err
}

// Login connects and logs in unless already connected.
func (c *Client) Login(ctx context.Context) error {
	if err := c.acquire(ctx); err != nil {
		return err
	}
	defer c.release()
	return c.ensureConn(ctx)
}

// Do sends m and returns the reply. m.Seq is set by the client. A reply
// with a different code than expected is returned as is.
func (c *Client) Do(ctx context.Context, m Message) (Message, error) {
	return c.do(ctx, m, "")
}

// do is Do; when want is not empty, a reply with another code is an
// error wrapping ErrUnexpectedResponse and drops the connection, since
// request and reply may have come out of step.
func (c *Client) do(ctx context.Context, m Message, want string) (Message, error) {
	return c.doBackoff(ctx, m, want, true)
}

// doBackoff is do; without backoff it dials at once after failures.
func (c *Client) doBackoff(ctx context.Context, m Message, want string, backoff bool) (Message, error) {
	if err := c.acquire(ctx); err != nil {
		return Message{}, err
	}
	defer c.release()
	if err := c.connect(ctx, backoff); err != nil {
		return Message{}, err
	}
	reply, err := c.exchange(ctx, m)
	if err == nil && want != "" && reply.Code != want {
		err = checkCode(reply, want)
		c.log.Info("sip2 unexpected reply; reconnecting on next request", "sent", m.Code, "got", reply.Code)
		c.drop()
	}
	return reply, err
}

// Status sends a 99 and returns the 98.
func (c *Client) Status(ctx context.Context) (*ACSStatusResponse, error) {
	m, err := c.do(ctx, c.statusRequest(), CodeACSStatus)
	if err != nil {
		return nil, err
	}
	return ParseACSStatusResponse(m)
}

// Probe is Status for the periodic "is the library system back?" check:
// it dials at once, ignoring the wait between reconnects after failures,
// which would refuse it for up to MaxBackoff after the system returns.
func (c *Client) Probe(ctx context.Context) (*ACSStatusResponse, error) {
	m, err := c.doBackoff(ctx, c.statusRequest(), CodeACSStatus, false)
	if err != nil {
		return nil, err
	}
	return ParseACSStatusResponse(m)
}

// SetStatus sets the status the kiosk reports in every 99 from now on: 0 ok,
// 1 printer out of paper, 2 about to shut down.
func (c *Client) SetStatus(code int) { c.scStatus.Store(int32(code)) }

func (c *Client) statusRequest() Message {
	return SCStatusRequest{StatusCode: int(c.scStatus.Load()), MaxPrintWidth: 40}.Message()
}

// Supported returns the BX flags of the last 98 on the current
// connection, sending a 99 when there has been none since login.
func (c *Client) Supported(ctx context.Context) (SupportedMessages, error) {
	if err := c.acquire(ctx); err != nil {
		return SupportedMessages{}, err
	}
	defer c.release()
	if err := c.ensureConn(ctx); err != nil {
		return SupportedMessages{}, err
	}
	if c.bx != nil {
		return *c.bx, nil
	}
	m, err := c.exchange(ctx, c.statusRequest())
	if err != nil {
		return SupportedMessages{}, err
	}
	st, err := ParseACSStatusResponse(m)
	if err != nil {
		if m.Code != CodeACSStatus {
			c.drop()
		}
		return SupportedMessages{}, err
	}
	return st.Supported, nil
}

// Supports reports whether the server handles request code (e.g. "29"
// for renew, "17" for item information), from the BX of its last 98.
func (c *Client) Supports(ctx context.Context, code string) (bool, error) {
	s, err := c.Supported(ctx)
	if err != nil {
		return false, err
	}
	return s.Supports(code), nil
}

// PatronStatus sends a 23.
func (c *Client) PatronStatus(ctx context.Context, req *PatronStatusRequest) (*PatronStatusResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodePatronStatusResp)
	if err != nil {
		return nil, err
	}
	return ParsePatronStatusResponse(m)
}

// ItemInformation sends a 17.
func (c *Client) ItemInformation(ctx context.Context, req *ItemInformationRequest) (*ItemInformationResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodeItemInformationResp)
	if err != nil {
		return nil, err
	}
	return ParseItemInformationResponse(m)
}

// PatronInformation sends a 63. The client fills in an empty
// InstitutionID, TerminalPassword and TransactionDate.
func (c *Client) PatronInformation(ctx context.Context, req *PatronInformationRequest) (*PatronInformationResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodePatronInfoResponse)
	if err != nil {
		return nil, err
	}
	return ParsePatronInformationResponse(m)
}

// EndPatronSession sends a 35.
func (c *Client) EndPatronSession(ctx context.Context, req *EndPatronSessionRequest) (*EndPatronSessionResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodeEndSessionResponse)
	if err != nil {
		return nil, err
	}
	return ParseEndPatronSessionResponse(m)
}

// Checkout sends an 11.
func (c *Client) Checkout(ctx context.Context, req *CheckoutRequest) (*CheckoutResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodeCheckoutResponse)
	if err != nil {
		return nil, err
	}
	return ParseCheckoutResponse(m)
}

// Renew sends a 29.
func (c *Client) Renew(ctx context.Context, req *RenewRequest) (*RenewResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodeRenewResponse)
	if err != nil {
		return nil, err
	}
	return ParseRenewResponse(m)
}

// RenewAll sends a 65.
func (c *Client) RenewAll(ctx context.Context, req *RenewAllRequest) (*RenewAllResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	if r.TransactionDate.IsZero() {
		r.TransactionDate = c.cfg.Now()
	}
	m, err := c.do(ctx, r.Message(), CodeRenewAllResponse)
	if err != nil {
		return nil, err
	}
	return ParseRenewAllResponse(m)
}

// Checkin sends a 09.
func (c *Client) Checkin(ctx context.Context, req *CheckinRequest) (*CheckinResponse, error) {
	r := *req
	r.InstitutionID = orString(r.InstitutionID, c.cfg.Institution)
	r.TerminalPassword = orString(r.TerminalPassword, c.cfg.TerminalPassword)
	r.CurrentLocation = orString(r.CurrentLocation, c.cfg.Location)
	now := c.cfg.Now()
	if r.TransactionDate.IsZero() {
		r.TransactionDate = now
	}
	if r.ReturnDate.IsZero() {
		r.ReturnDate = r.TransactionDate
	}
	m, err := c.do(ctx, r.Message(), CodeCheckinResponse)
	if err != nil {
		return nil, err
	}
	return ParseCheckinResponse(m)
}

// ensureConn dials and logs in when there is no connection, or when the
// server has closed the one there is. Holds sem.
func (c *Client) ensureConn(ctx context.Context) error { return c.connect(ctx, true) }

// connect is ensureConn; with backoff it first waits out the time between
// reconnects after failures.
func (c *Client) connect(ctx context.Context, backoff bool) error {
	if c.conn != nil {
		if c.alive() {
			return nil
		}
		c.drop()
	}
	if wait := c.retryAt.Sub(c.clock()); backoff && wait > 0 {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w: next attempt in %s", ErrUnreachable, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	dctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	conn, err := c.cfg.Dial(dctx, "tcp", c.cfg.Addr)
	cancel()
	if err != nil {
		c.failed()
		c.log.Warn("sip2 connect failed", "err", err, "failures", c.failures)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	c.conn = conn
	c.rd = newReader(conn)
	c.idle = newIdleReader(conn)
	c.bx = nil
	m, err := c.exchange(ctx, LoginRequest{User: c.cfg.User, Password: c.cfg.Password, Location: c.cfg.Location}.Message())
	var lr *LoginResponse
	if err == nil {
		lr, err = ParseLoginResponse(m)
		if err != nil {
			c.drop()
		}
	}
	if err != nil {
		c.failed()
		if ctx.Err() != nil {
			return err
		}
		var de *DecodeError
		if errors.As(err, &de) {
			c.log.Warn("sip2 login answer unreadable", "err", err)
			return fmt.Errorf("%w: %w: %w", ErrUnreachable, ErrLoginUnreadable, err)
		}
		return fmt.Errorf("%w: login: %w", ErrUnreachable, err)
	}
	if !lr.OK {
		c.drop()
		c.failed()
		c.log.Warn("sip2 login refused", "user", c.cfg.User, "location", c.cfg.Location)
		return &LoginError{User: c.cfg.User, Location: c.cfg.Location}
	}
	if c.failures > 0 {
		c.log.Info("sip2 reconnected", "after_failures", c.failures)
	}
	c.failures = 0
	c.retryAt = time.Time{}
	return nil
}

// failed schedules the next connection attempt: the first at once, then
// with doubling waits up to MaxBackoff.
func (c *Client) failed() {
	c.failures++
	if c.failures <= 1 {
		return
	}
	wait := 250 * time.Millisecond << min(c.failures-2, 10)
	if wait > c.cfg.MaxBackoff {
		wait = c.cfg.MaxBackoff
	}
	c.retryAt = c.clock().Add(wait)
}

// errNothing: an idle read found nothing to read, the connection stands.
var errNothing = errors.New("sip2: nothing to read")

// alive reports whether the idle connection still stands, so a request is
// never written into one the server has closed (many close after 60 s of
// silence, some after every reply). Bytes waiting there answer no request
// of ours: late replies, dropped. Holds sem and a connection.
func (c *Client) alive() bool {
	b, _ := c.rd.Peek(c.rd.Buffered())
	stale, dropped := staleBytes(b), len(b)
	c.rd.Discard(len(b))
	defer func() {
		if stale > 0 {
			c.log.Info("sip2 dropped stale bytes before a request", "bytes", stale)
		}
	}()
	for dropped <= maxLine { // past that, a flood: not a connection to trust
		var b []byte
		var err error
		if c.idle != nil {
			b, err = c.idle.next()
		} else {
			b, err = c.readIdleSlow()
		}
		switch {
		case err == nil:
			stale += staleBytes(b)
			dropped += len(b)
			continue
		case errors.Is(err, errNothing):
			return true
		}
		c.log.Debug("sip2 server closed the idle connection; reconnecting", "err", err)
		return false
	}
	return false
}

// staleBytes counts the bytes of b that are not line ends: the LF of a
// server ending its messages in CR LF arrives after the reply was read.
func staleBytes(b []byte) int {
	n := 0
	for _, x := range b {
		if x != '\n' && x != '\r' {
			n++
		}
	}
	return n
}

// readIdleSlow is idleReader.next for connections without a file
// descriptor: a read through the buffer with a deadline it waits out.
func (c *Client) readIdleSlow() ([]byte, error) {
	c.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
	if _, err := c.rd.Peek(1); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, errNothing
		}
		return nil, err
	}
	b, _ := c.rd.Peek(c.rd.Buffered())
	c.rd.Discard(len(b))
	return b, nil // still valid: nothing reads into the buffer until the next call
}

func (c *Client) drop() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
		c.rd = nil
		c.idle = nil
	}
	c.bx = nil
}

func (c *Client) nextSeq() int {
	c.seq = (c.seq + 1) % 10
	return c.seq
}

// exchange writes m and reads its reply, handling 96 and 97. Any failure
// drops the connection. Holds sem and a connection.
func (c *Client) exchange(ctx context.Context, m Message) (reply Message, err error) {
	conn := c.conn
	now := time.Now()
	c.lastUsed.Store(now.UnixNano())
	deadline := now.Add(c.cfg.RequestTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	// A context that can be cancelled before the deadline needs a watcher;
	// Background and plain deadlines need none (the conn deadline covers them).
	stop := func() bool { return false }
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	}
	defer func() {
		stop()
		if err != nil {
			c.log.Info("sip2 connection dropped; reconnecting on next request", "code", m.Code, "err", err)
			c.drop()
			if ctx.Err() != nil {
				err = fmt.Errorf("%w: %w", ctx.Err(), err)
			}
		}
	}()

	m.Seq = NoSeq
	if c.cfg.ErrorDetection {
		m.Seq = c.nextSeq()
	}
	out, err := c.codec.AppendEncode(c.buf[:0], m)
	if err != nil {
		return Message{}, err
	}
	out = append(out, '\r')
	c.buf = out
	if _, err := conn.Write(out); err != nil {
		return Message{}, fmt.Errorf("%w: %s: %w", ErrNoReply, m.Code, err)
	}
	resends := 0
	for {
		line, err := readMessage(c.rd)
		if err != nil {
			return Message{}, fmt.Errorf("%w: %s: %w", ErrNoReply, m.Code, err)
		}
		reply, err = c.codec.Decode(line)
		if errors.Is(err, ErrChecksum) && resends < c.cfg.MaxResend {
			resends++
			c.log.Debug("sip2 bad checksum, asking resend", "code", m.Code)
			if err := c.requestResend(conn); err != nil {
				return Message{}, fmt.Errorf("%w: %s: %w", ErrNoReply, m.Code, err)
			}
			continue
		}
		if err != nil {
			return Message{}, err
		}
		// A reply with another AY answers another message (a late reply):
		// not ours. Ask for the last message again, never resend the
		// request: a second 11 would lend twice. A reply without AY is
		// taken, as some servers drop it.
		if m.Seq != NoSeq && reply.Seq != NoSeq && reply.Seq != m.Seq && reply.Code != CodeResend {
			if resends >= c.cfg.MaxResend {
				return Message{}, fmt.Errorf("%w: %s: %w: want AY%d, got AY%d", ErrNoReply, m.Code, ErrSequence, m.Seq, reply.Seq)
			}
			resends++
			c.log.Info("sip2 reply out of sequence; asking resend", "code", m.Code, "reply", reply.Code, "want", m.Seq, "got", reply.Seq)
			if err := c.requestResend(conn); err != nil {
				return Message{}, fmt.Errorf("%w: %s: %w", ErrNoReply, m.Code, err)
			}
			continue
		}
		if reply.Code == CodeACSStatus {
			if v, ok := reply.Get("BX"); ok {
				bx := ParseSupportedMessages(v)
				c.bx = &bx
			}
		}
		if reply.Code == CodeResend && m.Code != CodeRequestResend {
			if resends >= c.cfg.MaxResend {
				if !isASCII(out) { // a server that cannot read them answers 96 to every send
					return Message{}, fmt.Errorf("%w: %s sent %d times in %s, answered 96 each time: %w", ErrCharset, m.Code, resends+1, c.codec.Charset.norm(), ErrChecksum)
				}
				return Message{}, fmt.Errorf("sip2: %s: server asked for resend %d times: %w", m.Code, resends+1, ErrChecksum)
			}
			resends++
			c.log.Debug("sip2 server asked resend", "code", m.Code)
			if _, err := conn.Write(out); err != nil {
				return Message{}, fmt.Errorf("%w: %s: %w", ErrNoReply, m.Code, err)
			}
			continue
		}
		return reply, nil
	}
}

// requestResend sends a 97: the server is to send its last message again.
func (c *Client) requestResend(conn net.Conn) error {
	if c.resend == nil {
		b, _ := c.codec.Encode(RequestACSResend{Checksum: c.cfg.ErrorDetection}.Message())
		c.resend = append(b, '\r')
	}
	_, err := conn.Write(c.resend)
	return err
}

// armKeepAlive starts the idle timer that sends a 99, unless it is
// already running: the timer itself checks lastUsed, so a busy line costs
// no timer reset per request.
func (c *Client) armKeepAlive() {
	if c.cfg.KeepAlive < 0 || c.conn == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() || c.armed {
		return
	}
	c.armed = true
	if c.timer == nil {
		c.timer = time.AfterFunc(c.cfg.KeepAlive, c.keepAlive)
		return
	}
	c.timer.Reset(c.cfg.KeepAlive)
}

func (c *Client) keepAlive() {
	c.mu.Lock()
	c.armed = false
	if idle := time.Since(time.Unix(0, c.lastUsed.Load())); idle < c.cfg.KeepAlive && !c.closed.Load() {
		c.armed = true
		c.timer.Reset(c.cfg.KeepAlive - idle)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	select {
	case c.sem <- struct{}{}:
	default:
		return // a request is in flight: its release re-arms the timer
	}
	if c.closed.Load() || c.conn == nil {
		<-c.sem
		return
	}
	if !c.alive() {
		c.drop() // the next request reconnects
		<-c.sem
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.RequestTimeout)
	defer cancel()
	if _, err := c.exchange(ctx, c.statusRequest()); err != nil {
		c.log.Info("sip2 keepalive failed; will reconnect on next request", "err", err)
	}
	c.release()
}

// MaskID returns the last four characters of a patron or item id, for logs.
func MaskID(id string) string {
	r := []rune(id)
	if len(r) <= 4 {
		return "…" + string(r)
	}
	return "…" + string(r[len(r)-4:])
}
