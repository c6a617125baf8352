package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// Study is the [study] section: the study places of the open learning
// centre. Without it the kiosk has no study places (Config.Study is nil).
type Study struct {
	Slot           Duration `toml:"slot"`             // the step of start and end times; divides an hour
	LongestStay    Duration `toml:"longest_stay"`     // a multiple of Slot
	BookingsPerDay int      `toml:"bookings_per_day"` // per patron per day
	OpenBookings   int      `toml:"open_bookings"`    // per patron, not yet ended
	Horizon        Duration `toml:"horizon"`          // how far ahead a booking may start
	CheckinBefore  Duration `toml:"checkin_before"`
	CheckinAfter   Duration `toml:"checkin_after"`
	// BlockedMayStudy: a patron the ILS blocks from borrowing may still book.
	BlockedMayStudy bool `toml:"blocked_may_study"`
	// TeacherCategories are the SIP2 patron categories (PC) that may book a
	// block of seats for a class.
	TeacherCategories []string         `toml:"teacher_categories"`
	Hours             StudyHours       `toml:"hours"`
	Exceptions        []StudyException `toml:"exception"`
	Zones             []StudyZone      `toml:"zone"`
	Seats             []StudySeat      `toml:"seat"`
}

// StudyHours is [study.hours]: the opening hours per weekday as ParseHours
// reads them; "" is closed.
type StudyHours struct {
	Monday    string `toml:"monday"`
	Tuesday   string `toml:"tuesday"`
	Wednesday string `toml:"wednesday"`
	Thursday  string `toml:"thursday"`
	Friday    string `toml:"friday"`
	Saturday  string `toml:"saturday"`
	Sunday    string `toml:"sunday"`
}

// Day returns the hours of weekday d.
func (h StudyHours) Day(d time.Weekday) string {
	return [7]string{h.Sunday, h.Monday, h.Tuesday, h.Wednesday, h.Thursday, h.Friday, h.Saturday}[d%7]
}

// StudyException is one [[study.exception]]: a date whose hours differ
// from its weekday's; Hours "" is closed.
type StudyException struct {
	Date  string `toml:"date"` // "2006-01-02"
	Hours string `toml:"hours"`
}

// StudyZone is one [[study.zone]].
type StudyZone struct {
	ID    string            `toml:"id"`
	Name  map[string]string `toml:"name"` // per language code; "nl" required
	Quiet bool              `toml:"quiet"`
}

// StudySeat is one [[study.seat]].
type StudySeat struct {
	Number       string   `toml:"number"`
	Zone         string   `toml:"zone"`     // a StudyZone's ID
	Features     []string `toml:"features"` // of kiosk.Features
	Row          int      `toml:"row"`      // from 1
	Column       int      `toml:"column"`   // from 1
	OutOfService bool     `toml:"out_of_service"`
}

// defaultStudy holds the values of the [study] keys a file leaves out.
func defaultStudy() *Study {
	return &Study{
		Slot:            Duration{15 * time.Minute},
		LongestStay:     Duration{4 * time.Hour},
		BookingsPerDay:  2,
		OpenBookings:    1,
		Horizon:         Duration{72 * time.Hour},
		CheckinBefore:   Duration{15 * time.Minute},
		CheckinAfter:    Duration{15 * time.Minute},
		BlockedMayStudy: true,
	}
}

// Limits of [study].
const (
	maxStudySeats    = 300
	minSlot          = 5 * time.Minute
	maxSlot          = time.Hour
	maxLongestStay   = 12 * time.Hour
	maxStudyBookings = 10
	maxHorizon       = 14 * 24 * time.Hour
	maxCheckin       = time.Hour
	maxSeatPlace     = 100 // rows and columns of a zone's map
	maxStudyIDLen    = 32  // zone ids, seat numbers, teacher categories
)

// hoursExample is what the hours' errors say to write.
const hoursExample = `write them like "09:00-21:00", or "09:00-12:30, 13:30-17:00" for a break, or "" for closed`

// ParseHours reads opening hours: "" (closed), "09:00-21:00", or spans
// separated by commas, "09:00-12:30, 13:30-17:00". Each span closes after
// it opens, at the latest at 24:00, and no two overlap; the spans are
// returned in order of opening.
func ParseHours(s string) ([]kiosk.Span, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var spans []kiosk.Span
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		from, to, ok := strings.Cut(part, "-")
		open, okOpen := clockTime(strings.TrimSpace(from))
		closing, okClose := clockTime(strings.TrimSpace(to))
		if !ok || !okOpen || !okClose || open == 24*time.Hour {
			return nil, fmt.Errorf("%q are not opening hours: %q is not two times of day HH:MM-HH:MM; %s", short(s), short(part), hoursExample)
		}
		if closing <= open {
			return nil, fmt.Errorf("%q are not opening hours: %q closes before it opens; write the opening time first, and at the latest 24:00 for midnight", short(s), short(part))
		}
		spans = append(spans, kiosk.Span{Open: open, Close: closing})
	}
	slices.SortStableFunc(spans, func(a, b kiosk.Span) int { return int(a.Open - b.Open) })
	for i := 1; i < len(spans); i++ {
		if spans[i].Open < spans[i-1].Close {
			return nil, fmt.Errorf("%q are not opening hours: %s-%s and %s-%s overlap; write every time the centre is open once", short(s),
				fmtClock(spans[i-1].Open), fmtClock(spans[i-1].Close), fmtClock(spans[i].Open), fmtClock(spans[i].Close))
		}
	}
	return spans, nil
}

// clockTime reads "HH:MM", 00:00 to 24:00, as the time from midnight.
func clockTime(s string) (time.Duration, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' ||
		h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// fmtClock writes a time from midnight as HH:MM.
func fmtClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// studyTables are the arrays of tables inside [study], by key.
var studyTables = map[string]string{"exception": "study.exception", "zone": "study.zone", "seat": "study.seat"}

// studyKey names key of the index-th [[study.<table>]], counted from 1 as
// people do: study.seat[3].zone.
func studyKey(table string, index int, key string) string {
	k := fmt.Sprintf("study.%s[%d]", table, index+1)
	if key != "" {
		k += "." + key
	}
	return k
}

// studyError is an error at key of the index-th [[study.<table>]]: at the
// line that writes the key, else at the table's header.
func (f *file) studyError(table string, index int, key string, format string, args ...any) *Error {
	plain := "study." + table
	// The key, or the nearest parent the table writes (name of name.de),
	// never the key of another table.
	line := 0
	for k := key; k != "" && line == 0; {
		line = f.find(plain+"."+k, index)
		i := strings.LastIndexByte(k, '.')
		k = k[:max(i, 0)]
	}
	if line == 0 {
		line = f.lineOf(plain, index)
	}
	return &Error{File: f.name, Line: max(1, line), Key: short(studyKey(table, index, key)), Msg: fmt.Sprintf(format, args...)}
}

// addStudy records a problem at key of the index-th [[study.<table>]].
func (v *validation) addStudy(table string, index int, key string, format string, args ...any) {
	v.errs = append(v.errs, v.f.studyError(table, index, key, format, args...))
}

// studyLine is the line of the index-th [[study.<table>]]'s key, else its header.
func (f *file) studyLine(table string, index int, key string) int {
	return f.studyError(table, index, key, "").Line
}

// study checks the [study] section: its rules, hours, zones and seats, each
// against the others.
func (v *validation) study(c *Study) {
	if c == nil {
		return
	}
	v.studyRules(c)
	v.studyHours(c.Hours)
	v.studyExceptions(c.Exceptions)
	zones := v.studyZones(c.Zones)
	v.studySeats(c.Seats, zones)
	for i, z := range c.Zones {
		if zi := zones[z.ID]; zi != nil && zi.index == i && !zi.seated {
			v.addStudy("zone", i, "id", "zone %q has no seats; give it at least one [[study.seat]] with zone = %q, or remove the zone", short(z.ID), short(z.ID))
		}
	}
	if len(c.Zones) == 0 {
		v.add("study", -1, "the study places need at least one zone: add a [[study.zone]] section with an id and a name, or remove [study] to have no study places")
	}
	if len(c.Seats) == 0 {
		v.add("study", -1, "the study places need at least one seat: add a [[study.seat]] section with a number and a zone, or remove [study] to have no study places")
	}
}

// studyRules checks the limits of booking in [study].
func (v *validation) studyRules(c *Study) {
	slot := c.Slot.Duration
	slotOK := slot >= minSlot && slot <= maxSlot && slot%time.Minute == 0 && time.Hour%slot == 0
	if !slotOK {
		v.add("study.slot", -1, "%s cannot be the slot; use a whole number of minutes from 5m to 60m that divides an hour: \"5m\", \"10m\", \"15m\", \"20m\", \"30m\" or \"60m\"", fmtDur(slot))
	}
	switch stay := c.LongestStay.Duration; {
	case stay < minSlot || stay > maxLongestStay:
		v.add("study.longest_stay", -1, "%s is out of range; use a duration from the slot (%s) up to \"12h\"", fmtDur(stay), fmtDur(slot))
	case slotOK && (stay < slot || stay%slot != 0):
		v.add("study.longest_stay", -1, "%s is not a whole number of slots of %s (study.slot); use a multiple of the slot, like %q", fmtDur(stay), fmtDur(slot), fmtDur(max(slot, stay/slot*slot)))
	}
	perDayOK := c.BookingsPerDay >= 1 && c.BookingsPerDay <= maxStudyBookings
	if !perDayOK {
		v.add("study.bookings_per_day", -1, "%d is out of range; use a number of bookings from 1 to %d", c.BookingsPerDay, maxStudyBookings)
	}
	switch n := c.OpenBookings; {
	case n < 1 || n > maxStudyBookings:
		v.add("study.open_bookings", -1, "%d is out of range; use a number of bookings from 1 to %d", n, maxStudyBookings)
	case perDayOK && n > c.BookingsPerDay:
		v.add("study.open_bookings", -1, "%d is more than study.bookings_per_day (%d); a patron cannot have more bookings open than a day allows, so use at most %d", n, c.BookingsPerDay, c.BookingsPerDay)
	}
	if h := c.Horizon.Duration; h < 0 || h > maxHorizon {
		v.add("study.horizon", -1, "%s is out of range; use \"0s\" (today only, from now) up to \"336h\" (14 days)", fmtDur(h))
	}
	checkRange(v.add, "study.checkin_before", c.CheckinBefore.Duration, 0, maxCheckin)
	checkRange(v.add, "study.checkin_after", c.CheckinAfter.Duration, 0, maxCheckin)
	seen := map[string]bool{}
	for _, cat := range c.TeacherCategories {
		switch {
		case strings.TrimSpace(cat) == "" || len(cat) > maxStudyIDLen || strings.ContainsFunc(cat, unicode.IsControl):
			v.add("study.teacher_categories", -1, "%q is not a patron category; write the categories as the library system sends them (SIP2 field PC), like [\"LK\"]", short(cat))
		case seen[cat]:
			v.add("study.teacher_categories", -1, "%q is listed twice; list every category once", short(cat))
		}
		seen[cat] = true
	}
}

// studyHours checks [study.hours].
func (v *validation) studyHours(h StudyHours) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if _, err := ParseHours(h.Day(d)); err != nil {
			v.add("study.hours."+strings.ToLower(d.String()), -1, "%s", err.Error())
		}
	}
}

// studyExceptions checks every [[study.exception]]: a real date, once.
func (v *validation) studyExceptions(exceptions []StudyException) {
	dates := map[string]int{}
	for i, e := range exceptions {
		switch d, err := time.Parse(time.DateOnly, e.Date); {
		case e.Date == "":
			v.addStudy("exception", i, "date", "every [[study.exception]] needs a date, like date = \"2026-12-24\"")
		case err != nil || d.Format(time.DateOnly) != e.Date:
			v.addStudy("exception", i, "date", "%q is not a date; write year-month-day in double quotes, like \"2026-12-24\"", short(e.Date))
		default:
			if j, dup := dates[e.Date]; dup {
				v.addStudy("exception", i, "date", "%s already has its hours in [[study.exception]] %d (line %d); give every date one exception", e.Date, j+1, v.f.studyLine("exception", j, "date"))
			}
			dates[e.Date] = i
		}
		if _, err := ParseHours(e.Hours); err != nil {
			v.addStudy("exception", i, "hours", "%s", err.Error())
		}
	}
}

// zoneInfo is what the seats need to know of a zone.
type zoneInfo struct {
	index  int
	seated bool
}

// studyZones checks every [[study.zone]] and returns the zones by id.
func (v *validation) studyZones(zones []StudyZone) map[string]*zoneInfo {
	ids := map[string]*zoneInfo{}
	for i, z := range zones {
		switch {
		case z.ID == "":
			v.addStudy("zone", i, "id", "every [[study.zone]] needs an id, like id = \"stilte\"; the seats name their zone by it")
		case !isStudyID(z.ID):
			v.addStudy("zone", i, "id", "%q cannot be a zone id; use up to %d lower-case letters, digits, \"-\" and \"_\", like \"stilte\"", short(z.ID), maxStudyIDLen)
		default:
			if p, dup := ids[z.ID]; dup {
				v.addStudy("zone", i, "id", "%q is already the id of [[study.zone]] %d (line %d); give every zone its own id", z.ID, p.index+1, v.f.studyLine("zone", p.index, "id"))
				continue
			}
			ids[z.ID] = &zoneInfo{index: i}
		}
		v.zoneNames(i, z.Name)
	}
	return ids
}

// zoneNames checks the name of the i-th [[study.zone]]: Dutch at least,
// and only languages the kiosk speaks.
func (v *validation) zoneNames(i int, names map[string]string) {
	codes := make([]string, 0, len(names))
	for code := range names {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		switch name := names[code]; {
		case !kiosk.KnownLanguage(code):
			known := make([]string, len(kiosk.Languages))
			for j, l := range kiosk.Languages {
				known[j] = fmt.Sprintf("%s (%s)", l.Code, l.Name)
			}
			v.addStudy("zone", i, "name."+code, "%q is not a language of the kiosk; name the zone in %s", short(code), strings.Join(known, ", "))
		case strings.TrimSpace(name) == "" || strings.ContainsFunc(name, unicode.IsControl):
			v.addStudy("zone", i, "name."+code, "%q cannot be the zone's name; write the name patrons see, without tabs or line breaks", short(name))
		}
	}
	if _, ok := names[kiosk.DefaultLanguage]; !ok {
		e := v.f.studyError("zone", i, "name", "every zone needs a Dutch name, like name = { nl = \"Stilte\", en = \"Quiet zone\" }")
		e.Key = short(studyKey("zone", i, "name.nl"))
		v.errs = append(v.errs, e)
	}
}

// studySeats checks every [[study.seat]] against zones, and marks the zones
// that have seats.
func (v *validation) studySeats(seats []StudySeat, zones map[string]*zoneInfo) {
	numbers := map[string]int{}
	type place struct {
		zone        string
		row, column int
	}
	places := map[place]int{}
	for i, s := range seats {
		switch {
		case s.Number == "":
			v.addStudy("seat", i, "number", "every [[study.seat]] needs a number, as on the seat's label, like number = \"S01\"")
		case len(s.Number) > maxStudyIDLen || strings.ContainsFunc(s.Number, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
			v.addStudy("seat", i, "number", "%q cannot be a seat number; write the number on the seat's label, up to %d characters without spaces, like \"S01\"", short(s.Number), maxStudyIDLen)
		default:
			if j, dup := numbers[s.Number]; dup {
				v.addStudy("seat", i, "number", "%q is already the number of [[study.seat]] %d (line %d); give every seat its own number", s.Number, j+1, v.f.studyLine("seat", j, "number"))
			} else {
				numbers[s.Number] = i
			}
		}
		z := zones[s.Zone]
		switch {
		case s.Zone == "":
			v.addStudy("seat", i, "zone", "every [[study.seat]] needs a zone, the id of a [[study.zone]], like zone = \"stilte\"")
		case z == nil:
			v.addStudy("seat", i, "zone", "%q is not the id of a [[study.zone]]; use one of %s", short(s.Zone), zoneIDs(zones))
		default:
			z.seated = true
		}
		v.seatFeatures(i, s.Features)
		rowOK := v.seatPlace(i, "row", s.Row)
		columnOK := v.seatPlace(i, "column", s.Column)
		if z != nil && rowOK && columnOK {
			p := place{s.Zone, s.Row, s.Column}
			if j, dup := places[p]; dup {
				v.addStudy("seat", i, "column", "seat %q is on row %d, column %d of zone %q, where seat %q (line %d) already is; give every seat of a zone its own place", short(s.Number), s.Row, s.Column, s.Zone, short(seats[j].Number), v.f.studyLine("seat", j, "number"))
			} else {
				places[p] = i
			}
		}
	}
}

// seatFeatures checks the features of the i-th [[study.seat]].
func (v *validation) seatFeatures(i int, features []string) {
	seen := map[string]bool{}
	for _, f := range features {
		switch {
		case !slices.Contains(kiosk.Features, kiosk.Feature(f)):
			names := make([]string, len(kiosk.Features))
			for j, k := range kiosk.Features {
				names[j] = strconv.Quote(string(k))
			}
			v.addStudy("seat", i, "features", "%q is not a feature of a seat; use %s", short(f), strings.Join(names, ", "))
		case seen[f]:
			v.addStudy("seat", i, "features", "%q is listed twice; list every feature once", f)
		}
		seen[f] = true
	}
}

// seatPlace checks the row or column of the i-th [[study.seat]].
func (v *validation) seatPlace(i int, key string, n int) bool {
	if n < 1 || n > maxSeatPlace {
		v.addStudy("seat", i, key, "%d is out of range; the seat's %s on its zone's map is a number from 1 to %d", n, key, maxSeatPlace)
		return false
	}
	return true
}

// zoneIDs lists the ids of zones for a message, in the file's order.
func zoneIDs(zones map[string]*zoneInfo) string {
	if len(zones) == 0 {
		return "the zones; the file has no [[study.zone]] with a valid id yet"
	}
	ids := make([]string, 0, len(zones))
	for id := range zones {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return zones[a].index - zones[b].index })
	for i, id := range ids {
		ids[i] = strconv.Quote(id)
	}
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}

// isStudyID reports whether s can be a zone id.
func isStudyID(s string) bool {
	return len(s) <= maxStudyIDLen && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// checkNested checks a value of a field that holds more than one value:
// a table ([study.hours]), an array of tables ([[study.seat]]), a list of
// text or a table of text. ok is false for a type it does not know.
func (f *file) checkNested(key string, t reflect.Type, v any, index int) (errs []*Error, ok bool) {
	switch {
	case t.Kind() == reflect.Struct:
		m, isTable := v.(map[string]any)
		if !isTable {
			return []*Error{f.errorAt(key, index, "must be a section written as [%s] on a line of its own, not %s", key, describe(v))}, true
		}
		return f.checkTable(section{name: key, typ: t}, m, index), true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		what := key[strings.LastIndexByte(key, '.')+1:]
		var tables []map[string]any
		switch v := v.(type) {
		case []map[string]any:
			tables = v
		case []any:
			tables = tablesOf(v)
		default:
			return []*Error{f.errorAt(key, index, "must be written as one [[%s]] section per %s, not %s", key, what, describe(v))}, true
		}
		for i, m := range tables {
			if m == nil {
				e := f.errorAt(key, i, "every %s must be a [[%s]] section with key = value lines", what, key)
				e.Key = short(fmt.Sprintf("%s[%d]", key, i+1))
				errs = append(errs, e)
				continue
			}
			for _, e := range f.checkTable(section{name: key, typ: t.Elem()}, m, i) {
				e.Key = short(strings.Replace(e.Key, key+".", fmt.Sprintf("%s[%d].", key, i+1), 1))
				errs = append(errs, e)
			}
		}
		return errs, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list, isList := v.([]any)
		for _, e := range list {
			if _, isText := e.(string); !isText {
				isList = false
			}
		}
		if !isList {
			return []*Error{f.errorAt(key, index, "must be a list of text in double quotes, like [\"a\", \"b\"], not %s", describe(v))}, true
		}
		return nil, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Map && t.Elem().Elem().Kind() == reflect.String:
		// A list of texts per language: poll.follow_up.options.
		const like = "must be a list of tables of text per language, like [ { nl = \"Het duurde lang\", en = \"It took long\" } ]"
		var items []any
		switch v := v.(type) {
		case []any:
			items = v
		case []map[string]any:
			for _, m := range v {
				items = append(items, m)
			}
		default:
			return []*Error{f.errorAt(key, index, "%s, not %s", like, describe(v))}, true
		}
		for i, item := range items {
			m, isTable := item.(map[string]any)
			if !isTable {
				e := f.errorAt(key, index, "%s; item %d is %s", like, i+1, describe(item))
				e.Key = short(fmt.Sprintf("%s[%d]", key, i+1))
				errs = append(errs, e)
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if _, isText := m[k].(string); !isText {
					e := f.errorAt(key, index, "%s; %s of item %d is %s", like, short(k), i+1, describe(m[k]))
					e.Key = short(fmt.Sprintf("%s[%d].%s", key, i+1, k))
					errs = append(errs, e)
				}
			}
		}
		return errs, true
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.String:
		const like = "must be a table of text per language, like { nl = \"Stilte\", en = \"Quiet zone\" }"
		m, isTable := v.(map[string]any)
		if !isTable {
			return []*Error{f.errorAt(key, index, "%s, not %s", like, describe(v))}, true
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if _, isText := m[k].(string); !isText {
				errs = append(errs, f.errorAt(key+"."+k, index, "%s; %s is %s", like, short(k), describe(m[k])))
			}
		}
		return errs, true
	}
	return nil, false
}

// nestedKeys returns, for a key of the file inside an array of tables or a
// table within a section (study.seat.colour), the header of that table,
// its allowed keys, and the key as an error names it (study.seat[2].colour).
func (f *file) nestedKeys(k []string) (header string, allowed []string, name string, ok bool) {
	if len(k) < 3 {
		return "", nil, "", false
	}
	for _, s := range schema() {
		if s.name != k[0] {
			continue
		}
		for j := range s.typ.NumField() {
			field := s.typ.Field(j)
			if tagName(field) != k[1] {
				continue
			}
			t := field.Type
			array := t.Kind() == reflect.Slice
			if array {
				t = t.Elem()
			}
			if t.Kind() != reflect.Struct || t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
				return "", nil, "", false
			}
			for i := range t.NumField() {
				allowed = append(allowed, tagName(t.Field(i)))
			}
			table := k[0] + "." + k[1]
			header, name = "["+table+"]", strings.Join(k, ".")
			if array {
				header = "[" + header + "]"
				if f.defs == nil {
					f.defs = f.index()
				}
				if d := f.defs[name]; len(d) > 0 && d[0].arrayIdx >= 0 {
					name = fmt.Sprintf("%s[%d].%s", table, d[0].arrayIdx+1, strings.Join(k[2:], "."))
				}
			}
			return header, allowed, name, true
		}
	}
	return "", nil, "", false
}
