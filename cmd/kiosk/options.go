package main

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/devices/escpos"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// This file maps the configuration onto what each part of the kiosk takes;
// main only decides the order in which they start.

// coreOptions are the core's options from cfg: [kiosk], [offline],
// ils.request_timeout and scanning.debounce, the barcode rules as codes
// (see barcodeClassifier) and for the media they name, and translate for
// the receipts' texts. Scans are debounced on clock.
func coreOptions(cfg config.Config, codes *devices.Classifier, clock kiosk.Clock, translate func(lang, key string, data map[string]any) string) kiosk.Options {
	polls, news, spam, kioskName, _ := pollPlan(cfg)
	return kiosk.Options{
		Polls:           polls,
		News:            news,
		PollSpamWindow:  spam,
		PollKiosk:       kioskName,
		Study:           studyPlan(cfg),
		Lang:            cfg.Kiosk.Language,
		SessionTimeout:  cfg.Kiosk.SessionTimeout.Duration,
		Warning:         cfg.Kiosk.Warning.Duration,
		RequestTimeout:  cfg.ILS.RequestTimeout.Duration,
		PIN:             kiosk.PINMode(cfg.Kiosk.PIN),
		Receipt:         kiosk.ReceiptKind(cfg.Kiosk.Receipt),
		LibraryName:     cfg.Kiosk.LibraryName,
		RetryInterval:   cfg.Offline.Probe.Duration,
		OfflineBorrow:   cfg.Offline.Borrow,
		OfflineMaxItems: cfg.Offline.MaxItems,
		OfflineLoan:     time.Duration(cfg.Offline.LoanDays) * 24 * time.Hour,
		OfflineLoanDays: codes.LoanDays,
		MediaOf:         mediaOf(cfg.BarcodeRules()),
		PatronCache:     cfg.Offline.PatronCache.Duration,
		Classify:        classifier(codes),
		Accept:          debouncer(cfg.Scanning, clock.Now).Accept,
		Translate:       translate,
	}
}

// mediaOf is the media of an item by the barcode rules: that of the first
// rule that matches its code, as devices.Classifier matches (nil when no
// rule names a media, or the rules do not compile: barcodeClassifier
// reports that).
func mediaOf(rules []config.BarcodeRule) func(item string) kiosk.Media {
	type rule struct {
		match *devices.Classifier // this rule alone
		media kiosk.Media
	}
	out := make([]rule, 0, len(rules))
	named := false
	for _, r := range rules {
		// Any kind will do to match by; a code the rule matches is then
		// never of KindUnknown, or fails the rule's check digit.
		c, err := devices.NewClassifier([]devices.Rule{{Kind: devices.KindItem, Prefix: r.Prefix, Length: r.Length, Pattern: r.Pattern, Check: r.Check}})
		if err != nil {
			return nil
		}
		out = append(out, rule{c, kiosk.ParseMedia(r.Media)})
		named = named || r.Media != ""
	}
	if !named {
		return nil
	}
	return func(item string) kiosk.Media {
		for _, r := range out {
			if k, err := r.match.Classify(item); k != devices.KindUnknown || err != nil {
				return r.media
			}
		}
		return kiosk.MediaUnknown
	}
}

// debouncer drops a repeated scan within scanning.debounce; "0s" turns it
// off, which devices.Debouncer spells as a negative window.
func debouncer(c config.Scanning, now func() time.Time) *devices.Debouncer {
	d := &devices.Debouncer{Window: c.Debounce.Duration, Now: now}
	if d.Window == 0 {
		d.Window = -1
	}
	return d
}

// clientConfig is the SIP2 client's configuration from [ils], on the clock now.
func clientConfig(c config.ILS, now func() time.Time) (sip2.ClientConfig, error) {
	charset, err := sip2.ParseCharset(c.Charset)
	if err != nil {
		return sip2.ClientConfig{}, err
	}
	return sip2.ClientConfig{
		Addr:             c.Address,
		User:             c.User,
		Password:         c.Password,
		Location:         c.Location,
		Institution:      c.Institution,
		TerminalPassword: c.TerminalPassword,
		Charset:          charset,
		Delimiter:        c.DelimiterByte(),
		ErrorDetection:   c.ErrorDetection,
		RequestTimeout:   c.RequestTimeout.Duration,
		KeepAlive:        c.Keepalive.Duration,
		Now:              now,
	}, nil
}

// receiptPrinter is the [printer]; its Path is "" when there is none.
func receiptPrinter(c config.Printer) *escpos.Printer {
	return &escpos.Printer{Path: c.Path, Baud: c.Baud, PaperWidth: c.Width}
}

// wedgeDetector tells a keyboard-wedge scanner from a person by [scanning].
func wedgeDetector(c config.Scanning) *devices.WedgeDetector {
	return &devices.WedgeDetector{MaxGap: c.WedgeGap.Duration, MaxLen: c.MaxLength}
}

// serialScanner is the i-th [[scanner]], which reads codes of at most
// maxLen (scanning.max_length) characters. One without a name is called
// scanner-1, scanner-2, … by its place.
func serialScanner(i int, c config.Scanner, maxLen int) *devices.SerialScanner {
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("scanner-%d", i+1)
	}
	term, err := devices.ParseTerminator(c.Terminator)
	if err != nil { // the config allows only terminators devices knows
		slog.Error("scanner terminator", "scanner", name, "err", err)
	}
	return &devices.SerialScanner{Name: name, Path: c.Path, Baud: c.Baud,
		DataBits: c.DataBits, Parity: c.Parity, StopBits: c.StopBits,
		Terminator: term, Prefix: c.Prefix, Suffix: c.Suffix, MaxLen: maxLen}
}

// retention is how long the kiosk keeps what identifies a patron:
// kiosk.retention for a finished transaction, offline.patron_cache for a
// remembered card.
func retention(cfg config.Config) storage.Retention {
	return storage.Retention{
		Journal:   cfg.Kiosk.Retention.Duration,
		Attention: storage.AttentionRetention,
		Patrons:   cfg.Offline.PatronCache.Duration,
		Polls:     pollsKept(cfg),
	}
}

// pollsKept is how long anonymous poll answers are kept ([polls]
// retention; half a year without the section).
func pollsKept(cfg config.Config) time.Duration {
	_, _, _, _, keep := pollPlan(cfg)
	if cfg.Polls == nil {
		return 183 * 24 * time.Hour
	}
	return keep
}

// studyPlan is the study places of [study]; nil without the section. The
// configuration has checked the hours, so ParseHours cannot fail here.
func studyPlan(cfg config.Config) *kiosk.StudyPlan {
	s := cfg.Study
	if s == nil {
		return nil
	}
	hours := func(key, text string) []kiosk.Span {
		spans, err := config.ParseHours(text)
		if err != nil {
			slog.Error("study hours", "key", key, "err", err)
		}
		return spans
	}
	plan := &kiosk.StudyPlan{
		Rules: kiosk.StudyRules{
			Slot:              s.Slot.Duration,
			LongestStay:       s.LongestStay.Duration,
			PerDay:            s.BookingsPerDay,
			OpenAtOnce:        s.OpenBookings,
			Horizon:           s.Horizon.Duration,
			CheckinBefore:     s.CheckinBefore.Duration,
			CheckinAfter:      s.CheckinAfter.Duration,
			BlockedMayStudy:   s.BlockedMayStudy,
			TeacherCategories: slices.Clone(s.TeacherCategories),
		},
	}
	for _, z := range s.Zones {
		plan.Zones = append(plan.Zones, kiosk.Zone{ID: z.ID, Names: maps.Clone(z.Name), Quiet: z.Quiet})
	}
	for _, st := range s.Seats {
		seat := kiosk.Seat{Number: st.Number, Zone: st.Zone, Row: st.Row, Column: st.Column, OutOfService: st.OutOfService}
		for _, f := range st.Features {
			seat.Features = append(seat.Features, kiosk.Feature(f))
		}
		plan.Seats = append(plan.Seats, seat)
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		plan.Week[d] = hours("study.hours."+strings.ToLower(d.String()), s.Hours.Day(d))
	}
	if len(s.Exceptions) > 0 {
		plan.Exceptions = make(map[string][]kiosk.Span, len(s.Exceptions))
		for _, e := range s.Exceptions {
			plan.Exceptions[e.Date] = hours("study.exception", e.Hours) // nil: closed
		}
	}
	return plan
}

// newsItem is one [[news]] item, "U vroeg, wij deden", until the core has a
// type for it: its text per language and the days it is shown (zero: no
// bound).
type newsItem = kiosk.News

// pollPlan is the quick polls of [polls], [[poll]] and [[news]]: the polls
// and news items, in the file's order, with their from and until as
// midnight of that day in the local time zone (until is the last day, so
// it is asked all that day); the spam window, this kiosk's name in the
// answers and how long they are kept, DefaultPolls without [polls]. The
// configuration has checked the dates, so ParseDate cannot fail here.
func pollPlan(cfg config.Config) (polls []kiosk.Poll, news []newsItem, spamWindow time.Duration, kioskName string, retention time.Duration) {
	date := func(key, s string) time.Time {
		d, err := config.ParseDate(s, time.Local)
		if err != nil {
			slog.Error("poll date", "key", key, "err", err)
		}
		return d
	}
	for _, p := range cfg.Poll {
		poll := kiosk.Poll{
			ID:       p.ID,
			Question: maps.Clone(p.Question),
			From:     date("poll.from", p.From),
			Until:    date("poll.until", p.Until),
			Every:    p.Every,
		}
		for _, a := range p.After {
			poll.After = append(poll.After, kiosk.UsedService(a))
		}
		if len(p.FollowUp.Options) > 0 {
			poll.FollowUp.Question = maps.Clone(p.FollowUp.Question)
			for _, o := range p.FollowUp.Options {
				poll.FollowUp.Options = append(poll.FollowUp.Options, maps.Clone(o))
			}
		}
		polls = append(polls, poll)
	}
	for _, n := range cfg.News {
		news = append(news, newsItem{Text: maps.Clone(n.Text), From: date("news.from", n.From), Until: date("news.until", n.Until)})
	}
	c := cfg.Polls
	if c == nil {
		c = config.DefaultPolls()
	}
	return polls, news, c.SpamWindow.Duration, c.KioskName, c.Retention.Duration
}
