package config

import (
	"encoding"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// section is one top-level table of Config, as the file spells it.
type section struct {
	name  string // toml tag
	array bool   // [[name]] rather than [name]
	typ   reflect.Type
	keys  []string // toml tags of its fields, in struct order
}

// schema lists Config's sections from its toml tags, so the checks and the
// messages cannot drift from the struct.
func schema() []section {
	var out []section
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		s := section{name: tagName(f), typ: f.Type}
		if f.Type.Kind() == reflect.Pointer { // an optional section: [study]
			s.typ = f.Type.Elem()
		}
		if f.Type.Kind() == reflect.Slice {
			s.array, s.typ = true, f.Type.Elem()
		}
		for j := range s.typ.NumField() {
			s.keys = append(s.keys, tagName(s.typ.Field(j)))
		}
		out = append(out, s)
	}
	return out
}

// header is the section as the file writes it: [name] or [[name]].
func (s section) header() string {
	if s.array {
		return "[[" + s.name + "]]"
	}
	return "[" + s.name + "]"
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// checkTypes checks every known key of the generic tree against the type of
// its field, and returns the problem nearest the top of the file.
func (f *file) checkTypes(tree map[string]any) *Error {
	var errs []*Error
	for _, s := range schema() {
		v, ok := tree[s.name]
		if !ok {
			continue
		}
		if !s.array {
			m, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, f.errorAt(s.name, -1, "must be a section written as [%s] on a line of its own, not %s", s.name, describe(v)))
				continue
			}
			errs = append(errs, f.checkTable(s, m, -1)...)
			continue
		}
		var tables []map[string]any
		switch v := v.(type) {
		case []map[string]any:
			tables = v
		case []any:
			tables = tablesOf(v)
		default:
			errs = append(errs, f.errorAt(s.name, -1, "must be written as one [[%s]] section per %s, not %s", s.name, s.name, describe(v)))
			continue
		}
		for i, m := range tables {
			if m == nil {
				e := f.errorAt(s.name, i, "every %s must be a [[%s]] section with key = value lines", s.name, s.name)
				if indexedTables[s.name] {
					e.Key = pollKey(s.name, i, "")
				}
				errs = append(errs, e)
				continue
			}
			for _, e := range f.checkTable(s, m, i) {
				if indexedTables[s.name] { // poll.every → poll[2].every
					e.Key = short(strings.Replace(e.Key, s.name+".", fmt.Sprintf("%s[%d].", s.name, i+1), 1))
				}
				errs = append(errs, e)
			}
		}
	}
	return first(errs)
}

// checkTable checks the values of one table; unknown keys are left to the
// decoder's Undecoded list.
func (f *file) checkTable(s section, m map[string]any, index int) []*Error {
	var errs []*Error
	for j := range s.typ.NumField() {
		field := s.typ.Field(j)
		name := tagName(field)
		v, ok := m[name]
		if !ok {
			continue
		}
		key := s.name + "." + name
		got := describe(v)
		if secretKeys[key] {
			got = describeKind(v) // keep the password out of logs
		}
		switch {
		case reflect.PointerTo(field.Type).Implements(textUnmarshaler):
			str, ok := v.(string)
			if !ok {
				errs = append(errs, f.errorAt(key, index, "must be a duration in double quotes, like \"5s\" or \"3m\", not %s", got))
				continue
			}
			u := reflect.New(field.Type).Interface().(encoding.TextUnmarshaler)
			if err := u.UnmarshalText([]byte(str)); err != nil {
				errs = append(errs, f.errorAt(key, index, "%s", err.Error()))
			}
		case field.Type.Kind() == reflect.String:
			if _, ok := v.(string); !ok {
				errs = append(errs, f.errorAt(key, index, "must be text in double quotes, not %s", got))
			}
		case field.Type.Kind() == reflect.Int:
			if _, ok := v.(int64); !ok {
				errs = append(errs, f.errorAt(key, index, "must be a whole number without quotes, not %s", got))
			}
		case field.Type.Kind() == reflect.Bool:
			if _, ok := v.(bool); !ok {
				errs = append(errs, f.errorAt(key, index, "must be true or false (without quotes), not %s", got))
			}
		default:
			if e, ok := f.checkNested(key, field.Type, v, index); ok {
				errs = append(errs, e...)
				continue
			}
			panic("config: no type check for field " + key)
		}
	}
	return errs
}

// first returns the error on the earliest line, the first listed on a tie.
func first(errs []*Error) *Error {
	var best *Error
	for _, e := range errs {
		if e != nil && (best == nil || e.Line < best.Line) {
			best = e
		}
	}
	return best
}

// standardBauds are the rates a [[scanner]] may use.
var standardBauds = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400}

// Limits of the durations, so that a typo like "5ms" or "60m" is caught.
const (
	minRequestTimeout = time.Second
	maxRequestTimeout = 2 * time.Minute
	minKeepalive      = 10 * time.Second
	maxKeepalive      = time.Hour
	minSessionTimeout = 10 * time.Second
	maxSessionTimeout = time.Hour
	minWarning        = 5 * time.Second
	maxDebounce       = 10 * time.Second
	minWedgeGap       = 5 * time.Millisecond
	maxWedgeGap       = 200 * time.Millisecond
)

// Limits of the lengths, in characters.
const (
	maxAffixLen      = 32 // scanner.prefix, scanner.suffix
	minMaxLength     = 8  // scanning.max_length
	maxMaxLength     = 64 << 10
	maxBarcodeLength = 128 // barcode.length
)

// checkLengths is the length of the codes each check digit scheme accepts.
var checkLengths = map[string]int{CheckLuhn14: 14, CheckEAN13: 13, CheckISBN10: 10}

// validate checks the values of a decoded Config and returns the problem
// nearest the top of the file.
func (f *file) validate(c *Config) *Error {
	v := &validation{f: f}
	v.ils(c.ILS)
	v.scanners(c.Scanners)
	v.scanning(c.Scanning)
	v.barcodes(c.Barcodes, c.Scanning.MaxLength)
	v.kiosk(c.Kiosk)
	// After [kiosk], as ever: of two problems on one line (an inline
	// table), the first found is reported.
	v.barcodeLoanDays(c.Barcodes)
	v.barcodeMedia(c.Barcodes)
	v.offline(c.Offline)
	v.printer(c.Printer)
	v.study(c.Study)
	v.polls(c.Polls, c.Poll, c.News)
	return first(v.errs)
}

// validation collects the problems validate finds, in the order found.
type validation struct {
	f    *file
	errs []*Error
}

// add records a problem at key of the index-th table (see errorAt).
func (v *validation) add(key string, index int, format string, args ...any) {
	v.errs = append(v.errs, v.f.errorAt(key, index, format, args...))
}

// ils checks the [ils] section.
func (v *validation) ils(c ILS) {
	if !c.IsDemo() {
		if msg := checkAddress(c.Address); msg != "" {
			v.add("ils.address", -1, "%s", msg)
		}
	}
	switch c.Charset {
	case CharsetUTF8, CharsetASCII, CharsetIBM850:
	default:
		v.add("ils.charset", -1, "%q is not a supported character set; use \"utf-8\", \"ascii\" or \"ibm850\"", short(c.Charset))
	}
	delimOK := len(c.Delimiter) == 1 && isDelimiter(c.Delimiter[0])
	if !delimOK {
		v.add("ils.delimiter", -1, "%q cannot be the field delimiter; use exactly one punctuation character, usually \"|\"", short(c.Delimiter))
	}
	v.ilsFields(c, delimOK)
	checkRange(v.add, "ils.request_timeout", c.RequestTimeout.Duration, minRequestTimeout, maxRequestTimeout)
	checkRange(v.add, "ils.keepalive", c.Keepalive.Duration, minKeepalive, maxKeepalive)
}

// ilsFields checks the [ils] values sent in SIP2 fields: they cannot hold
// a control character, nor the delimiter if delimOK says it is valid.
func (v *validation) ilsFields(c ILS, delimOK bool) {
	for _, fld := range []struct{ key, value string }{
		{"ils.user", c.User},
		{"ils.password", c.Password},
		{"ils.terminal_password", c.TerminalPassword},
		{"ils.location", c.Location},
		{"ils.institution", c.Institution},
	} {
		if strings.ContainsFunc(fld.value, unicode.IsControl) {
			v.add(fld.key, -1, "must not contain control characters such as tabs or line breaks")
		} else if delimOK && strings.Contains(fld.value, c.Delimiter) {
			v.add(fld.key, -1, "must not contain the field delimiter %q (ils.delimiter)", c.Delimiter)
		}
	}
}

// scanners checks every [[scanner]], and that no two share a device or a name.
func (v *validation) scanners(scanners []Scanner) {
	paths := map[string]int{}
	names := map[string]int{}
	for i, s := range scanners {
		v.scannerPath(i, s.Path, paths)
		if s.Name != "" {
			if j, dup := names[s.Name]; dup {
				v.add("scanner.name", i, "%q is already the name of scanner %d; give every scanner its own name", short(s.Name), j+1)
			}
			names[s.Name] = i
		}
		v.scannerSerial(i, s)
	}
}

// scannerPath checks the path of the i-th [[scanner]]; paths maps the
// paths of the scanners before it to their index.
func (v *validation) scannerPath(i int, path string, paths map[string]int) {
	switch {
	case path == "":
		v.add("scanner", i, "every [[scanner]] needs a path, like path = \"/dev/ttyACM0\"")
	case !filepath.IsAbs(path) || strings.ContainsFunc(path, unicode.IsControl):
		v.add("scanner.path", i, "%q is not a device path; use an absolute path like \"/dev/ttyACM0\" or \"/dev/serial/by-id/...\"", short(path))
	default:
		if j, dup := paths[path]; dup {
			v.add("scanner.path", i, "%q is already used by scanner %d; every scanner needs its own device", short(path), j+1)
		}
		paths[path] = i
	}
}

// scannerSerial checks how the i-th [[scanner]] reads its line: the serial
// settings and the framing of a code.
func (v *validation) scannerSerial(i int, s Scanner) {
	if !slices.Contains(standardBauds, s.Baud) {
		v.add("scanner.baud", i, "%d is not a standard baud rate; use one of %s (most scanners use 9600)", s.Baud, joinInts(standardBauds))
	}
	termOK := true
	switch s.Terminator {
	case TerminatorAny, TerminatorCR, TerminatorLF, TerminatorCRLF, TerminatorTab, TerminatorSTXETX:
	default:
		termOK = false
		v.add("scanner.terminator", i, "%q is not a terminator; use \"any\" (CR, LF or CRLF), \"cr\", \"lf\", \"crlf\", \"tab\" or \"stxetx\" (STX code ETX)", short(s.Terminator))
	}
	for _, a := range []struct{ key, value string }{{"scanner.prefix", s.Prefix}, {"scanner.suffix", s.Suffix}} {
		if msg := checkAffix(a.value, s.Terminator, termOK); msg != "" {
			v.add(a.key, i, "%s", msg)
		}
	}
	if s.DataBits < 5 || s.DataBits > 8 {
		v.add("scanner.data_bits", i, "%d is not a number of data bits; use 5, 6, 7 or 8 (most scanners use 8)", s.DataBits)
	}
	switch s.Parity {
	case ParityNone, ParityEven, ParityOdd:
	default:
		v.add("scanner.parity", i, "%q is not a parity; use \"none\", \"even\" or \"odd\" (most scanners use \"none\")", short(s.Parity))
	}
	if s.StopBits != 1 && s.StopBits != 2 {
		v.add("scanner.stop_bits", i, "%d is not a number of stop bits; use 1 or 2 (most scanners use 1)", s.StopBits)
	}
}

// scanning checks the [scanning] section.
func (v *validation) scanning(c Scanning) {
	checkRange(v.add, "scanning.debounce", c.Debounce.Duration, 0, maxDebounce)
	checkRange(v.add, "scanning.wedge_gap", c.WedgeGap.Duration, minWedgeGap, maxWedgeGap)
	if !maxLengthOK(c.MaxLength) {
		v.add("scanning.max_length", -1, "%d is out of range; use a number of characters from %d to %d", c.MaxLength, minMaxLength, maxMaxLength)
	}
}

// maxLengthOK reports whether n is a valid scanning.max_length.
func maxLengthOK(n int) bool { return n >= minMaxLength && n <= maxMaxLength }

// barcodeLengthOK reports whether n is a valid barcode.length.
func barcodeLengthOK(n int) bool { return n >= 0 && n <= maxBarcodeLength }

// barcodes checks every [[barcode]] but its loan_days (barcodeLoanDays):
// each on its own, against scanning.max_length (maxLen), and against the
// rules before it.
func (v *validation) barcodes(rules []BarcodeRule, maxLen int) {
	for i, r := range rules {
		v.barcodeKind(i, r.Kind)
		v.barcodeMatch(i, r)
		v.barcodeCheck(i, r)
		if maxLengthOK(maxLen) {
			v.barcodeMaxLength(i, r, maxLen)
		}
		v.barcodeShadowed(i, r, rules[:i])
	}
}

// barcodeKind checks the kind of the i-th [[barcode]], which it must write.
func (v *validation) barcodeKind(i int, kind string) {
	switch kind {
	case KindPatron, KindItem, KindStaff:
	case "":
		v.errs = append(v.errs, v.f.missingIn("barcode.kind", i, "every [[barcode]] needs a kind: \"patron\", \"item\" or \"staff\""))
	default:
		v.add("barcode.kind", i, "%q is not a kind of code; use \"patron\", \"item\" or \"staff\"", short(kind))
	}
}

// barcodeMatch checks what the i-th [[barcode]] matches on: its prefix,
// length and pattern, each on its own.
func (v *validation) barcodeMatch(i int, r BarcodeRule) {
	if r.Prefix == "" && r.Length == 0 && r.Pattern == "" {
		v.add("barcode", i, "every [[barcode]] needs at least one of prefix, length or pattern; a rule without them would match every code")
	}
	if strings.ContainsFunc(r.Prefix, func(c rune) bool { return c < ' ' || c > '~' }) {
		v.add("barcode.prefix", i, "%q holds a character that is not printable ASCII; scanned codes are only letters, digits, punctuation and spaces, so the rule could never match", short(r.Prefix))
	}
	if !barcodeLengthOK(r.Length) {
		v.add("barcode.length", i, "%d is out of range; use 0 (any length) or a length from 1 to %d", r.Length, maxBarcodeLength)
	}
	if r.Pattern == "" {
		return
	}
	if msg := patternSize(r.Pattern); msg != "" {
		v.add("barcode.pattern", i, "%s", msg)
	} else if _, err := regexp.Compile(r.Pattern); err != nil {
		// The raw pattern first: wrapped in ^(?:…)$, an unbalanced one like "a)|(b" could compile.
		v.add("barcode.pattern", i, "%s", patternError(r.Pattern, err))
	}
}

// barcodeCheck checks the check digit scheme of the i-th [[barcode]], and
// that a code with it can have the rule's length and prefix; without a
// scheme, that the prefix fits in the length.
func (v *validation) barcodeCheck(i int, r BarcodeRule) {
	need, known := checkLengths[r.Check]
	if !known && r.Check != CheckNone {
		v.add("barcode.check", i, "%q is not a check digit scheme; use \"luhn14\" (14-digit library barcodes), \"ean13\" (EAN-13 and ISBN-13), \"isbn10\", or \"\" for none", short(r.Check))
	}
	switch {
	case need > 0 && r.Length != 0 && r.Length != need:
		v.add("barcode.check", i, "%q codes are %d characters long, so length must be %d or 0, not %d", r.Check, need, need, r.Length)
	case barcodeLengthOK(r.Length) && r.Length > 0 && len(r.Prefix) > r.Length:
		v.add("barcode.prefix", i, "%q is %d characters, longer than the code (length = %d), so the rule could never match", short(r.Prefix), len(r.Prefix), r.Length)
	case need > 0 && len(r.Prefix) > need:
		v.add("barcode.prefix", i, "%q is %d characters, longer than a %q code (%d), so the rule could never match", short(r.Prefix), len(r.Prefix), r.Check, need)
	case need > 0 && !digitsPrefix(r.Prefix, r.Check):
		v.add("barcode.prefix", i, "%q cannot start a %q code, which holds only digits, so the rule could never match", short(r.Prefix), r.Check)
	}
}

// barcodeMaxLength checks that the codes the i-th [[barcode]] matches are
// no longer than a valid scanning.max_length.
func (v *validation) barcodeMaxLength(i int, r BarcodeRule, maxLen int) {
	switch need := checkLengths[r.Check]; {
	case barcodeLengthOK(r.Length) && r.Length > maxLen:
		v.add("barcode.length", i, "%d is longer than scanning.max_length (%d); such codes are dropped before any rule sees them", r.Length, maxLen)
	case r.Length == 0 && need > maxLen:
		v.add("barcode.check", i, "%q codes are %d characters long, longer than scanning.max_length (%d); they are dropped before any rule sees them", r.Check, need, maxLen)
	case len(r.Prefix) > maxLen:
		v.add("barcode.prefix", i, "%q is longer than scanning.max_length (%d); such codes are dropped before any rule sees them", short(r.Prefix), maxLen)
	}
}

// barcodeShadowed reports the i-th [[barcode]] if one of the rules above
// it matches every code it matches: the first match decides.
func (v *validation) barcodeShadowed(i int, r BarcodeRule, above []BarcodeRule) {
	for j, p := range above {
		if (p.Prefix != "" || p.Length != 0 || p.Pattern != "") && strings.HasPrefix(r.Prefix, p.Prefix) &&
			(p.Length == 0 || p.Length == r.Length) && (p.Pattern == "" || p.Pattern == r.Pattern) {
			v.add("barcode", i, "this rule never decides anything: [[barcode]] %d above it (kind %q) matches every code this one matches, and the first rule that matches decides; put the more specific rule first", j+1, short(p.Kind))
			return
		}
	}
}

// barcodeLoanDays checks the loan_days of every [[barcode]].
func (v *validation) barcodeLoanDays(rules []BarcodeRule) {
	for i, r := range rules {
		if r.LoanDays < 0 || r.LoanDays > 365 {
			v.add("barcode.loan_days", i, "%d is out of range; use a number of days from 1 to 365, or 0 for [offline] loan_days", r.LoanDays)
		} else if r.LoanDays != 0 && r.Kind != KindItem {
			v.add("barcode.loan_days", i, "only an item rule has a loan period; this rule is for kind %q", short(r.Kind))
		}
	}
}

// barcodeMedia checks the media of every [[barcode]]: one of the kiosk's
// media names, and only for an item rule.
func (v *validation) barcodeMedia(rules []BarcodeRule) {
	for i, r := range rules {
		switch {
		case r.Media == "":
		case kiosk.ParseMedia(r.Media) == kiosk.MediaUnknown:
			names := make([]string, 0, len(kiosk.KnownMedia()))
			for _, m := range kiosk.KnownMedia() {
				names = append(names, strconv.Quote(m.String()))
			}
			v.add("barcode.media", i, "%q is not a media the kiosk knows; use one of %s, or \"\" to leave it to the library system", short(r.Media), strings.Join(names, ", "))
		case r.Kind != KindItem:
			v.add("barcode.media", i, "only an item rule names a media; this rule is for kind %q", short(r.Kind))
		}
	}
}

// kiosk checks the [kiosk] section.
func (v *validation) kiosk(c Kiosk) {
	if d := c.DataDir; d != "" && (!filepath.IsAbs(d) || strings.ContainsFunc(d, unicode.IsControl)) {
		v.add("kiosk.data_dir", -1, "%q is not an absolute path; use a path starting with \"/\", or leave it empty for the default", short(d))
	}
	v.language(c.Language)
	v.sessionTimes(c.SessionTimeout.Duration, c.Warning.Duration)
	switch name := c.LibraryName; {
	case strings.TrimSpace(name) == "":
		v.add("kiosk.library_name", -1, "must not be empty; write the name patrons see, like \"Bibliotheek Zoetermeer\"")
	case strings.ContainsFunc(name, unicode.IsControl):
		v.add("kiosk.library_name", -1, "must not contain control characters such as tabs or line breaks")
	}
	switch c.PIN {
	case PINNever, PINAlways, PINILS:
	default:
		v.add("kiosk.pin", -1, "%q is not a PIN setting; use \"never\", \"always\" or \"ils\" (when the library system says the patron has a PIN)", short(c.PIN))
	}
	switch c.Receipt {
	case ReceiptAsk, ReceiptPrint, ReceiptScreen, ReceiptNone:
	default:
		v.add("kiosk.receipt", -1, "%q is not a receipt setting; use \"ask\", \"print\", \"screen\" or \"none\"", short(c.Receipt))
	}
	checkRange(v.add, "kiosk.retention", c.Retention.Duration, time.Hour, 31*24*time.Hour)
}

// language checks kiosk.language against the languages the kiosk speaks.
func (v *validation) language(code string) {
	if kiosk.KnownLanguage(code) {
		return
	}
	names := make([]string, len(kiosk.Languages))
	for i, l := range kiosk.Languages {
		names[i] = fmt.Sprintf("%q (%s)", l.Code, l.Name)
	}
	v.add("kiosk.language", -1, "%q is not a supported language; use one of %s", short(code), strings.Join(names, ", "))
}

// sessionTimes checks kiosk.session_timeout and kiosk.warning, which must
// start before the session ends.
func (v *validation) sessionTimes(timeout, warning time.Duration) {
	timeoutOK := checkRange(v.add, "kiosk.session_timeout", timeout, minSessionTimeout, maxSessionTimeout)
	switch {
	case warning < minWarning:
		v.add("kiosk.warning", -1, "%s is too short; the countdown must last at least %s", fmtDur(warning), fmtDur(minWarning))
	case timeoutOK && warning >= timeout:
		e := v.f.errorAt("kiosk.warning", -1, "%s is not shorter than kiosk.session_timeout (%s); the warning must start before the session ends", fmtDur(warning), fmtDur(timeout))
		if v.f.find("kiosk.warning", -1) == 0 {
			// The default warning: the timeout is what the file changed.
			e.Line = max(1, v.f.lineOf("kiosk.session_timeout", -1))
		}
		v.errs = append(v.errs, e)
	}
}

// offline checks the [offline] section.
func (v *validation) offline(c Offline) {
	if n := c.MaxItems; n < 1 || n > 100 {
		v.add("offline.max_items", -1, "%d is out of range; use a number of items from 1 to 100", n)
	}
	if n := c.LoanDays; n < 1 || n > 365 {
		v.add("offline.loan_days", -1, "%d is out of range; use a number of days from 1 to 365", n)
	}
	if d := c.PatronCache.Duration; d < 0 || d > 31*24*time.Hour {
		v.add("offline.patron_cache", -1, "%s is out of range; use \"0s\" (remember no cards) up to \"744h\" (31 days)", fmtDur(d))
	}
	checkRange(v.add, "offline.probe", c.Probe.Duration, time.Second, 10*time.Minute)
}

// printer checks the [printer] section.
func (v *validation) printer(c Printer) {
	if p := c.Path; p != "" && (!filepath.IsAbs(p) || strings.ContainsFunc(p, unicode.IsControl)) {
		v.add("printer.path", -1, "%q is not a device path; use an absolute path like \"/dev/ttyUSB0\", or leave it empty for no printer", short(p))
	}
	if !slices.Contains(standardBauds, c.Baud) {
		v.add("printer.baud", -1, "%d is not a standard baud rate; use one of %s (most receipt printers use 19200 or 38400)", c.Baud, joinInts(standardBauds))
	}
	if c.Width != 58 && c.Width != 80 {
		v.add("printer.width", -1, "%d is not a paper width this kiosk prints on; use 58 or 80 (millimetres)", c.Width)
	}
}

// missingIn is errorAt for a key that the index-th table of an array may
// leave out: at the key if that table writes it, else at the table's header
// (errorAt would take the key from another table).
func (f *file) missingIn(key string, index int, format string, args ...any) *Error {
	e := f.errorAt(key, index, format, args...)
	if f.find(key, index) == 0 {
		section, _, _ := strings.Cut(key, ".")
		e.Line = max(1, f.lineOf(section, index))
	}
	return e
}

// checkAffix returns what is wrong with a [[scanner]] prefix or suffix, or "".
// termOK says whether term is a known terminator.
func checkAffix(v, term string, termOK bool) string {
	if strings.ContainsFunc(v, func(c rune) bool { return c > 0x7f }) {
		return fmt.Sprintf("%q holds a character that is not ASCII; use printable ASCII, or escapes like \"\\u0002\" for control characters", short(v))
	}
	if len(v) > maxAffixLen {
		return fmt.Sprintf("%q is %d characters long; use at most %d", short(v), len(v), maxAffixLen)
	}
	if !termOK {
		return ""
	}
	var holds string
	switch term {
	case TerminatorAny:
		if strings.ContainsAny(v, "\r\n") {
			holds = "a CR or LF, which ends a scan with terminator = \"any\""
		}
	case TerminatorCR:
		if strings.Contains(v, "\r") {
			holds = "a CR, which ends a scan with terminator = \"cr\""
		}
	case TerminatorLF:
		if strings.Contains(v, "\n") {
			holds = "an LF, which ends a scan with terminator = \"lf\""
		}
	case TerminatorCRLF:
		if strings.Contains(v, "\r\n") {
			holds = "CR LF, which ends a scan with terminator = \"crlf\""
		}
	case TerminatorTab:
		if strings.Contains(v, "\t") {
			holds = "a tab, which ends a scan with terminator = \"tab\""
		}
	case TerminatorSTXETX:
		if strings.ContainsAny(v, "\x02\x03") {
			holds = "STX or ETX, which terminator = \"stxetx\" already removes"
		}
	}
	if holds != "" {
		return fmt.Sprintf("%q holds %s; leave the terminator out of the prefix and suffix", short(v), holds)
	}
	return ""
}

// digitsPrefix reports whether prefix can start a code of the check scheme:
// digits only, except an ISBN-10's check digit, which may be X.
func digitsPrefix(prefix, check string) bool {
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if (c < '0' || c > '9') && !(check == CheckISBN10 && i == 9 && (c == 'X' || c == 'x')) {
			return false
		}
	}
	return true
}

// patternSize returns what makes a pattern too large to compile, or "":
// a compiled pattern takes about 200 bytes a step, and {n} multiplies steps.
func patternSize(pattern string) string {
	if n := utf8.RuneCountInString(pattern); n > maxPatternLen {
		return fmt.Sprintf("%q is %d characters long; a pattern has at most %d", short(pattern), n, maxPatternLen)
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "" // regexp.Compile says what is wrong
	}
	prog, err := syntax.Compile(re.Simplify())
	if err == nil && len(prog.Inst) <= maxPatternInsts {
		return ""
	}
	return fmt.Sprintf("%q is too complex: it repeats too much; a pattern that matches codes of at most %d characters needs no larger {n}", short(pattern), maxBarcodeLength)
}

// patternError says in plain words why a pattern does not compile.
func patternError(pattern string, err error) string {
	msg := err.Error()
	var se *syntax.Error
	if errors.As(err, &se) {
		where := ""
		if se.Expr != "" && se.Expr != pattern {
			where = fmt.Sprintf(" (at %q)", short(se.Expr))
		}
		switch se.Code {
		case syntax.ErrMissingBracket:
			msg = "a [ has no closing ]"
		case syntax.ErrMissingParen:
			msg = "a ( has no closing )"
		case syntax.ErrUnexpectedParen:
			msg = "a ) has no ( before it"
		case syntax.ErrMissingRepeatArgument:
			msg = "*, +, ? or {n} follows nothing it could repeat; write \\* (in single quotes) to match the character itself"
		case syntax.ErrInvalidRepeatOp:
			msg = "two repeat operators (*, +, ?) follow each other"
		case syntax.ErrInvalidRepeatSize:
			msg = "a repeat count {n} or {n,m} is wrong or larger than 1000"
		case syntax.ErrInvalidEscape:
			msg = "it has an escape the regular expressions do not know"
		case syntax.ErrInvalidCharRange:
			msg = "a range like [z-a] in [ ] runs backwards"
		case syntax.ErrInvalidCharClass:
			msg = "a character class like [:digit:] is not known"
		case syntax.ErrInvalidPerlOp:
			msg = "a (? group it has is not supported; Go regular expressions have no look-ahead or look-behind"
		case syntax.ErrInvalidNamedCapture:
			msg = "a named group (?P<name>…) has no valid name"
		case syntax.ErrTrailingBackslash:
			msg = "it ends in a lone \\"
		case syntax.ErrInvalidUTF8:
			msg = "it is not valid text"
		case syntax.ErrLarge, syntax.ErrNestingDepth:
			msg = "it is too large or too deeply nested"
		default:
			msg = string(se.Code)
		}
		msg += where
	}
	return fmt.Sprintf("%q is not a valid regular expression: %s", short(pattern), msg)
}

// checkRange adds an error unless lo <= d <= hi, and reports whether d is in range.
func checkRange(add func(string, int, string, ...any), key string, d, lo, hi time.Duration) bool {
	if d < lo || d > hi {
		add(key, -1, "%s is out of range; use a duration from %s to %s", fmtDur(d), fmtDur(lo), fmtDur(hi))
		return false
	}
	return true
}

// fmtDur writes round durations the way people write them: "2m", not "2m0s".
func fmtDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "m0s")
	if s != d.String() {
		s += "m"
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// checkAddress returns what is wrong with a host:port, or "".
func checkAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || strings.ContainsFunc(host, unicode.IsSpace) {
		return fmt.Sprintf("%q is not a host:port address; write it like \"ils.example.org:6001\", or \"demo\" for the built-in demo library", short(addr))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("%q has no valid port; the port is a number from 1 to 65535, like \"ils.example.org:6001\"", short(addr))
	}
	return ""
}

// isDelimiter reports whether c can separate SIP2 fields: printable ASCII
// that is not a letter, digit or space, so it cannot occur in a barcode or a number.
func isDelimiter(c byte) bool {
	return c > ' ' && c < 0x7f && !('0' <= c && c <= '9') && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z')
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
