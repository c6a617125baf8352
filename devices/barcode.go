package devices

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Kind is what a scanned code stands for.
type Kind int

const (
	KindUnknown Kind = iota
	KindPatron       // a library card
	KindItem         // a book, DVD, … (library barcode or ISBN/EAN)
	KindStaff        // a staff card: unlocks maintenance mode after a PIN
)

var kindNames = [...]string{"unknown", "patron", "item", "staff"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads a configured kind: patron, item, staff or unknown.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if strings.EqualFold(s, n) {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown barcode kind %q (want patron, item, staff or unknown)", s)
}

// MarshalText makes a Kind a plain string in config files.
func (k Kind) MarshalText() ([]byte, error) {
	if k < KindUnknown || k > KindStaff {
		return nil, fmt.Errorf("invalid %v", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText lets a config decoder (TOML, JSON) read a Kind.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Check digit schemes a Rule can ask for.
const (
	CheckNone   = ""
	CheckLuhn14 = "luhn14" // 14 digits, the last a Luhn (mod 10) digit over the first 13: library Codabar
	CheckEAN13  = "ean13"  // 13 digits, EAN-13 / ISBN-13 (weights 1,3)
	CheckISBN10 = "isbn10" // 9 digits and a mod-11 check digit, 0–9 or X
)

// ErrCheckDigit means a code looked like a known kind but its check digit is
// wrong: a misread. Say "scan again"; never send it to the ILS.
var ErrCheckDigit = errors.New("check digit wrong")

// CheckDigitError is the error Classify returns for a misread: errors.Is(err,
// ErrCheckDigit) holds, and it tells which rule the code looked like.
type CheckDigitError struct {
	Kind  Kind   // what the code looked like
	Check string // the scheme that failed
}

func (e *CheckDigitError) Error() string {
	return fmt.Sprintf("%v barcode: %s check digit wrong", e.Kind, e.Check)
}

// Is makes errors.Is(err, ErrCheckDigit) true.
func (e *CheckDigitError) Is(target error) bool { return target == ErrCheckDigit }

// Rule says which codes are of a Kind. Every field set must match: the code
// starts with Prefix, is Length bytes long, matches Pattern (a regular
// expression, anchored by the Classifier to the whole code). Check names the
// check digit scheme (CheckLuhn14, CheckEAN13, CheckISBN10) that a matching
// code must then pass.
type Rule struct {
	Kind    Kind
	Prefix  string
	Length  int
	Pattern string
	Check   string
	// LoanDays is the loan period of items this rule matches, for loans
	// the kiosk promises while the library system is down; 0: the default.
	LoanDays int
}

// DefaultRules are the demo library's: staff cards 2 07909 9xxxxxx c, library
// cards 2 0790 xxxxxxxx c, items 3 0790 xxxxxxxx c (all Codabar with a Luhn
// digit), and books by their ISBN-13 (EAN-13 starting 978 or 979).
func DefaultRules() []Rule {
	return []Rule{
		{Kind: KindStaff, Prefix: "2079099", Length: 14, Check: CheckLuhn14},
		{Kind: KindPatron, Prefix: "2", Length: 14, Check: CheckLuhn14},
		{Kind: KindItem, Prefix: "3", Length: 14, Check: CheckLuhn14},
		{Kind: KindItem, Prefix: "978", Length: 13, Check: CheckEAN13},
		{Kind: KindItem, Prefix: "979", Length: 13, Check: CheckEAN13},
	}
}

// Classifier tells the kind of a scanned code by its rules, first match
// first. It is safe for concurrent use.
type Classifier struct {
	rules []compiledRule
}

type compiledRule struct {
	Rule
	re    *regexp.Regexp
	valid func(string) bool
	err   error // made once, so a misread costs no allocation
}

// NewClassifier compiles rules; an unknown kind or check scheme, a bad
// pattern, or a rule that can never pass its check is an error naming the rule.
func NewClassifier(rules []Rule) (*Classifier, error) {
	c := &Classifier{rules: make([]compiledRule, 0, len(rules))}
	var errs []error
	for i, r := range rules {
		cr := compiledRule{Rule: r}
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("barcode rule %d (%v): %s", i+1, r.Kind, fmt.Sprintf(format, a...)))
		}
		if r.Kind < KindUnknown || r.Kind > KindStaff {
			fail("invalid kind %d", int(r.Kind))
		}
		if r.Length < 0 || (r.Length > 0 && len(r.Prefix) > r.Length) {
			fail("length %d cannot hold prefix %q", r.Length, r.Prefix)
		}
		if r.Pattern != "" {
			re, err := regexp.Compile(`^(?:` + r.Pattern + `)$`)
			if err != nil {
				fail("pattern: %v", err)
			}
			cr.re = re
		}
		var n int // the length the scheme needs
		switch r.Check {
		case CheckNone:
		case CheckLuhn14:
			cr.valid, n = ValidLuhn14, 14
		case CheckEAN13:
			cr.valid, n = ValidEAN13, 13
		case CheckISBN10:
			cr.valid, n = ValidISBN10, 10
		default:
			fail("unknown check %q (want %s, %s or %s)", r.Check, CheckLuhn14, CheckEAN13, CheckISBN10)
		}
		if n > 0 && r.Length != 0 && r.Length != n {
			fail("check %s needs length %d, not %d", r.Check, n, r.Length)
		}
		cr.err = &CheckDigitError{Kind: r.Kind, Check: r.Check}
		c.rules = append(c.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// MustClassifier is NewClassifier for rules known to be right (DefaultRules).
func MustClassifier(rules []Rule) *Classifier {
	c, err := NewClassifier(rules)
	if err != nil {
		panic(err)
	}
	return c
}

// Classify tells the kind of code by the first rule it matches. A code that
// matches a rule but fails its check digit gives (KindUnknown, a
// *CheckDigitError); errors.Is(err, ErrCheckDigit) holds. A code no rule
// matches is (KindUnknown, nil).
func (c *Classifier) Classify(code string) (Kind, error) {
	r := c.match(code)
	switch {
	case r == nil:
		return KindUnknown, nil
	case r.valid != nil && !r.valid(code):
		return KindUnknown, r.err
	}
	return r.Kind, nil
}

// LoanDays is the loan period of the first rule that matches code (0 when
// none does or it sets none).
func (c *Classifier) LoanDays(code string) int {
	if r := c.match(code); r != nil {
		return r.LoanDays
	}
	return 0
}

func (c *Classifier) match(code string) *compiledRule {
	for i := range c.rules {
		r := &c.rules[i]
		if (r.Length != 0 && len(code) != r.Length) || !strings.HasPrefix(code, r.Prefix) ||
			(r.re != nil && !r.re.MatchString(code)) {
			continue
		}
		return r
	}
	return nil
}

// LuhnDigit is the Luhn (mod 10) check digit of the digits in s, as the
// library's 14-digit Codabar barcodes carry it after their first 13 digits.
// It returns 0 if s holds a non-digit.
func LuhnDigit(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i]) - '0'
		if d < 0 || d > 9 {
			return 0
		}
		if i%2 == 0 { // the rightmost digit, next to the check digit, is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidLuhn14 reports whether s is 14 digits whose last is LuhnDigit of the first 13.
func ValidLuhn14(s string) bool {
	// LuhnDigit says 0 for a non-digit, which must not match a NUL.
	return len(s) == 14 && s[13] >= '0' && s[13] <= '9' && LuhnDigit(s[:13]) == s[13]
}

// ValidEAN13 reports whether s is 13 digits with a right EAN-13 check digit
// (ISBN-13 is EAN-13 starting 978 or 979).
func ValidEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 13; i++ {
		d := int(s[i]) - '0'
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return sum%10 == 0
}

// ValidISBN10 reports whether s is an ISBN-10 without hyphens: nine digits
// and a check digit 0–9 or X (x accepted), weighted sum 0 mod 11.
func ValidISBN10(s string) bool {
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		var d int
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case i == 9 && (c == 'X' || c == 'x'):
			d = 10
		default:
			return false
		}
		sum += (10 - i) * d
	}
	return sum%11 == 0
}
