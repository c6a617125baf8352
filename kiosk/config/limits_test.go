package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxErrorLen bounds an error message, whatever the file holds.
const maxErrorLen = 600

// checkError fails unless err is a short *Error on a line of text.
func checkError(t *testing.T, name, text string, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v is %T, want *Error", name, err, err)
	}
	if lines := strings.Count(text, "\n") + 1; e.Line < 1 || e.Line > lines {
		t.Errorf("%s: error %.200q: line %d is not within the file's %d lines", name, e, e.Line, lines)
	}
	if len(e.Error()) > maxErrorLen {
		t.Errorf("%s: error of %d bytes: %.200q…", name, len(e.Error()), e)
	}
	return e
}

// The worst files of the benchmark end in a short error, all but the one
// that is valid.
func TestNastyConfigs(t *testing.T) {
	for _, tc := range nastyConfigs() {
		_, err := Parse("kiosk.toml", []byte(tc.text))
		if tc.name == "largest-patterns" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		checkError(t, tc.name, tc.text, err)
	}
}

func TestShort(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		strings.Repeat("é", maxQuoted):   strings.Repeat("é", maxQuoted),
		strings.Repeat("é", maxQuoted+1): strings.Repeat("é", maxQuoted) + "…",
	} {
		if got := short(in); got != want {
			t.Errorf("short(%q) = %q, want %q", in, got, want)
		}
		if got := short(short(in)); got != short(in) {
			t.Errorf("short(short(%q)) = %q", in, got)
		}
	}
	long := strings.Repeat("x", 100)
	cut := strings.Repeat("x", maxQuoted) + "…"
	for in, want := range map[string]string{
		"key 'a' has already been defined":        "key 'a' has already been defined",
		"key '" + long + "' and \"" + long + "\"": "key '" + cut + "' and \"" + cut + "\"",
		"unclosed '" + long:                       "unclosed '" + cut,
	} {
		if got := shortQuotes(in); got != want {
			t.Errorf("shortQuotes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadTooLarge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	fits := "#" + strings.Repeat("x", MaxFileSize-2) + "\n"
	if err := os.WriteFile(path, []byte(fits), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("a file of exactly 1 MiB: %v", err)
	}
	if err := os.WriteFile(path, []byte(fits+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var e *Error
	if !errors.As(err, &e) || e.File != path || !strings.Contains(e.Msg, "larger than 1 MiB (1048576 bytes)") {
		t.Errorf("a file of 1 MiB and a byte: %v", err)
	}
	// A device that never ends is read only as far as the limit.
	if _, err := Load("/dev/zero"); !errors.As(err, &e) || e.File != "/dev/zero" || !strings.Contains(e.Msg, "larger than 1 MiB") {
		t.Errorf("/dev/zero: %v", err)
	}
}

// A file holding the SIP2 password that everyone may read is refused with
// the command that fixes it; the group may read it.
func TestLoadPasswordFileMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "etc kiosk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kiosk.toml")
	for _, tc := range []struct {
		text string
		mode os.FileMode
		key  string // "": accepted
	}{
		{"[ils]\npassword = \"geheim\"\n", 0o644, "ils.password"},
		{"[ils]\naddress = \"sip.example.org:6001\"\n\nterminal_password = \"zuil-7\"\n", 0o604, "ils.terminal_password"},
		{"[ils]\npassword = \"geheim\"\n", 0o640, ""},
		{"[ils]\npassword = \"geheim\"\n", 0o600, ""},
		{"[ils]\npassword = \"\"\n", 0o644, ""},
		{"[kiosk]\nlanguage = \"en\"\n", 0o666, ""},
	} {
		if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if tc.key == "" {
			if err != nil {
				t.Errorf("mode %04o, %q: %v", tc.mode, tc.text, err)
			}
			continue
		}
		e := checkError(t, "mode", tc.text, err)
		want := "chmod 600 '" + path + "'"
		if e.Key != tc.key || e.Line != strings.Count(tc.text, "\n") || !strings.HasSuffix(e.Msg, want) || strings.Contains(e.Error(), "geheim") || strings.Contains(e.Error(), "zuil") {
			t.Errorf("mode %04o, %q: error %q, want key %s on its line, ending in %q", tc.mode, tc.text, e, tc.key, want)
		}
	}
}
