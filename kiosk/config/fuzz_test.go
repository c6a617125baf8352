package config

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func FuzzParse(f *testing.F) {
	for _, tc := range parseTests {
		f.Add([]byte(tc.in))
	}
	for _, tc := range studyTests {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.toml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if lines := strings.Count(string(data), "\n") + 1; e.Line < 1 || e.Line > lines {
				t.Fatalf("error %q: line %d is not within the file's %d lines", e, e.Line, lines)
			}
			if e.Msg == "" || e.File != "fuzz.toml" {
				t.Fatalf("error %q has no message or the wrong file", e)
			}
			if len(e.Error()) > maxErrorLen {
				t.Fatalf("error of %d bytes: %.200q…", len(e.Error()), e)
			}
			return
		}
		// A valid configuration, written back out, reads the same.
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
			t.Fatalf("encode %+v: %v", cfg, err)
		}
		again, err := Parse("again.toml", buf.Bytes())
		if err != nil {
			t.Fatalf("re-parse of\n%s\n: %v", buf.Bytes(), err)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("round trip:\n%+v\n%+v", cfg, again)
		}
	})
}
