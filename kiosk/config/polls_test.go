package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// pollBase is a valid [polls], two [[poll]] and a [[news]]; the tests
// change it line by line.
const pollBase = `[polls]
spam_window = "4s"
[[poll]]
id = "lenen"
question = { nl = "Hoe ging het lenen?", en = "How did borrowing go?" }
from = "2026-12-01"
until = "2027-03-31"
after = ["checkout", "return"]
every = 3
[poll.follow_up]
question = { nl = "Wat kan beter?" }
options = [ { nl = "Het duurde lang", en = "It took long" }, { nl = "Ik begreep het niet" }, { nl = "Anders" } ]
[[poll]]
id = "studie"
question.nl = "Hoe ging het boeken?"
after = ["study"]
[[news]]
text = { nl = "Er zijn nu meer stopcontacten." }
from = "2026-12-01"
until = "2027-01-31"
`

// pollWith is pollBase with each pair of old, new replaced once.
func pollWith(pairs ...string) string {
	s := pollBase
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("pollWith: no " + pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

var pollTests = []struct {
	name string
	in   string
	line int // 0: no error
	key  string
	msg  string
}{
	{name: "valid", in: pollBase},
	{name: "only news", in: "[[news]]\ntext.nl = \"Nieuw\"\n"},
	{name: "poll without follow-up", in: "[[poll]]\nid = \"p\"\nquestion.nl = \"Vraag?\"\nafter = [\"idle\"]\n"},

	// [polls].
	{name: "spam window too long", in: pollWith(`spam_window = "4s"`, `spam_window = "2m"`), line: 2, key: "polls.spam_window", msg: "2m is out of range; use a duration from 0s to 1m"},
	{name: "spam window negative", in: pollWith(`spam_window = "4s"`, `spam_window = "-1s"`), line: 2, key: "polls.spam_window", msg: "out of range"},
	{name: "spam window as a number", in: pollWith(`spam_window = "4s"`, `spam_window = 4`), line: 2, key: "polls.spam_window", msg: "must be a duration in double quotes"},
	{name: "retention negative", in: pollWith(`spam_window = "4s"`, `retention = "-1h"`), line: 2, key: "polls.retention", msg: "-1h is out of range"},
	{name: "kiosk name empty", in: pollWith(`spam_window = "4s"`, `kiosk_name = " "`), line: 2, key: "polls.kiosk_name", msg: "cannot be the kiosk's name"},
	{name: "unknown key in polls", in: pollWith(`spam_window = "4s"`, `spam = "4s"`), line: 2, key: "polls.spam", msg: `unknown key "spam" in [polls]`},

	// [[poll]].
	{name: "duplicate poll id", in: pollWith(`id = "studie"`, `id = "lenen"`), line: 14, key: "poll[2].id", msg: `"lenen" is already the id of [[poll]] 1 (line 4)`},
	{name: "poll without id", in: pollWith("id = \"studie\"\n", ""), line: 13, key: "poll[2].id", msg: "needs an id"},
	{name: "poll id with capitals", in: pollWith(`id = "studie"`, `id = "Studie"`), line: 14, key: "poll[2].id", msg: `"Studie" cannot be a poll id`},
	{name: "question without Dutch", in: pollWith(`question.nl = "Hoe ging het boeken?"`, `question.en = "How did booking go?"`), line: 15, key: "poll[2].question.nl", msg: "needs a Dutch text"},
	{name: "poll without question", in: pollWith("question.nl = \"Hoe ging het boeken?\"\n", ""), line: 13, key: "poll[2].question.nl", msg: "needs a Dutch text"},
	{name: "question in an unknown language", in: pollWith(`question.nl = "Hoe ging het boeken?"`, `question = { nl = "Hoe?", de = "Wie?" }`), line: 15, key: "poll[2].question.de", msg: `"de" is not a language of the kiosk; write the text in nl (Nederlands), en (English)`},
	{name: "question too long", in: pollWith(`"Hoe ging het boeken?"`, `"`+strings.Repeat("é", 201)+`"`), line: 15, key: "poll[2].question.nl", msg: "the text is 201 characters long; the screen takes at most 200"},
	{name: "question of 200 characters", in: pollWith(`"Hoe ging het boeken?"`, `"`+strings.Repeat("é", 200)+`"`)},
	{name: "question empty", in: pollWith(`"Hoe ging het boeken?"`, `""`), line: 15, key: "poll[2].question.nl", msg: "cannot be shown"},
	{name: "question as text", in: pollWith(`question.nl = "Hoe ging het boeken?"`, `question = "Hoe?"`), line: 15, key: "poll[2].question", msg: "must be a table of text per language"},
	{name: "bad from", in: pollWith(`from = "2026-12-01"`, `from = "2026-02-30"`), line: 6, key: "poll[1].from", msg: `"2026-02-30" is not a date; write year-month-day in double quotes`},
	{name: "bare date", in: pollWith(`from = "2026-12-01"`, `from = 2026-12-01`), line: 6, key: "poll[1].from", msg: "must be text in double quotes, not the date/time 2026-12-01"},
	{name: "bad until", in: pollWith(`until = "2027-03-31"`, `until = "31-03-2027"`), line: 7, key: "poll[1].until", msg: "is not a date"},
	{name: "until before from", in: pollWith(`until = "2027-03-31"`, `until = "2026-11-30"`), line: 7, key: "poll[1].until", msg: "2026-11-30 is before from (2026-12-01)"},
	{name: "until on from", in: pollWith(`until = "2027-03-31"`, `until = "2026-12-01"`)},
	{name: "unknown after", in: pollWith(`after = ["study"]`, `after = ["studie"]`), line: 16, key: "poll[2].after", msg: `"studie" is not a service after which a poll is asked; use "checkout", "return", "study", "idle"`},
	{name: "after twice", in: pollWith(`after = ["study"]`, `after = ["study", "study"]`), line: 16, key: "poll[2].after", msg: "listed twice"},
	{name: "no after", in: pollWith(`after = ["study"]`, `after = []`), line: 16, key: "poll[2].after", msg: "needs after"},
	{name: "after left out", in: pollWith("after = [\"study\"]\n", ""), line: 13, key: "poll[2].after", msg: "needs after"},
	{name: "every zero", in: pollWith("every = 3", "every = 0"), line: 9, key: "poll[1].every", msg: "0 is out of range"},
	{name: "every 101", in: pollWith("every = 3", "every = 101"), line: 9, key: "poll[1].every", msg: "101 is out of range; ask the poll after 1 in every 1 to 100 visits"},
	{name: "every 100", in: pollWith("every = 3", "every = 100")},
	{name: "every as text", in: pollWith("every = 3", `every = "3"`), line: 9, key: "poll[1].every", msg: "must be a whole number"},
	{name: "unknown key in poll", in: pollWith(`after = ["study"]`, "after = [\"study\"]\nvery = 2"), line: 17, key: "poll[2].very", msg: `unknown key "very" in [[poll]]`},

	// [poll.follow_up].
	{name: "seven options", in: pollWith(`{ nl = "Anders" } ]`, `{ nl = "Anders" }, { nl = "4" }, { nl = "5" }, { nl = "6" }, { nl = "7" } ]`), line: 12, key: "poll[1].follow_up.options", msg: "7 options are too many for the screen; give at most 6"},
	{name: "six options", in: pollWith(`{ nl = "Anders" } ]`, `{ nl = "Anders" }, { nl = "4" }, { nl = "5" }, { nl = "6" } ]`)},
	{name: "follow-up without options", in: pollWith("options = [ { nl = \"Het duurde lang\", en = \"It took long\" }, { nl = \"Ik begreep het niet\" }, { nl = \"Anders\" } ]\n", ""), line: 10, key: "poll[1].follow_up.options", msg: "a follow-up needs options"},
	{name: "follow-up with no options", in: pollWith(`options = [ { nl = "Het duurde lang", en = "It took long" }, { nl = "Ik begreep het niet" }, { nl = "Anders" } ]`, "options = []"), line: 12, key: "poll[1].follow_up.options", msg: "a follow-up needs options"},
	{name: "option without Dutch", in: pollWith(`{ nl = "Anders" }`, `{ en = "Other" }`), line: 12, key: "poll[1].follow_up.options[3].nl", msg: "needs a Dutch text"},
	{name: "option in an unknown language", in: pollWith(`{ nl = "Anders" }`, `{ nl = "Anders", fr = "Autre" }`), line: 12, key: "poll[1].follow_up.options[3].fr", msg: "is not a language of the kiosk"},
	{name: "option too long", in: pollWith(`"It took long"`, `"`+strings.Repeat("a", 201)+`"`), line: 12, key: "poll[1].follow_up.options[1].en", msg: "201 characters"},
	{name: "option as text", in: pollWith(`{ nl = "Anders" }`, `"Anders"`), line: 12, key: "poll[1].follow_up.options[3]", msg: "must be a list of tables of text per language"},
	{name: "option text as number", in: pollWith(`{ nl = "Anders" }`, `{ nl = 3 }`), line: 12, key: "poll[1].follow_up.options[3].nl", msg: "nl of item 3 is the number 3"},
	{name: "follow-up question without Dutch", in: pollWith(`question = { nl = "Wat kan beter?" }`, `question = { en = "What could be better?" }`), line: 11, key: "poll[1].follow_up.question.nl", msg: "needs a Dutch text"},
	{name: "unknown key in follow-up", in: pollWith("[poll.follow_up]\n", "[poll.follow_up]\nchoices = []\n"), line: 11, key: "poll[1].follow_up.choices", msg: `unknown key "choices" in [poll.follow_up]; allowed keys are question, options`},
	{name: "21 polls", in: pollBase + numbered(19, "[[poll]]\nid = \"p%d\"\n"), line: 21 + 2*18, key: "poll[21]", msg: "the file has 21 [[poll]] sections; a kiosk takes at most 20 polls"},

	// [[news]].
	{name: "news without Dutch", in: pollWith(`text = { nl = "Er zijn nu meer stopcontacten." }`, `text = { en = "More sockets." }`), line: 18, key: "news[1].text.nl", msg: "needs a Dutch text"},
	{name: "news without text", in: pollWith("text = { nl = \"Er zijn nu meer stopcontacten.\" }\n", ""), line: 17, key: "news[1].text.nl", msg: "needs a Dutch text"},
	{name: "news too long", in: pollWith(`"Er zijn nu meer stopcontacten."`, `"`+strings.Repeat("a", 201)+`"`), line: 18, key: "news[1].text.nl", msg: "201 characters"},
	{name: "news in an unknown language", in: pollWith(`text = { nl = "Er zijn nu meer stopcontacten." }`, `text = { nl = "Meer.", tr = "Daha." }`), line: 18, key: "news[1].text.tr", msg: "is not a language of the kiosk"},
	{name: "news until before from", in: pollWith(`until = "2027-01-31"`, `until = "2026-01-31"`), line: 20, key: "news[1].until", msg: "is before from"},
	{name: "news bad from", in: pollWith(`from = "2026-12-01"
until = "2027-01-31"`, `from = "2026-13-01"
until = "2027-01-31"`), line: 19, key: "news[1].from", msg: "is not a date"},
	{name: "unknown key in news", in: pollWith(`until = "2027-01-31"`, "until = \"2027-01-31\"\nimage = \"a.png\""), line: 21, key: "news[1].image", msg: `unknown key "image" in [[news]]; allowed keys are text, from, until`},
	{name: "21 news items", in: pollBase + numbered(20, "[[news]]\ntext.nl = \"n%d\"\n"), line: 21 + 2*19, key: "news[21]", msg: "the file has 21 [[news]] sections; a kiosk takes at most 20 news items"},
}

func TestParsePolls(t *testing.T) {
	for _, tc := range pollTests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("kiosk.toml", []byte(tc.in))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error = %v (%T), want *Error", err, err)
			}
			if e.File != "kiosk.toml" || e.Line != tc.line || (tc.key != "" && e.Key != tc.key) || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Parse error = %q\nwant line %d, key %q, message containing %q", e, tc.line, tc.key, tc.msg)
			}
		})
	}
}

// TestParsePollsValues: every key of [polls], [[poll]] and [[news]] lands in
// its field, and the keys left out have their defaults.
func TestParsePollsValues(t *testing.T) {
	in := pollWith(`spam_window = "4s"`, "spam_window = \"10s\"\nretention = \"0s\"\nkiosk_name = \"Seghwaert-1\"")
	cfg, err := Parse("kiosk.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Polls{SpamWindow: Duration{10 * time.Second}, Retention: Duration{0}, KioskName: "Seghwaert-1"}); !reflect.DeepEqual(cfg.Polls, want) {
		t.Errorf("Polls = %+v, want %+v", cfg.Polls, want)
	}
	wantPolls := []Poll{
		{
			ID: "lenen", Question: map[string]string{"nl": "Hoe ging het lenen?", "en": "How did borrowing go?"},
			From: "2026-12-01", Until: "2027-03-31", After: []string{"checkout", "return"}, Every: 3,
			FollowUp: PollFollowUp{
				Question: map[string]string{"nl": "Wat kan beter?"},
				Options:  []map[string]string{{"nl": "Het duurde lang", "en": "It took long"}, {"nl": "Ik begreep het niet"}, {"nl": "Anders"}},
			},
		},
		{ID: "studie", Question: map[string]string{"nl": "Hoe ging het boeken?"}, After: []string{"study"}, Every: 1},
	}
	if !reflect.DeepEqual(cfg.Poll, wantPolls) {
		t.Errorf("Poll =\n%+v\nwant\n%+v", cfg.Poll, wantPolls)
	}
	wantNews := []News{{Text: map[string]string{"nl": "Er zijn nu meer stopcontacten."}, From: "2026-12-01", Until: "2027-01-31"}}
	if !reflect.DeepEqual(cfg.News, wantNews) {
		t.Errorf("News = %+v, want %+v", cfg.News, wantNews)
	}
	rest := cfg
	rest.Polls, rest.Poll, rest.News = nil, nil, nil
	if !reflect.DeepEqual(rest, Default()) {
		t.Errorf("the polls changed another section:\n%+v", rest)
	}

	// The keys of [polls] left out keep their defaults.
	cfg, err = Parse("kiosk.toml", []byte("[polls]\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultPolls()
	if !reflect.DeepEqual(cfg.Polls, def) {
		t.Errorf("defaults = %+v, want %+v", cfg.Polls, def)
	}
	if def.SpamWindow.Duration != 4*time.Second || def.Retention.Duration != 4380*time.Hour || def.KioskName != "kiosk" {
		t.Errorf("defaults are not those documented: %+v", def)
	}
	// Without the sections, no polls and no news.
	if cfg, err := Parse("kiosk.toml", nil); err != nil || cfg.Polls != nil || cfg.Poll != nil || cfg.News != nil {
		t.Errorf("empty file: %+v %+v %+v, %v", cfg.Polls, cfg.Poll, cfg.News, err)
	}
}

func TestParseDate(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	if d, err := ParseDate("2026-12-01", loc); err != nil || !d.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	if d, err := ParseDate("", loc); err != nil || !d.IsZero() {
		t.Errorf("ParseDate(\"\") = %v, %v", d, err)
	}
	for _, in := range []string{"2026-2-1", "2026-02-30", "01-12-2026", "2026-12-01T00:00", " 2026-12-01"} {
		if _, err := ParseDate(in, loc); err == nil {
			t.Errorf("ParseDate(%q) has no error", in)
		}
	}
}

// TestSamplePollsExample: the sample's example polls load, with [polls] at
// its defaults.
func TestSamplePollsExample(t *testing.T) {
	text := uncommentPolls(uncommentExample(uncommentExample(readSample(t), "poll"), "news"))
	cfg, err := Parse(samplePath, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Polls, DefaultPolls()) {
		t.Errorf("example [polls] = %+v, want the defaults", cfg.Polls)
	}
	if len(cfg.Poll) != 1 || len(cfg.Poll[0].FollowUp.Options) != 2 || cfg.Poll[0].Every != 3 || len(cfg.News) != 1 || cfg.News[0].Until == "" {
		t.Errorf("example polls = %+v, news = %+v", cfg.Poll, cfg.News)
	}
	cfg.Polls, cfg.Poll, cfg.News = nil, nil, nil
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample with the example polls, polls removed =\n%+v\nDefault() =\n%+v", cfg, want)
	}
}
