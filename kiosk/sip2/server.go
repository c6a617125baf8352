package sip2

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Backend answers the requests a Server receives. Methods are called
// from one goroutine per connection, so they must be safe for concurrent use.
type Backend interface {
	// Login checks the 93 credentials of the self-check machine.
	Login(user, password, location string) bool
	Status(req *SCStatusRequest) *ACSStatusResponse
	PatronInformation(req *PatronInformationRequest) *PatronInformationResponse
	EndPatronSession(req *EndPatronSessionRequest) *EndPatronSessionResponse
}

// CheckoutBackend is a Backend that also handles 11.
type CheckoutBackend interface {
	Checkout(req *CheckoutRequest) *CheckoutResponse
}

// CheckinBackend is a Backend that also handles 09.
type CheckinBackend interface {
	Checkin(req *CheckinRequest) *CheckinResponse
}

// RenewBackend is a Backend that also handles 29.
type RenewBackend interface {
	Renew(req *RenewRequest) *RenewResponse
}

// RenewAllBackend is a Backend that also handles 65.
type RenewAllBackend interface {
	RenewAll(req *RenewAllRequest) *RenewAllResponse
}

// PatronStatusBackend is a Backend that also handles 23.
type PatronStatusBackend interface {
	PatronStatus(req *PatronStatusRequest) *PatronStatusResponse
}

// ItemInformationBackend is a Backend that also handles 17.
type ItemInformationBackend interface {
	ItemInformation(req *ItemInformationRequest) *ItemInformationResponse
}

// Server serves SIP2 to self-check machines. Requests that fail to decode
// (bad checksum, truncated) are answered with 96; a request the backend
// does not handle closes the connection.
type Server struct {
	Backend     Backend
	Charset     Charset
	Delimiter   byte          // 0 means '|'
	IdleTimeout time.Duration // close a connection silent this long; default 10 min
	// CloseAfterReply closes the connection after every reply but the
	// login's and a 96, as some servers do.
	CloseAfterReply bool
	Logger          *slog.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	closed    bool
	wg        sync.WaitGroup
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Serve accepts connections on l until Shutdown or Close; it then returns
// ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
		s.conns = map[net.Conn]struct{}{}
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	var delay time.Duration
	for {
		conn, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = max(5*time.Millisecond, min(2*delay, time.Second))
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return ErrServerClosed
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(conn)
	}
}

// Close stops listening and closes every connection at once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// Shutdown stops listening, lets requests being handled finish, and closes
// the connections; past ctx's deadline it closes them at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.SetReadDeadline(time.Unix(1, 0)) // idle readers wake; a handler mid-request still answers
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Close()
		return ctx.Err()
	}
}

func (s *Server) serveConn(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		conn.Close()
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
	}()
	log := s.logger().With("remote", conn.RemoteAddr().String())
	codec := Codec{Charset: s.Charset, Delimiter: s.Delimiter}
	idle := s.IdleTimeout
	if idle == 0 {
		idle = 10 * time.Minute
	}
	rd := newReader(conn)
	w := bufio.NewWriter(conn)
	var last []byte // last reply, for 97; its buffer is reused for the next reply
	loggedIn := false
	send := func(b []byte) bool {
		w.Write(b)
		w.WriteByte('\r')
		return w.Flush() == nil
	}
	for {
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return
		}
		conn.SetReadDeadline(time.Now().Add(idle))
		line, err := readMessage(rd)
		if err != nil {
			return
		}
		req, err := codec.Decode(line)
		if err == nil && !s.Charset.valid(line) {
			err = errors.New("not valid " + string(s.Charset.norm())) // what a strict server cannot decode
		}
		if err != nil {
			log.Debug("sip2 server: bad request", "err", err)
			if !send(resendFor(line)) {
				return
			}
			continue
		}
		if req.Code == CodeRequestResend {
			if last == nil {
				log.Info("sip2 server: 97 with nothing sent yet; closing the connection")
				return // silence would leave the client waiting out its timeout
			}
			if !send(last) {
				return
			}
			continue
		}
		if !loggedIn && req.Code != CodeLogin {
			log.Info("sip2 server: request before login", "code", req.Code)
			return
		}
		reply, ok := s.handle(req)
		if !ok {
			// Closing answers at once: silence would leave the client
			// waiting out its timeout, and an ok=N reply needs a response
			// type for every message the backend lacks.
			log.Info("sip2 server: unsupported request; closing the connection", "code", req.Code)
			return
		}
		if req.Code == CodeLogin {
			lr, err := ParseLoginResponse(reply)
			loggedIn = err == nil && lr.OK // a refused login may be tried again on this connection
		}
		reply.Seq = req.Seq
		out, err := codec.AppendEncode(last[:0], reply)
		if err != nil {
			log.Error("sip2 server: cannot encode reply", "code", reply.Code, "err", err)
			return
		}
		last = out
		closeAfter := s.CloseAfterReply && req.Code != CodeLogin && reply.Code != CodeResend // the resend must find the connection
		if closeAfter {
			corkLast(conn)
		}
		if !send(out) || closeAfter {
			return
		}
	}
}

// handle returns the reply, and whether there is one.
func (s *Server) handle(req Message) (Message, bool) {
	b := s.Backend
	switch req.Code {
	case CodeLogin:
		r, err := ParseLoginRequest(req)
		if err != nil {
			return LoginResponse{}.Message(), true
		}
		return LoginResponse{OK: b.Login(r.User, r.Password, r.Location)}.Message(), true
	case CodeSCStatus:
		r, err := ParseSCStatusRequest(req)
		if err != nil {
			return resend(), true
		}
		return b.Status(r).Message(), true
	case CodePatronInformation:
		r, err := ParsePatronInformationRequest(req)
		if err != nil {
			return resend(), true
		}
		return b.PatronInformation(r).Message(), true
	case CodeEndPatronSession:
		r, err := ParseEndPatronSessionRequest(req)
		if err != nil {
			return resend(), true
		}
		return b.EndPatronSession(r).Message(), true
	case CodeCheckout:
		cb, ok := b.(CheckoutBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParseCheckoutRequest(req)
		if err != nil {
			return resend(), true
		}
		return cb.Checkout(r).Message(), true
	case CodeCheckin:
		cb, ok := b.(CheckinBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParseCheckinRequest(req)
		if err != nil {
			return resend(), true
		}
		return cb.Checkin(r).Message(), true
	case CodePatronStatus:
		pb, ok := b.(PatronStatusBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParsePatronStatusRequest(req)
		if err != nil {
			return resend(), true
		}
		return pb.PatronStatus(r).Message(), true
	case CodeItemInformation:
		ib, ok := b.(ItemInformationBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParseItemInformationRequest(req)
		if err != nil {
			return resend(), true
		}
		return ib.ItemInformation(r).Message(), true
	case CodeRenew:
		rb, ok := b.(RenewBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParseRenewRequest(req)
		if err != nil {
			return resend(), true
		}
		return rb.Renew(r).RenewMessage(), true
	case CodeRenewAll:
		rb, ok := b.(RenewAllBackend)
		if !ok {
			return Message{}, false
		}
		r, err := ParseRenewAllRequest(req)
		if err != nil {
			return resend(), true
		}
		return rb.RenewAll(r).Message(), true
	}
	return Message{}, false
}

func resend() Message { return Message{Code: CodeResend, Seq: NoSeq} }

// resendFor returns the 96 for a request that could not be decoded: with
// AZ when the request ended in one, as its sender uses error detection.
func resendFor(line []byte) []byte {
	if n := len(line); n >= 6 && line[n-6] == 'A' && line[n-5] == 'Z' &&
		isHex(line[n-4]) && isHex(line[n-3]) && isHex(line[n-2]) && isHex(line[n-1]) {
		return []byte("96AZFEF6")
	}
	return []byte("96")
}
