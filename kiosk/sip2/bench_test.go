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

// BenchmarkCodecCheckout encodes an 11 and decodes and parses a 12.
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

// BenchmarkPatronInfoRoundTrip is a client 63 → 64 over loopback against
// the demo library; compare with BenchmarkBareTCPPingPong.
func BenchmarkPatronInfoRoundTrip(b *testing.B) {
	lib, err := demo.Load()
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
}

// BenchmarkBareTCPPingPong sends the same bytes as a 63 and reads back a
// canned 64 of the demo's length: the floor set by loopback TCP.
func BenchmarkBareTCPPingPong(b *testing.B) {
	lib, _ := demo.Load()
	resp := lib.PatronInformation(&sip2.PatronInformationRequest{PatronID: "20790000000010", PatronPassword: "1234"}).Message()
	resp.Seq = 1
	reply, _ := sip2.Codec{}.Encode(resp)
	reply = append(reply, '\r')
	rm := sip2.PatronInformationRequest{TransactionDate: time.Now(), InstitutionID: "ZTM", PatronID: "20790000000010", PatronPassword: "1234"}.Message()
	rm.Seq = 1
	request, _ := sip2.Codec{}.Encode(rm)
	request = append(request, '\r')

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		rd := bufio.NewReader(conn)
		for {
			if _, err := rd.ReadSlice('\r'); err != nil {
				return
			}
			if _, err := conn.Write(reply); err != nil {
				return
			}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	b.ReportAllocs()
	for b.Loop() {
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write(request); err != nil {
			b.Fatal(err)
		}
		if _, err := rd.ReadSlice('\r'); err != nil {
			b.Fatal(err)
		}
	}
}
