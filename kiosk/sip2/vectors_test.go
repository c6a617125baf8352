package sip2

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

func local(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.Local)
}

type typed interface{ Message() Message }

// vector is one checked wire message from SIP2.md.
type vector struct {
	name    string
	charset Charset
	wire    string
	seq     int
	typed   typed                        // nil when only the generic form is checked
	parse   func(Message) (typed, error) // reads typed back
}

func wrap[T typed](f func(Message) (*T, error)) func(Message) (typed, error) {
	return func(m Message) (typed, error) {
		v, err := f(m)
		if err != nil {
			return nil, err
		}
		return *v, nil
	}
}

var vectors = []vector{
	{name: "93 login", wire: "9300CNkiosk01|COs3cret|CPBRANCH1|AY0AZF3F0", seq: 0,
		typed: LoginRequest{UIDAlgorithm: '0', PWDAlgorithm: '0', User: "kiosk01", Password: "s3cret", Location: "BRANCH1"},
		parse: wrap(ParseLoginRequest)},
	{name: "99 status", wire: "9900302.00AY4AZFCA2", seq: 4,
		typed: SCStatusRequest{StatusCode: 0, MaxPrintWidth: 30, ProtocolVersion: "2.00"},
		parse: wrap(ParseSCStatusRequest)},
	{name: "94 login ok", wire: "941AY0AZFDFD", seq: 0,
		typed: LoginResponse{OK: true}, parse: wrap(ParseLoginResponse)},
	{name: "63 patron information", wire: "6300120260315    101500          AOMAIN|AA21234000123456|AC|AD1234|AY1AZF06B", seq: 1,
		typed: PatronInformationRequest{Language: "001", TransactionDate: local(2026, 3, 15, 10, 15, 0),
			InstitutionID: "MAIN", PatronID: "21234000123456", PatronPassword: "1234"},
		parse: wrap(ParsePatronInformationRequest)},
	{name: "23 patron status", wire: "2300020261127    120000AOMAIN|AA21234000123456|AC|AD|AY5AZF278", seq: 5,
		typed: PatronStatusRequest{Language: "000", TransactionDate: local(2026, 11, 27, 12, 0, 0), InstitutionID: "MAIN", PatronID: "21234000123456"},
		parse: wrap(ParsePatronStatusRequest)},
	{name: "11 checkout", wire: "11YY20260314    16420020260328    235900AOMAIN|AA21234000123456|AB31234000987654|AC|BON|BIN|AY2AZE989", seq: 2,
		typed: CheckoutRequest{SCRenewalPolicy: true, NoBlock: true, TransactionDate: local(2026, 3, 14, 16, 42, 0),
			NBDueDate: local(2026, 3, 28, 23, 59, 0), InstitutionID: "MAIN", PatronID: "21234000123456",
			ItemID: "31234000987654", FeeAcknowledged: No, Cancel: No},
		parse: wrap(ParseCheckoutRequest)},
	{name: "09 checkin", wire: "09Y20260314    16430020260314    164300APBRANCH1|AOMAIN|AB31234000987654|AC|BIN|AY3AZEC11", seq: 3,
		typed: CheckinRequest{NoBlock: true, TransactionDate: local(2026, 3, 14, 16, 43, 0), ReturnDate: local(2026, 3, 14, 16, 43, 0),
			CurrentLocation: "BRANCH1", InstitutionID: "MAIN", ItemID: "31234000987654", Cancel: No},
		parse: wrap(ParseCheckinRequest)},
	{name: "12 checkout ok", wire: "121NNY20261127    120500AOMAIN|AA21234000123456|AB31234000987654|AJDe avonden|AH20261218    235900|AY2AZE707", seq: 2,
		typed: CheckoutResponse{OK: true, MagneticMedia: No, Desensitize: Yes, TransactionDate: local(2026, 11, 27, 12, 5, 0),
			InstitutionID: "MAIN", PatronID: "21234000123456", ItemID: "31234000987654", TitleID: "De avonden", DueDate: "20261218    235900"},
		parse: wrap(ParseCheckoutResponse)},
	{name: "97 request resend", wire: "97AZFEF5", seq: 0, typed: RequestACSResend{Checksum: true}, parse: wrap(ParseRequestACSResend)},
	{name: "96 resend", wire: "96AZFEF6", seq: 0, typed: RequestSCResend{Checksum: true}, parse: wrap(ParseRequestSCResend)},
	// 65 and 66 are not in SIP2.md: their checksums were computed apart
	// from this package, the layout checked against the 2.00 spec.
	{name: "65 renew all", wire: "6520260314    164200AOMAIN|AA21234000123456|AD1234|AY4AZF332", seq: 4,
		typed: RenewAllRequest{TransactionDate: local(2026, 3, 14, 16, 42, 0), InstitutionID: "MAIN",
			PatronID: "21234000123456", PatronPassword: "1234"},
		parse: wrap(ParseRenewAllRequest)},
	{name: "66 renew all response", wire: "6610002000120260314    164205AOMAIN|BM31234000987654|BM31234000987662|BN31234000987670|AFItem has reached its renewal limit|AY4AZDDD0", seq: 4,
		typed: RenewAllResponse{OK: true, RenewedCount: 2, UnrenewedCount: 1, TransactionDate: local(2026, 3, 14, 16, 42, 5),
			InstitutionID: "MAIN", RenewedItems: []string{"31234000987654", "31234000987662"}, UnrenewedItems: []string{"31234000987670"},
			ScreenMessages: []string{"Item has reached its renewal limit"}},
		parse: wrap(ParseRenewAllResponse)},
	{name: "64 utf-8", charset: UTF8, wire: "64              00120261127    120000000000000003000000000000AOMAIN|AA21234000123456|AEJoost Müller|BLY|CQY|AY1AZE4BC", seq: 1,
		typed: joost64(), parse: wrap(ParsePatronInformationResponse)},
	{name: "64 ibm850", charset: IBM850, wire: "64              00120261127    120000000000000003000000000000AOMAIN|AA21234000123456|AEJoost Müller|BLY|CQY|AY1AZE5BA", seq: 1,
		typed: joost64(), parse: wrap(ParsePatronInformationResponse)},
}

func joost64() PatronInformationResponse {
	return PatronInformationResponse{Language: "001", TransactionDate: local(2026, 11, 27, 12, 0, 0), ChargedItemsCount: 3,
		InstitutionID: "MAIN", PatronID: "21234000123456", PersonalName: "Joost Müller", ValidPatron: Yes, ValidPatronPassword: Yes}
}

// wireBytes is the vector as sent: the text in the vector's charset.
func (v vector) wireBytes() []byte {
	return Charset(v.charset).appendEncoded(nil, v.wire)
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			codec := Codec{Charset: v.charset}
			wire := v.wireBytes()
			m, err := codec.Decode(wire)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Seq != v.seq {
				t.Errorf("Seq = %d, want %d", m.Seq, v.seq)
			}
			// generic round trip
			out, err := codec.Encode(m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(out, wire) {
				t.Errorf("generic round trip:\n got %q\nwant %q", out, wire)
			}
			if v.typed == nil {
				return
			}
			tm := v.typed.Message()
			tm.Seq = v.seq
			out, err = codec.Encode(tm)
			if err != nil {
				t.Fatalf("Encode typed: %v", err)
			}
			if !bytes.Equal(out, wire) {
				t.Errorf("typed encode:\n got %q\nwant %q", out, wire)
			}
			got, err := v.parse(m)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(got, v.typed) {
				t.Errorf("parse:\n got %+v\nwant %+v", got, v.typed)
			}
		})
	}
}

func TestChecksumAcceptsCodePointSumAndLowerHex(t *testing.T) {
	// "Joost Müller" in UTF-8 bytes, with the checksum of its code points.
	s := "64              00120261127    120000000000000003000000000000AOMAIN|AA21234000123456|AEJoost Müller|BLY|CQY|AY1AZ"
	cp := runeSum(s)
	wire := s + string(appendChecksum(nil, cp))
	if _, err := (Codec{}).Decode([]byte(wire)); err != nil {
		t.Errorf("code-point checksum rejected: %v", err)
	}
	lower := "941AY0AZfdfd"
	if _, err := (Codec{}).Decode([]byte(lower)); err != nil {
		t.Errorf("lower-case hex rejected: %v", err)
	}
	_, err := (Codec{}).Decode([]byte("941AY0AZFDFE"))
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("bad checksum: err = %v, want ErrChecksum", err)
	}
	var de *DecodeError
	if !errors.As(err, &de) || de.Code != "94" || de.Field != "AZ" {
		t.Errorf("bad checksum: err = %#v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct {
		name, wire string
		parse      func(Message) error
		field      string
	}{
		{name: "empty", wire: ""},
		{name: "no code", wire: "A1"},
		{name: "truncated fixed", wire: "64   001AOMAIN|"},
		{name: "field too long", wire: "941AF" + string(long) + "|", field: "AF"},
		{name: "bad checksum", wire: "9900302.00AY4AZFCA3", field: "AZ"},
		{name: "bad date", wire: "6300120261315    1015XX          AOMAIN|AA1|",
			parse: func(m Message) error { _, err := ParsePatronInformationRequest(m); return err }, field: "transaction date"},
		{name: "missing required", wire: "6300120260315    101500          AOMAIN|",
			parse: func(m Message) error { _, err := ParsePatronInformationRequest(m); return err }, field: "AA"},
		{name: "bad count", wire: "64              00120261127    1200000000000000x3000000000000AOMAIN|AA1|AE|",
			parse: func(m Message) error { _, err := ParsePatronInformationResponse(m); return err }, field: "charged items count"},
		{name: "wrong code", wire: "941",
			parse: func(m Message) error { _, err := ParsePatronInformationResponse(m); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := (Codec{}).Decode([]byte(tc.wire))
			if err == nil && tc.parse != nil {
				err = tc.parse(m)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.Field != tc.field {
				t.Errorf("Field = %q, want %q (%v)", de.Field, tc.field, err)
			}
		})
	}
}

func TestDecodeFraming(t *testing.T) {
	for _, wire := range []string{"\n941AY0AZFDFD\r", "941AY0AZFDFD\r\n", "941AY0AZFDFD"} {
		m, err := (Codec{}).Decode([]byte(wire))
		if err != nil || m.Code != "94" || m.Fixed != "1" || m.Seq != 0 {
			t.Errorf("Decode(%q) = %+v, %v", wire, m, err)
		}
	}
	// An "AZ" inside a field value is not a trailer.
	m, err := (Codec{}).Decode([]byte("941AFBAZ1234"))
	if err != nil || len(m.Fields) != 1 || m.Fields[0].Value != "BAZ1234" || m.Seq != NoSeq {
		t.Errorf("Decode = %+v, %v", m, err)
	}
}

func TestRoundTripPatronInformation(t *testing.T) {
	limit := 20
	r := PatronInformationResponse{
		Status:          PatronStatus{ChargePrivilegesDenied: true, ExcessiveOutstandingFines: true},
		Language:        "005",
		TransactionDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		HoldItemsCount:  1, OverdueItemsCount: 2, ChargedItemsCount: 3, FineItemsCount: 4, RecallItemsCount: 5, UnavailableHoldsCount: 6,
		InstitutionID: "ZTM", PatronID: "20790000000018", PersonalName: "Ayşe Yılmaz",
		ChargedItemsLimit: &limit, ValidPatron: Yes, ValidPatronPassword: No,
		CurrencyType: "EUR", FeeAmount: "12.50", FeeLimit: "10.00",
		HoldItems: []string{"1", "2"}, OverdueItems: []string{"3"}, ChargedItems: []string{"4", "5", "6"},
		FineItems: []string{"7"}, RecallItems: []string{"8"}, UnavailableHoldItems: []string{"9"},
		HomeAddress: "Markt 1, Zoetermeer", EmailAddress: "a@example.org", HomePhoneNumber: "079-1234567",
		ScreenMessages: []string{"Patron has outstanding fines", "Второе"}, PrintLines: []string{"line 1", "line 2"},
		Extra: []Field{{"ZZ", "unknown"}, {"ZZ", "again"}},
	}
	for _, cs := range []Charset{UTF8, IBM850, ASCII} {
		codec := Codec{Charset: cs, Delimiter: '^'}
		m := r.Message()
		m.Seq = 7
		b, err := codec.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := codec.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", cs, err)
		}
		got, err := ParsePatronInformationResponse(m2)
		if err != nil {
			t.Fatal(err)
		}
		want := r
		if cs != UTF8 {
			want.PersonalName = string(cs.decode(cs.appendEncoded(nil, r.PersonalName)))
			want.ScreenMessages = []string{r.ScreenMessages[0], cs.decode(cs.appendEncoded(nil, r.ScreenMessages[1]))}
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", cs, *got, want)
		}
	}
	if got := ASCII.decode(ASCII.appendEncoded(nil, "Joost Müller")); got != "Joost Muller" {
		t.Errorf("ascii fallback = %q", got)
	}
}

func TestRoundTripStatus(t *testing.T) {
	r := ACSStatusResponse{OnlineStatus: true, CheckinOK: true, CheckoutOK: true, TimeoutPeriod: 50, RetriesAllowed: 3,
		DateTimeSync: local(2026, 5, 1, 9, 0, 0), ProtocolVersion: "2.00", InstitutionID: "ZTM", LibraryName: "Demo",
		Supported:      SupportedMessages{Checkout: true, Checkin: true, SCStatus: true, Login: true, PatronInformation: true, EndPatronSession: true},
		ScreenMessages: []string{"hi"}}
	m := r.Message()
	if v, _ := m.Get("BX"); v != "NYYNYNYYYNNNNNNN" {
		t.Errorf("BX = %q", v)
	}
	b, _ := Codec{}.Encode(m)
	m2, err := Codec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseACSStatusResponse(m2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, r) {
		t.Errorf("got %+v\nwant %+v", *got, r)
	}
	if !got.Supported.Supports("11") || got.Supported.Supports("29") {
		t.Error("Supports wrong")
	}
	if ParseSupportedMessages("YY").Checkin {
		t.Error("short BX should leave the rest false")
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		s    string
		want time.Time
	}{
		{"20260315    101500", local(2026, 3, 15, 10, 15, 0)},
		{"20260315   Z101500", time.Date(2026, 3, 15, 10, 15, 0, 0, time.UTC)},
		{BlankDate, time.Time{}},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.s)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v", tc.s, got, err)
		}
		if f := FormatDate(tc.want); f != tc.s {
			t.Errorf("FormatDate(%v) = %q, want %q", tc.want, f, tc.s)
		}
	}
	for _, bad := range []string{"2026", "20261301    101500", "2026031X    101500"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q): no error", bad)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, m := range []Message{
		{Code: "6", Seq: NoSeq},
		{Code: "63", Fields: []Field{{"AO", "a|b"}}, Seq: NoSeq},
		{Code: "63", Fields: []Field{{"A", "x"}}, Seq: NoSeq},
		{Code: "63", Fields: []Field{{"AO", "x\r"}}, Seq: NoSeq},
		{Code: "63", Seq: 10},
	} {
		var ee *EncodeError
		if _, err := (Codec{}).Encode(m); !errors.As(err, &ee) {
			t.Errorf("Encode(%+v) err = %v", m, err)
		}
	}
}

func TestSeqWraps(t *testing.T) {
	c := NewClient(ClientConfig{})
	var got []int
	for range 12 {
		got = append(got, c.nextSeq())
	}
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("seq = %v", got)
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.wireBytes())
	}
	// Cases found by fuzzing, and edges worth keeping:
	f.Add([]byte("941AFBAZ1234"))
	f.Add([]byte("64   001AOMAIN|"))
	f.Add([]byte("\n\n96AZfef6\r\n"))
	f.Add([]byte("55AY1AZ0000"))
	f.Add([]byte("941|||||AY0AZ0000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, cs := range []Charset{UTF8, IBM850, ASCII} {
			codec := Codec{Charset: cs}
			m, err := codec.Decode(b)
			if err != nil {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("Decode error %T is not a *DecodeError: %v", err, err)
				}
				continue
			}
			// Whatever decodes must parse without panicking and re-encode.
			for _, c := range allTyped {
				if _, err := c.parse(m); err != nil {
					var de *DecodeError
					if !errors.As(err, &de) {
						t.Fatalf("parse %s: error %T is not a *DecodeError", c.name, err)
					}
				}
			}
			codec.Encode(m)
		}
		// Allocation count does not grow with the input (bytes: TestDecodeAllocBounded).
		if len(b) > 512 {
			if n := testing.AllocsPerRun(1, func() { Codec{Charset: IBM850}.Decode(b) }); n > 16 {
				t.Errorf("%v allocations decoding %d bytes", n, len(b))
			}
		}
	})
}
