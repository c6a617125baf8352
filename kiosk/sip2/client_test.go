package sip2

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testBackend is a minimal library: one patron, Joost Müller.
type testBackend struct{ ends atomic.Int32 }

func (b *testBackend) Login(user, password, location string) bool {
	return user == "kiosk" && password == "s3cret"
}

func (b *testBackend) Status(*SCStatusRequest) *ACSStatusResponse {
	return &ACSStatusResponse{OnlineStatus: true, InstitutionID: "MAIN", Supported: SupportedMessages{Login: true, PatronInformation: true}}
}

func (b *testBackend) PatronInformation(r *PatronInformationRequest) *PatronInformationResponse {
	resp := joost64()
	resp.PatronID = r.PatronID
	if r.PatronID != "21234000123456" {
		resp.PersonalName, resp.ValidPatron = "", No
	}
	return &resp
}

func (b *testBackend) EndPatronSession(r *EndPatronSessionRequest) *EndPatronSessionResponse {
	b.ends.Add(1)
	return &EndPatronSessionResponse{EndSession: true, InstitutionID: "MAIN", PatronID: r.PatronID}
}

func startServer(t testing.TB, b Backend, cs Charset) string {
	t.Helper()
	return serveOn(t, &Server{Backend: b, Charset: cs})
}

// serveOn runs srv on a loopback port until the test ends.
func serveOn(t testing.TB, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func newTestClient(t testing.TB, addr string, mod func(*ClientConfig)) *Client {
	cfg := ClientConfig{Addr: addr, User: "kiosk", Password: "s3cret", Institution: "MAIN",
		ErrorDetection: true, RequestTimeout: 2 * time.Second, KeepAlive: -1}
	if mod != nil {
		mod(&cfg)
	}
	c := NewClient(cfg)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClientServer(t *testing.T) {
	for _, cs := range []Charset{UTF8, IBM850, ASCII} {
		for _, ed := range []bool{true, false} {
			t.Run(string(cs), func(t *testing.T) {
				addr := startServer(t, &testBackend{}, cs)
				c := newTestClient(t, addr, func(c *ClientConfig) { c.Charset = cs; c.ErrorDetection = ed })
				ctx := context.Background()
				if err := c.Login(ctx); err != nil {
					t.Fatal(err)
				}
				st, err := c.Status(ctx)
				if err != nil || !st.OnlineStatus || !st.Supported.Supports("63") {
					t.Fatalf("Status = %+v, %v", st, err)
				}
				pi, err := c.PatronInformation(ctx, &PatronInformationRequest{PatronID: "21234000123456", PatronPassword: "1234"})
				if err != nil {
					t.Fatal(err)
				}
				want := "Joost Müller"
				if cs == ASCII {
					want = "Joost Muller"
				}
				if pi.PersonalName != want || pi.ValidPatron != Yes || pi.ChargedItemsCount != 3 {
					t.Errorf("PatronInformation = %+v", pi)
				}
				es, err := c.EndPatronSession(ctx, &EndPatronSessionRequest{PatronID: "21234000123456"})
				if err != nil || !es.EndSession {
					t.Errorf("EndPatronSession = %+v, %v", es, err)
				}
			})
		}
	}
}

func TestClientLoginFailedAndUnreachable(t *testing.T) {
	addr := startServer(t, &testBackend{}, UTF8)
	c := newTestClient(t, addr, func(c *ClientConfig) { c.Password = "wrong" })
	_, err := c.Status(context.Background())
	if !errors.Is(err, ErrLoginFailed) || errors.Is(err, ErrUnreachable) {
		t.Errorf("wrong password: err = %v, want ErrLoginFailed", err)
	}
	if want := `sip2: login refused for user "kiosk": check [ils] user and password`; err == nil || err.Error() != want {
		t.Errorf("wrong password: err = %v, want %q", err, want)
	}
	c = newTestClient(t, addr, func(c *ClientConfig) { c.Password = "wrong"; c.Location = "BRANCH1" })
	if err := c.Login(context.Background()); !errors.Is(err, ErrLoginFailed) || !strings.Contains(err.Error(), `user "kiosk" at location "BRANCH1"`) {
		t.Errorf("wrong password at a location: err = %v", err)
	}

	// A login answer that cannot be read is neither a refusal nor silence.
	for _, answer := range []string{"94\r", "24              00120261127    120000AOMAIN|AA1|AEx|\r"} {
		garbled := rawServer(t, func(_ int, conn net.Conn, rd *bufio.Reader) {
			if _, ok := expect(rd); ok {
				conn.Write([]byte(answer))
			}
			expect(rd)
		})
		err := newTestClient(t, garbled, nil).Login(context.Background())
		if !errors.Is(err, ErrLoginUnreadable) || !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrLoginFailed) {
			t.Errorf("login answered %q: err = %v, want ErrLoginUnreadable", answer, err)
		}
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	c = newTestClient(t, dead, nil)
	_, err = c.Status(context.Background())
	if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrLoginFailed) {
		t.Errorf("closed port: err = %v, want ErrUnreachable", err)
	}
	// The second failure backs off; a short deadline fails at once.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c.Status(ctx)
	start := time.Now()
	_, err = c.Status(ctx)
	if !errors.Is(err, ErrUnreachable) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("backing off: err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("backing off took %v", time.Since(start))
	}
}

func TestClientConcurrent(t *testing.T) {
	addr := startServer(t, &testBackend{}, UTF8)
	c := newTestClient(t, addr, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 20 {
				pi, err := c.PatronInformation(context.Background(), &PatronInformationRequest{PatronID: "21234000123456"})
				if err != nil || pi.PersonalName != "Joost Müller" {
					t.Errorf("goroutine %d: %+v, %v", g, pi, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestClientKeepAlive(t *testing.T) {
	var statuses atomic.Int32
	addr := rawServer(t, func(_ int, conn net.Conn, rd *bufio.Reader) {
		for {
			m, ok := expect(rd)
			if !ok {
				return
			}
			switch m.Code {
			case CodeLogin:
				reply(conn, UTF8, LoginResponse{OK: true}.Message(), m.Seq, "\r")
			case CodeSCStatus:
				statuses.Add(1)
				reply(conn, UTF8, (&testBackend{}).Status(nil).Message(), m.Seq, "\r")
			}
		}
	})
	c := newTestClient(t, addr, func(c *ClientConfig) { c.KeepAlive = 30 * time.Millisecond })
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := statuses.Load(); n < 2 {
		t.Errorf("%d keepalives in 200ms at 30ms idle", n)
	}
}

// rawServer runs serve for every connection; conn counts from 0.
func rawServer(t *testing.T, serve func(conn int, c net.Conn, rd *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				serve(i, c, newReader(c))
			}()
		}
	}()
	return ln.Addr().String()
}

func expect(rd *bufio.Reader) (Message, bool) {
	line, err := readMessage(rd)
	if err != nil {
		return Message{}, false
	}
	m, err := Codec{}.Decode(line)
	return m, err == nil
}

func reply(conn net.Conn, cs Charset, m Message, seq int, end string) {
	m.Seq = seq
	b, err := Codec{Charset: cs}.Encode(m)
	if err != nil {
		panic(err)
	}
	conn.Write(append(b, end...))
}

// loginThen answers the login and hands every later request to f until it returns false.
func loginThen(f func(conn net.Conn, m Message) bool) func(int, net.Conn, *bufio.Reader) {
	return func(_ int, conn net.Conn, rd *bufio.Reader) {
		for {
			m, ok := expect(rd)
			if !ok {
				return
			}
			if m.Code == CodeLogin {
				reply(conn, UTF8, LoginResponse{OK: true}.Message(), m.Seq, "\r")
				continue
			}
			if !f(conn, m) {
				return
			}
		}
	}
}

func patronRequest() *PatronInformationRequest {
	return &PatronInformationRequest{PatronID: "21234000123456"}
}

func TestClientFaults(t *testing.T) {
	ok64 := joost64().Message()

	t.Run("server closes mid-reply", func(t *testing.T) {
		var conns atomic.Int32
		addr := rawServer(t, func(n int, conn net.Conn, rd *bufio.Reader) {
			conns.Add(1)
			loginThen(func(conn net.Conn, m Message) bool {
				if n == 0 {
					b, _ := Codec{}.Encode(ok64)
					conn.Write(b[:20])
					return false
				}
				reply(conn, UTF8, ok64, m.Seq, "\r")
				return true
			})(n, conn, rd)
		})
		c := newTestClient(t, addr, nil)
		if _, err := c.PatronInformation(context.Background(), patronRequest()); !errors.Is(err, ErrNoReply) {
			t.Errorf("first call: err = %v, want ErrNoReply", err)
		}
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != "Joost Müller" {
			t.Errorf("after reconnect: %+v, %v", pi, err)
		}
		if n := conns.Load(); n != 2 {
			t.Errorf("%d connections, want 2", n)
		}
	})

	t.Run("corrupted checksum", func(t *testing.T) {
		var got97 atomic.Bool
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			switch m.Code {
			case CodePatronInformation:
				ok64.Seq = m.Seq
				b, _ := Codec{}.Encode(ok64)
				b[len(b)-1] ^= 1 // corrupt the checksum
				conn.Write(append(b, '\r'))
			case CodeRequestResend:
				got97.Store(true)
				reply(conn, UTF8, ok64, ok64.Seq, "\r")
			}
			return true
		}))
		c := newTestClient(t, addr, nil)
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != "Joost Müller" {
			t.Errorf("%+v, %v", pi, err)
		}
		if !got97.Load() {
			t.Error("client did not send 97")
		}
	})

	t.Run("checksum never right", func(t *testing.T) {
		var n97 atomic.Int32
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			if m.Code == CodeRequestResend {
				n97.Add(1)
			}
			conn.Write([]byte("64              00120261127    120000000000000003000000000000AOMAIN|AA1|AEx|AY1AZ0000\r"))
			return true
		}))
		c := newTestClient(t, addr, func(c *ClientConfig) { c.MaxResend = 2 })
		if _, err := c.PatronInformation(context.Background(), patronRequest()); !errors.Is(err, ErrChecksum) {
			t.Errorf("err = %v, want ErrChecksum", err)
		}
		if n := n97.Load(); n != 2 {
			t.Errorf("%d 97s, want 2", n)
		}
	})

	t.Run("late answer", func(t *testing.T) {
		addr := rawServer(t, func(n int, conn net.Conn, rd *bufio.Reader) {
			loginThen(func(conn net.Conn, m Message) bool {
				if n == 0 {
					time.Sleep(300 * time.Millisecond)
				}
				reply(conn, UTF8, ok64, m.Seq, "\r")
				return true
			})(n, conn, rd)
		})
		c := newTestClient(t, addr, func(c *ClientConfig) { c.RequestTimeout = 100 * time.Millisecond })
		start := time.Now()
		_, err := c.PatronInformation(context.Background(), patronRequest())
		if !errors.Is(err, ErrNoReply) || time.Since(start) > 250*time.Millisecond {
			t.Errorf("err = %v after %v, want ErrNoReply at the deadline", err, time.Since(start))
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v, want a timeout", err)
		}
		if _, err := c.PatronInformation(context.Background(), patronRequest()); err != nil {
			t.Errorf("next call: %v", err)
		}
	})

	t.Run("reply without CR", func(t *testing.T) {
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			b, _ := Codec{}.Encode(ok64)
			conn.Write(b)
			return true
		}))
		c := newTestClient(t, addr, func(c *ClientConfig) { c.RequestTimeout = 100 * time.Millisecond })
		if _, err := c.PatronInformation(context.Background(), patronRequest()); !errors.Is(err, ErrNoReply) {
			t.Errorf("err = %v, want ErrNoReply", err)
		}
	})

	t.Run("context cancelled mid-request", func(t *testing.T) {
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			time.Sleep(time.Second)
			return false
		}))
		c := newTestClient(t, addr, nil)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.PatronInformation(ctx, patronRequest())
		if !errors.Is(err, context.Canceled) || time.Since(start) > 500*time.Millisecond {
			t.Errorf("err = %v after %v, want context.Canceled soon", err, time.Since(start))
		}
	})

	t.Run("96 from server", func(t *testing.T) {
		var seen []string
		var mu sync.Mutex
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			b, _ := Codec{}.Encode(m)
			mu.Lock()
			seen = append(seen, string(b))
			n := len(seen)
			mu.Unlock()
			if n == 1 {
				conn.Write([]byte("96AZFEF6\r"))
				return true
			}
			reply(conn, UTF8, ok64, m.Seq, "\r")
			return true
		}))
		c := newTestClient(t, addr, nil)
		if _, err := c.PatronInformation(context.Background(), patronRequest()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 2 || seen[0] != seen[1] {
			t.Errorf("server saw %q, want the same message twice", seen)
		}
	})

	t.Run("CRLF line ends", func(t *testing.T) {
		addr := rawServer(t, func(_ int, conn net.Conn, rd *bufio.Reader) {
			for {
				m, ok := expect(rd)
				if !ok {
					return
				}
				if m.Code == CodeLogin {
					reply(conn, UTF8, LoginResponse{OK: true}.Message(), m.Seq, "\r\n")
				} else {
					reply(conn, UTF8, ok64, m.Seq, "\r\n")
				}
			}
		})
		var logs logBuffer
		c := newTestClient(t, addr, func(c *ClientConfig) { c.Logger = logs.logger() })
		for range 3 {
			pi, err := c.PatronInformation(context.Background(), patronRequest())
			if err != nil || pi.PersonalName != "Joost Müller" {
				t.Fatalf("%+v, %v", pi, err)
			}
			time.Sleep(5 * time.Millisecond) // the LF may come apart
		}
		if n := logs.count("stale"); n != 0 {
			t.Errorf("the LFs after CR were taken for %d stale replies", n)
		}
	})

	t.Run("IBM850", func(t *testing.T) {
		wire := vectors[len(vectors)-1].wireBytes() // the IBM850 64, AY1
		addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			conn.Write(append(wire, '\r'))
			return true
		}))
		c := newTestClient(t, addr, func(c *ClientConfig) { c.Charset = IBM850 })
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != "Joost Müller" {
			t.Errorf("%+v, %v", pi, err)
		}
	})
}

func TestServerRequiresLogin(t *testing.T) {
	addr := startServer(t, &testBackend{}, UTF8)
	// A 99 before login, and a 97 with nothing to resend, close the
	// connection at once.
	for _, req := range []string{"9900302.00AY4AZFCA2\r", "97\r"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write([]byte(req))
		conn.SetReadDeadline(time.Now().Add(time.Second))
		b := make([]byte, 100)
		if n, err := conn.Read(b); err != io.EOF {
			t.Errorf("%q: server answered %q, %v; want the connection closed", req, b[:n], err)
		}
	}
}

// TestServerLoginRetry: a refused login leaves the connection open for
// another try; other requests still need a login that succeeded.
func TestServerLoginRetry(t *testing.T) {
	addr := startServer(t, &testBackend{}, UTF8)
	dial := func() (net.Conn, func() (string, error)) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		rd := newReader(conn)
		return conn, func() (string, error) { b, err := readMessage(rd); return string(b), err }
	}
	conn, read := dial()
	conn.Write([]byte("9300CNkiosk|COwrong|\r"))
	if got, err := read(); got != "940" {
		t.Fatalf("wrong password: %q, %v", got, err)
	}
	conn.Write([]byte("9300CNkiosk|COs3cret|\r"))
	if got, err := read(); got != "941" {
		t.Fatalf("right password on the same connection: %q, %v", got, err)
	}
	conn.Write([]byte("9900302.00\r"))
	if got, err := read(); !strings.HasPrefix(got, "98") {
		t.Errorf("99 after login: %q, %v", got, err)
	}

	conn, read = dial()
	conn.Write([]byte("9300CNkiosk|COwrong|\r"))
	read()
	conn.Write([]byte("9900302.00\r"))
	if got, err := read(); err == nil {
		t.Errorf("99 after a refused login answered %q", got)
	}
}

func TestServerBadChecksumAnd97(t *testing.T) {
	addr := startServer(t, &testBackend{}, UTF8)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	rd := newReader(conn)
	read := func() string {
		b, err := readMessage(rd)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	conn.Write([]byte("9300CNkiosk|COs3cret|AY0AZ0000\r")) // bad checksum
	if got := read(); got != "96AZFEF6" {
		t.Errorf("bad checksum: got %q, want 96AZFEF6 (the request used error detection)", got)
	}
	conn.Write([]byte("63001\r")) // truncated, no error detection
	if got := read(); got != "96" {
		t.Errorf("truncated request: got %q, want 96", got)
	}
	conn.Write([]byte("63001AY1AZFDA0\r")) // truncated, with error detection
	if got := read(); got != "96AZFEF6" {
		t.Errorf("truncated request with AZ: got %q, want 96AZFEF6", got)
	}
	m := LoginRequest{User: "kiosk", Password: "s3cret"}.Message()
	m.Seq = 3
	b, _ := Codec{}.Encode(m)
	conn.Write(append(b, '\r'))
	if got := read(); got != "941AY3AZFDFA" {
		t.Errorf("login: got %q", got)
	}
	conn.Write([]byte("97AZFEF5\r"))
	if got := read(); got != "941AY3AZFDFA" {
		t.Errorf("97: got %q", got)
	}
	conn.Write([]byte("6300120260315    101500          AOMAIN|AA21234000123456|AC|AD1234|\r"))
	if got := read(); !strings.Contains(got, "AEJoost Müller|") || strings.Contains(got, "AY") {
		t.Errorf("63 without AY: got %q", got)
	}
}

func TestServerShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Backend: &testBackend{}}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c := newTestClient(t, ln.Addr().String(), nil)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Shutdown took %v with an idle connection", d)
	}
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if _, err := c.Status(context.Background()); err == nil {
		t.Error("request after shutdown succeeded")
	}
}

// withChecksum appends AY<seq>AZ and the checksum to s.
func withChecksum(s string, seq int) []byte {
	b := append([]byte(s), 'A', 'Y', byte('0'+seq), 'A', 'Z')
	return append(b, Checksum(b)...)
}

// TestClientBadReplies: whatever a server sends wrong gives a typed error
// naming what was wrong, and the next request works.
func TestClientBadReplies(t *testing.T) {
	const fixed64 = "64              00120261127    120000000000000003000000000000"
	bad := []struct {
		name, wire, field string
		unexpected        bool
	}{
		{name: "truncated", wire: "64              0012026"},
		{name: "no code", wire: "X4" + fixed64[2:] + "AOMAIN|"},
		{name: "field too long", wire: fixed64 + "AOMAIN|AA1|AE" + strings.Repeat("x", 256) + "|", field: "AE"},
		{name: "missing required", wire: fixed64 + "AOMAIN|AA1|BLY|", field: "AE"},
		{name: "bad date", wire: "64              00120261327    120000000000000003000000000000AOMAIN|AA1|AEx|", field: "transaction date"},
		{name: "bad number", wire: "64              00120261127    12000000000000000x000000000000AOMAIN|AA1|AEx|", field: "charged items count"},
		{name: "wrong code", wire: "24              00120261127    120000AOMAIN|AA1|AEx|", unexpected: true},
	}
	var n atomic.Int32
	addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
		i := int(n.Add(1)) - 1
		if i%2 == 0 && i/2 < len(bad) {
			conn.Write(append(withChecksum(bad[i/2].wire, m.Seq), '\r'))
			return true
		}
		reply(conn, UTF8, joost64().Message(), m.Seq, "\r")
		return true
	}))
	c := newTestClient(t, addr, nil)
	for _, tc := range bad {
		_, err := c.PatronInformation(context.Background(), patronRequest())
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %v (%T), want *DecodeError", tc.name, err, err)
		} else if de.Field != tc.field || errors.Is(err, ErrUnexpectedResponse) != tc.unexpected {
			t.Errorf("%s: err = %v, want field %q", tc.name, err, tc.field)
		}
		if pi, err := c.PatronInformation(context.Background(), patronRequest()); err != nil || pi.PersonalName != "Joost Müller" {
			t.Errorf("after %s: %+v, %v", tc.name, pi, err)
		}
	}
}

func TestClientSupported(t *testing.T) {
	var statuses atomic.Int32
	addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
		if m.Code == CodeSCStatus {
			statuses.Add(1)
			// A FOLIO-like server: no 29, no 17.
			st := ACSStatusResponse{OnlineStatus: true, InstitutionID: "MAIN",
				Supported: ParseSupportedMessages("YYYNYNYYYNNNNNNN")}
			reply(conn, UTF8, st.Message(), m.Seq, "\r")
		}
		return true
	}))
	c := newTestClient(t, addr, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		code string
		want bool
	}{{"29", false}, {"17", false}, {"11", true}, {"23", true}, {"63", true}} {
		if got, err := c.Supports(ctx, tc.code); err != nil || got != tc.want {
			t.Errorf("Supports(%s) = %v, %v; want %v", tc.code, got, err, tc.want)
		}
	}
	if n := statuses.Load(); n != 1 {
		t.Errorf("%d 99s sent, want 1 (cached per connection)", n)
	}
	if s, err := c.Supported(ctx); err != nil || s.Renew || !s.Checkout {
		t.Errorf("Supported = %+v, %v", s, err)
	}
}

func TestClientPatronStatusAndItemInformation(t *testing.T) {
	addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
		switch m.Code {
		case CodePatronStatus:
			r, _ := ParsePatronStatusRequest(m)
			reply(conn, UTF8, PatronStatusResponse{Language: "001", InstitutionID: "MAIN", PatronID: r.PatronID,
				PersonalName: "Joost Müller", ValidPatron: Yes}.Message(), m.Seq, "\r")
		case CodeItemInformation:
			r, _ := ParseItemInformationRequest(m)
			reply(conn, UTF8, ItemInformationResponse{CirculationStatus: CircCharged, ItemID: r.ItemID,
				TitleID: "De avonden", DueDate: "20261218    235900"}.Message(), m.Seq, "\r")
		}
		return true
	}))
	c := newTestClient(t, addr, nil)
	ps, err := c.PatronStatus(context.Background(), &PatronStatusRequest{PatronID: "21234000123456"})
	if err != nil || ps.PersonalName != "Joost Müller" || ps.PatronID != "21234000123456" {
		t.Errorf("PatronStatus = %+v, %v", ps, err)
	}
	ii, err := c.ItemInformation(context.Background(), &ItemInformationRequest{ItemID: "31234000987654"})
	if err != nil || ii.CirculationStatus != CircCharged || ii.TitleID != "De avonden" {
		t.Errorf("ItemInformation = %+v, %v", ii, err)
	}
	if due, err := ii.Due(time.Local); err != nil || due.Day() != 18 {
		t.Errorf("Due = %v, %v", due, err)
	}
}

func TestSetStatusGoesInEvery99(t *testing.T) {
	got := make(chan string, 4)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\r')
			if err != nil {
				return
			}
			switch line[:2] {
			case "93":
				conn.Write([]byte("941\r"))
			case "99":
				got <- line[:3]
				conn.Write([]byte("98YYYYYY00000320261127    1200002.00AOZTM|AMDemo|BXYYYYYYYYYYYYYYYY|\r"))
			}
		}
	}()
	c := NewClient(ClientConfig{Addr: ln.Addr().String(), RequestTimeout: 2 * time.Second})
	defer c.Close()
	if _, err := c.Status(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.SetStatus(1)
	if _, err := c.Status(context.Background()); err != nil {
		t.Fatal(err)
	}
	if first, second := <-got, <-got; first != "990" || second != "991" {
		t.Errorf("99 status codes %q then %q, want 990 then 991 (out of paper)", first, second)
	}
}

// countingBackend counts the requests that reach the library.
type countingBackend struct {
	testBackend
	logins, infos atomic.Int32
}

func (b *countingBackend) Login(user, password, location string) bool {
	b.logins.Add(1)
	return b.testBackend.Login(user, password, location)
}

func (b *countingBackend) PatronInformation(r *PatronInformationRequest) *PatronInformationResponse {
	b.infos.Add(1)
	return b.testBackend.PatronInformation(r)
}

// TestClientServerClosesIdle: a server that closes the connection after
// every reply, or after a short silence, costs the kiosk nothing: every
// request reaches the library once and gets its answer.
func TestClientServerClosesIdle(t *testing.T) {
	for _, tc := range []struct {
		name       string
		closeAfter bool
		idle       time.Duration
		pause      time.Duration // before requests 6, 13 and 18
		tunnel     bool          // a conn without a file descriptor, as TLS
	}{
		{name: "close after reply", closeAfter: true},
		{name: "close after reply, tunnel", closeAfter: true, tunnel: true},
		{name: "idle timeout", idle: 200 * time.Millisecond, pause: 600 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &countingBackend{}
			srv := &Server{Backend: b, CloseAfterReply: tc.closeAfter, IdleTimeout: tc.idle}
			c := newTestClient(t, serveOn(t, srv), func(c *ClientConfig) {
				if tc.tunnel {
					c.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
						conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
						return opaqueConn{conn}, err
					}
				}
			})
			for i := range 20 {
				if tc.pause > 0 && (i == 5 || i == 12 || i == 17) {
					time.Sleep(tc.pause)
				}
				pi, err := c.PatronInformation(context.Background(), patronRequest())
				if err != nil || pi.PersonalName != "Joost Müller" {
					t.Fatalf("request %d: %+v, %v", i+1, pi, err)
				}
			}
			if n := b.infos.Load(); n != 20 {
				t.Errorf("%d requests reached the library, want 20", n)
			}
			// The first login and one after each pause the server noticed: a
			// loaded machine may wake the server's idle timer only after the
			// next request came in, and then the line simply stays.
			n, least, most := b.logins.Load(), int32(2), int32(4)
			if tc.closeAfter {
				least, most = 20, 20
			}
			if n < least || n > most {
				t.Errorf("%d logins, want %d to %d", n, least, most)
			}
		})
	}
}

// TestServerCloseAfterReplyKeeps96: a request answered with 96 can still
// be sent again on the same connection.
func TestServerCloseAfterReplyKeeps96(t *testing.T) {
	addr := serveOn(t, &Server{Backend: &testBackend{}, CloseAfterReply: true})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	rd := newReader(conn)
	conn.Write([]byte("9300CNkiosk|COs3cret|\r"))
	readMessage(rd)
	conn.Write([]byte("63001\r")) // truncated
	if b, err := readMessage(rd); string(b) != "96" {
		t.Fatalf("truncated 63: %q, %v", b, err)
	}
	conn.Write([]byte("6300020260315    101500          AOMAIN|\r")) // decodes, lacks AA
	if b, err := readMessage(rd); string(b) != "96" {
		t.Fatalf("63 without AA: %q, %v", b, err)
	}
	conn.Write([]byte("6300020260315    101500          AOMAIN|AA21234000123456|AC|\r"))
	if b, err := readMessage(rd); !strings.HasPrefix(string(b), "64") {
		t.Fatalf("63 resent: %q, %v", b, err)
	}
	if _, err := readMessage(rd); err == nil {
		t.Error("connection still open after the 64")
	}
}

// opaqueConn hides the TCP conn's file descriptor.
type opaqueConn struct{ net.Conn }

// TestClientDropsStaleReplies: bytes the server sent after its answer
// (a duplicate, a late reply) are not taken for the next answer.
func TestClientDropsStaleReplies(t *testing.T) {
	var n atomic.Int32
	addr := rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
		i := n.Add(1)
		r := joost64()
		r.PersonalName = fmt.Sprintf("answer %d", i)
		reply(conn, UTF8, r.Message(), m.Seq, "\r")
		r.PersonalName = "stale"
		reply(conn, UTF8, r.Message(), m.Seq, "\r")
		return true
	}))
	c := newTestClient(t, addr, func(c *ClientConfig) { c.ErrorDetection = false })
	for i := 1; i <= 3; i++ {
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != fmt.Sprintf("answer %d", i) {
			t.Fatalf("request %d: %+v, %v", i, pi, err)
		}
		time.Sleep(20 * time.Millisecond) // the stale copy arrives
	}
	if got := n.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
}

// TestClientSequence: with error detection, a reply whose AY is not the
// request's is not the answer: the client asks for the last message with
// 97 and never sends the request twice.
func TestClientSequence(t *testing.T) {
	// serve answers every 63 with a reply of AY seq(m.Seq), and every 97
	// with the right reply while fix97; it counts both.
	serve := func(t *testing.T, seq func(int) int, fix97 bool) (addr string, n63, n97 *atomic.Int32) {
		n63, n97 = new(atomic.Int32), new(atomic.Int32)
		var last int
		addr = rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
			r := joost64()
			switch m.Code {
			case CodePatronInformation:
				n63.Add(1)
				last = m.Seq
				r.PersonalName = "first reply"
				reply(conn, UTF8, r.Message(), seq(m.Seq), "\r")
			case CodeRequestResend:
				n97.Add(1)
				if !fix97 {
					r.PersonalName = "first reply"
					reply(conn, UTF8, r.Message(), seq(last), "\r")
					return true
				}
				reply(conn, UTF8, r.Message(), last, "\r")
			}
			return true
		}))
		return addr, n63, n97
	}
	wrong := func(s int) int { return (s + 1) % 10 }

	t.Run("wrong AY once", func(t *testing.T) {
		addr, n63, n97 := serve(t, wrong, true)
		c := newTestClient(t, addr, nil)
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != "Joost Müller" {
			t.Errorf("%+v, %v", pi, err)
		}
		if n63.Load() != 1 || n97.Load() != 1 {
			t.Errorf("server saw %d 63s and %d 97s, want 1 and 1", n63.Load(), n97.Load())
		}
	})
	t.Run("wrong AY always", func(t *testing.T) {
		addr, n63, n97 := serve(t, wrong, false)
		c := newTestClient(t, addr, func(c *ClientConfig) { c.MaxResend = 2 })
		_, err := c.PatronInformation(context.Background(), patronRequest())
		if !errors.Is(err, ErrNoReply) || !errors.Is(err, ErrSequence) {
			t.Errorf("err = %v, want ErrNoReply and ErrSequence", err)
		}
		if n63.Load() != 1 || n97.Load() != 2 {
			t.Errorf("server saw %d 63s and %d 97s, want 1 and 2", n63.Load(), n97.Load())
		}
	})
	t.Run("no AY", func(t *testing.T) {
		addr, n63, n97 := serve(t, func(int) int { return NoSeq }, true)
		c := newTestClient(t, addr, nil)
		pi, err := c.PatronInformation(context.Background(), patronRequest())
		if err != nil || pi.PersonalName != "first reply" {
			t.Errorf("%+v, %v", pi, err)
		}
		if n63.Load() != 1 || n97.Load() != 0 {
			t.Errorf("server saw %d 63s and %d 97s, want 1 and 0", n63.Load(), n97.Load())
		}
	})
}

// logBuffer collects log lines, for tests that count what happened.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestClientCharsetMismatch: a server on UTF-8 cannot read what a client on
// IBM850 sends beyond ASCII, and answers 96 to every send; the error says
// to check the charset. ASCII requests pass on the same connection.
func TestClientCharsetMismatch(t *testing.T) {
	var logs logBuffer
	addr := serveOn(t, &Server{Backend: &testBackend{}, Charset: UTF8, Logger: logs.logger()})
	c := newTestClient(t, addr, func(c *ClientConfig) { c.Charset = IBM850 })
	ctx := context.Background()
	if _, err := c.PatronInformation(ctx, &PatronInformationRequest{PatronID: "21234000123456", PatronPassword: "Muller"}); err != nil {
		t.Fatalf("ASCII request: %v", err)
	}
	_, err := c.PatronInformation(ctx, &PatronInformationRequest{PatronID: "21234000123456", PatronPassword: "Müller"})
	if !errors.Is(err, ErrCharset) || !strings.Contains(err.Error(), "check [ils] charset") {
		t.Errorf("err = %v, want ErrCharset", err)
	}
	if n := logs.count("bad request"); n != 4 {
		t.Errorf("server answered %d requests with 96, want 4 (the request and 3 resends)", n)
	}

	// 96 to every send of an ASCII request is a plain checksum failure.
	addr = rawServer(t, loginThen(func(conn net.Conn, m Message) bool {
		conn.Write([]byte("96\r"))
		return true
	}))
	c = newTestClient(t, addr, nil)
	if _, err := c.PatronInformation(ctx, patronRequest()); !errors.Is(err, ErrChecksum) || errors.Is(err, ErrCharset) {
		t.Errorf("ASCII request answered 96 each time: err = %v, want ErrChecksum only", err)
	}
}

// TestProbeIgnoresBackoff: once the library system is back, Probe finds
// it at once, while other requests still wait out the backoff.
func TestProbeIgnoresBackoff(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the library system is down
	c := newTestClient(t, addr, func(c *ClientConfig) { c.MaxBackoff = 2 * time.Second })
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	// Refused dials, each after the last backoff: the wait grows to 2s.
	for range 6 {
		mu.Lock()
		now = now.Add(3 * time.Second)
		mu.Unlock()
		if _, err := c.Status(short()); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("server down: err = %v", err)
		}
	}
	if _, err := c.Status(short()); err == nil || !strings.Contains(err.Error(), "next attempt in") {
		t.Fatalf("err = %v, want a dial refused by the backoff", err)
	}

	ln, err = net.Listen("tcp", addr) // back, on the same port
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Backend: &testBackend{}}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	if _, err := c.Status(short()); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "next attempt in 2s") {
		t.Errorf("Status while backing off: err = %v, want next attempt in 2s", err)
	}
	start := time.Now()
	st, err := c.Probe(short())
	if err != nil || !st.OnlineStatus {
		t.Fatalf("Probe = %+v, %v", st, err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Probe took %v", d)
	}
	if _, err := c.Status(short()); err != nil {
		t.Errorf("Status after the probe: %v", err)
	}
}

// renewAllBackend answers 65 with what it was asked.
type renewAllBackend struct {
	testBackend
	got chan *RenewAllRequest
}

func (b *renewAllBackend) RenewAll(r *RenewAllRequest) *RenewAllResponse {
	b.got <- r
	return &RenewAllResponse{OK: true, RenewedCount: 1, UnrenewedCount: 1, TransactionDate: r.TransactionDate,
		InstitutionID: r.InstitutionID, RenewedItems: []string{"31234000987654"}, UnrenewedItems: []string{"31234000987670"}}
}

func TestClientRenewAll(t *testing.T) {
	b := &renewAllBackend{got: make(chan *RenewAllRequest, 1)}
	at := local(2026, 3, 14, 16, 42, 0)
	c := newTestClient(t, startServer(t, b, UTF8), func(c *ClientConfig) {
		c.TerminalPassword = "term"
		c.Now = func() time.Time { return at }
	})
	r, err := c.RenewAll(context.Background(), &RenewAllRequest{PatronID: "21234000123456", PatronPassword: "1234"})
	if err != nil || !r.OK || r.RenewedCount != 1 || len(r.RenewedItems) != 1 || len(r.UnrenewedItems) != 1 {
		t.Fatalf("RenewAll = %+v, %v", r, err)
	}
	req := <-b.got
	if req.InstitutionID != "MAIN" || req.TerminalPassword != "term" || !req.TransactionDate.Equal(at) || req.PatronPassword != "1234" {
		t.Errorf("server got %+v", req)
	}
}
