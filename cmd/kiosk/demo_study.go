package main

import (
	_ "embed"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
)

//go:embed demo_study.toml
var demoStudyTOML []byte

// demoStudy is the demo library's study places, for a kiosk started
// without a configuration: read as a configuration file is, so it is
// checked the same way.
func demoStudy() (*config.Study, error) {
	cfg, err := config.Parse("demo_study.toml", demoStudyTOML)
	if err != nil {
		return nil, err
	}
	return cfg.Study, nil
}

// demoPolls are the demo's quick poll after borrowing and returning, and
// one "U vroeg, wij deden" message, for a kiosk started without a
// configuration.
func demoPolls() ([]kiosk.Poll, []kiosk.News) {
	polls := []kiosk.Poll{{
		ID:       "demo-lenen",
		Question: map[string]string{"nl": "Hoe ging het?", "en": "How did it go?"},
		After:    []kiosk.UsedService{kiosk.AfterCheckout, kiosk.AfterReturn, kiosk.AfterStudy},
		Every:    1,
		FollowUp: kiosk.FollowUp{
			Question: map[string]string{"nl": "Wat kan beter?", "en": "What could be better?"},
			Options: []map[string]string{
				{"nl": "Het duurde lang", "en": "It took long"},
				{"nl": "Ik begreep het niet", "en": "I did not understand it"},
				{"nl": "De scanner deed het niet", "en": "The scanner did not work"},
				{"nl": "Iets anders", "en": "Something else"},
			},
		},
	}}
	news := []kiosk.News{{Text: map[string]string{
		"nl": "U vroeg om meer studieplekken met een stopcontact. Die zijn er nu bij de ramen.",
		"en": "You asked for more study places with a power socket. They are now by the windows.",
	}}}
	return polls, news
}
