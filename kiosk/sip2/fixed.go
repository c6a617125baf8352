package sip2

import (
	"strconv"
	"strings"
	"time"
)

// YesNo is an optional Y/N field: Unset leaves a variable field out.
// In fixed Y/N/U positions Unset is sent as 'U' (unknown).
type YesNo byte

// YesNo values.
const (
	Unset   YesNo = 0
	Yes     YesNo = 'Y'
	No      YesNo = 'N'
	Unknown YesNo = 'U'
)

// Bool reports whether y is Yes.
func (y YesNo) Bool() bool { return y == Yes }

// YN returns Yes for true and No for false.
func YN(b bool) YesNo {
	if b {
		return Yes
	}
	return No
}

func (y YesNo) char(def byte) byte {
	if y == Unset {
		return def
	}
	return byte(y)
}

func parseYesNo(s string) YesNo {
	switch s {
	case "Y", "y", "1":
		return Yes
	case "N", "n", "0":
		return No
	case "U", "u":
		return Unknown
	}
	return Unset
}

// fixedReader reads fixed fields by position, remembering the first error.
type fixedReader struct {
	code string
	s    string
	loc  *time.Location
	err  error
}

func newFixedReader(m Message) fixedReader {
	return fixedReader{code: m.Code, s: m.Fixed, loc: time.Local}
}

func (r *fixedReader) fail(field, reason string) {
	if r.err == nil {
		r.err = &DecodeError{Code: r.code, Field: field, Reason: reason}
	}
}

func (r *fixedReader) str(n int, field string) string {
	if len(r.s) < n {
		r.fail(field, "fixed part truncated")
		r.s = ""
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

// flag reads one Y/N (or 1/0) character.
func (r *fixedReader) flag(field string) bool {
	switch r.str(1, field) {
	case "Y", "y", "1":
		return true
	}
	return false
}

func (r *fixedReader) yn(field string) YesNo { return parseYesNo(r.str(1, field)) }

func (r *fixedReader) num(n int, field string) int {
	v := r.str(n, field)
	t := strings.TrimSpace(v)
	if t == "" {
		return 0
	}
	i, err := strconv.Atoi(t)
	if err != nil {
		r.fail(field, "not a number: "+strconv.Quote(v))
	}
	return i
}

func (r *fixedReader) date(field string) time.Time {
	v := r.str(DateLen, field)
	if r.err != nil {
		return time.Time{}
	}
	t, err := ParseDateIn(v, r.loc)
	if err != nil {
		r.fail(field, "bad date: "+err.Error())
	}
	return t
}

// fixedWriter builds a fixed part in one allocation.
type fixedWriter struct{ b strings.Builder }

func newFixedWriter(n int) *fixedWriter {
	w := &fixedWriter{}
	w.b.Grow(n)
	return w
}

func (w *fixedWriter) str(n int, v string) {
	if len(v) > n {
		v = v[:n]
	}
	w.b.WriteString(v)
	for i := len(v); i < n; i++ {
		w.b.WriteByte(' ')
	}
}

func (w *fixedWriter) ch(c byte) { w.b.WriteByte(c) }

func (w *fixedWriter) flag(v bool) {
	if v {
		w.ch('Y')
	} else {
		w.ch('N')
	}
}

// digit writes '1' or '0', as ok fields of 94, 10, 12 and 30 use.
func (w *fixedWriter) digit(v bool) {
	if v {
		w.ch('1')
	} else {
		w.ch('0')
	}
}

func (w *fixedWriter) num(n, v int) {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < n; i++ {
		w.b.WriteByte('0')
	}
	w.b.Write(s)
}

func (w *fixedWriter) date(t time.Time) {
	var tmp [DateLen]byte
	w.b.Write(appendDate(tmp[:0], t))
}

func (w *fixedWriter) String() string { return w.b.String() }

// fieldList builds variable fields.
type fieldList []Field

// newFieldList returns a list with room for n named fields and the extras.
func newFieldList(n int, extra []Field) fieldList { return make(fieldList, 0, n+len(extra)) }

func (l *fieldList) add(id, v string) { *l = append(*l, Field{id, v}) }

func (l *fieldList) opt(id, v string) {
	if v != "" {
		l.add(id, v)
	}
}

func (l *fieldList) many(id string, vs []string) {
	for _, v := range vs {
		l.add(id, v)
	}
}

func (l *fieldList) yn(id string, v YesNo) {
	switch v {
	case Unset:
	case Yes:
		l.add(id, "Y") // constants: no string allocated per field
	case No:
		l.add(id, "N")
	case Unknown:
		l.add(id, "U")
	default:
		l.add(id, string(rune(v)))
	}
}

func (l *fieldList) optNum(id string, n int, v *int) {
	if v != nil {
		w := newFixedWriter(n)
		w.num(n, *v)
		l.add(id, w.String())
	}
}

// fields reads named variable fields, remembering which were seen. For up
// to 64 fields it indexes them by id once, so a typed parse costs one pass
// instead of one scan per named field.
type fields struct {
	m    Message
	used uint64 // bit i: field i was read (the first 64)
	more []bool // for fields past 64
	err  error

	indexed bool
	head    [26 * 26]uint8 // 1 + index of the first field with an A-Z A-Z id
	next    [64]uint8      // 1 + index of the next field with the same id
}

func idKey(id string) (int, bool) {
	if len(id) != 2 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' {
		return 0, false
	}
	return int(id[0]-'A')*26 + int(id[1]-'A'), true
}

// init indexes m's fields; fields is large, so it is filled in place.
func (f *fields) init(m Message) {
	f.m = m
	if len(m.Fields) > 64 {
		f.more = make([]bool, len(m.Fields)-64)
		return
	}
	f.indexed = true
	for i, x := range m.Fields {
		k, ok := idKey(x.ID)
		if !ok {
			continue // never asked for by name: it ends up in Extra
		}
		j := int(f.head[k])
		if j == 0 {
			f.head[k] = uint8(i + 1)
			continue
		}
		for f.next[j-1] != 0 { // repeats are few: walk to the end
			j = int(f.next[j-1])
		}
		f.next[j-1] = uint8(i + 1)
	}
}

func (f *fields) use(i int) {
	if i < 64 {
		f.used |= 1 << i
	} else {
		f.more[i-64] = true
	}
}

func (f *fields) isUsed(i int) bool {
	if i < 64 {
		return f.used&(1<<i) != 0
	}
	return f.more[i-64]
}

// first returns the index of the first field with id, or -1.
func (f *fields) first(id string) int {
	if f.indexed {
		if k, ok := idKey(id); ok {
			return int(f.head[k]) - 1
		}
	}
	for i, x := range f.m.Fields {
		if x.ID == id {
			return i
		}
	}
	return -1
}

// after returns the index of the next field with the same id as field i, or -1.
func (f *fields) after(i int) int {
	if f.indexed {
		if _, ok := idKey(f.m.Fields[i].ID); ok {
			return int(f.next[i]) - 1
		}
	}
	id := f.m.Fields[i].ID
	for j := i + 1; j < len(f.m.Fields); j++ {
		if f.m.Fields[j].ID == id {
			return j
		}
	}
	return -1
}

func (f *fields) opt(id string) string {
	i := f.first(id)
	if i < 0 {
		return ""
	}
	f.use(i)
	return f.m.Fields[i].Value
}

func (f *fields) req(id string) string {
	i := f.first(id)
	if i < 0 {
		if f.err == nil {
			f.err = &DecodeError{Code: f.m.Code, Field: id, Reason: "missing required field"}
		}
		return ""
	}
	f.use(i)
	return f.m.Fields[i].Value
}

func (f *fields) all(id string) []string {
	var vs []string
	for i := f.first(id); i >= 0; i = f.after(i) {
		f.use(i)
		vs = append(vs, f.m.Fields[i].Value)
	}
	return vs
}

func (f *fields) yn(id string) YesNo { return parseYesNo(f.opt(id)) }

func (f *fields) optNum(id string) *int {
	v := f.opt(id)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		if f.err == nil {
			f.err = &DecodeError{Code: f.m.Code, Field: id, Reason: "not a number: " + strconv.Quote(v)}
		}
		return nil
	}
	return &n
}

// extra returns the fields not read, in order.
func (f *fields) extra() []Field {
	var ex []Field
	for i, x := range f.m.Fields {
		if !f.isUsed(i) {
			ex = append(ex, x)
		}
	}
	return ex
}

func checkCode(m Message, want string) error {
	if m.Code != want {
		return &DecodeError{Code: m.Code, Reason: "want message " + want + ", got " + strconv.Quote(m.Code), Err: ErrUnexpectedResponse}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
