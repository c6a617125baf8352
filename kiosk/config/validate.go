package config

import (
	"encoding"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
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
				errs = append(errs, f.errorAt(s.name, i, "every %s must be a [[%s]] section with key = value lines", s.name, s.name))
				continue
			}
			errs = append(errs, f.checkTable(s, m, i)...)
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
		if key == secretKey {
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
)

// validate checks the values of a decoded Config and returns the problem
// nearest the top of the file.
func (f *file) validate(c *Config) *Error {
	var errs []*Error
	add := func(key string, index int, format string, args ...any) {
		errs = append(errs, f.errorAt(key, index, format, args...))
	}

	// [ils]
	if !c.ILS.IsDemo() {
		if msg := checkAddress(c.ILS.Address); msg != "" {
			add("ils.address", -1, "%s", msg)
		}
	}
	switch c.ILS.Charset {
	case CharsetUTF8, CharsetASCII, CharsetIBM850:
	default:
		add("ils.charset", -1, "%q is not a supported character set; use \"utf-8\", \"ascii\" or \"ibm850\"", c.ILS.Charset)
	}
	delimOK := len(c.ILS.Delimiter) == 1 && isDelimiter(c.ILS.Delimiter[0])
	if !delimOK {
		add("ils.delimiter", -1, "%q cannot be the field delimiter; use exactly one punctuation character, usually \"|\"", c.ILS.Delimiter)
	}
	for _, fld := range []struct{ key, value string }{
		{"ils.user", c.ILS.User},
		{"ils.password", c.ILS.Password},
		{"ils.location", c.ILS.Location},
		{"ils.institution", c.ILS.Institution},
	} {
		if strings.ContainsFunc(fld.value, unicode.IsControl) {
			add(fld.key, -1, "must not contain control characters such as tabs or line breaks")
		} else if delimOK && strings.Contains(fld.value, c.ILS.Delimiter) {
			add(fld.key, -1, "must not contain the field delimiter %q (ils.delimiter)", c.ILS.Delimiter)
		}
	}
	checkRange(add, "ils.request_timeout", c.ILS.RequestTimeout.Duration, minRequestTimeout, maxRequestTimeout)
	checkRange(add, "ils.keepalive", c.ILS.Keepalive.Duration, minKeepalive, maxKeepalive)

	// [[scanner]]
	paths := map[string]int{}
	names := map[string]int{}
	for i, s := range c.Scanners {
		switch {
		case s.Path == "":
			add("scanner", i, "every [[scanner]] needs a path, like path = \"/dev/ttyACM0\"")
		case !filepath.IsAbs(s.Path) || strings.ContainsFunc(s.Path, unicode.IsControl):
			add("scanner.path", i, "%q is not a device path; use an absolute path like \"/dev/ttyACM0\" or \"/dev/serial/by-id/...\"", s.Path)
		default:
			if j, dup := paths[s.Path]; dup {
				add("scanner.path", i, "%q is already used by scanner %d; every scanner needs its own device", s.Path, j+1)
			}
			paths[s.Path] = i
		}
		if s.Name != "" {
			if j, dup := names[s.Name]; dup {
				add("scanner.name", i, "%q is already the name of scanner %d; give every scanner its own name", s.Name, j+1)
			}
			names[s.Name] = i
		}
		if !slices.Contains(standardBauds, s.Baud) {
			add("scanner.baud", i, "%d is not a standard baud rate; use one of %s (most scanners use 9600)", s.Baud, joinInts(standardBauds))
		}
	}

	// [kiosk]
	if d := c.Kiosk.DataDir; d != "" && (!filepath.IsAbs(d) || strings.ContainsFunc(d, unicode.IsControl)) {
		add("kiosk.data_dir", -1, "%q is not an absolute path; use a path starting with \"/\", or leave it empty for the default", d)
	}
	switch c.Kiosk.Language {
	case LanguageDutch, LanguageEnglish:
	default:
		add("kiosk.language", -1, "%q is not a supported language; use \"nl\" (Dutch) or \"en\" (English)", c.Kiosk.Language)
	}
	timeoutOK := checkRange(add, "kiosk.session_timeout", c.Kiosk.SessionTimeout.Duration, minSessionTimeout, maxSessionTimeout)
	w := c.Kiosk.Warning.Duration
	switch {
	case w < minWarning:
		add("kiosk.warning", -1, "%s is too short; the countdown must last at least %s", fmtDur(w), fmtDur(minWarning))
	case timeoutOK && w >= c.Kiosk.SessionTimeout.Duration:
		e := f.errorAt("kiosk.warning", -1, "%s is not shorter than kiosk.session_timeout (%s); the warning must start before the session ends", fmtDur(w), fmtDur(c.Kiosk.SessionTimeout.Duration))
		if f.find("kiosk.warning", -1) == 0 {
			// The default warning: the timeout is what the file changed.
			e.Line = max(1, f.lineOf("kiosk.session_timeout", -1))
		}
		errs = append(errs, e)
	}
	name := c.Kiosk.LibraryName
	switch {
	case strings.TrimSpace(name) == "":
		add("kiosk.library_name", -1, "must not be empty; write the name patrons see, like \"Bibliotheek Zoetermeer\"")
	case strings.ContainsFunc(name, unicode.IsControl):
		add("kiosk.library_name", -1, "must not contain control characters such as tabs or line breaks")
	}

	return first(errs)
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
		return fmt.Sprintf("%q is not a host:port address; write it like \"ils.example.org:6001\", or \"demo\" for the built-in demo library", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("%q has no valid port; the port is a number from 1 to 65535, like \"ils.example.org:6001\"", addr)
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
