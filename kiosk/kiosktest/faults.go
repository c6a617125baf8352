package kiosktest

import (
	"bufio"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Faults stands between the kiosk's client and the demo library on
// loopback and breaks the line the ways real servers and networks do. It
// relays one request and its answer at a time, as SIP2 goes.
type Faults struct {
	Addr   string
	target string

	mu     sync.Mutex
	before map[string]int // request code → how many to swallow, then hang up
	after  map[string]int // request code → how many to pass on, then hang up before the answer
	seen   map[string]int // request code → how many reached the library
	delay  time.Duration  // before each answer, as a slow library system
}

// SetDelay holds every answer back by d, as a library system far away.
func (f *Faults) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// Total counts the requests of any code that reached the library.
func (f *Faults) Total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.seen {
		n += c
	}
	return n
}

// WithFaults puts a Faults in front of d's server for the rest of the
// test: d.Client and d.ILS then talk through it.
func (d *ILS) WithFaults(t testing.TB) *Faults {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &Faults{Addr: ln.Addr().String(), target: d.Addr, before: map[string]int{}, after: map[string]int{}, seen: map[string]int{}}
	var wg sync.WaitGroup
	var conns sync.Map
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Store(c, true)
			wg.Add(1)
			go func() { defer wg.Done(); defer conns.Delete(c); f.relay(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		conns.Range(func(c, _ any) bool { c.(net.Conn).Close(); return true })
		wg.Wait()
	})
	d.Reconfigure(t, func(c *sip2.ClientConfig) { c.Addr = f.Addr })
	return f
}

// Reconfigure replaces d.Client (and d.ILS over it) with a client whose
// configuration change has changed, e.g. a real reconnect backoff.
func (d *ILS) Reconfigure(t testing.TB, change func(*sip2.ClientConfig)) {
	cfg := d.Client.Config()
	change(&cfg)
	d.Client.Close()
	d.Client = sip2.NewClient(cfg)
	t.Cleanup(func() { d.Client.Close() })
	d.ILS = ils.New(d.Client)
}

// DropBefore makes the next n requests with code vanish: the line closes
// before the library reads them, as a server that closes idle connections.
func (f *Faults) DropBefore(code string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.before[code] += n
}

// DropAfter lets the next n requests with code reach the library, then
// closes the line before the answer gets back: the library did it, the
// kiosk does not know.
func (f *Faults) DropAfter(code string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.after[code] += n
}

// Seen counts the requests with code that reached the library.
func (f *Faults) Seen(code string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[code]
}

// take reports what to do with a request: swallow it, pass it on and drop
// the answer, or relay it after delay.
func (f *Faults) take(code string) (swallow, dropAnswer bool, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.before[code] > 0 {
		f.before[code]--
		return true, false, 0
	}
	f.seen[code]++
	if f.after[code] > 0 {
		f.after[code]--
		return false, true, 0
	}
	return false, false, f.delay
}

func (f *Faults) relay(client net.Conn) {
	defer client.Close()
	server, err := net.DialTimeout("tcp", f.target, time.Second)
	if err != nil {
		return
	}
	defer server.Close()
	fromClient, fromServer := bufio.NewReader(client), bufio.NewReader(server)
	for {
		req, err := fromClient.ReadBytes('\r')
		if err != nil {
			return
		}
		code := ""
		if trimmed := trimLF(req); len(trimmed) >= 2 {
			code = string(trimmed[:2])
		}
		swallow, dropAnswer, delay := f.take(code)
		if swallow {
			return
		}
		if _, err := server.Write(req); err != nil {
			return
		}
		server.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := fromServer.ReadBytes('\r')
		if err != nil || dropAnswer {
			return
		}
		if delay > 0 {
			time.Sleep(delay)
		}
		if _, err := client.Write(resp); err != nil {
			return
		}
	}
}

func trimLF(b []byte) []byte {
	for len(b) > 0 && b[0] == '\n' {
		b = b[1:]
	}
	return b
}
