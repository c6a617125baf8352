package escpos

import (
	"errors"
	"testing"
)

// Reply bytes as a printer sends them.
const (
	replyOnline   = 0x12 // DLE EOT 1: online; DLE EOT 4: paper adequate
	replyOffline  = 0x1a // DLE EOT 1: bit 3
	replyNearEnd  = 0x1e // DLE EOT 4: bits 2 and 3
	replyPaperEnd = 0x72 // DLE EOT 4: bits 5 and 6
	xon, xoff     = 0x11, 0x13
)

var statusCases = []struct {
	name           string
	printer, paper []byte
	want           Status
	err            bool
	is             error // Status.Err
}{
	{name: "online", printer: []byte{replyOnline}, paper: []byte{replyOnline}, want: Status{}},
	{name: "near end", printer: []byte{replyOnline}, paper: []byte{replyNearEnd}, want: Status{PaperNearEnd: true}},
	{name: "offline", printer: []byte{replyOffline}, paper: []byte{replyOnline}, want: Status{Offline: true}, is: ErrOffline},
	{name: "paper end", printer: []byte{replyOffline}, paper: []byte{replyPaperEnd}, want: Status{Offline: true, PaperEnd: true}, is: ErrNoPaper},
	{name: "paper end, still online", printer: []byte{replyOnline}, paper: []byte{0x32}, want: Status{PaperEnd: true}, is: ErrNoPaper},
	{name: "XON XOFF skipped", printer: []byte{xoff, xon, replyOnline}, paper: []byte{xon, replyOnline}, want: Status{}},
	{name: "ASB block skipped", printer: []byte{0x10, 0x00, 0x00, 0x00, replyOffline}, paper: []byte{replyOnline}, want: Status{Offline: true}, is: ErrOffline},
	{name: "first reply counts", printer: []byte{replyOnline, replyOffline}, paper: []byte{replyOnline}, want: Status{}},
	{name: "no printer reply", printer: nil, paper: []byte{replyOnline}, want: Status{Offline: true}, err: true, is: ErrOffline},
	{name: "no paper reply", printer: []byte{replyOnline}, paper: []byte{0xff, 0x00}, want: Status{Offline: true}, err: true, is: ErrOffline},
	{name: "bit 7 set is not a reply", printer: []byte{0x92}, paper: []byte{replyOnline}, want: Status{Offline: true}, err: true, is: ErrOffline},
}

func TestParseStatus(t *testing.T) {
	for _, tc := range statusCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatus(tc.printer, tc.paper)
			if (err != nil) != tc.err || !errors.Is(err, errNoReply) && tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("status = %+v, want %+v", got, tc.want)
			}
			if e := got.Err(); e != tc.is {
				t.Errorf("Err() = %v, want %v", e, tc.is)
			}
		})
	}
}

// FuzzStatus feeds the status parser any bytes: it finds the first reply
// byte of each, and reads its bits, and nothing else.
func FuzzStatus(f *testing.F) {
	for _, tc := range statusCases {
		f.Add(tc.printer, tc.paper)
	}
	f.Fuzz(func(t *testing.T, printer, paper []byte) {
		got, err := parseStatus(printer, paper)
		p, okP := firstReply(printer)
		s, okS := firstReply(paper)
		if !okP || !okS {
			if err == nil || !got.Offline || got.Err() != ErrOffline {
				t.Fatalf("no reply in %q, %q: %+v, %v", printer, paper, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("replies %#x, %#x: %v", p, s, err)
		}
		if p&0x93 != 0x12 || s&0x93 != 0x12 {
			t.Fatalf("took %#x, %#x as replies", p, s)
		}
		want := Status{Offline: p&0x08 != 0, PaperNearEnd: s&0x0c != 0, PaperEnd: s&0x60 != 0}
		if got != want {
			t.Fatalf("%#x, %#x: %+v, want %+v", p, s, got, want)
		}
		switch e := got.Err(); {
		case got.PaperEnd && e != ErrNoPaper, !got.PaperEnd && got.Offline && e != ErrOffline,
			!got.PaperEnd && !got.Offline && e != nil:
			t.Fatalf("%+v: Err() = %v", got, e)
		}
		if got.String() == "" {
			t.Fatal("empty String")
		}
		// What the fake printer of the tests sends reads back the same.
		if back := decodeStatus(reply(queryPrinter, got), reply(queryPaper, got)); back != got {
			t.Fatalf("%+v sent as replies reads back as %+v", got, back)
		}
	})
}

// reply is the byte a printer in state st answers to DLE EOT n.
func reply(n byte, st Status) byte {
	b := byte(replyOnline)
	switch n {
	case queryPrinter:
		if st.Offline {
			b |= 0x08
		}
	case queryPaper:
		if st.PaperNearEnd {
			b |= 0x0c
		}
		if st.PaperEnd {
			b |= 0x60
		}
	}
	return b
}
