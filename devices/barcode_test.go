package devices

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var checkDigitCases = []struct {
	code  string
	check string
	valid bool
}{
	// Real ISBN-13s.
	{"9780306406157", CheckEAN13, true},
	{"9789029538237", CheckEAN13, true},
	{"9783161484100", CheckEAN13, true},
	{"9780262033848", CheckEAN13, true},
	{"9780306406158", CheckEAN13, false},
	{"9780306406175", CheckEAN13, false}, // two digits swapped
	{"978030640615", CheckEAN13, false},
	{"978030640615X", CheckEAN13, false},
	{"8711112345675", CheckEAN13, false},
	{"8710398501234", CheckEAN13, false},
	{"5901234123457", CheckEAN13, true}, // EAN-13, not a book
	// Real ISBN-10s.
	{"0306406152", CheckISBN10, true},
	{"0262033844", CheckISBN10, true},
	{"080442957X", CheckISBN10, true},
	{"080442957x", CheckISBN10, true},
	{"316148410X", CheckISBN10, true},
	{"0306406153", CheckISBN10, false},
	{"3061406152", CheckISBN10, false}, // two digits swapped
	{"X306406152", CheckISBN10, false}, // X only last
	{"03064061", CheckISBN10, false},
	// The demo library's cards and items.
	{"20790000000010", CheckLuhn14, true},
	{"20790000000028", CheckLuhn14, true},
	{"20790990000012", CheckLuhn14, true},
	{"30790000000018", CheckLuhn14, true},
	{"30790000000323", CheckLuhn14, true},
	{"20790000000011", CheckLuhn14, false},
	{"30790000000081", CheckLuhn14, false},
	{"2079000000001", CheckLuhn14, false},
	{"2079000000001A", CheckLuhn14, false},
	{"207900000000100", CheckLuhn14, false},
	// Cases found by fuzzing:
	{"200000000000A\x00", CheckLuhn14, false}, // LuhnDigit's 0 for "not digits" matched the NUL
}

func TestCheckDigits(t *testing.T) {
	valid := map[string]func(string) bool{CheckEAN13: ValidEAN13, CheckISBN10: ValidISBN10, CheckLuhn14: ValidLuhn14}
	for _, tc := range checkDigitCases {
		if got := valid[tc.check](tc.code); got != tc.valid {
			t.Errorf("%s(%q) = %v, want %v", tc.check, tc.code, got, tc.valid)
		}
	}
	// kiosk/demo.CheckDigit("2079000000001") is '0'.
	if got := LuhnDigit("2079000000001"); got != '0' {
		t.Errorf("LuhnDigit = %c, want 0", got)
	}
	if got := LuhnDigit("20A"); got != 0 {
		t.Errorf("LuhnDigit of a non-digit = %q, want 0", got)
	}
}

// Every single-digit misread of a valid code is caught, by all three schemes.
func TestCheckDigitsCatchEverySingleDigitError(t *testing.T) {
	for _, tc := range checkDigitCases {
		if !tc.valid {
			continue
		}
		valid := map[string]func(string) bool{CheckEAN13: ValidEAN13, CheckISBN10: ValidISBN10, CheckLuhn14: ValidLuhn14}[tc.check]
		for i := range len(tc.code) {
			for d := byte('0'); d <= '9'; d++ {
				if d == tc.code[i] {
					continue
				}
				bad := tc.code[:i] + string(d) + tc.code[i+1:]
				if valid(bad) {
					t.Errorf("%s accepts %q, a misread of %q", tc.check, bad, tc.code)
				}
			}
		}
	}
}

var classifyCases = []struct {
	code string
	kind Kind
	err  error
}{
	{"20790000000010", KindPatron, nil},
	{"20790000000028", KindPatron, nil},
	{"20790990000012", KindStaff, nil},
	{"30790000000018", KindItem, nil},
	{"30790000000067", KindItem, nil},
	{"9789029538237", KindItem, nil},
	{"9780306406157", KindItem, nil},
	{"9791032305690", KindItem, nil}, // 979 ISBN
	{"20790000000011", KindUnknown, ErrCheckDigit},
	{"20790990000013", KindUnknown, ErrCheckDigit}, // a staff card misread
	{"30790000000010", KindUnknown, ErrCheckDigit},
	{"9789029538238", KindUnknown, ErrCheckDigit},
	{"2079000000001A", KindUnknown, ErrCheckDigit},
	{"5901234123457", KindUnknown, nil}, // an EAN, not a book
	{"0306406152", KindUnknown, nil},    // ISBN-10: no default rule
	{"12345", KindUnknown, nil},
	{"", KindUnknown, nil},
	{"2079000000001", KindUnknown, nil}, // one digit short
	{"207900000000100", KindUnknown, nil},
	{"40790000000010", KindUnknown, nil},
}

func TestClassifyDefaultRules(t *testing.T) {
	c := MustClassifier(DefaultRules())
	for _, tc := range classifyCases {
		kind, err := c.Classify(tc.code)
		if kind != tc.kind || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("Classify(%q) = %v, %v; want %v, %v", tc.code, kind, err, tc.kind, tc.err)
		}
	}
	_, err := c.Classify("20790990000013")
	var cd *CheckDigitError
	if !errors.As(err, &cd) || cd.Kind != KindStaff || cd.Check != CheckLuhn14 {
		t.Errorf("misread staff card: err = %#v", err)
	}
}

func TestClassifyRules(t *testing.T) {
	c, err := NewClassifier([]Rule{
		{Kind: KindStaff, Pattern: `STAFF-[0-9]{4}`},
		{Kind: KindItem, Length: 10, Check: CheckISBN10},
		{Kind: KindPatron, Prefix: "P", Pattern: `P[0-9]+`},
		{Kind: KindItem, Pattern: `[0-9]{3}|[A-Z]{2}`}, // anchored as a whole: no partial matches
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code string
		kind Kind
		err  error
	}{
		{"STAFF-1234", KindStaff, nil},
		{"xSTAFF-1234", KindUnknown, nil},
		{"STAFF-12345", KindUnknown, nil},
		{"080442957X", KindItem, nil},
		{"0804429570", KindUnknown, ErrCheckDigit},
		{"P123", KindPatron, nil},
		{"P12a", KindUnknown, nil},
		{"123", KindItem, nil},
		{"AB", KindItem, nil},
		{"1234", KindUnknown, nil},
		{"AB1", KindUnknown, nil},
	} {
		kind, err := c.Classify(tc.code)
		if kind != tc.kind || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("Classify(%q) = %v, %v; want %v, %v", tc.code, kind, err, tc.kind, tc.err)
		}
	}
}

func TestNewClassifierErrors(t *testing.T) {
	for _, r := range []Rule{
		{Kind: KindItem, Pattern: `([0-9]`},
		{Kind: KindItem, Check: "mod97"},
		{Kind: Kind(7)},
		{Kind: KindItem, Length: 12, Check: CheckEAN13},
		{Kind: KindItem, Length: 2, Prefix: "978"},
		{Kind: KindItem, Length: -1},
	} {
		if _, err := NewClassifier([]Rule{{Kind: KindPatron}, r}); err == nil || !strings.Contains(err.Error(), "rule 2") {
			t.Errorf("%+v: err = %v, want one naming rule 2", r, err)
		}
	}
}

func TestKindText(t *testing.T) {
	for k := KindUnknown; k <= KindStaff; k++ {
		var got Kind
		text, err := k.MarshalText()
		if err != nil || got.UnmarshalText([]byte(strings.ToUpper(string(text)))) != nil || got != k {
			t.Errorf("%v: round trip gave %v (%v)", k, got, err)
		}
	}
	if _, err := ParseKind("book"); err == nil {
		t.Error(`ParseKind("book") did not fail`)
	}
	if _, err := Kind(9).MarshalText(); err == nil {
		t.Error("Kind(9).MarshalText did not fail")
	}
}

func ExampleClassifier_Classify() {
	c := MustClassifier(DefaultRules())
	for _, code := range []string{"20790000000010", "20790990000012", "9789029538237", "20790000000011", "hello"} {
		kind, err := c.Classify(code)
		if errors.Is(err, ErrCheckDigit) {
			fmt.Println(code, "misread: scan again")
			continue
		}
		fmt.Println(code, kind)
	}
	// Output:
	// 20790000000010 patron
	// 20790990000012 staff
	// 9789029538237 item
	// 20790000000011 misread: scan again
	// hello unknown
}

func FuzzClassify(f *testing.F) {
	for _, tc := range classifyCases {
		f.Add(tc.code)
	}
	for _, tc := range checkDigitCases {
		f.Add(tc.code)
	}
	rules := DefaultRules()
	c := MustClassifier(rules)
	f.Fuzz(func(t *testing.T, code string) {
		kind, err := c.Classify(code)
		// The first rule whose prefix and length match decides.
		first := -1
		for i, r := range rules {
			if len(code) == r.Length && strings.HasPrefix(code, r.Prefix) {
				first = i
				break
			}
		}
		if first < 0 {
			if kind != KindUnknown || err != nil {
				t.Fatalf("Classify(%q) = %v, %v; no rule matches", code, kind, err)
			}
			return
		}
		r := rules[first]
		valid := map[string]func(string) bool{CheckEAN13: ValidEAN13, CheckLuhn14: ValidLuhn14}[r.Check](code)
		switch {
		case valid && (kind != r.Kind || err != nil):
			t.Fatalf("Classify(%q) = %v, %v; want %v", code, kind, err, r.Kind)
		case !valid && (kind != KindUnknown || !errors.Is(err, ErrCheckDigit)):
			t.Fatalf("Classify(%q) = %v, %v; want a check digit error", code, kind, err)
		}
		if !valid {
			return
		}
		// A valid code misread in any one digit after its prefix is caught.
		for i := len(r.Prefix); i < len(code); i++ {
			bad := []byte(code)
			bad[i] = '0' + (code[i]-'0'+1)%10
			if k, err := c.Classify(string(bad)); err == nil {
				t.Fatalf("misread %q of %q classified as %v", bad, code, k)
			}
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	c := MustClassifier(DefaultRules())
	codes := []string{"20790000000010", "20790990000012", "30790000000018", "9789029538237", "20790000000011", "hello world"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Classify(codes[i%len(codes)]); err != nil && i%len(codes) != 4 {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkClassifyPattern is a rule set with a regular expression, the
// slowest kind of rule.
func BenchmarkClassifyPattern(b *testing.B) {
	c := MustClassifier(append([]Rule{{Kind: KindStaff, Pattern: `STAFF-[0-9]{4}`}}, DefaultRules()...))
	b.ReportAllocs()
	for b.Loop() {
		if k, _ := c.Classify("30790000000018"); k != KindItem {
			b.Fatal(k)
		}
	}
}

func TestLoanDaysComeFromTheMatchingRule(t *testing.T) {
	c := MustClassifier([]Rule{
		{Kind: KindItem, Prefix: "30790003", Length: 14, Check: CheckLuhn14, LoanDays: 7},
		{Kind: KindItem, Prefix: "3", Length: 14, Check: CheckLuhn14},
	})
	for code, want := range map[string]int{"30790003000005": 7, "30790000000075": 0, "hello": 0} {
		if got := c.LoanDays(code); got != want {
			t.Errorf("LoanDays(%q) = %d, want %d", code, got, want)
		}
	}
}
