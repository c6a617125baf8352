// Package config reads the kiosk's one TOML configuration file.
//
// Every key has a default (see Default and assets/kiosk.sample.toml), so an
// empty file is a valid configuration that runs against the embedded demo
// library. Every error names the file, the line and the key.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// DemoAddress as ils.address (or an empty address) selects the embedded demo
// library on a free 127.0.0.1 port.
const DemoAddress = "demo"

// Charsets the ILS connection can use.
const (
	CharsetUTF8   = "utf-8"
	CharsetASCII  = "ascii"
	CharsetIBM850 = "ibm850"
)

// Languages the kiosk starts in.
const (
	LanguageDutch   = "nl"
	LanguageEnglish = "en"
)

// DefaultBaud is the baud rate of a [[scanner]] without a baud key.
const DefaultBaud = 9600

// stateDirName is the folder under $XDG_STATE_HOME used when kiosk.data_dir is empty.
const stateDirName = "bibliotheek-kiosk"

// Config is the whole configuration file.
type Config struct {
	ILS      ILS       `toml:"ils"`
	Scanners []Scanner `toml:"scanner"`
	Kiosk    Kiosk     `toml:"kiosk"`
}

// ILS is the [ils] section: how to reach the library system over SIP2.
type ILS struct {
	Address        string   `toml:"address"` // host:port; "" or "demo" = embedded demo library
	User           string   `toml:"user"`
	Password       string   `toml:"password"`
	Location       string   `toml:"location"`
	Institution    string   `toml:"institution"`
	Charset        string   `toml:"charset"`   // CharsetUTF8, CharsetASCII or CharsetIBM850
	Delimiter      string   `toml:"delimiter"` // exactly one character
	ErrorDetection bool     `toml:"error_detection"`
	RequestTimeout Duration `toml:"request_timeout"`
	Keepalive      Duration `toml:"keepalive"`
}

// IsDemo reports whether the kiosk should start and use the embedded demo library.
func (c ILS) IsDemo() bool { return c.Address == "" || c.Address == DemoAddress }

// DelimiterByte is the SIP2 field delimiter; validation guarantees one ASCII character.
func (c ILS) DelimiterByte() byte {
	if len(c.Delimiter) != 1 {
		return '|'
	}
	return c.Delimiter[0]
}

// Scanner is one [[scanner]] table: a barcode scanner on a serial port.
type Scanner struct {
	Name string `toml:"name"`
	Path string `toml:"path"` // e.g. /dev/ttyACM0 or /dev/serial/by-id/...
	Baud int    `toml:"baud"`
}

// Kiosk is the [kiosk] section: behaviour of the terminal itself.
type Kiosk struct {
	DataDir        string   `toml:"data_dir"` // "" = the state directory, see Config.DataDir
	Language       string   `toml:"language"` // LanguageDutch or LanguageEnglish
	SessionTimeout Duration `toml:"session_timeout"`
	Warning        Duration `toml:"warning"` // visible countdown before the session ends
	LibraryName    string   `toml:"library_name"`
}

// Duration is a time.Duration written in the file as a Go duration string ("5s", "3m").
type Duration struct {
	time.Duration
}

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("%q is not a duration; write a number followed by a unit (ms, s, m or h), like \"5s\", \"90s\" or \"3m\"", text)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration the way UnmarshalText reads it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// Default is the configuration an empty file gives.
func Default() Config {
	return Config{
		ILS: ILS{
			Address:        "",
			Institution:    "ZTM",
			Charset:        CharsetUTF8,
			Delimiter:      "|",
			ErrorDetection: true,
			RequestTimeout: Duration{5 * time.Second},
			Keepalive:      Duration{3 * time.Minute},
		},
		Kiosk: Kiosk{
			DataDir:        "",
			Language:       LanguageDutch,
			SessionTimeout: Duration{60 * time.Second},
			Warning:        Duration{15 * time.Second},
			LibraryName:    "Bibliotheek Zoetermeer",
		},
	}
}

// Load reads and validates the configuration file at path. Errors about the
// contents are *Error; a file that cannot be read gives the os error, wrapped.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates data as the configuration file called name
// (name only appears in errors). Every error it returns is an *Error.
func Parse(name string, data []byte) (Config, error) {
	text := string(data)
	f := &file{name: name, text: text}

	// Pass 1: syntax, into a generic tree, so types can be checked per key
	// with a plain message before the struct decoder sees them.
	var tree map[string]any
	if _, err := toml.Decode(text, &tree); err != nil {
		return Config{}, f.syntaxError(err)
	}
	if e := f.checkTypes(tree); e != nil {
		return Config{}, e
	}

	// Pass 2: into the struct, starting from the defaults.
	cfg := Default()
	md, err := toml.Decode(text, &cfg)
	if err != nil {
		// checkTypes should have caught it; still report it with a place.
		return Config{}, f.decodeError(err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return Config{}, f.unknownKey(undecoded[0])
	}
	applyScannerDefaults(&cfg, tree)

	if e := f.validate(&cfg); e != nil {
		return Config{}, e
	}
	return cfg, nil
}

// applyScannerDefaults fills in the keys a [[scanner]] table left out: the
// decoder starts each array element from zero, not from a default.
func applyScannerDefaults(cfg *Config, tree map[string]any) {
	tables := tablesOf(tree["scanner"])
	for i := range cfg.Scanners {
		if i < len(tables) {
			if _, ok := tables[i]["baud"]; ok {
				continue
			}
		}
		cfg.Scanners[i].Baud = DefaultBaud
	}
}

// tablesOf returns the tables of an array of tables, whichever way the TOML spelled it.
func tablesOf(v any) []map[string]any {
	switch v := v.(type) {
	case []map[string]any:
		return v
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			m, _ := e.(map[string]any)
			out = append(out, m)
		}
		return out
	}
	return nil
}

// DataDir is where the kiosk keeps its database: kiosk.data_dir if set,
// else $XDG_STATE_HOME/bibliotheek-kiosk, else ~/.local/state/bibliotheek-kiosk.
// It does not create the directory.
func (c Config) DataDir() (string, error) {
	if c.Kiosk.DataDir != "" {
		return c.Kiosk.DataDir, nil
	}
	// The XDG spec says to ignore a relative $XDG_STATE_HOME.
	if s := os.Getenv("XDG_STATE_HOME"); s != "" && filepath.IsAbs(s) {
		return filepath.Join(s, stateDirName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory: %w (set kiosk.data_dir)", err)
	}
	if home == "" {
		return "", errors.New("find the data directory: no home directory (set kiosk.data_dir)")
	}
	return filepath.Join(home, ".local", "state", stateDirName), nil
}

// secretKey is never quoted back in an error message.
const secretKey = "ils.password"

// describeKind names a decoded TOML value's kind without its value.
func describeKind(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case int64, float64:
		return "a number"
	case bool:
		return "true or false"
	}
	return describe(v)
}

// describe names a decoded TOML value for a message ("the number 12").
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the text %q", v)
	case int64:
		return fmt.Sprintf("the number %d", v)
	case float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case map[string]any:
		return "a table"
	case []map[string]any, []any:
		return "a list"
	case nil:
		return "nothing"
	default:
		if s, ok := v.(fmt.Stringer); ok {
			return "the date/time " + strings.TrimSpace(s.String())
		}
		return fmt.Sprintf("a %T", v)
	}
}
