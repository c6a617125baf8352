package storage

import (
	"strings"
	"testing"
	"time"
)

var recordCases = []Entry{
	{Kind: TxCheckout, State: TxPending, Patron: "20790000000010", Item: "30790000000075", At: t0, Updated: t0,
		Due: t0.AddDate(0, 0, 21), Offline: true},
	{Kind: TxCheckin, State: TxDone, Item: "3", At: t0, Updated: t0, Attempts: 3},
	{Kind: TxRenew, State: TxAttention, Patron: "2", Item: "3", Title: `De "avonden": één winterverhaal`,
		Message: strings.Repeat("lang bericht ", 40), At: t0, Updated: t0, Attempts: 1 << 20},
	// Times keep their zone: Local, a fixed offset, one with seconds (LMT), the zero time.
	{Kind: TxCheckout, State: TxSent, Item: "4", At: time.Date(2026, 12, 24, 23, 59, 0, 0, time.Local),
		Due:     time.Date(2026, 12, 24, 23, 59, 59, 999, time.FixedZone("CET", 3600)),
		Updated: time.Date(1900, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 1172))},
	{Kind: TxCheckout, State: TxRefused},
}

func TestRecordRoundTrip(t *testing.T) {
	for i, e := range recordCases {
		v, err := encodeEntry(e)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got, err := decodeValue(v)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !sameEntry(got, e) {
			t.Errorf("case %d:\n got %+v\nwant %+v", i, got, e)
		}
		for _, tt := range [][2]time.Time{{got.At, e.At}, {got.Due, e.Due}, {got.Updated, e.Updated}} {
			_, gotOff := tt[0].Zone()
			_, wantOff := tt[1].Zone()
			if gotOff != wantOff {
				t.Errorf("case %d: %v came back as %v", i, tt[1], tt[0])
			}
		}
		if e.At.Location() == time.Local && got.At.Location() != time.Local {
			t.Errorf("case %d: a local time came back in %v", i, got.At.Location())
		}
	}
}

func TestMarkSentInPlace(t *testing.T) {
	e := recordCases[0]
	v, err := encodeEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	nv, err := markSentInPlace(v, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(nv) != len(v) {
		t.Errorf("marking sent grew the value from %d to %d bytes", len(v), len(nv))
	}
	got, err := decodeValue(nv)
	if err != nil {
		t.Fatal(err)
	}
	e.State, e.Attempts, e.Updated = TxSent, 1, later
	if !sameEntry(got, e) {
		t.Errorf("\n got %+v\nwant %+v", got, e)
	}
	if got, _ := decodeValue(v); got.State != TxPending {
		t.Error("markSentInPlace changed the value it was given")
	}
	done, _ := encodeEntry(recordCases[1])
	if _, err := markSentInPlace(done, later); err == nil {
		t.Error("a finished entry was marked sent")
	}
}

// FuzzDecodeValue: whatever the file holds, decoding returns an error, not
// a panic, and what it decodes encodes back to the same bytes.
func FuzzDecodeValue(f *testing.F) {
	for _, e := range recordCases {
		v, err := encodeEntry(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v)
	}
	f.Add([]byte{formatBinary, 1, 1, 0})
	f.Fuzz(func(t *testing.T, v []byte) {
		e, err := decodeValue(v)
		if err != nil {
			return
		}
		again, err := encodeEntry(e)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", e, err)
		}
		if e2, err := decodeValue(again); err != nil || !sameEntry(e, e2) {
			t.Fatalf("%+v came back as %+v, %v", e, e2, err)
		}
	})
}
