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

func newFixedReader(m Message) *fixedReader {
	return &fixedReader{code: m.Code, s: m.Fixed, loc: time.Local}
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

// fixedWriter builds a fixed part.
type fixedWriter struct{ b []byte }

func (w *fixedWriter) str(n int, v string) {
	if len(v) > n {
		v = v[:n]
	}
	w.b = append(w.b, v...)
	for i := len(v); i < n; i++ {
		w.b = append(w.b, ' ')
	}
}

func (w *fixedWriter) ch(c byte) { w.b = append(w.b, c) }

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
	s := strconv.Itoa(v)
	for i := len(s); i < n; i++ {
		w.b = append(w.b, '0')
	}
	w.b = append(w.b, s...)
}

func (w *fixedWriter) date(t time.Time) { w.b = append(w.b, FormatDate(t)...) }

func (w *fixedWriter) String() string { return string(w.b) }

// fieldList builds variable fields.
type fieldList []Field

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
	if v != Unset {
		l.add(id, string(rune(v)))
	}
}

func (l *fieldList) optNum(id string, n int, v *int) {
	if v != nil {
		w := fixedWriter{}
		w.num(n, *v)
		l.add(id, w.String())
	}
}

// fields reads named variable fields, remembering which were seen.
type fields struct {
	m    Message
	used []bool
	err  error
}

func newFields(m Message) *fields { return &fields{m: m, used: make([]bool, len(m.Fields))} }

func (f *fields) opt(id string) string {
	for i, x := range f.m.Fields {
		if x.ID == id {
			f.used[i] = true
			return x.Value
		}
	}
	return ""
}

func (f *fields) req(id string) string {
	for i, x := range f.m.Fields {
		if x.ID == id {
			f.used[i] = true
			return x.Value
		}
	}
	if f.err == nil {
		f.err = &DecodeError{Code: f.m.Code, Field: id, Reason: "missing required field"}
	}
	return ""
}

func (f *fields) all(id string) []string {
	var vs []string
	for i, x := range f.m.Fields {
		if x.ID == id {
			f.used[i] = true
			vs = append(vs, x.Value)
		}
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
		if !f.used[i] {
			ex = append(ex, x)
		}
	}
	return ex
}

func checkCode(m Message, want string) error {
	if m.Code != want {
		return &DecodeError{Code: m.Code, Reason: "want message " + want, Err: ErrUnexpectedResponse}
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
