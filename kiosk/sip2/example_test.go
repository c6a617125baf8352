package sip2_test

import (
	"fmt"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

func ExampleCodec_Encode() {
	req := sip2.PatronInformationRequest{
		Language:        "001",
		TransactionDate: time.Date(2026, 3, 15, 10, 15, 0, 0, time.Local),
		InstitutionID:   "MAIN",
		PatronID:        "21234000123456",
		PatronPassword:  "1234",
	}
	m := req.Message()
	m.Seq = 1 // error detection on: AY1 and a checksum
	b, err := sip2.Codec{Charset: sip2.UTF8}.Encode(m)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", b)
	// Output:
	// 6300120260315    101500          AOMAIN|AA21234000123456|AC|AD1234|AY1AZF06B
}

func ExampleCodec_Decode() {
	m, err := sip2.Codec{}.Decode([]byte("64              00120261127    120000000000000003000000000000AOMAIN|AA21234000123456|AEJoost Müller|BLY|CQY|AY1AZE4BC\r"))
	if err != nil {
		panic(err)
	}
	r, err := sip2.ParsePatronInformationResponse(m)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.PersonalName, r.ValidPatron.Bool(), r.ChargedItemsCount, r.Status.Blocked())
	// Output:
	// Joost Müller true 3 false
}

func ExampleMessage() {
	m := sip2.Message{Code: "99", Fixed: "0030" + "2.00", Seq: 4}
	b, _ := sip2.Codec{}.Encode(m)
	fmt.Printf("%s\n", b)
	fmt.Println(sip2.Checksum([]byte("9900302.00AY4AZ")))
	// Output:
	// 9900302.00AY4AZFCA2
	// FCA2
}
