package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// Polls is the [polls] section: how the quick polls' answers are kept.
// Without it the defaults hold (Config.Polls is nil; see DefaultPolls).
type Polls struct {
	// SpamWindow: an answer within this of the one before at this kiosk is
	// kept apart as filtered.
	SpamWindow Duration `toml:"spam_window"`
	Retention  Duration `toml:"retention"`  // how long answers are kept; 0 = forever
	KioskName  string   `toml:"kiosk_name"` // this kiosk in the answers
}

// Poll is one [[poll]]: a question asked after a visit.
type Poll struct {
	ID       string            `toml:"id"`
	Question map[string]string `toml:"question"` // per language code; "nl" required
	From     string            `toml:"from"`     // "2006-01-02", the first day; "" no bound
	Until    string            `toml:"until"`    // "2006-01-02", the last day; "" no bound
	After    []string          `toml:"after"`    // of kiosk's UsedService values
	Every    int               `toml:"every"`    // asked after 1 in Every visits
	FollowUp PollFollowUp      `toml:"follow_up"`
}

// PollFollowUp is [poll.follow_up]: the question after a poor answer.
type PollFollowUp struct {
	Question map[string]string   `toml:"question"`
	Options  []map[string]string `toml:"options"` // 1 to 6, each per language
}

// News is one [[news]]: "U vroeg, wij deden", shown in turn on the idle screen.
type News struct {
	Text  map[string]string `toml:"text"`
	From  string            `toml:"from"`
	Until string            `toml:"until"`
}

// DefaultPolls holds the values of the [polls] keys a file leaves out, and
// all of them without the section.
func DefaultPolls() *Polls {
	return &Polls{
		SpamWindow: Duration{4 * time.Second},
		Retention:  Duration{4380 * time.Hour},
		KioskName:  "kiosk",
	}
}

// Limits of the polls.
const (
	maxPolls        = 20 // [[poll]] sections
	maxNews         = 20 // [[news]] sections
	maxPollOptions  = 6  // poll.follow_up.options
	maxEvery        = 100
	maxSpamWindow   = time.Minute
	maxPollTextLen  = 200 // characters of a question, option or news text
	maxPollIDLen    = 32
	maxKioskNameLen = 64
)

// pollServices are the values of poll.after, in the order messages list them.
var pollServices = []kiosk.UsedService{kiosk.AfterCheckout, kiosk.AfterReturn, kiosk.AfterStudy, kiosk.AfterIdle}

// indexedTables are the arrays of tables whose errors name the table by
// its place, poll[2].id, as the [study] tables do.
var indexedTables = map[string]bool{"poll": true, "news": true}

// pollKey names key of the index-th [[table]], counted from 1 as people do:
// poll[2].follow_up.options[3].nl.
func pollKey(table string, index int, key string) string {
	k := fmt.Sprintf("%s[%d]", table, index+1)
	if key != "" {
		k += "." + key
	}
	return k
}

// pollError is an error at key of the index-th [[table]] (poll or news): at
// the line that writes the key, else its nearest parent, else the table's
// header. A list index in key (options[3]) is not written as a key.
func (f *file) pollError(table string, index int, key string, format string, args ...any) *Error {
	line := 0
	plain := key
	if i := strings.IndexByte(plain, '['); i >= 0 {
		plain = plain[:i]
	}
	for k := plain; k != "" && line == 0; {
		line = f.find(table+"."+k, index)
		i := strings.LastIndexByte(k, '.')
		k = k[:max(i, 0)]
	}
	if line == 0 {
		line = f.lineOf(table, index)
	}
	return &Error{File: f.name, Line: max(1, line), Key: short(pollKey(table, index, key)), Msg: fmt.Sprintf(format, args...)}
}

// addPoll records a problem at key of the index-th [[table]].
func (v *validation) addPoll(table string, index int, key string, format string, args ...any) {
	v.errs = append(v.errs, v.f.pollError(table, index, key, format, args...))
}

// polls checks [polls], every [[poll]] and every [[news]].
func (v *validation) polls(c *Polls, polls []Poll, news []News) {
	if c != nil {
		v.pollRules(c)
	}
	ids := map[string]int{}
	for i, p := range polls {
		v.pollID(i, p.ID, ids)
		v.pollTexts("poll", i, "question", p.Question, `question = { nl = "Hoe ging het lenen?", en = "How did borrowing go?" }`)
		v.pollDates("poll", i, p.From, p.Until)
		v.pollAfter(i, p.After)
		if p.Every < 1 || p.Every > maxEvery {
			v.addPoll("poll", i, "every", "%d is out of range; ask the poll after 1 in every 1 to %d visits, like every = 3", p.Every, maxEvery)
		}
		v.pollFollowUp(i, p.FollowUp)
	}
	for i, n := range news {
		v.pollTexts("news", i, "text", n.Text, `text = { nl = "U vroeg om meer stopcontacten.", en = "You asked for more power sockets." }`)
		v.pollDates("news", i, n.From, n.Until)
	}
}

// pollRules checks the keys of [polls].
func (v *validation) pollRules(c *Polls) {
	checkRange(v.add, "polls.spam_window", c.SpamWindow.Duration, 0, maxSpamWindow)
	if r := c.Retention.Duration; r < 0 {
		v.add("polls.retention", -1, "%s is out of range; keep the answers for a positive duration, like \"4380h\" (6 months), or \"0s\" for ever", fmtDur(r))
	}
	if n := c.KioskName; strings.TrimSpace(n) == "" || utf8.RuneCountInString(n) > maxKioskNameLen || strings.ContainsFunc(n, unicode.IsControl) {
		v.add("polls.kiosk_name", -1, "%q cannot be the kiosk's name in the answers; write up to %d characters without tabs or line breaks, like \"Seghwaert-1\"", short(n), maxKioskNameLen)
	}
}

// pollID checks the id of the i-th [[poll]] against those before it.
func (v *validation) pollID(i int, id string, ids map[string]int) {
	switch {
	case id == "":
		v.addPoll("poll", i, "id", "every [[poll]] needs an id, like id = \"lenen-2026\"; the answers are kept by it")
	case !isPollID(id):
		v.addPoll("poll", i, "id", "%q cannot be a poll id; use up to %d lower-case letters, digits, \"-\" and \"_\", like \"lenen-2026\"", short(id), maxPollIDLen)
	default:
		if j, dup := ids[id]; dup {
			v.addPoll("poll", i, "id", "%q is already the id of [[poll]] %d (line %d); give every poll its own id, or the answers of the two are mixed", id, j+1, v.f.pollError("poll", j, "id", "").Line)
			return
		}
		ids[id] = i
	}
}

// isPollID reports whether s can be a poll id.
func isPollID(s string) bool {
	return len(s) <= maxPollIDLen && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// pollTexts checks a text per language at key of the index-th [[table]]:
// Dutch at least, only languages the kiosk speaks, each up to 200
// characters on one line.
func (v *validation) pollTexts(table string, index int, key string, texts map[string]string, example string) {
	for _, code := range slices.Sorted(maps.Keys(texts)) {
		switch text := texts[code]; {
		case !kiosk.KnownLanguage(code):
			v.addPoll(table, index, key+"."+code, "%q is not a language of the kiosk; write the text in %s", short(code), knownLanguages())
		case strings.TrimSpace(text) == "" || strings.ContainsFunc(text, unicode.IsControl):
			v.addPoll(table, index, key+"."+code, "%q cannot be shown; write the text patrons read, without tabs or line breaks", short(text))
		case utf8.RuneCountInString(text) > maxPollTextLen:
			v.addPoll(table, index, key+"."+code, "the text is %d characters long; the screen takes at most %d, so make it shorter", utf8.RuneCountInString(text), maxPollTextLen)
		}
	}
	if _, ok := texts[kiosk.DefaultLanguage]; !ok {
		e := v.f.pollError(table, index, key, "needs a Dutch text at least, like %s", example)
		// Written as question.en = "…": at the first such line.
		if codes := slices.Sorted(maps.Keys(texts)); len(codes) > 0 && e.Line == v.f.pollError(table, index, "", "").Line {
			e.Line = v.f.pollError(table, index, key+"."+codes[0], "").Line
		}
		e.Key = short(pollKey(table, index, key+".nl"))
		v.errs = append(v.errs, e)
	}
}

// knownLanguages lists the kiosk's languages for a message.
func knownLanguages() string {
	known := make([]string, len(kiosk.Languages))
	for j, l := range kiosk.Languages {
		known[j] = fmt.Sprintf("%s (%s)", l.Code, l.Name)
	}
	return strings.Join(known, ", ")
}

// ParseDate reads a poll's or news item's from or until, "2006-01-02", as
// midnight of that day in loc; "" is no bound, the zero time.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil || d.Format(time.DateOnly) != s {
		return time.Time{}, fmt.Errorf("%q is not a date; write year-month-day in double quotes, like \"2026-12-01\"", short(s))
	}
	return d, nil
}

// pollDates checks from and until of the index-th [[table]].
func (v *validation) pollDates(table string, index int, from, until string) {
	f, errFrom := ParseDate(from, time.UTC)
	if errFrom != nil {
		v.addPoll(table, index, "from", "%s", errFrom.Error())
	}
	u, errUntil := ParseDate(until, time.UTC)
	if errUntil != nil {
		v.addPoll(table, index, "until", "%s", errUntil.Error())
	}
	if errFrom == nil && errUntil == nil && from != "" && until != "" && u.Before(f) {
		v.addPoll(table, index, "until", "%s is before from (%s); until is the last day it is shown, on or after from", until, from)
	}
}

// pollAfter checks the after of the i-th [[poll]].
func (v *validation) pollAfter(i int, after []string) {
	names := make([]string, len(pollServices))
	for j, s := range pollServices {
		names[j] = strconv.Quote(string(s))
	}
	if len(after) == 0 {
		v.addPoll("poll", i, "after", "every [[poll]] needs after, the services after which it is asked, from %s, like after = [\"checkout\", \"return\"]", strings.Join(names, ", "))
		return
	}
	seen := map[string]bool{}
	for _, a := range after {
		switch {
		case !slices.Contains(pollServices, kiosk.UsedService(a)):
			v.addPoll("poll", i, "after", "%q is not a service after which a poll is asked; use %s", short(a), strings.Join(names, ", "))
		case seen[a]:
			v.addPoll("poll", i, "after", "%q is listed twice; list every service once", a)
		}
		seen[a] = true
	}
}

// pollFollowUp checks [poll.follow_up] of the i-th [[poll]].
func (v *validation) pollFollowUp(i int, fu PollFollowUp) {
	written := v.f.find("poll.follow_up", i) > 0
	if !written && fu.Question == nil && fu.Options == nil {
		return
	}
	v.pollTexts("poll", i, "follow_up.question", fu.Question, `question = { nl = "Wat kan beter?", en = "What could be better?" }`)
	switch n := len(fu.Options); {
	case n == 0:
		v.addPoll("poll", i, "follow_up.options", "a follow-up needs options to choose from, 1 to %d, like options = [ { nl = \"Het duurde lang\", en = \"It took long\" } ]; or remove [poll.follow_up]", maxPollOptions)
	case n > maxPollOptions:
		v.addPoll("poll", i, "follow_up.options", "%d options are too many for the screen; give at most %d", n, maxPollOptions)
	}
	for j, o := range fu.Options {
		v.pollTexts("poll", i, fmt.Sprintf("follow_up.options[%d]", j+1), o, `{ nl = "Het duurde lang", en = "It took long" }`)
	}
}

// indexedName names an unknown key of a [[poll]] or [[news]] by the table's
// place, poll[2].colour; other keys as they are.
func (f *file) indexedName(k []string) string {
	name := strings.Join(k, ".")
	if len(k) < 2 || !indexedTables[k[0]] {
		return name
	}
	if f.defs == nil {
		f.defs = f.index()
	}
	for n := len(k); n > 1; n-- {
		if d := f.defs[strings.Join(k[:n], ".")]; len(d) > 0 && d[0].arrayIdx >= 0 {
			return pollKey(k[0], d[0].arrayIdx, strings.Join(k[1:], "."))
		}
	}
	return name
}
