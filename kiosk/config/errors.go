package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is a problem in the configuration file, at a line and a key.
type Error struct {
	File string // the name given to Parse, or the path given to Load
	Line int    // 1-based; Parse always sets it, Error() leaves out a 0
	Key  string // dotted, e.g. "scanner.baud", cut like any quote; "" for errors between keys
	Msg  string // plain English, saying what is allowed
}

// Error reads like `kiosk.toml:12: key "scanner.baud": 12345 is not a standard baud rate`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", short(e.Key))
	}
	b.WriteString(e.Msg)
	return b.String()
}

// file is the text being parsed, for finding lines and making errors.
type file struct {
	name string
	text string
	defs map[string][]def // see find
}

// lines is the number of lines in the file, the last line counted even if empty.
func (f *file) lines() int { return strings.Count(f.text, "\n") + 1 }

// errorAt makes an *Error at the line where key (of the index-th table of an
// array of tables, or any table if index < 0) is defined, or at line 1 for
// a key the file does not write.
func (f *file) errorAt(key string, index int, format string, args ...any) *Error {
	return &Error{File: f.name, Line: max(1, f.lineOf(key, index)), Key: short(key), Msg: fmt.Sprintf(format, args...)}
}

func (f *file) syntaxError(err error) *Error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: f.name, Line: 1, Msg: "cannot read the file as TOML: " + shortQuotes(err.Error())}
	}
	line := pe.Position.Line
	// An error found at a line break is counted on the next line; it belongs to the one the break ends.
	text := strings.TrimPrefix(f.text, "\xef\xbb\xbf") // offsets are after the BOM, as in the parser
	if s := pe.Position.Start; s >= 0 && s < len(text) && text[s] == '\n' {
		line = strings.Count(text[:s], "\n") + 1
	}
	msg := shortQuotes(pe.Message)
	if secretKeys[pe.LastKey] {
		msg = "the value cannot be read" // the parser's message may quote the password
	}
	hint := "; write key = value, [section] or [[scanner]] lines, and put text in double quotes"
	if pe.LastKey == "barcode.pattern" && strings.Contains(msg, "escape") {
		// "\d" in double quotes is a TOML escape, not a regular expression one.
		hint = `; write a pattern in single quotes, like pattern = '\d{10}', so its backslashes stay as they are`
	}
	return &Error{
		File: f.name,
		Line: f.clamp(line),
		Key:  short(pe.LastKey),
		Msg:  "this is not valid TOML: " + msg + hint,
	}
}

// decodeError reports an error of the struct decoder, which checkTypes
// normally catches first with a better message.
func (f *file) decodeError(err error) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line := f.lineOf(pe.LastKey, -1)
		if line == 0 {
			line = f.clamp(pe.Position.Line)
		}
		return &Error{File: f.name, Line: line, Key: short(pe.LastKey), Msg: shortQuotes(pe.Message)}
	}
	return &Error{File: f.name, Line: 1, Msg: shortQuotes(strings.TrimPrefix(err.Error(), "toml: "))}
}

func (f *file) clamp(line int) int {
	return max(1, min(line, f.lines()))
}

// unknownKey reports a key (or section) the Config has no field for.
func (f *file) unknownKey(k toml.Key) *Error {
	key := k.String()
	if len(k) == 1 {
		var names, headers []string
		for _, s := range schema() {
			names = append(names, s.name)
			headers = append(headers, s.header())
		}
		list := strings.Join(headers[:len(headers)-1], ", ") + " and " + headers[len(headers)-1]
		e := f.errorAt(key, -1, "unknown section or key %q; the file has only the sections %s", short(k[0]), list)
		if s := closest(k[0], names); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e
	}
	if header, allowed, name, ok := f.nestedKeys(k); ok {
		e := f.errorAt(key, -1, "unknown key %q in %s; allowed keys are %s", short(strings.Join(k[2:], ".")), header, strings.Join(allowed, ", "))
		e.Key = short(name)
		if indexedTables[k[0]] { // poll[2].follow_up.colour
			e.Key = short(f.indexedName(k))
		}
		if len(k) == 3 {
			if s := closest(k[2], allowed); s != "" {
				e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
		}
		return e
	}
	section := k[0]
	allowed := sectionKeys(section)
	header := "[" + section + "]"
	for _, s := range schema() {
		if s.name == section {
			header = s.header()
		}
	}
	e := f.errorAt(key, -1, "unknown key %q in %s; allowed keys are %s", short(strings.Join(k[1:], ".")), header, strings.Join(allowed, ", "))
	if indexedTables[k[0]] { // poll[2].colour
		e.Key = short(f.indexedName(k))
	}
	if len(k) == 2 {
		if s := closest(k[1], allowed); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	return e
}

// closest returns the candidate within two edits of word, if any.
func closest(word string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// lineOf finds the line that defines key: a "key =" line, dotted or not,
// under the right [table] or [[table]] header, or the header itself. index
// picks the index-th [[table]] of an array of tables; index < 0 takes the
// first match. If key is not written out (an inline table, say), the line of
// the nearest parent key is returned; 0 if none is found.
func (f *file) lineOf(key string, index int) int {
	if key == "" {
		return 0
	}
	parts := splitKey(key)
	for n := len(parts); n > 0; n-- {
		want := strings.Join(parts[:n], ".")
		if line := f.find(want, index); line > 0 {
			return line
		}
		if index >= 0 {
			if line := f.find(want, -1); line > 0 {
				return line
			}
		}
	}
	return 0
}

// def is a line that defines a key or a [table]: where, and under which table.
type def struct {
	line     int
	table    string // the current [table] or [[table]], normalized
	arrayIdx int    // index of the current [[table]] among its kind, or -1
}

// find returns the line defining want (a normalized dotted key) under the
// index-th [[table]] of its kind (any, if index < 0), or 0. The first call
// reads the whole text into an index, so that an error per table of a long
// file does not read the file again each time.
func (f *file) find(want string, index int) int {
	if f.defs == nil {
		f.defs = f.index()
	}
	for _, d := range f.defs[want] {
		// The index applies to the array table that is a prefix of want.
		if index < 0 || d.arrayIdx == index && (want == d.table || strings.HasPrefix(want, d.table+".")) {
			return d.line
		}
	}
	return 0
}

// index lists, per normalized key, the lines that define it, in file order.
func (f *file) index() map[string][]def {
	var (
		defs      = map[string][]def{}
		table     string             // current [table] or [[table]], normalized
		arrayIdx  = -1               // index of the current [[table]] among its kind
		seen      = map[string]int{} // how many [[table]] headers of each name so far
		multiline string             // the closing quote of an open multi-line string
		depth     int                // open [ or { of a value spanning lines
	)
	add := func(key string, line int) {
		defs[key] = append(defs[key], def{line: line, table: table, arrayIdx: arrayIdx})
	}
	rest := f.text
	for lineNo := 1; rest != "" || lineNo == 1; lineNo++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if multiline != "" {
			i := strings.Index(line, multiline)
			if i < 0 {
				continue
			}
			line = line[i+3:]
			multiline = ""
			depth, multiline = scanValue(line, depth)
			continue
		}
		if depth > 0 {
			depth, multiline = scanValue(line, depth)
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			end := strings.Index(t, "]]")
			if end < 0 {
				continue
			}
			table = normalizeKey(t[2:end])
			arrayIdx = seen[table]
			seen[table]++
			add(table, lineNo)
		case t[0] == '[':
			end := strings.IndexByte(t, ']')
			if end < 0 {
				continue
			}
			table = normalizeKey(t[1:end])
			// A sub-table of an array table, [scanner.x] or [study.zone.name],
			// belongs to its last element.
			arrayIdx = -1
			for parent := table; strings.Contains(parent, "."); {
				parent = parent[:strings.LastIndexByte(parent, '.')]
				if seen[parent] > 0 {
					arrayIdx = seen[parent] - 1
					break
				}
			}
			add(table, lineNo)
		default:
			eq := keyEnd(t)
			if eq < 0 {
				continue
			}
			full := normalizeKey(t[:eq])
			if table != "" {
				full = table + "." + full
			}
			add(full, lineNo)
			depth, multiline = scanValue(t[eq+1:], 0)
		}
	}
	return defs
}

// keyEnd returns the index of the '=' that ends the key on line t, or -1.
func keyEnd(t string) int {
	var quote byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// scanValue follows a value across a line: it returns how many [ and { are
// still open and, if a multi-line string is left open, its closing quote.
func scanValue(s string, depth int) (int, string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '#':
			return depth, ""
		case '[', '{':
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '"', '\'':
			if strings.HasPrefix(s[i:], `"""`) || strings.HasPrefix(s[i:], `'''`) {
				delim := s[i : i+3]
				end := strings.Index(s[i+3:], delim)
				if end < 0 {
					return depth, delim
				}
				i += 3 + end + 2
				// A closing run may be up to five quotes long.
				for i+1 < len(s) && s[i+1] == c {
					i++
				}
				continue
			}
			for i++; i < len(s) && s[i] != c; i++ {
				if c == '"' && s[i] == '\\' {
					i++
				}
			}
		}
	}
	return depth, ""
}

// normalizeKey turns a written key (` a . "b" `) into its dotted form (a.b).
func normalizeKey(k string) string {
	return strings.Join(splitKey(k), ".")
}

// splitKey splits a dotted key into its parts, removing quotes and spaces.
func splitKey(k string) []string {
	var (
		parts []string
		cur   strings.Builder
		quote byte
	)
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(k) {
				i++
				cur.WriteByte(k[i])
			} else if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

// sectionKeys lists the keys allowed in a section, in the order of the struct.
func sectionKeys(section string) []string {
	for _, s := range schema() {
		if s.name == section {
			return slices.Clone(s.keys)
		}
	}
	return nil
}
