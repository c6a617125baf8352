// Package kiosktest starts the real parts the kiosk's tests run against: the
// demo library served over SIP2 on loopback, and the kiosk's client for it.
package kiosktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/assets"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Demo cards, by the role they play in the demo library (see README).
const (
	CardAdult    = "20790000000010" // Joost Müller, 3 loans, one overdue
	CardChild    = "20790000000028" // Sanne de Vries
	CardSenior   = "20790000000036" // Henk Jansen
	CardFines    = "20790000000044" // Fatima El Amrani, € 12,50 fines: blocked
	CardLost     = "20790000000051" // Piotr Kowalski, card reported lost
	CardHold     = "20790000000069" // Ayşe Yılmaz, a hold ready for pickup
	CardStaff    = "20790990000012" // Marieke Bakker, staff
	CardUnknown  = "20790000009995" // not in the demo library
	DemoUser     = "kiosk"
	DemoPassword = "kiosk"
)

// DateEnv names the environment variable that sets the day every test
// starts on: 2006-01-02 (at 10:30 local time) or 2006-01-02T15:04 (local).
// Unset, the tests start today at 10:30: the suite must pass on any day.
const DateEnv = "KIOSK_TEST_DATE"

// Start is the moment the test's clocks start, from DateEnv. It logs the
// moment, so a failure on one day can be repeated on any other.
func Start(t testing.TB) time.Time {
	t.Helper()
	at, err := StartTime(os.Getenv(DateEnv), time.Now())
	if err != nil {
		t.Fatalf("%s: %v", DateEnv, err)
	}
	t.Logf("test clock starts %s (%s=%s to repeat)", at.Format("2006-01-02 15:04 MST"), DateEnv, at.Format("2006-01-02T15:04"))
	return at
}

// EnvStart is the moment DateEnv sets, for a test package's clock that
// stands still; a malformed DateEnv panics.
func EnvStart() time.Time {
	at, err := StartTime(os.Getenv(DateEnv), time.Now())
	if err != nil {
		panic(fmt.Sprintf("%s: %v", DateEnv, err))
	}
	return at
}

// StartTime reads a DateEnv value (as kiosk.ParseMoment); empty means
// today at 10:30 (by today).
func StartTime(v string, today time.Time) (time.Time, error) {
	if v == "" {
		y, m, d := today.Date()
		return time.Date(y, m, d, 10, 30, 0, 0, time.Local), nil
	}
	return kiosk.ParseMoment(v)
}

// ILS is a demo library serving SIP2 on 127.0.0.1 for one test.
type ILS struct {
	Library *demo.Library
	Server  *sip2.Server
	Client  *sip2.Client
	Addr    string
	// ILS is the kiosk's adapter over Client.
	ILS *ils.SIP2

	server []func(*sip2.Server)
}

// StartILS serves the demo library on a free loopback port until the test
// ends, and connects a client to it; library and client read the time from
// now, the test's clock.
func StartILS(t testing.TB, now func() time.Time) *ILS {
	t.Helper()
	lib, err := demo.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	return StartILSWith(t, lib)
}

// BigLibrary is the demo library with n more available items (returned by
// Items) and no loan limit, for benchmarks that borrow many items, on the
// clock now.
func BigLibrary(t testing.TB, n int, now func() time.Time) (*demo.Library, []string) {
	t.Helper()
	data, err := assets.Demo.ReadFile("demo/library.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	for _, c := range d["categories"].([]any) {
		c.(map[string]any)["loan_limit"] = 1 << 20
	}
	items := d["items"].([]any)
	var codes []string
	for i := range n {
		first := fmt.Sprintf("3079%09d", 100000+i)
		code := first + string(demo.CheckDigit(first))
		codes = append(codes, code)
		items = append(items, map[string]any{"barcode": code, "title": fmt.Sprintf("Boek %d", i+1), "author": "Demo", "media": "book"})
	}
	d["items"] = items
	data, err = json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := demo.Parse(data, now)
	if err != nil {
		t.Fatal(err)
	}
	return lib, codes
}

// StartILSWith serves lib like StartILS; the client reads lib's clock.
// Each of server sets up the SIP2 server before it serves (and again at
// Restart), e.g. to close idle connections as real servers do.
func StartILSWith(t testing.TB, lib *demo.Library, server ...func(*sip2.Server)) *ILS {
	t.Helper()
	lib.SetLogin(DemoUser, DemoPassword)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &ILS{Library: lib, Addr: ln.Addr().String(), server: server}
	d.Server = d.newServer()
	go d.Server.Serve(ln)
	t.Cleanup(func() { d.Server.Close() })
	d.Client = sip2.NewClient(sip2.ClientConfig{
		Addr:           d.Addr,
		User:           DemoUser,
		Password:       DemoPassword,
		Institution:    lib.Institution(),
		ErrorDetection: true,
		RequestTimeout: 2 * time.Second,
		MaxBackoff:     50 * time.Millisecond,
		Now:            lib.Now,
	})
	t.Cleanup(func() { d.Client.Close() })
	d.ILS = ils.New(d.Client)
	return d
}

// Stop takes the library system down: the server closes and refuses new
// connections until Restart.
func (d *ILS) Stop(t testing.TB) {
	t.Helper()
	d.Server.Close()
}

// Restart serves the same library again on the same address.
func (d *ILS) Restart(t testing.TB) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the old socket may take a moment to go
		if ln, err = net.Listen("tcp", d.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	d.Server = d.newServer()
	go d.Server.Serve(ln)
	t.Cleanup(func() { d.Server.Close() })
}

func (d *ILS) newServer() *sip2.Server {
	s := &sip2.Server{Backend: d.Library}
	for _, f := range d.server {
		f(s)
	}
	return s
}

// Classify tells the demo library's barcodes apart as the kiosk's default
// rules do: staff cards 2079099…, patron cards 2…, items 3…, all 14 digits
// with a Luhn check digit; a wrong check digit is a misread.
func Classify(code string) (kiosk.Kind, error) {
	if len(code) != 14 || (code[0] != '2' && code[0] != '3') {
		return kiosk.KindUnknown, nil
	}
	if !demo.ValidBarcode(code) {
		return kiosk.KindUnknown, errors.New("check digit does not match")
	}
	switch {
	case strings.HasPrefix(code, "2079099"):
		return kiosk.KindStaff, nil
	case code[0] == '2':
		return kiosk.KindPatron, nil
	}
	return kiosk.KindItem, nil
}
