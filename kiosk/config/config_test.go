package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseTests are good and bad files; they also seed FuzzParse.
var parseTests = []struct {
	name    string
	in      string
	line    int    // 0: the file is valid
	key     string // the key the error names
	msg     string // a part of the message
	changed func(*Config)
}{
	{name: "empty", in: ""},
	{name: "only comments", in: "# nothing here\n\n"},
	{
		name: "ils address",
		in:   "[ils]\naddress = \"sip.example.org:6001\"\nuser = \"kiosk1\"\npassword = \"geheim\"\nlocation = \"ZTM-HAL\"\n",
		changed: func(c *Config) {
			c.ILS.Address, c.ILS.User, c.ILS.Password, c.ILS.Location = "sip.example.org:6001", "kiosk1", "geheim", "ZTM-HAL"
		},
	},
	{
		name:    "demo address",
		in:      "[ils]\naddress = \"demo\"\n",
		changed: func(c *Config) { c.ILS.Address = "demo" },
	},
	{
		name: "ils other values",
		in:   "[ils]\ncharset = \"ibm850\"\ndelimiter = \"^\"\nerror_detection = false\nrequest_timeout = \"1m30s\"\nkeepalive = \"10s\"\n",
		changed: func(c *Config) {
			c.ILS.Charset, c.ILS.Delimiter, c.ILS.ErrorDetection = "ibm850", "^", false
			c.ILS.RequestTimeout.Duration, c.ILS.Keepalive.Duration = 90*time.Second, 10*time.Second
		},
	},
	{
		name: "dotted keys",
		in:   "ils.institution = \"ABC\"\nkiosk.language = \"en\"\n",
		changed: func(c *Config) {
			c.ILS.Institution, c.Kiosk.Language = "ABC", "en"
		},
	},
	{
		name: "two scanners, baud defaults per scanner",
		in:   "[[scanner]]\nname = \"a\"\npath = \"/dev/ttyACM0\"\nbaud = 115200\n\n[[scanner]]\nname = \"b\"\npath = \"/dev/serial/by-id/usb-x\"\n",
		changed: func(c *Config) {
			c.Scanners = []Scanner{{"a", "/dev/ttyACM0", 115200}, {"b", "/dev/serial/by-id/usb-x", 9600}}
		},
	},
	{
		name: "inline scanners",
		in:   "scanner = [{path = \"/dev/ttyACM0\"}, {path = \"/dev/ttyACM1\", baud = 19200}]\n",
		changed: func(c *Config) {
			c.Scanners = []Scanner{{"", "/dev/ttyACM0", 9600}, {"", "/dev/ttyACM1", 19200}}
		},
	},
	{
		name: "kiosk",
		in:   "[kiosk]\ndata_dir = \"/var/lib/kiosk\"\nlanguage = \"en\"\nsession_timeout = \"2m\"\nwarning = \"30s\"\nlibrary_name = \"Bieb\"\n",
		changed: func(c *Config) {
			c.Kiosk = Kiosk{"/var/lib/kiosk", "en", Duration{2 * time.Minute}, Duration{30 * time.Second}, "Bieb"}
		},
	},

	// Syntax and types.
	{name: "syntax error", in: "[ils]\naddress = \"x:1\"\nuser = kiosk\n", line: 3, key: "ils.user", msg: "not valid TOML"},
	{name: "unclosed header", in: "\n[ils\n", line: 2, msg: "not valid TOML"},
	{name: "unclosed header after BOM", in: "\xef\xbb\xbf\n[ils\n", line: 2, msg: "not valid TOML"},
	{name: "unclosed string", in: "[ils]\nuser = \"kiosk\n", line: 2, key: "ils.user", msg: "not valid TOML"},
	{name: "unclosed array", in: "[ils]\nuser = [1,\n2\n", line: 3, key: "ils.user", msg: "not valid TOML"},
	{name: "duplicate key", in: "[ils]\nuser = \"a\"\nuser = \"b\"\n", line: 3, msg: "not valid TOML"},
	{name: "wrong type bool", in: "[ils]\nuser = \"a\"\nerror_detection = \"yes\"\n", line: 3, key: "ils.error_detection", msg: "must be true or false"},
	{name: "wrong type string", in: "[kiosk]\nlibrary_name = 12\n", line: 2, key: "kiosk.library_name", msg: "must be text in double quotes, not the number 12"},
	{name: "wrong type int", in: "[[scanner]]\npath = \"/dev/ttyACM0\"\nbaud = \"9600\"\n", line: 3, key: "scanner.baud", msg: "whole number"},
	{name: "duration as number", in: "[kiosk]\nsession_timeout = 60\n", line: 2, key: "kiosk.session_timeout", msg: "duration in double quotes"},
	{name: "wrong type in second scanner", in: "[[scanner]]\npath = \"/dev/a\"\nbaud = 9600\n[[scanner]]\npath = \"/dev/b\"\nbaud = 96.0\n[[scanner]]\npath = \"/dev/c\"\nbaud = 9600\n", line: 6, key: "scanner.baud", msg: "not the number 96"},
	{name: "table for a string", in: "[ils.user]\nname = \"x\"\n", line: 1, key: "ils.user", msg: "not a table"},
	{name: "password type error hides the value", in: "[ils]\npassword = 123456\n", line: 2, key: "ils.password", msg: "must be text in double quotes, not a number"},
	{name: "password syntax error hides the value", in: "[ils]\npassword = geheim\n", line: 2, key: "ils.password", msg: "the value cannot be read"},
	{name: "section as value", in: "ils = 5\n", line: 1, key: "ils", msg: "must be a section"},
	{name: "scanner as table", in: "[scanner]\npath = \"/dev/ttyACM0\"\n", line: 1, key: "scanner", msg: "[[scanner]]"},
	{name: "scanner list of numbers", in: "scanner = [1, 2]\n", line: 1, key: "scanner", msg: "[[scanner]]"},
	{name: "earliest type error wins", in: "[kiosk]\nwarning = 1\n[ils]\nuser = 2\n", line: 2, key: "kiosk.warning"},

	// Unknown keys and sections.
	{name: "unknown key", in: "[ils]\naddress = \"x:1\"\nadress = \"y:2\"\n", line: 3, key: "ils.adress", msg: `did you mean "address"`},
	{name: "unknown dotted key", in: "[kiosk]\nlanguage = \"nl\"\nscreen.size = 3\n", line: 3, key: "kiosk.screen.size", msg: "allowed keys are data_dir, language"},
	{name: "unknown section", in: "[ils]\n\n[printer]\nport = \"/dev/usb/lp0\"\n", line: 3, key: "printer", msg: "only the sections [ils], [[scanner]] and [kiosk]"},
	{name: "unknown top-level key", in: "language = \"nl\"\n", line: 1, key: "language", msg: "unknown section or key"},
	{name: "misspelt section", in: "[kiosks]\n", line: 1, key: "kiosks", msg: `did you mean "kiosk"`},
	{name: "unknown key in second scanner", in: "[[scanner]]\npath = \"/dev/a\"\n[[scanner]]\npath = \"/dev/b\"\nspeed = 9600\n", line: 5, key: "scanner.speed", msg: "allowed keys are name, path, baud"},

	// Values.
	{name: "bad baud", in: "[[scanner]]\nname = \"a\"\npath = \"/dev/ttyACM0\"\nbaud = 12345\n", line: 4, key: "scanner.baud", msg: "12345 is not a standard baud rate; use one of 1200,"},
	{name: "bad baud in second scanner", in: "[[scanner]]\npath = \"/dev/a\"\nbaud = 9600\n\n[[scanner]]\npath = \"/dev/b\"\nbaud = 0\n", line: 7, key: "scanner.baud", msg: "0 is not a standard baud rate"},
	{name: "scanner without path", in: "[[scanner]]\nname = \"a\"\n\n[[scanner]]\nname = \"b\"\n", line: 1, key: "scanner", msg: "needs a path"},
	{name: "second scanner without path", in: "[[scanner]]\npath = \"/dev/a\"\n\n[[scanner]]\nname = \"b\"\n", line: 4, key: "scanner", msg: "needs a path"},
	{name: "relative scanner path", in: "[[scanner]]\npath = \"ttyACM0\"\n", line: 2, key: "scanner.path", msg: "absolute path"},
	{name: "same scanner path twice", in: "[[scanner]]\npath = \"/dev/a\"\n[[scanner]]\npath = \"/dev/a\"\n", line: 4, key: "scanner.path", msg: "already used by scanner 1"},
	{name: "bad charset", in: "[ils]\ncharset = \"latin1\"\n", line: 2, key: "ils.charset", msg: `use "utf-8", "ascii" or "ibm850"`},
	{name: "bad delimiter", in: "[ils]\ndelimiter = \"||\"\n", line: 2, key: "ils.delimiter", msg: "exactly one punctuation character"},
	{name: "letter delimiter", in: "[ils]\ndelimiter = \"A\"\n", line: 2, key: "ils.delimiter"},
	{name: "delimiter in password", in: "[ils]\npassword = \"a|b\"\n", line: 2, key: "ils.password", msg: "must not contain the field delimiter"},
	{name: "bad address", in: "[ils]\naddress = \"sip.example.org\"\n", line: 2, key: "ils.address", msg: "host:port"},
	{name: "bad port", in: "[ils]\naddress = \"sip.example.org:99999\"\n", line: 2, key: "ils.address", msg: "1 to 65535"},
	{name: "bad duration", in: "[ils]\nrequest_timeout = \"5 seconds\"\n", line: 2, key: "ils.request_timeout", msg: `"5 seconds" is not a duration`},
	{name: "duration out of range", in: "[ils]\nrequest_timeout = \"5ms\"\n", line: 2, key: "ils.request_timeout", msg: "from 1s to 2m"},
	{name: "session timeout too short", in: "[kiosk]\nsession_timeout = \"5s\"\nwarning = \"3s\"\n", line: 2, key: "kiosk.session_timeout", msg: "from 10s to 1h"},
	{name: "warning not before timeout", in: "[kiosk]\nsession_timeout = \"30s\"\n\nwarning = \"30s\"\n", line: 4, key: "kiosk.warning", msg: "not shorter than kiosk.session_timeout (30s)"},
	{name: "warning longer than default timeout", in: "[kiosk]\nwarning = \"2m\"\n", line: 2, key: "kiosk.warning", msg: "2m is not shorter than kiosk.session_timeout (1m)"},
	{name: "timeout below default warning", in: "[kiosk]\nlanguage = \"nl\"\nsession_timeout = \"10s\"\n", line: 3, key: "kiosk.warning", msg: "15s is not shorter than kiosk.session_timeout (10s)"},
	{name: "timeout below default warning, dotted", in: "\n\nkiosk.session_timeout = \"12s\"\n", line: 3, key: "kiosk.warning"},
	{name: "bad language", in: "[kiosk]\nlanguage = \"de\"\n", line: 2, key: "kiosk.language", msg: `use "nl" (Dutch) or "en" (English)`},
	{name: "relative data dir", in: "[kiosk]\ndata_dir = \"state\"\n", line: 2, key: "kiosk.data_dir", msg: "absolute path"},
	{name: "empty library name", in: "[kiosk]\nlibrary_name = \" \"\n", line: 2, key: "kiosk.library_name", msg: "must not be empty"},
	{name: "earliest value error wins", in: "[kiosk]\nlanguage = \"de\"\n[ils]\ncharset = \"x\"\n", line: 2, key: "kiosk.language"},
	{name: "dotted key error", in: "kiosk.language = \"fr\"\n", line: 1, key: "kiosk.language"},
	{name: "quoted key error", in: "[\"kiosk\"]\n\"language\" = \"fr\"\n", line: 2, key: "kiosk.language"},
	{name: "key after multi-line string", in: "[ils]\npassword = \"\"\"\nlanguage = 1\n\"\"\"\n[kiosk]\nlanguage = \"fr\"\n", line: 2, key: "ils.password", msg: "control characters"},
	{name: "key after multi-line array", in: "scanner = [\n  {path = \"/dev/a\"},\n]\n[kiosk]\nlanguage = \"fr\"\n", line: 5, key: "kiosk.language"},

	// Cases found by fuzzing: (none yet)
}

func TestParse(t *testing.T) {
	for _, tc := range parseTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse("kiosk.toml", []byte(tc.in))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				want := Default()
				if tc.changed != nil {
					tc.changed(&want)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Parse =\n%+v\nwant\n%+v", got, want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error = %v (%T), want *Error", err, err)
			}
			if e.File != "kiosk.toml" || e.Line != tc.line || (tc.key != "" && e.Key != tc.key) || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Parse error = %q\nwant line %d, key %q, message containing %q", e, tc.line, tc.key, tc.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse("kiosk.toml", []byte("# scanners\n\n[[scanner]]\npath = \"/dev/ttyACM0\"\nbaud = 12345\n"))
	want := `kiosk.toml:5: key "scanner.baud": 12345 is not a standard baud rate; use one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400 (most scanners use 9600)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	if got := (&Error{File: "k.toml", Msg: "m"}).Error(); got != "k.toml: m" {
		t.Errorf("no line, no key: %q", got)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(path, []byte("[kiosk]\nlanguage = \"en\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil || cfg.Kiosk.Language != "en" || cfg.ILS.Institution != "ZTM" {
		t.Fatalf("Load = %+v, %v", cfg, err)
	}

	if err := os.WriteFile(path, []byte("[kiosk]\nlanguage = \"de\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("Load bad file = %v, want it to start with %q", err, path+":2: ")
	}

	_, err = Load(filepath.Join(dir, "missing.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load missing file = %v, want os.ErrNotExist", err)
	}
}

func TestDefaultIsValid(t *testing.T) {
	f := &file{name: "default"}
	c := Default()
	if e := f.validate(&c); e != nil {
		t.Fatal(e)
	}
	if !c.ILS.IsDemo() || c.ILS.DelimiterByte() != '|' {
		t.Errorf("default ILS: demo %v, delimiter %q", c.ILS.IsDemo(), c.ILS.DelimiterByte())
	}
}

func TestDataDir(t *testing.T) {
	c := Default()
	c.Kiosk.DataDir = "/srv/kiosk"
	if got, err := c.DataDir(); err != nil || got != "/srv/kiosk" {
		t.Errorf("set data_dir: %q, %v", got, err)
	}

	c = Default()
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if got, err := c.DataDir(); err != nil || got != "/xdg/state/bibliotheek-kiosk" {
		t.Errorf("XDG_STATE_HOME: %q, %v", got, err)
	}

	t.Setenv("HOME", "/home/kiosk")
	for _, xdg := range []string{"", "relative/state"} {
		t.Setenv("XDG_STATE_HOME", xdg)
		if got, err := c.DataDir(); err != nil || got != "/home/kiosk/.local/state/bibliotheek-kiosk" {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v", xdg, got, err)
		}
	}
}

func TestDuration(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.Duration != 90*time.Second {
		t.Fatalf("UnmarshalText: %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "1m30s" {
		t.Errorf("MarshalText = %q", b)
	}
}

func TestLineOf(t *testing.T) {
	text := `# comment with key = 1
[ils]
address = "a:1"  # trailing = comment
"user" = 'x'
[[scanner]]
path = "/dev/a"
[[scanner]]
name = """
path = "not a key"
"""
path = "/dev/b"
[scanner.extra]
x = 1
[ kiosk ]
data . dir = 1
`
	f := &file{name: "t", text: text}
	for _, tc := range []struct {
		key   string
		index int
		want  int
	}{
		{"ils", -1, 2},
		{"ils.address", -1, 3},
		{"ils.user", -1, 4},
		{"ils.password", -1, 2}, // not written: its section
		{"scanner", -1, 5},
		{"scanner", 1, 7},
		{"scanner.path", -1, 6},
		{"scanner.path", 0, 6},
		{"scanner.path", 1, 11},
		{"scanner.name", 0, 8}, // not in the first scanner: the first that has it
		{"scanner.extra.x", 1, 13},
		{"kiosk.data.dir", -1, 15},
		{"nothing", -1, 0},
	} {
		if got := f.lineOf(tc.key, tc.index); got != tc.want {
			t.Errorf("lineOf(%q, %d) = %d, want %d", tc.key, tc.index, got, tc.want)
		}
	}
}

func TestPasswordNotInErrors(t *testing.T) {
	for _, in := range []string{
		"[ils]\npassword = geheim42\n",
		"[ils]\npassword = 42424242\n",
		"[ils]\npassword = \"gehe|m42\"\n",
		"[ils]\npassword = \"geheim42\\n\"\n",
	} {
		_, err := Parse("kiosk.toml", []byte(in))
		if err == nil || strings.Contains(err.Error(), "42") {
			t.Errorf("Parse(%q) error = %v; want an error without the password", in, err)
		}
	}
}
