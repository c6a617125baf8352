package sip2_test

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

var (
	checkout11 = "11YY20260314    16420020260328    235900AOMAIN|AA21234000123456|AB31234000987654|AC|BON|BIN|AY2AZE989"
	checkout12 = []byte("121NNY20261127    120500AOMAIN|AA21234000123456|AB31234000987654|AJDe avonden|AH20261218    235900|AY2AZE707")
	patron64   = []byte("64              00120261127    120000000000000003000000000000AOMAIN|AA21234000123456|AEJoost Müller|BLY|CQY|AY1AZE4BC")
)

// BenchmarkCodecCheckout encodes an 11 and decodes and parses a 12: the
// target is ≤ 3 µs and ≤ 20 allocations per pair.
func BenchmarkCodecCheckout(b *testing.B) {
	codec := sip2.Codec{}
	req := sip2.CheckoutRequest{SCRenewalPolicy: true, NoBlock: true, TransactionDate: time.Now(), NBDueDate: time.Now(),
		InstitutionID: "MAIN", PatronID: "21234000123456", ItemID: "31234000987654", FeeAcknowledged: sip2.No, Cancel: sip2.No}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(checkout11) + len(checkout12)))
	for b.Loop() {
		m := req.Message()
		m.Seq = 2
		var err error
		buf, err = codec.AppendEncode(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		rm, err := codec.Decode(checkout12)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sip2.ParseCheckoutResponse(rm); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodecPatronInfo encodes a 63 and decodes and parses a 64.
func BenchmarkCodecPatronInfo(b *testing.B) {
	codec := sip2.Codec{}
	req := sip2.PatronInformationRequest{Language: "001", TransactionDate: time.Now(), InstitutionID: "MAIN",
		PatronID: "21234000123456", PatronPassword: "1234"}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		m := req.Message()
		m.Seq = 1
		var err error
		buf, err = codec.AppendEncode(buf[:0], m)
		if err != nil {
			b.Fatal(err)
		}
		rm, err := codec.Decode(patron64)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sip2.ParsePatronInformationResponse(rm); err != nil {
			b.Fatal(err)
		}
	}
}

// cannedServer answers a 93 with 94 and every other message with reply,
// whatever it says, under the request's AY: the cost of the server side is
// the same for the bare and the client benchmarks.
func cannedServer(b *testing.B, reply sip2.Message) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	var replies [10][]byte // by AY
	for seq := range replies {
		reply.Seq = seq
		out, err := sip2.Codec{}.Encode(reply)
		if err != nil {
			b.Fatal(err)
		}
		replies[seq] = append(out, '\r')
	}
	login := []byte("941AY0AZFDFD\r")
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				rd := bufio.NewReader(conn)
				for {
					line, err := rd.ReadSlice('\r')
					if err != nil {
						return
					}
					out := replies[1]
					if n := len(line); n >= 8 && line[n-8] >= '0' && line[n-8] <= '9' { // ...AY<seq>AZ<hex4>\r
						out = replies[line[n-8]-'0']
					}
					if len(line) > 1 && line[0] == '9' && line[1] == '3' {
						out = login
					}
					if _, err := conn.Write(out); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// pingPong is the same exchange as a 63 → 64, done by hand.
type pingPong struct {
	client  *sip2.Client
	req     *sip2.PatronInformationRequest
	conn    net.Conn
	rd      *bufio.Reader
	request []byte
}

func newPingPong(b *testing.B) *pingPong {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local)
	resp := joost64Response()
	p := &pingPong{req: &sip2.PatronInformationRequest{PatronID: "20790000000010", PatronPassword: "1234"}}

	// The client, against its own canned server.
	p.client = sip2.NewClient(sip2.ClientConfig{Addr: cannedServer(b, resp), User: "kiosk", Password: "kiosk",
		Institution: "ZTM", ErrorDetection: true, KeepAlive: -1, Now: func() time.Time { return now }})
	b.Cleanup(func() { p.client.Close() })
	if _, err := p.client.PatronInformation(context.Background(), p.req); err != nil {
		b.Fatal(err)
	}

	// The bare side sends exactly the bytes the client sends.
	rm := sip2.PatronInformationRequest{TransactionDate: now, InstitutionID: "ZTM", PatronID: p.req.PatronID, PatronPassword: p.req.PatronPassword}.Message()
	rm.Seq = 1
	var err error
	if p.request, err = (sip2.Codec{}).Encode(rm); err != nil {
		b.Fatal(err)
	}
	p.request = append(p.request, '\r')
	if p.conn, err = net.Dial("tcp", cannedServer(b, resp)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.conn.Close() })
	p.rd = bufio.NewReader(p.conn)
	return p
}

func joost64Response() sip2.Message {
	limit := 20
	return sip2.PatronInformationResponse{Language: "001", TransactionDate: time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local),
		ChargedItemsCount: 3, InstitutionID: "ZTM", PatronID: "20790000000010", PersonalName: "Joost Müller",
		ChargedItemsLimit: &limit, ValidPatron: sip2.Yes, ValidPatronPassword: sip2.Yes, CurrencyType: "EUR", FeeLimit: "10.00",
		HomeAddress: "Dorpsstraat 12, 2712 AB Zoetermeer", EmailAddress: "joost.muller@example.nl"}.Message()
}

func (p *pingPong) bare(b *testing.B) {
	p.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := p.conn.Write(p.request); err != nil {
		b.Fatal(err)
	}
	if _, err := p.rd.ReadSlice('\r'); err != nil {
		b.Fatal(err)
	}
}

func (p *pingPong) viaClient(b *testing.B) {
	if _, err := p.client.PatronInformation(context.Background(), p.req); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRoundTrip compares a client 63 → 64 over loopback with a bare
// TCP ping-pong of the same bytes, both against a canned-reply server.
func BenchmarkRoundTrip(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		p := newPingPong(b)
		b.ReportAllocs()
		for b.Loop() {
			p.bare(b)
		}
	})
	b.Run("client", func(b *testing.B) {
		p := newPingPong(b)
		b.ReportAllocs()
		for b.Loop() {
			p.viaClient(b)
		}
	})
}

// BenchmarkClientOverhead alternates bare and client round trips in one
// loop, so drift in loopback latency hits both alike, and reports the
// client's overhead over the bare ping-pong in percent.
func BenchmarkClientOverhead(b *testing.B) {
	p := newPingPong(b)
	var bare, client time.Duration
	for b.Loop() {
		t0 := time.Now()
		p.bare(b)
		t1 := time.Now()
		p.viaClient(b)
		t2 := time.Now()
		bare += t1.Sub(t0)
		client += t2.Sub(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/req")
	b.ReportMetric(float64(client.Nanoseconds())/n, "client-ns/req")
	b.ReportMetric(100*(float64(client)/float64(bare)-1), "overhead-%")
}

// BenchmarkDemoServerPatronInfo is the demo library's throughput on 63
// over one connection, through the client.
func BenchmarkDemoServerPatronInfo(b *testing.B) {
	lib, err := demo.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &sip2.Server{Backend: lib}
	go srv.Serve(ln)
	defer srv.Close()
	c := sip2.NewClient(sip2.ClientConfig{Addr: ln.Addr().String(), User: "kiosk", Password: "kiosk",
		Institution: "ZTM", ErrorDetection: true, KeepAlive: -1})
	defer c.Close()
	ctx := context.Background()
	req := &sip2.PatronInformationRequest{PatronID: "20790000000010", PatronPassword: "1234"}
	if _, err := c.PatronInformation(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PatronInformation(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
