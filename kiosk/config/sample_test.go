package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
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

// uncommentExample turns the commented-out example [[name]] sections into
// real ones: from the line "# [[name]]" to the next line that is not a
// comment, "# " is removed before headers and key = value lines.
func uncommentExample(sample, name string) string {
	lines := strings.Split(sample, "\n")
	start := slices.Index(lines, "# [["+name+"]]")
	if start < 0 {
		return sample
	}
	kv := regexp.MustCompile(`^# (\[\[[a-z]+\]\]$|[a-z_]+ = )`)
	for i := start; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		if kv.MatchString(lines[i]) {
			lines[i] = strings.TrimPrefix(lines[i], "# ")
		}
	}
	return strings.Join(lines, "\n")
}

// uncommentExamples uncomments every example array section of the sample.
func uncommentExamples(sample string) string {
	for _, s := range schema() {
		if s.array {
			sample = uncommentExample(sample, s.name)
		}
	}
	return sample
}

func TestSampleIsDefault(t *testing.T) {
	cfg, err := Parse(samplePath, []byte(readSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample =\n%+v\nDefault() =\n%+v", cfg, want)
	}
	if got := cfg.BarcodeRules(); !reflect.DeepEqual(got, DefaultBarcodeRules()) {
		t.Errorf("sample barcode rules = %+v, want DefaultBarcodeRules", got)
	}
}

func TestSampleScannerExample(t *testing.T) {
	text := uncommentExample(readSample(t), "scanner")
	cfg, err := Parse(samplePath, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Scanners) != 1 || cfg.Scanners[0].Path == "" {
		t.Fatalf("example scanner = %+v", cfg.Scanners)
	}
	// Its values, but for name and path, are the defaults.
	want := defaultScanner
	want.Name, want.Path = cfg.Scanners[0].Name, cfg.Scanners[0].Path
	if cfg.Scanners[0] != want {
		t.Errorf("example scanner =\n%+v\nwant the defaults\n%+v", cfg.Scanners[0], want)
	}
	cfg.Scanners = nil
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample with the example scanner, scanner removed =\n%+v\nDefault() =\n%+v", cfg, want)
	}
}

func TestSampleBarcodeExample(t *testing.T) {
	text := uncommentExample(readSample(t), "barcode")
	cfg, err := Parse(samplePath, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultBarcodeRules(); !reflect.DeepEqual(cfg.Barcodes, want) {
		t.Errorf("example barcode rules =\n%+v\nwant DefaultBarcodeRules\n%+v", cfg.Barcodes, want)
	}
	cfg.Barcodes = nil
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample with the example rules, rules removed =\n%+v\nDefault() =\n%+v", cfg, want)
	}
}

// TestSampleHasEveryKey: every field of Config is in the sample, under a
// comment that says its default.
func TestSampleHasEveryKey(t *testing.T) {
	text := uncommentExamples(readSample(t))
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
