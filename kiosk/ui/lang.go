package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/template"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/bibliotheekzoetermeer/kiosk/assets"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// Languages the kiosk speaks, in the order the language button cycles them.
var Languages = languageCodes()

func languageCodes() []string {
	codes := make([]string, len(kiosk.Languages))
	for i, l := range kiosk.Languages {
		codes[i] = l.Code
	}
	return codes
}

var current string

// LoadTranslations adds the kiosk's translations to fyne's lang package and
// selects the language l.
func LoadTranslations(l string) error {
	os.Setenv("LANGUAGE", l) // before fyne reads the locale, which may be "C"
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return err
	}
	setLanguage(l)
	return nil
}

// setLanguage switches lang.L to l. fyne's lang package picks its language
// from the user's locale environment when translations are added, so we set
// LANGUAGE and add l's file again; that is its only way to switch at run time.
func setLanguage(l string) {
	if l == current {
		return
	}
	data, err := fs.ReadFile(assets.Translations, "translations/"+l+".json")
	if err != nil {
		fyne.LogError("no translations for "+l, err)
		return
	}
	os.Setenv("LANGUAGE", l)
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(l)); err != nil {
		fyne.LogError("translations for "+l, err)
		return
	}
	current = l
}

// formatMoney writes an amount from the ILS ("12.50", currency "EUR") the way
// the language writes money: "€ 12,50" in Dutch, "€12.50" in English.
func formatMoney(amount, currency, l string) string {
	amount = strings.TrimSpace(amount)
	sym := currency
	switch strings.ToUpper(currency) {
	case "EUR", "":
		sym = "€"
	case "USD":
		sym = "$"
	case "GBP":
		sym = "£"
	}
	if l == "nl" {
		return sym + " " + strings.ReplaceAll(amount, ".", ",")
	}
	if len(sym) > 1 && sym == currency {
		return sym + " " + amount
	}
	return sym + amount
}

// owes reports whether an ILS amount is more than zero.
func owes(amount string) bool {
	return strings.Trim(strings.TrimSpace(amount), "0.,") != ""
}

// Catalog reads the kiosk's translations without fyne's lang package, whose
// one current language belongs to the UI thread: the core uses it to write
// receipts in the patron's language from its own goroutine.
type Catalog struct {
	texts map[string]map[string]string // language → key → text
}

// NewCatalog loads every language in assets/translations.
func NewCatalog() (*Catalog, error) {
	c := &Catalog{texts: map[string]map[string]string{}}
	for _, l := range Languages {
		data, err := fs.ReadFile(assets.Translations, "translations/"+l+".json")
		if err != nil {
			return nil, err
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%s.json: %w", l, err)
		}
		m := map[string]string{}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) != nil {
				var plural map[string]string
				if err := json.Unmarshal(v, &plural); err != nil {
					return nil, fmt.Errorf("%s.json: %s: %w", l, k, err)
				}
				s = plural["other"]
			}
			m[k] = s
		}
		c.texts[l] = m
	}
	return c, nil
}

// T translates key into language l, filling in {{.Name}} fields from data.
// An unknown language falls back to Dutch, an unknown key to the key.
func (c *Catalog) T(l, key string, data map[string]any) string {
	m, ok := c.texts[l]
	if !ok {
		m = c.texts[Languages[0]]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if !strings.Contains(s, "{{") {
		return s
	}
	t, err := template.New(key).Parse(s)
	if err != nil {
		return s
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return s
	}
	return b.String()
}
