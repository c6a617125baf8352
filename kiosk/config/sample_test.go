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
	// [poll.follow_up] too: a table of the array's element.
	kv := regexp.MustCompile(`^# (\[\[[a-z]+\]\]$|\[` + name + `\.[a-z_]+\]$|[a-z_]+ = )`)
	for i := start; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		if kv.MatchString(lines[i]) {
			lines[i] = strings.TrimPrefix(lines[i], "# ")
		}
	}
	return strings.Join(lines, "\n")
}

// uncommentStudy turns the commented-out example [study] into a real one:
// from the line "# [study]" to the next line that is not a comment, "# " is
// removed before its headers and key = value lines.
func uncommentStudy(sample string) string {
	lines := strings.Split(sample, "\n")
	start := slices.Index(lines, "# [study]")
	if start < 0 {
		return sample
	}
	kv := regexp.MustCompile(`^# (\[\[?study(\.[a-z]+)?\]\]?$|[a-z_]+ = )`)
	for i := start; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		if kv.MatchString(lines[i]) {
			lines[i] = strings.TrimPrefix(lines[i], "# ")
		}
	}
	return strings.Join(lines, "\n")
}

// uncommentPolls turns the commented-out example [polls] into a real one,
// from the line "# [polls]" to the next line that is not a comment.
func uncommentPolls(sample string) string {
	lines := strings.Split(sample, "\n")
	start := slices.Index(lines, "# [polls]")
	if start < 0 {
		return sample
	}
	kv := regexp.MustCompile(`^# (\[polls\]$|[a-z_]+ = )`)
	for i := start; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		if kv.MatchString(lines[i]) {
			lines[i] = strings.TrimPrefix(lines[i], "# ")
		}
	}
	return strings.Join(lines, "\n")
}

// uncommentExamples uncomments every example array section of the sample,
// and the example [study] and [polls].
func uncommentExamples(sample string) string {
	for _, s := range schema() {
		if s.array {
			sample = uncommentExample(sample, s.name)
		}
	}
	return uncommentPolls(uncommentStudy(sample))
}

// TestSampleStudyExample: the example [study] loads, has the rules'
// defaults, and writes every key of its tables.
func TestSampleStudyExample(t *testing.T) {
	text := uncommentStudy(readSample(t))
	cfg, err := Parse(samplePath, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	st := cfg.Study
	if st == nil || len(st.Zones) != 2 || len(st.Seats) != 5 || len(st.Exceptions) != 2 || st.Hours.Monday == "" {
		t.Fatalf("example study = %+v", st)
	}
	rules := *st
	rules.Hours, rules.Exceptions, rules.Zones, rules.Seats = StudyHours{}, nil, nil, nil
	if len(rules.TeacherCategories) == 0 {
		rules.TeacherCategories = nil
	}
	if want := *defaultStudy(); !reflect.DeepEqual(rules, want) {
		t.Errorf("example study rules =\n%+v\nwant the defaults\n%+v", rules, want)
	}
	cfg.Study = nil
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("sample with the example study, study removed =\n%+v\nDefault() =\n%+v", cfg, want)
	}
	f := &file{name: samplePath, text: text}
	for _, sub := range []struct {
		table string
		typ   reflect.Type
	}{{"hours", reflect.TypeFor[StudyHours]()}, {"exception", reflect.TypeFor[StudyException]()},
		{"zone", reflect.TypeFor[StudyZone]()}, {"seat", reflect.TypeFor[StudySeat]()}} {
		for i := range sub.typ.NumField() {
			k := tagName(sub.typ.Field(i))
			if f.find("study."+sub.table+"."+k, -1) == 0 {
				t.Errorf("study.%s.%s is not in the sample's example", sub.table, k)
			}
			if sub.table != "hours" && !strings.Contains(text, "#   "+k) && !strings.Contains(text, ", "+k+":") {
				t.Errorf("study.%s.%s has no \"#   %s: \" line in the sample", sub.table, k, k)
			}
		}
	}
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
