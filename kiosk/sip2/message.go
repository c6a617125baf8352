package sip2

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// NoSeq is Message.Seq for a message without error detection (no AY/AZ).
const NoSeq = -1

// MaxFieldLen is the longest variable field value the spec allows, in characters.
const MaxFieldLen = 255

// Field is one variable field: a two-letter id and its value.
type Field struct {
	ID, Value string
}

// Message is a SIP2 message in generic form. Fields keep their order,
// repeated and unknown ones included; AY and AZ are not among them.
type Message struct {
	Code   string  // two digits, e.g. "63"
	Fixed  string  // the fixed-length fields, concatenated
	Fields []Field // variable fields in wire order
	Seq    int     // AY sequence number 0–9, or NoSeq
}

// Get returns the value of the first field with the given id.
func (m Message) Get(id string) (string, bool) {
	for _, f := range m.Fields {
		if f.ID == id {
			return f.Value, true
		}
	}
	return "", false
}

// All returns the values of every field with the given id, in order.
func (m Message) All(id string) []string {
	var vs []string
	for _, f := range m.Fields {
		if f.ID == id {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// fixedLen is the length of the fixed part of each known message code.
var fixedLen = map[string]int{
	"01": 19, "09": 37, "10": 22, "11": 38, "12": 22, "15": 19, "16": 20,
	"17": 18, "18": 24, "19": 18, "20": 19, "23": 21, "24": 35, "25": 18,
	"26": 35, "29": 38, "30": 22, "35": 18, "36": 19, "37": 25, "38": 19,
	"63": 31, "64": 59, "65": 18, "66": 27, "93": 2, "94": 1, "96": 0,
	"97": 0, "98": 34, "99": 8,
}

// FixedLen reports the length of the fixed part for a message code.
func FixedLen(code string) (int, bool) {
	n, ok := fixedLen[code]
	return n, ok
}

// Codec encodes and decodes messages in one character set with one field
// delimiter. The zero Codec is UTF-8 with '|'.
type Codec struct {
	Charset   Charset
	Delimiter byte // 0 means '|'
}

func (c Codec) delim() byte {
	if c.Delimiter == 0 {
		return '|'
	}
	return c.Delimiter
}

// Encode returns m as sent on the wire, without the final CR. When m.Seq is
// not NoSeq it appends AY<seq>AZ<checksum>; 96 and 97 get AZ alone, as in
// "97AZFEF5".
func (c Codec) Encode(m Message) ([]byte, error) {
	return c.AppendEncode(make([]byte, 0, 64+16*len(m.Fields)), m)
}

// AppendEncode is Encode appending to dst.
func (c Codec) AppendEncode(dst []byte, m Message) ([]byte, error) {
	if len(m.Code) != 2 || !isDigit(m.Code[0]) || !isDigit(m.Code[1]) {
		return dst, &EncodeError{Code: m.Code, Reason: "code is not two digits"}
	}
	d := c.delim()
	start := len(dst)
	dst = append(dst, m.Code...)
	dst = c.Charset.appendEncoded(dst, m.Fixed)
	for _, f := range m.Fields {
		if len(f.ID) != 2 {
			return dst[:start], &EncodeError{Code: m.Code, Field: f.ID, Reason: "id is not two characters"}
		}
		if strings.IndexByte(f.Value, d) >= 0 || strings.ContainsAny(f.Value, "\r\n") {
			return dst[:start], &EncodeError{Code: m.Code, Field: f.ID, Reason: "value contains the delimiter or a line break"}
		}
		if len(f.Value) > MaxFieldLen && utf8.RuneCountInString(f.Value) > MaxFieldLen {
			return dst[:start], &EncodeError{Code: m.Code, Field: f.ID, Reason: "value longer than 255 characters"}
		}
		dst = append(dst, f.ID...)
		dst = c.Charset.appendEncoded(dst, f.Value)
		dst = append(dst, d)
	}
	if m.Code == "96" || m.Code == "97" {
		if m.Seq != NoSeq {
			dst = append(dst, "AZ"...)
			dst = appendChecksum(dst, byteSum(dst[start:]))
		}
		return dst, nil
	}
	if m.Seq != NoSeq {
		if m.Seq < 0 || m.Seq > 9 {
			return dst[:start], &EncodeError{Code: m.Code, Field: "AY", Reason: "sequence number not 0-9"}
		}
		dst = append(dst, 'A', 'Y', byte('0'+m.Seq), 'A', 'Z')
		dst = appendChecksum(dst, byteSum(dst[start:]))
	}
	return dst, nil
}

// Checksum returns the AZ value for the bytes from the first character
// through "AZ": -(their sum) & 0xFFFF in four upper-case hex digits.
func Checksum(b []byte) string {
	return string(appendChecksum(nil, byteSum(b)))
}

func byteSum(b []byte) uint16 {
	var s uint16
	for _, x := range b {
		s += uint16(x)
	}
	return s
}

func appendChecksum(dst []byte, sum uint16) []byte {
	const hex = "0123456789ABCDEF"
	v := -sum
	return append(dst, hex[v>>12], hex[v>>8&0xF], hex[v>>4&0xF], hex[v&0xF])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// Decode parses one message. Trailing CR and LF and a leading LF are
// ignored. A checksum is accepted when it matches the sum of the bytes or
// the sum of the code points; a mismatch gives a *DecodeError wrapping
// ErrChecksum. The fixed part of unknown codes is everything before AY/AZ.
func (c Codec) Decode(b []byte) (Message, error) {
	for len(b) > 0 && b[0] == '\n' {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	m := Message{Seq: NoSeq}
	if len(b) < 2 || !isDigit(b[0]) || !isDigit(b[1]) {
		return m, &DecodeError{Reason: "no two-digit message code"}
	}
	m.Code = codeStrings[int(b[0]-'0')*10+int(b[1]-'0')]
	d := c.delim()
	flen, known := fixedLen[m.Code]

	// The error-detection trailer: [AY<digit>]AZ<4 hex> at the very end,
	// standing where a field may start.
	body := b
	if n := len(b); n >= 8 && b[n-6] == 'A' && b[n-5] == 'Z' &&
		isHex(b[n-4]) && isHex(b[n-3]) && isHex(b[n-2]) && isHex(b[n-1]) {
		azAt := n - 6
		seq := NoSeq
		start := azAt
		if azAt >= 5 && b[azAt-3] == 'A' && b[azAt-2] == 'Y' && isDigit(b[azAt-1]) {
			seq = int(b[azAt-1] - '0')
			start = azAt - 3
		}
		// Only a trailer when it cannot be part of a field value.
		if start == 2 || b[start-1] == d || (known && start == 2+fixedPrefixBytes(b[2:], flen)) || !known {
			want := parseHex4(b[n-4:])
			if byteSum(b[:n-4])+want != 0 &&
				runeSum(c.Charset.decode(b[:n-4]))+uint16(want) != 0 {
				return m, &DecodeError{Code: m.Code, Field: "AZ", Reason: "bad checksum", Err: ErrChecksum}
			}
			m.Seq = seq
			if seq == NoSeq && (m.Code == CodeResend || m.Code == CodeRequestResend) {
				m.Seq = 0 // 96/97 carry AZ alone; any Seq re-encodes it
			}
			body = b[:start]
		}
	}
	s := c.Charset.decode(body[2:])
	if !known {
		m.Fixed = strings.TrimSuffix(s, string(d))
		return m, nil
	}
	// The fixed part is counted in characters.
	i, n := 0, 0
	for n < flen && i < len(s) {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		n++
	}
	if n < flen {
		return m, &DecodeError{Code: m.Code, Reason: "fixed part truncated: want " + strconv.Itoa(flen) + " characters, got " + strconv.Itoa(n)}
	}
	m.Fixed = s[:i]
	rest := s[i:]
	if rest != "" {
		// A field takes at least three bytes ("AB|"): stray delimiters
		// must not buy 32 bytes of Field each.
		m.Fields = make([]Field, 0, min(strings.Count(rest, string(d)), len(rest)/3)+1)
	}
	for rest != "" {
		var f string
		if j := strings.IndexByte(rest, d); j >= 0 {
			f, rest = rest[:j], rest[j+1:]
		} else {
			f, rest = rest, ""
		}
		if f == "" {
			continue // a stray delimiter
		}
		if len(f) < 2 {
			return m, &DecodeError{Code: m.Code, Field: f, Reason: "field id truncated"}
		}
		v := f[2:]
		if len(v) > MaxFieldLen && utf8.RuneCountInString(v) > MaxFieldLen {
			return m, &DecodeError{Code: m.Code, Field: f[:2], Reason: "field longer than 255 characters"}
		}
		m.Fields = append(m.Fields, Field{ID: f[:2], Value: v})
	}
	return m, nil
}

// fixedPrefixBytes returns how many bytes the first n characters take,
// assuming fixed parts are ASCII (they are, for every known message).
func fixedPrefixBytes(b []byte, n int) int {
	if n > len(b) {
		return len(b)
	}
	return n
}

// codeStrings holds "00" to "99", so decoding a code allocates nothing.
var codeStrings = func() (t [100]string) {
	for i := range t {
		t[i] = string([]byte{byte('0' + i/10), byte('0' + i%10)})
	}
	return t
}()

func parseHex4(b []byte) uint16 {
	var v uint16
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		v = v<<4 | uint16(c)
	}
	return v
}

func runeSum(s string) uint16 {
	var sum uint16
	for _, r := range s {
		sum += uint16(r)
	}
	return sum
}
