package main

import (
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ui"
)

// barcodeClassifier builds the classifier from the configuration's rules.
func barcodeClassifier(rules []config.BarcodeRule) (*devices.Classifier, error) {
	out := make([]devices.Rule, len(rules))
	for i, r := range rules {
		kind, err := devices.ParseKind(r.Kind)
		if err != nil {
			return nil, err
		}
		out[i] = devices.Rule{Kind: kind, Prefix: r.Prefix, Length: r.Length, Pattern: r.Pattern, Check: r.Check, LoanDays: r.LoanDays}
	}
	return devices.NewClassifier(out)
}

// classifier adapts devices.Classifier to the core's Classify.
func classifier(c *devices.Classifier) func(string) (kiosk.Kind, error) {
	return func(code string) (kiosk.Kind, error) {
		k, err := c.Classify(code)
		if err != nil {
			return kiosk.KindUnknown, err
		}
		switch k {
		case devices.KindPatron:
			return kiosk.KindPatron, nil
		case devices.KindItem:
			return kiosk.KindItem, nil
		case devices.KindStaff:
			return kiosk.KindStaff, nil
		}
		return kiosk.KindUnknown, nil
	}
}

// wedge adapts devices.WedgeDetector to the UI's keyboard handling.
type wedge struct{ d *devices.WedgeDetector }

var _ ui.Wedge = wedge{}

func keys(e devices.WedgeEvent) ui.KeyResult {
	return ui.KeyResult{Scan: e.Scan.Code, Human: e.Human, Enter: e.Enter}
}

func (w wedge) Rune(r rune, at time.Time) ui.KeyResult { return keys(w.d.Rune(r, at)) }
func (w wedge) Enter(at time.Time) ui.KeyResult        { return keys(w.d.Enter(at)) }
func (w wedge) Flush(now time.Time) ui.KeyResult       { return keys(w.d.Flush(now)) }
func (w wedge) Deadline() (time.Time, bool)            { return w.d.Deadline() }
