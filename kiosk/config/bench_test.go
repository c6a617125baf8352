package config

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fill repeats line, numbered with %d if it has one, until the text is
// about size bytes (MaxFileSize by default) after head.
func fill(head, line string, size int) string {
	if size == 0 {
		size = MaxFileSize - 64
	}
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len()+len(line)+8 < size; i++ {
		if strings.Contains(line, "%d") {
			fmt.Fprintf(&b, line, i)
		} else {
			b.WriteString(line)
		}
	}
	return b.String()
}

// deepest is a key numbered %d of maxKeyDepth parts below a [table] of
// two, about maxKeyLen long.
func deepest() string {
	part := strings.Repeat("y", maxKeyLen/(maxKeyDepth-2)-1)
	return "k%d" + strings.Repeat("."+part, maxKeyDepth-3)
}

// nastyConfigs are the worst files we could think of, each at most
// MaxFileSize: each must fail (or pass) in linear time and memory.
func nastyConfigs() []struct{ name, text string } {
	return []struct{ name, text string }{
		{"header-50000-parts", "[" + dotted(50000) + "]\n"},
		{"key-50000-parts", dotted(50000) + " = 1\n"},
		{"header-1MiB-parts", "[" + dotted(MaxFileSize/2-4) + "]\n"},
		{"inline-key-1MiB-parts", "x = {" + dotted(MaxFileSize/2-16) + " = 1}\n"},
		{"quoted-key-1MiB", "\"" + strings.Repeat("k", MaxFileSize-16) + "\" = 1\n"},
		{"nested-lists-1MiB", "a = " + strings.Repeat("[", MaxFileSize-8)},
		{"nested-tables-1MiB", "a = " + strings.Repeat("{a=", MaxFileSize/3-8)},
		{"deep-keys-1MiB", fill("[a.b]\n", "k%d.c.d.e.f.g = 1\n", 0)},
		{"unknown-keys-1MiB", fill("[kiosk]\n", "k%d = 1\n", 0)},
		{"tables-1MiB", fill("", "[t%d]\n", 0)},
		{"inline-keys-1MiB", fill("x = {", "k%d = 1, ", 0) + "y = 1}\n"},
		{"list-1MiB", fill("x = [", "1, ", 0) + "1]\n"},
		{"list-of-tables-1MiB", fill("x = [", "{}, ", 0) + "{}]\n"},
		{"list-of-lists-1MiB", fill("x = [", "[], ", 0) + "[]]\n"},
		{"list-4096-tables", "x = [" + strings.Repeat("{a.b.c.d.e.f=1},", maxKeys/2-2) + "{}]\n"},
		{"keys-4096-deepest-longest", "[a.b]\n" + numbered(maxKeys-1, deepest()+" = 1\n")},
		{"scanners-1MiB", fill("", "[[scanner]]\nbaud = 1\n", 0)},
		{"barcode-rules-1MiB", fill("", "[[barcode]]\nkind = \"item\"\nlength = %d\n", 0)},
		{"largest-patterns", numbered(maxBarcodeRules, "[[barcode]]\nkind = \"item\"\npattern = '%d"+strings.Repeat("[0-9]{490}", 2)+"'\n")},
		{"long-patterns", numbered(maxBarcodeRules, "[[barcode]]\nkind = \"item\"\npattern = '%d"+strings.Repeat("(a|b)", 800)+"'\n")},
		{"unknown-deep-keys-in-kiosk", "[kiosk]\n" + numbered(maxKeys-1, deepest()+" = 1\n")},
		{"list-of-deep-tables", "x = [" + numbered(maxKeys/2-1, "{"+deepest()+" = 1},") + "{}]\n"},
		{"scanners-one-too-many", numbered(maxScanners+1, "[[scanner]]\npath = \"/dev/ttyACM%d\"\n")},
		{"barcode-rules-one-too-many", numbered(maxBarcodeRules+1, "[[barcode]]\nkind = \"item\"\nprefix = \"%d\"\n")},
		{"errors-everywhere", strings.Repeat("[[scanner]]\npath = \"x\"\nbaud = 1\nterminator = \"x\"\nparity = \"x\"\nprefix = \"é\"\n", maxScanners) +
			strings.Repeat("[[barcode]]\nkind = \"x\"\nprefix = \"\\t\"\nlength = -1\ncheck = \"x\"\npattern = '('\nloan_days = 999\n", maxBarcodeRules) +
			strings.Repeat("\n", MaxFileSize/2)},
		{"long-value", "[ils]\ncharset = \"" + strings.Repeat("x", MaxFileSize-32) + "\"\n"},
		{"long-unclosed-string", "[ils]\nuser = \"" + strings.Repeat("x", MaxFileSize-32) + "\n"},
		{"long-line-error", "[ils]\nuser = " + strings.Repeat("x", MaxFileSize-32) + "\n"},
		{"empty-lines-1MiB", strings.Repeat("\n", MaxFileSize-16) + "x = \n"},
	}
}

// BenchmarkParse parses the sample configuration (the baseline) and every
// nasty file, reporting the time and the bytes allocated per parse (an upper
// bound of the peak heap): targets ≤ 1 s and ≤ 50 MB for every file.
func BenchmarkParse(b *testing.B) {
	cases := append([]struct{ name, text string }{{"sample", readSample(b)}}, nastyConfigs()...)
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			data := []byte(tc.text)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			n := 0
			for b.Loop() {
				Parse("kiosk.toml", data)
				n++
			}
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(took.Microseconds())/1e3/float64(n), "ms/parse")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20)/float64(n), "MB-alloc/parse")
			b.ReportMetric(float64(len(data))/1024, "KB-file")
		})
	}
}
