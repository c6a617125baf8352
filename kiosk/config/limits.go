package config

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what reaches the TOML decoder. Its work grows with the square of
// a key's depth, and it recurses once per nested list or { } table; no real
// configuration comes near these.
const (
	MaxFileSize     = 1 << 20 // bytes in the configuration file
	maxKeyDepth     = 8       // dotted parts of a key, its [table] and enclosing { } tables counted
	maxKeyLen       = 128     // bytes of a key as written
	maxNesting      = 8       // lists and { } tables inside each other
	maxKeys         = 4096    // keys, [table] headers and list items; a full file has about 2,000
	maxScanners     = 16      // [[scanner]] sections
	maxBarcodeRules = 64      // [[barcode]] sections
	maxPatternLen   = 256     // characters of a barcode pattern
	maxPatternInsts = 1000    // steps a barcode pattern compiles to; about 200 bytes each
)

// maxQuoted is how many characters of a key or value an error quotes.
const maxQuoted = 60

// short cuts s to maxQuoted characters, marking the cut with "…", so that an
// error about a huge key or value does not repeat it.
func short(s string) string {
	i := 0
	for n := 0; n < maxQuoted; n++ {
		if i >= len(s) {
			return s
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// shortQuotes cuts what msg quotes in '…' or "…" with short.
func shortQuotes(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(msg, `'"`)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		q := msg[i]
		b.WriteString(msg[:i+1])
		msg = msg[i+1:]
		j := strings.IndexByte(msg, q)
		if j < 0 {
			b.WriteString(short(msg))
			return b.String()
		}
		b.WriteString(short(msg[:j]))
		b.WriteByte(q)
		msg = msg[j+1:]
	}
}

// endsBare are the bytes that end a bare key or value.
var endsBare = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n#=[]{},.\"'") {
		t[c] = true
	}
	return t
}()

// tooLarge is the error for a file over MaxFileSize.
func tooLarge(name string) *Error {
	return &Error{File: name, Msg: fmt.Sprintf("the file is larger than 1 MiB (%d bytes), the most a configuration file may be: is it the right file?", MaxFileSize)}
}

// checkLimits reads the text once, as far as keys and brackets go, and
// reports the first key that is too deep or too long and the first value
// nested too deeply, before the decoder sees them. It is not a TOML parser:
// what it cannot make sense of, it leaves to the decoder to report.
func (f *file) checkLimits() *Error {
	s := strings.TrimPrefix(f.text, "\xef\xbb\xbf")
	type frame struct {
		table bool // { } rather than [ ]
		base  int  // depth of the key the value belongs to
	}
	var (
		stack      []frame
		line       = 1
		lineStart  = true
		header     = false // inside a [table] or [[table]] header
		headerBase = 0     // depth of the current [table]
		pending    = 0     // depth of the key whose value is read now
		runStart   = -1    // the run of key-like tokens: start, end, line, parts
		runEnd     int
		runLine    int
		runParts   int
		keys       int // keys, headers and list items so far
	)
	base := func() int {
		if len(stack) > 0 {
			return stack[len(stack)-1].base
		}
		return headerBase
	}
	token := func(start, end int, dot bool) {
		if runStart < 0 {
			runStart, runLine, runParts = start, line, 1
		}
		if dot {
			runParts++
		}
		runEnd = end
	}
	// key checks the run as a key of depth parts (plus base).
	key := func(base int) *Error {
		if runStart < 0 {
			return nil
		}
		if keys++; keys > maxKeys {
			return &Error{File: f.name, Line: runLine,
				Msg: fmt.Sprintf("the file has more than %d keys, sections and list items; a configuration needs far fewer: is it the right file?", maxKeys)}
		}
		written := s[runStart:runEnd]
		name := short(normalizeKey(written[:min(len(written), 4*maxQuoted)]))
		switch {
		case base+runParts > maxKeyDepth:
			return &Error{File: f.name, Line: runLine, Key: name,
				Msg: fmt.Sprintf("a key of %d dotted parts; a key here has at most %d, like scanner.path", base+runParts, maxKeyDepth)}
		case len(written) > maxKeyLen:
			return &Error{File: f.name, Line: runLine, Key: name,
				Msg: fmt.Sprintf("a key of %d characters; a key here has at most %d", len(written), maxKeyLen)}
		}
		return nil
	}
	push := func(table bool) *Error {
		stack = append(stack, frame{table: table, base: pending})
		if len(stack) > maxNesting {
			return &Error{File: f.name, Line: line, Msg: fmt.Sprintf("lists and { } tables nested more than %d deep; no setting needs that", maxNesting)}
		}
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\r':
			continue
		case '\n':
			line++
			lineStart, header, runStart = true, false, -1
			continue
		case '#':
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j - 1
			} else {
				i = len(s)
			}
			continue
		}
		atStart := lineStart
		lineStart = false
		switch c {
		case '"', '\'':
			if q3 := s[i:min(i+3, len(s))]; q3 == `"""` || q3 == "'''" {
				// A multi-line string: a value, never a key.
				runStart = -1
				end := strings.Index(s[i+3:], q3)
				if end < 0 {
					end = len(s) - i - 3
				}
				line += strings.Count(s[i:i+3+end], "\n")
				i += 3 + end + 2
				for i+1 < len(s) && s[i+1] == c { // a closing run may be up to five quotes
					i++
				}
				continue
			}
			j := i + 1
			for ; j < len(s) && s[j] != c && s[j] != '\n'; j++ {
				if c == '"' && s[j] == '\\' && j+1 < len(s) && s[j+1] != '\n' {
					j++
				}
			}
			if j >= len(s) || s[j] == '\n' {
				runStart = -1 // unclosed: the decoder says so
				i = j - 1
				continue
			}
			token(i, j+1, false)
			i = j
		case '.':
			token(i, i+1, true)
		case '=':
			if e := key(base()); e != nil {
				return e
			}
			if runStart >= 0 {
				pending = base() + runParts
			}
			runStart = -1
		case '[':
			runStart = -1
			if len(stack) == 0 && atStart {
				header = true
				if i+1 < len(s) && s[i+1] == '[' {
					i++
				}
				continue
			}
			if e := push(false); e != nil {
				return e
			}
		case ']':
			if header {
				if e := key(0); e != nil {
					return e
				}
				if runStart >= 0 {
					headerBase = runParts
				}
				header, runStart = false, -1
				continue
			}
			runStart = -1
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case '{':
			runStart = -1
			if e := push(true); e != nil {
				return e
			}
		case '}':
			runStart = -1
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 && !stack[len(stack)-1].table {
				pending = stack[len(stack)-1].base
			}
		case ',':
			runStart = -1
			if len(stack) > 0 && !stack[len(stack)-1].table {
				pending = stack[len(stack)-1].base // the next element of a list
				if keys++; keys > maxKeys {
					return &Error{File: f.name, Line: line,
						Msg: fmt.Sprintf("the file has more than %d keys, sections and list items; a configuration needs far fewer: is it the right file?", maxKeys)}
				}
			}
		default: // a bare key, number, date, true or false
			j := i + 1
			for j < len(s) && !endsBare[s[j]] {
				j++
			}
			token(i, j, false)
			i = j - 1
		}
	}
	return nil
}
