package main

import (
	_ "embed"

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
