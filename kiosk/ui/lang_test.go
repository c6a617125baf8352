package ui

import (
	"encoding/json"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bibliotheekzoetermeer/kiosk/assets"
)

func translationKeys(t *testing.T, l string) []string {
	t.Helper()
	data, err := fs.ReadFile(assets.Translations, "translations/"+l+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", l, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestEveryLanguageHasEveryKey(t *testing.T) {
	nl := translationKeys(t, "nl")
	for _, l := range Languages[1:] {
		if other := translationKeys(t, l); !slices.Equal(nl, other) {
			t.Errorf("%s.json keys differ from nl.json:\n nl: %v\n %s: %v", l, nl, l, other)
		}
	}
}

// Every key the screens ask for exists: a missing one would show the key
// itself to a patron.
func TestEveryKeyInTheCodeIsTranslated(t *testing.T) {
	have := translationKeys(t, "nl")
	used := regexp.MustCompile(`(?:lang\.[LN]\(|: +)"([a-z_]+\.[a-z_.]+)"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if strings.HasSuffix(m[1], ".") {
				continue // a key made with a name: TestEveryMediaHasItsWords
			}
			if !slices.Contains(have, m[1]) {
				t.Errorf("%s uses %q, which nl.json lacks", f, m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d translated strings in the code; the pattern is out of date", n)
	}
}

// Every media type has its words: "dit boek", "deze dvd", and what an item
// without a title is called.
func TestEveryMediaHasItsWords(t *testing.T) {
	for _, l := range Languages {
		have := translationKeys(t, l)
		for m := kiosk.MediaUnknown; m <= kiosk.MediaOther; m++ {
			for _, prefix := range []string{"item.this.", "item.This.", "item.untitled."} {
				if !slices.Contains(have, prefix+m.String()) {
					t.Errorf("%s.json lacks %s%s", l, prefix, m)
				}
			}
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct{ amount, cur, lang, want string }{
		{"12.50", "EUR", "nl", "€ 12,50"},
		{"12.50", "EUR", "en", "€12.50"},
		{"3.00", "", "nl", "€ 3,00"},
		{"1.25", "CHF", "en", "CHF 1.25"},
	} {
		if got := formatMoney(tc.amount, tc.cur, tc.lang); got != tc.want {
			t.Errorf("formatMoney(%q, %q, %q) = %q, want %q", tc.amount, tc.cur, tc.lang, got, tc.want)
		}
	}
	for in, want := range map[string]bool{"": false, "0.00": false, "0": false, "12.50": true, "0.01": true} {
		if owes(in) != want {
			t.Errorf("owes(%q) = %v", in, !want)
		}
	}
}
