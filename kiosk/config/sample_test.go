package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// samplePath is read by path, not through package assets, which has its own owner.
const samplePath = "../../assets/kiosk.sample.toml"

func readSample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// uncommentScanner turns the commented-out example [[scanner]] into a real one.
func uncommentScanner(sample string) string {
	return regexp.MustCompile(`(?m)^# (\[\[scanner\]\]|name = |path = |baud = )`).ReplaceAllString(sample, "$1")
}

func TestSampleIsDefault(t *testing.T) {
	cfg, err := Parse(samplePath, []byte(readSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample =\n%+v\nDefault() =\n%+v", cfg, want)
	}
}

func TestSampleScannerExample(t *testing.T) {
	text := uncommentScanner(readSample(t))
	cfg, err := Parse(samplePath, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Scanners) != 1 || cfg.Scanners[0].Path == "" {
		t.Fatalf("example scanner = %+v", cfg.Scanners)
	}
	cfg.Scanners = nil
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample with the example scanner, scanner removed =\n%+v\nDefault() =\n%+v", cfg, want)
	}
}

// TestSampleHasEveryKey: every field of Config is in the sample, under a
// comment that says its default.
func TestSampleHasEveryKey(t *testing.T) {
	text := uncommentScanner(readSample(t))
	f := &file{name: samplePath, text: text}
	lines := strings.Split(text, "\n")
	for _, s := range schema() {
		for _, k := range s.keys {
			key := s.name + "." + k
			n := f.find(key, -1)
			if n == 0 {
				t.Errorf("%s is not in the sample", key)
				continue
			}
			if s.array {
				// The example's keys are documented together above it.
				if !strings.Contains(text, "# "+k+": ") {
					t.Errorf("%s has no \"# %s: \" line in the sample", key, k)
				}
				continue
			}
			var doc []string
			for i := n - 2; i >= 0 && strings.HasPrefix(lines[i], "#"); i-- {
				doc = append(doc, lines[i])
			}
			if !strings.Contains(strings.Join(doc, "\n"), "Default: ") {
				t.Errorf("%s (line %d) has no comment above it that says its default", key, n)
			}
		}
	}
}
