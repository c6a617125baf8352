package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// everyKey sets every key the mappings read to a value of its own, so that
// a key dropped or swapped for another shows. Its two booleans are true,
// as by default, so that a dropped one shows as false; they are checked
// false too.
const everyKey = `
[ils]
address = "ils.example.org:6001"
user = "kiosk-7"
password = "geheim"
terminal_password = "terminal"
location = "Balie 2"
institution = "ABC"
charset = "ibm850"
delimiter = "^"
error_detection = true
request_timeout = "11s"
keepalive = "4m"

[[scanner]]
name = "ingang"
path = "/dev/ttyACM3"
baud = 19200
terminator = "cr"
prefix = "]C1"
suffix = "#"
data_bits = 7
parity = "even"
stop_bits = 2

[[scanner]]
path = "/dev/ttyACM4"

[scanning]
debounce = "2s"
wedge_gap = "45ms"
max_length = 200

[[barcode]]
kind = "item"
prefix = "3"
length = 14
check = "luhn14"
loan_days = 42
media = "dvd"

[[barcode]]
kind = "patron"
prefix = "2"
length = 14
check = "luhn14"

[kiosk]
language = "en"
session_timeout = "7m"
warning = "40s"
library_name = "Bieb Noord"
pin = "always"
receipt = "print"
retention = "30h"

[printer]
path = "/dev/usb/lp0"
baud = 38400
width = 58

[offline]
borrow = true
max_items = 9
loan_days = 17
patron_cache = "50h"
probe = "13s"

[study]
slot = "20m"
longest_stay = "3h20m"
bookings_per_day = 5
open_bookings = 3
horizon = "120h"
checkin_before = "25m"
checkin_after = "35m"
blocked_may_study = true
teacher_categories = ["LK", "DOC"]

[study.hours]
monday = "08:00-20:00"
tuesday = "08:20-12:00, 13:00-18:00"
wednesday = "09:00-17:00"
thursday = "10:00-22:00"
friday = "08:40-16:00"
saturday = "10:00-14:00"
sunday = "12:00-16:00"

[[study.exception]]
date = "2026-12-24"
hours = "09:00-15:00"

[[study.exception]]
date = "2026-12-25"
hours = ""

[[study.zone]]
id = "stilte"
name = { nl = "Stilte", en = "Quiet zone" }
quiet = true

[[study.zone]]
id = "samen"
name = { nl = "Samenwerken" }

[[study.seat]]
number = "S01"
zone = "stilte"
features = ["pc", "power", "window", "accessible"]
row = 2
column = 3
out_of_service = true

[[study.seat]]
number = "G07"
zone = "samen"
row = 4
column = 5

[polls]
spam_window = "9s"
retention = "1000h"
kiosk_name = "Seghwaert-1"

[[poll]]
id = "lenen-2026"
question = { nl = "Hoe ging het lenen?", en = "How did borrowing go?" }
from = "2026-12-01"
until = "2027-03-31"
after = ["checkout", "return", "study", "idle"]
every = 3
[poll.follow_up]
question = { nl = "Wat kan beter?", en = "What could be better?" }
options = [ { nl = "Het duurde lang", en = "It took long" }, { nl = "Ik begreep het niet" } ]

[[news]]
text = { nl = "Er zijn nu meer stopcontacten.", en = "There are more power sockets now." }
from = "2026-12-02"
until = "2027-01-31"
`

func everyKeyConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Parse("every-key.toml", []byte(everyKey))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// zeroOnly lists what is not set from the configuration: the fields of
// v's struct type whose names are in unset must be zero, every other one
// must be set.
func zeroOnly(t *testing.T, v any, unset ...string) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Name
		isUnset := false
		for _, u := range unset {
			isUnset = isUnset || u == name
		}
		switch zero := rv.Field(i).IsZero(); {
		case isUnset && !zero:
			t.Errorf("%T.%s is set, but no key of the configuration is for it", v, name)
		case !isUnset && zero:
			t.Errorf("%T.%s is not set from the configuration: map it, or list it here as left to its default", v, name)
		}
	}
}

func TestCoreOptionsTakeEveryKey(t *testing.T) {
	cfg := everyKeyConfig(t)
	codes, err := barcodeClassifier(cfg.BarcodeRules())
	if err != nil {
		t.Fatal(err)
	}
	clock := kiosk.NewFakeClock(kiosktest.Start(t))
	translate := func(lang, key string, _ map[string]any) string { return lang + ":" + key }
	got := coreOptions(cfg, codes, clock, translate)
	zeroOnly(t, got, "NoticeTime", "StatusInterval", "FlashTime", "MaxPINTries", "MaxRows", "Logger")

	funcs := got
	funcs.OfflineLoanDays, funcs.MediaOf, funcs.Classify, funcs.Accept, funcs.Translate = nil, nil, nil, nil, nil
	if got.Study == nil || !reflect.DeepEqual(*got.Study, *studyPlan(cfg)) {
		t.Error("the [study] plan does not reach the core's options")
	}
	funcs.Study = nil
	polls, news, spam, name, _ := pollPlan(cfg)
	if !reflect.DeepEqual(got.Polls, polls) || !reflect.DeepEqual(got.News, news) || got.PollSpamWindow != spam || got.PollKiosk != name {
		t.Error("the [polls], [[poll]] and [[news]] sections do not reach the core's options")
	}
	funcs.Polls, funcs.News, funcs.PollSpamWindow, funcs.PollKiosk = nil, nil, 0, ""
	want := kiosk.Options{
		Lang:            "en",
		SessionTimeout:  7 * time.Minute,
		Warning:         40 * time.Second,
		RequestTimeout:  11 * time.Second,
		RetryInterval:   13 * time.Second,
		PIN:             kiosk.PINAlways,
		Receipt:         kiosk.ReceiptPrint,
		LibraryName:     "Bieb Noord",
		OfflineBorrow:   true,
		OfflineMaxItems: 9,
		OfflineLoan:     17 * 24 * time.Hour,
		PatronCache:     50 * time.Hour,
	}
	if !reflect.DeepEqual(funcs, want) {
		t.Errorf("options\n%+v\nwant\n%+v", funcs, want)
	}

	if n := got.OfflineLoanDays("30790000000018"); n != 42 {
		t.Errorf("an item of the [[barcode]] with loan_days = 42 is lent offline for %d days", n)
	}
	if m := got.MediaOf("30790000000018"); m != kiosk.MediaDVD {
		t.Errorf("an item of the [[barcode]] with media = \"dvd\" is %v", m)
	}
	if m := got.MediaOf("20790000000010"); m != kiosk.MediaUnknown {
		t.Errorf("a card by the file's [[barcode]] rules is of media %v", m)
	}
	if k, err := got.Classify("20790000000010"); k != kiosk.KindPatron || err != nil {
		t.Errorf("a card by the file's [[barcode]] rules is %v, %v", k, err)
	}
	if _, err := got.Classify("20790000000011"); err == nil {
		t.Error("a card with a wrong check digit passed the file's luhn14 rule")
	}
	if s := got.Translate("en", "receipt.title", nil); s != "en:receipt.title" {
		t.Errorf("Translate is not the one given: %q", s)
	}
	// scanning.debounce = "2s", on the kiosk's clock.
	if !got.Accept("ingang", "30790000000018") {
		t.Fatal("the first scan was dropped")
	}
	clock.Advance(1900 * time.Millisecond)
	if got.Accept("ingang", "30790000000018") {
		t.Error("the same scan again within scanning.debounce was let through")
	}
	clock.Advance(2100 * time.Millisecond)
	if !got.Accept("ingang", "30790000000018") {
		t.Error("the same scan after scanning.debounce was dropped")
	}
}

// offline.borrow = false and scanning.debounce = "0s" reach the core too:
// everyKey cannot tell them from a value that is not read at all.
func TestCoreOptionsOtherWay(t *testing.T) {
	cfg := everyKeyConfig(t)
	cfg.Offline.Borrow = false
	cfg.Scanning.Debounce.Duration = 0
	codes, err := barcodeClassifier(cfg.BarcodeRules())
	if err != nil {
		t.Fatal(err)
	}
	got := coreOptions(cfg, codes, kiosk.NewFakeClock(kiosktest.Start(t)), nil)
	if got.OfflineBorrow {
		t.Error("offline.borrow = false lends offline")
	}
	if !got.Accept("ingang", "30790000000018") || !got.Accept("ingang", "30790000000018") {
		t.Error(`scanning.debounce = "0s" drops a repeated scan`)
	}
}

// The first [[barcode]] that matches an item names its media, as it tells
// its kind: a later rule's media is not the item's; without any media in
// the rules the core has no MediaOf.
func TestMediaOfTheFirstRuleThatMatches(t *testing.T) {
	cfg, err := config.Parse("media.toml", []byte(`
[[barcode]]
kind = "item"
prefix = "39"
length = 14
media = "magazine"

[[barcode]]
kind = "item"
pattern = '30[0-9]{11}9'
check = "luhn14"

[[barcode]]
kind = "item"
prefix = "3"
media = "dvd"

[[barcode]]
kind = "patron"
prefix = "2"
`))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := barcodeClassifier(cfg.BarcodeRules())
	if err != nil {
		t.Fatal(err)
	}
	got := coreOptions(cfg, codes, kiosk.NewFakeClock(kiosktest.Start(t)), nil).MediaOf
	for code, want := range map[string]kiosk.Media{
		"39000000000000": kiosk.MediaMagazine, // the first rule
		"3900000000000":  kiosk.MediaDVD,      // not 14 long: the third
		"30790000000299": kiosk.MediaUnknown,  // the second, which names none
		"30790000000309": kiosk.MediaUnknown,  // the second, a misread
		"30790000000307": kiosk.MediaDVD,      // the third
		"20790000000010": kiosk.MediaUnknown,  // a card
		"x":              kiosk.MediaUnknown,  // no rule
	} {
		if m := got(code); m != want {
			t.Errorf("MediaOf(%s) = %v, want %v", code, m, want)
		}
	}

	cfg.Barcodes = nil // the default rules, which name no media
	if coreOptions(cfg, codes, kiosk.NewFakeClock(kiosktest.Start(t)), nil).MediaOf != nil {
		t.Error("rules without media give the core a MediaOf")
	}
}

func TestClientConfigTakesEveryILSKey(t *testing.T) {
	cfg := everyKeyConfig(t)
	at := kiosktest.Start(t)
	now := func() time.Time { return at }
	got, err := clientConfig(cfg.ILS, now)
	if err != nil {
		t.Fatal(err)
	}
	zeroOnly(t, got, "DialTimeout", "MaxResend", "MaxBackoff", "Logger", "Dial")
	if got.Now == nil || !got.Now().Equal(at) {
		t.Error("the client is not on the clock given")
	}
	got.Now = nil
	want := sip2.ClientConfig{
		Addr:             "ils.example.org:6001",
		User:             "kiosk-7",
		Password:         "geheim",
		Location:         "Balie 2",
		Institution:      "ABC",
		TerminalPassword: "terminal",
		Charset:          sip2.IBM850,
		Delimiter:        '^',
		ErrorDetection:   true,
		RequestTimeout:   11 * time.Second,
		KeepAlive:        4 * time.Minute,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("client config\n%+v\nwant\n%+v", got, want)
	}

	cfg.ILS.ErrorDetection = false
	if got, _ := clientConfig(cfg.ILS, now); got.ErrorDetection {
		t.Error("ils.error_detection = false sends AY/AZ")
	}
	cfg.ILS.Charset = "latin1"
	if _, err := clientConfig(cfg.ILS, now); err == nil {
		t.Error("a charset sip2 does not know gave no error")
	}
}

func TestDevicesTakeEveryKey(t *testing.T) {
	cfg := everyKeyConfig(t)

	p := receiptPrinter(cfg.Printer)
	if p.Path != "/dev/usb/lp0" || p.Baud != 38400 || p.PaperWidth != 58 {
		t.Errorf("printer %s at %d baud, %d mm; want /dev/usb/lp0 at 38400 baud, 58 mm", p.Path, p.Baud, p.PaperWidth)
	}

	w := wedgeDetector(cfg.Scanning)
	if w.MaxGap != 45*time.Millisecond || w.MaxLen != 200 {
		t.Errorf("wedge detector: gap %v, length %d; want 45ms, 200", w.MaxGap, w.MaxLen)
	}

	got := serialScanner(0, cfg.Scanners[0], cfg.Scanning.MaxLength)
	zeroOnly(t, *got, "ReadTimeout", "Now", "OnDrop", "WarnEvery", "Logger")
	want := devices.SerialScanner{Name: "ingang", Path: "/dev/ttyACM3", Baud: 19200, MaxLen: 200,
		DataBits: 7, Parity: "even", StopBits: 2, Terminator: devices.TermCR, Prefix: "]C1", Suffix: "#"}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("scanner\n%+v\nwant\n%+v", *got, want)
	}
	if s := serialScanner(1, cfg.Scanners[1], cfg.Scanning.MaxLength); s.Name != "scanner-2" || s.Path != "/dev/ttyACM4" {
		t.Errorf("the second scanner, without a name, is %q on %s; want scanner-2 on /dev/ttyACM4", s.Name, s.Path)
	}
}

func TestRetentionTakesItsKeys(t *testing.T) {
	got := retention(everyKeyConfig(t))
	want := storage.Retention{Journal: 30 * time.Hour, Attention: storage.AttentionRetention, Patrons: 50 * time.Hour, Polls: pollsKept(everyKeyConfig(t))}
	if got != want {
		t.Errorf("retention %+v, want %+v", got, want)
	}
}

func TestStudyPlanTakesEveryKey(t *testing.T) {
	got := studyPlan(everyKeyConfig(t))
	if got == nil {
		t.Fatal("no study plan from a file with [study]")
	}
	zeroOnly(t, *got)
	zeroOnly(t, got.Rules)
	zeroOnly(t, got.Zones[0])
	zeroOnly(t, got.Seats[0])
	h := func(hh, mm int) time.Duration { return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute }
	span := func(open, closing time.Duration) []kiosk.Span { return []kiosk.Span{{Open: open, Close: closing}} }
	want := &kiosk.StudyPlan{
		Zones: []kiosk.Zone{
			{ID: "stilte", Names: map[string]string{"nl": "Stilte", "en": "Quiet zone"}, Quiet: true},
			{ID: "samen", Names: map[string]string{"nl": "Samenwerken"}},
		},
		Seats: []kiosk.Seat{
			{Number: "S01", Zone: "stilte", Features: []kiosk.Feature{kiosk.FeaturePC, kiosk.FeaturePower, kiosk.FeatureWindow, kiosk.FeatureAccessible},
				Row: 2, Column: 3, OutOfService: true},
			{Number: "G07", Zone: "samen", Row: 4, Column: 5},
		},
		Week: [7][]kiosk.Span{
			time.Sunday:    span(h(12, 0), h(16, 0)),
			time.Monday:    span(h(8, 0), h(20, 0)),
			time.Tuesday:   {{Open: h(8, 20), Close: h(12, 0)}, {Open: h(13, 0), Close: h(18, 0)}},
			time.Wednesday: span(h(9, 0), h(17, 0)),
			time.Thursday:  span(h(10, 0), h(22, 0)),
			time.Friday:    span(h(8, 40), h(16, 0)),
			time.Saturday:  span(h(10, 0), h(14, 0)),
		},
		Exceptions: map[string][]kiosk.Span{"2026-12-24": span(h(9, 0), h(15, 0)), "2026-12-25": nil},
		Rules: kiosk.StudyRules{
			Slot:              20 * time.Minute,
			LongestStay:       200 * time.Minute,
			PerDay:            5,
			OpenAtOnce:        3,
			Horizon:           120 * time.Hour,
			CheckinBefore:     25 * time.Minute,
			CheckinAfter:      35 * time.Minute,
			BlockedMayStudy:   true,
			TeacherCategories: []string{"LK", "DOC"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("study plan\n%+v\nwant\n%+v", got, want)
	}
	if _, ok := got.Exceptions["2026-12-25"]; !ok {
		t.Error("the closed exception 2026-12-25 is not in the plan")
	}
}

// blocked_may_study = false reaches the plan too, and a file without
// [study] has no study places.
func TestStudyPlanOtherWay(t *testing.T) {
	cfg := everyKeyConfig(t)
	cfg.Study.BlockedMayStudy = false
	if studyPlan(cfg).Rules.BlockedMayStudy {
		t.Error("blocked_may_study = false lets blocked patrons book")
	}
	cfg.Study = nil
	if p := studyPlan(cfg); p != nil {
		t.Errorf("without [study], plan %+v", p)
	}
	empty, err := config.Parse("empty.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := studyPlan(empty); p != nil {
		t.Errorf("an empty file gives the study plan %+v", p)
	}
}

// The demo's study places (a kiosk without a configuration) are a valid
// [study] section, with places in two zones.
func TestDemoStudyPlaces(t *testing.T) {
	s, err := demoStudy()
	if err != nil {
		t.Fatal(err)
	}
	plan := studyPlan(config.Config{Study: s})
	if plan == nil || len(plan.Zones) != 2 || len(plan.Seats) < 10 {
		t.Fatalf("demo plan %+v", plan)
	}
}

func TestPollPlanTakesEveryKey(t *testing.T) {
	polls, news, spam, name, keep := pollPlan(everyKeyConfig(t))
	if len(polls) != 1 || len(news) != 1 {
		t.Fatalf("%d polls, %d news items from a file with one of each", len(polls), len(news))
	}
	zeroOnly(t, polls[0])
	zeroOnly(t, polls[0].FollowUp)
	zeroOnly(t, news[0])
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }
	wantPoll := kiosk.Poll{
		ID:       "lenen-2026",
		Question: map[string]string{"nl": "Hoe ging het lenen?", "en": "How did borrowing go?"},
		From:     day(2026, time.December, 1),
		Until:    day(2027, time.March, 31),
		After:    []kiosk.UsedService{kiosk.AfterCheckout, kiosk.AfterReturn, kiosk.AfterStudy, kiosk.AfterIdle},
		Every:    3,
		FollowUp: kiosk.FollowUp{
			Question: map[string]string{"nl": "Wat kan beter?", "en": "What could be better?"},
			Options:  []map[string]string{{"nl": "Het duurde lang", "en": "It took long"}, {"nl": "Ik begreep het niet"}},
		},
	}
	if !reflect.DeepEqual(polls[0], wantPoll) {
		t.Errorf("poll\n%+v\nwant\n%+v", polls[0], wantPoll)
	}
	wantNews := newsItem{
		Text: map[string]string{"nl": "Er zijn nu meer stopcontacten.", "en": "There are more power sockets now."},
		From: day(2026, time.December, 2), Until: day(2027, time.January, 31),
	}
	if !reflect.DeepEqual(news[0], wantNews) {
		t.Errorf("news\n%+v\nwant\n%+v", news[0], wantNews)
	}
	if spam != 9*time.Second || name != "Seghwaert-1" || keep != 1000*time.Hour {
		t.Errorf("spam window %v, kiosk name %q, retention %v", spam, name, keep)
	}
}

// Without [polls] its defaults hold; without [[poll]] and [[news]] there
// are none; a poll's left-out keys are zero but every, which is 1.
func TestPollPlanOtherWay(t *testing.T) {
	empty, err := config.Parse("empty.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	polls, news, spam, name, keep := pollPlan(empty)
	if polls != nil || news != nil || spam != 4*time.Second || name != "kiosk" || keep != 4380*time.Hour {
		t.Errorf("an empty file gives polls %+v, news %+v, spam window %v, kiosk name %q, retention %v", polls, news, spam, name, keep)
	}
	cfg, err := config.Parse("poll.toml", []byte("[[poll]]\nid = \"p\"\nquestion.nl = \"Vraag?\"\nafter = [\"idle\"]\n[polls]\nretention = \"0s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	polls, _, _, _, keep = pollPlan(cfg)
	want := []kiosk.Poll{{ID: "p", Question: map[string]string{"nl": "Vraag?"}, After: []kiosk.UsedService{kiosk.AfterIdle}, Every: 1}}
	if !reflect.DeepEqual(polls, want) || keep != 0 {
		t.Errorf("polls %+v, retention %v; want %+v, 0 (for ever)", polls, keep, want)
	}
}
