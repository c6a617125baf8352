package kiosk

// Language is one language the kiosk speaks: its code (as in the
// translation files and the config) and its name in its own script, as the
// language chooser shows it.
type Language struct {
	Code string
	Name string
	// RTL: the language is written right to left.
	RTL bool
}

// Languages are the kiosk's languages, Dutch first; the config, the core and
// the screens all take them from here.
var Languages = []Language{
	{Code: "nl", Name: "Nederlands"},
	{Code: "en", Name: "English"},
}

// DefaultLanguage is the language a visit starts in unless configured.
const DefaultLanguage = "nl"

// KnownLanguage reports whether the kiosk speaks code.
func KnownLanguage(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}
