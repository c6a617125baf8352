// Package config reads the kiosk's one TOML configuration file.
//
// Every key has a default (see Default and assets/kiosk.sample.toml), so an
// empty file is a valid configuration that runs against the embedded demo
// library. Every error names the file, the line and the key.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
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

// DefaultBaud is the baud rate of a [[scanner]] without a baud key.
const DefaultBaud = 9600

// Terminators: how a [[scanner]] ends (or frames) each code.
const (
	TerminatorAny    = "any"    // CR, LF or CRLF, whichever comes
	TerminatorCR     = "cr"     // CR only
	TerminatorLF     = "lf"     // LF only
	TerminatorCRLF   = "crlf"   // CR followed by LF
	TerminatorTab    = "tab"    // TAB
	TerminatorSTXETX = "stxetx" // STX code ETX
)

// Parities of a [[scanner]]'s serial line.
const (
	ParityNone = "none"
	ParityEven = "even"
	ParityOdd  = "odd"
)

// Kinds of code a [[barcode]] rule can name.
const (
	KindPatron = "patron" // a library card
	KindItem   = "item"   // a book, DVD, …
	KindStaff  = "staff"  // a staff card
)

// Check digit schemes a [[barcode]] rule can ask for.
const (
	CheckNone   = ""
	CheckLuhn14 = "luhn14" // 14 digits, the last a Luhn (mod 10) digit: library Codabar
	CheckEAN13  = "ean13"  // 13 digits, EAN-13 / ISBN-13
	CheckISBN10 = "isbn10" // 9 digits and a mod-11 check digit, 0–9 or X
)

// stateDirName is the folder under $XDG_STATE_HOME used when kiosk.data_dir is empty.
const stateDirName = "bibliotheek-kiosk"

// Config is the whole configuration file.
type Config struct {
	ILS      ILS           `toml:"ils"`
	Scanners []Scanner     `toml:"scanner"`
	Scanning Scanning      `toml:"scanning"`
	Barcodes []BarcodeRule `toml:"barcode"` // empty: DefaultBarcodeRules, see Config.BarcodeRules
	Kiosk    Kiosk         `toml:"kiosk"`
	Printer  Printer       `toml:"printer"`
	Offline  Offline       `toml:"offline"`
	Study    *Study        `toml:"study"` // nil: no study places
	Polls    *Polls        `toml:"polls"` // nil: DefaultPolls
	Poll     []Poll        `toml:"poll"`
	News     []News        `toml:"news"`
}

// Offline is the [offline] section: what the kiosk does while the library
// system cannot be reached.
type Offline struct {
	Borrow      bool     `toml:"borrow"`       // lend items offline
	MaxItems    int      `toml:"max_items"`    // per visit, offline
	LoanDays    int      `toml:"loan_days"`    // the due date promised offline
	PatronCache Duration `toml:"patron_cache"` // how long a card is remembered; 0 = not at all
	Probe       Duration `toml:"probe"`        // how often to ask whether the ILS is back
}

// ILS is the [ils] section: how to reach the library system over SIP2.
type ILS struct {
	Address  string `toml:"address"` // host:port; "" or "demo" = embedded demo library
	User     string `toml:"user"`
	Password string `toml:"password"`
	// TerminalPassword is the AC field some servers check in every request.
	TerminalPassword string   `toml:"terminal_password"`
	Location         string   `toml:"location"`
	Institution      string   `toml:"institution"`
	Charset          string   `toml:"charset"`   // CharsetUTF8, CharsetASCII or CharsetIBM850
	Delimiter        string   `toml:"delimiter"` // exactly one character
	ErrorDetection   bool     `toml:"error_detection"`
	RequestTimeout   Duration `toml:"request_timeout"`
	Keepalive        Duration `toml:"keepalive"`
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
// A key the table leaves out has the value of defaultScanner.
type Scanner struct {
	Name       string `toml:"name"`
	Path       string `toml:"path"` // e.g. /dev/ttyACM0 or /dev/serial/by-id/...
	Baud       int    `toml:"baud"`
	Terminator string `toml:"terminator"` // TerminatorAny, TerminatorCR, …
	// Prefix and Suffix are stripped from a scan that starts or ends with
	// them: at most 32 ASCII characters, control characters allowed, but not
	// the terminator's.
	Prefix   string `toml:"prefix"`
	Suffix   string `toml:"suffix"`
	DataBits int    `toml:"data_bits"` // 5 to 8
	Parity   string `toml:"parity"`    // ParityNone, ParityEven or ParityOdd
	StopBits int    `toml:"stop_bits"` // 1 or 2
}

// DefaultScanner is a [[scanner]] with every key left out, for scanners
// added on the command line.
func DefaultScanner() Scanner { return defaultScanner }

// defaultScanner holds the values of the keys a [[scanner]] leaves out.
var defaultScanner = Scanner{
	Baud:       DefaultBaud,
	Terminator: TerminatorAny,
	DataBits:   8,
	Parity:     ParityNone,
	StopBits:   1,
}

// Scanning is the [scanning] section: how scans from every scanner, serial
// or keyboard wedge, are read.
type Scanning struct {
	// Debounce: the same code from the same scanner within this time counts
	// once; 0 turns it off (devices.Debouncer wants a negative Window for that).
	Debounce Duration `toml:"debounce"`
	// WedgeGap: a keyboard-wedge scanner types its keys at most this far
	// apart; slower typing is a person.
	WedgeGap Duration `toml:"wedge_gap"`
	// MaxLength: the longest scan in characters, without the terminator,
	// prefix and suffix; a longer line is dropped.
	MaxLength int `toml:"max_length"`
}

// BarcodeRule is one [[barcode]] table: a rule that tells what a scanned code
// is. The first rule whose every set field matches decides: the code starts
// with Prefix, is Length characters long (0: any length) and matches Pattern
// (a Go regular expression that must match the whole code: the kiosk anchors
// it as ^(?:Pattern)$, like devices.Classifier). Check names a check digit
// scheme a matching code must then pass; one that fails is a misread.
type BarcodeRule struct {
	Kind    string `toml:"kind"`    // KindPatron, KindItem or KindStaff
	Prefix  string `toml:"prefix"`  // printable ASCII
	Length  int    `toml:"length"`  // 0 = any, else 1 to 128
	Pattern string `toml:"pattern"` // compiles with regexp.Compile
	Check   string `toml:"check"`   // CheckNone, CheckLuhn14, CheckEAN13 or CheckISBN10
	// LoanDays: the loan period promised offline for items of this rule;
	// 0 means [offline] loan_days.
	LoanDays int `toml:"loan_days"`
	// Media: what items of this rule are, as kiosk.ParseMedia reads it
	// ("book", "dvd", ...), for the screens' words where the library system
	// does not say; "" for not said.
	Media string `toml:"media"`
}

// DefaultBarcodeRules are the rules the kiosk uses when the file has no
// [[barcode]]: staff cards 2079099… and library cards 2… (14 digits, Luhn),
// items 3… (14 digits, Luhn), and books by their ISBN-13 (EAN-13 978… or 979…).
func DefaultBarcodeRules() []BarcodeRule {
	return []BarcodeRule{
		{Kind: KindStaff, Prefix: "2079099", Length: 14, Check: CheckLuhn14},
		{Kind: KindPatron, Prefix: "2", Length: 14, Check: CheckLuhn14},
		{Kind: KindItem, Prefix: "3", Length: 14, Check: CheckLuhn14},
		{Kind: KindItem, Prefix: "978", Length: 13, Check: CheckEAN13},
		{Kind: KindItem, Prefix: "979", Length: 13, Check: CheckEAN13},
	}
}

// BarcodeRules are the rules in effect: the file's [[barcode]] rules, or
// DefaultBarcodeRules if it has none.
func (c Config) BarcodeRules() []BarcodeRule {
	if len(c.Barcodes) == 0 {
		return DefaultBarcodeRules()
	}
	return c.Barcodes
}

// Kiosk is the [kiosk] section: behaviour of the terminal itself.
type Kiosk struct {
	DataDir        string   `toml:"data_dir"` // "" = the state directory, see Config.DataDir
	Language       string   `toml:"language"` // one of kiosk.Languages
	SessionTimeout Duration `toml:"session_timeout"`
	Warning        Duration `toml:"warning"` // visible countdown before the session ends
	LibraryName    string   `toml:"library_name"`
	PIN            string   `toml:"pin"`     // PINNever, PINAlways or PINILS
	Receipt        string   `toml:"receipt"` // ReceiptAsk, ReceiptPrint, ReceiptScreen or ReceiptNone
	// Retention: a finished transaction keeps the patron's card number this long.
	Retention Duration `toml:"retention"`
}

// When the kiosk asks for a PIN.
const (
	PINNever  = "never"
	PINAlways = "always"
	PINILS    = "ils"
)

// The receipt choice preselected when a patron presses Klaar.
const (
	ReceiptAsk    = "ask"
	ReceiptPrint  = "print"
	ReceiptScreen = "screen"
	ReceiptNone   = "none"
)

// Printer is the [printer] section: an ESC/POS receipt printer on a serial port.
type Printer struct {
	Path  string `toml:"path"`  // "" = no printer: receipts on the screen only
	Baud  int    `toml:"baud"`  // a standard baud rate
	Width int    `toml:"width"` // paper width in mm: 58 or 80
}

// Duration is a time.Duration written in the file as a Go duration string ("5s", "3m").
type Duration struct {
	time.Duration
}

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("%q is not a duration; write a number followed by a unit (ms, s, m or h), like \"5s\", \"90s\" or \"3m\"", short(string(text)))
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
		Scanning: Scanning{
			Debounce:  Duration{1500 * time.Millisecond},
			WedgeGap:  Duration{30 * time.Millisecond},
			MaxLength: 128,
		},
		Kiosk: Kiosk{
			DataDir:        "",
			Language:       kiosk.DefaultLanguage,
			SessionTimeout: Duration{60 * time.Second},
			Warning:        Duration{15 * time.Second},
			LibraryName:    "Bibliotheek Zoetermeer",
			PIN:            PINNever,
			Receipt:        ReceiptAsk,
			Retention:      Duration{24 * time.Hour},
		},
		Printer: Printer{Baud: 19200, Width: 80},
		Offline: Offline{Borrow: true, MaxItems: 5, LoanDays: 21, PatronCache: Duration{7 * 24 * time.Hour}, Probe: Duration{5 * time.Second}},
	}
}

// Load reads and validates the configuration file at path. Errors about the
// contents, and a file over MaxFileSize, are *Error; a file that cannot be
// read gives the os error, wrapped.
func Load(path string) (Config, error) {
	fh, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	defer fh.Close()
	// Read one byte more than allowed: a device or a huge file stops there.
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	if len(data) > MaxFileSize {
		return Config{}, tooLarge(path)
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return Config{}, err
	}
	if fi, err := fh.Stat(); err == nil {
		if e := checkSecretMode(path, fi.Mode(), cfg, string(data)); e != nil {
			return Config{}, e
		}
	}
	return cfg, nil
}

// checkSecretMode refuses a file that holds a SIP2 password (ils.password or
// ils.terminal_password) and that every user of the computer may read. A
// file its group may read is accepted: root:kiosk 0640 is a usual way to let
// the kiosk's user read a file it cannot change.
func checkSecretMode(path string, mode os.FileMode, cfg Config, text string) *Error {
	if mode.Perm()&0o004 == 0 {
		return nil
	}
	key := "ils.password"
	if cfg.ILS.Password == "" {
		if cfg.ILS.TerminalPassword == "" {
			return nil
		}
		key = "ils.terminal_password"
	}
	f := &file{name: path, text: text}
	return f.errorAt(key, -1, "the file holds the SIP2 password and every user of this computer may read it (mode %04o); "+
		"let only the kiosk's user read it: chmod 600 %s", mode.Perm(), shellQuote(path))
}

// shellQuote writes path so that it can be pasted into a shell.
func shellQuote(path string) string {
	if path != "" && strings.Trim(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == "" {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}

// Parse decodes and validates data as the configuration file called name
// (name only appears in errors). Every error it returns is an *Error, with
// a line but for a file over MaxFileSize.
func Parse(name string, data []byte) (Config, error) {
	if len(data) > MaxFileSize {
		return Config{}, tooLarge(name)
	}
	text := string(data)
	f := &file{name: name, text: text}
	if e := f.checkLimits(); e != nil {
		return Config{}, e
	}

	// One decode, each section kept undecoded: first into a generic tree, so
	// types can be checked per key with a plain message, then into the struct.
	var raw map[string]toml.Primitive
	md, err := toml.Decode(text, &raw)
	if err != nil {
		return Config{}, f.syntaxError(err)
	}
	tree := make(map[string]any, len(raw))
	for k, p := range raw {
		var v any
		if err := md.PrimitiveDecode(p, &v); err != nil {
			return Config{}, f.decodeError(err)
		}
		tree[k] = v
	}
	if e := f.checkCounts(tree); e != nil {
		return Config{}, e
	}
	if e := f.checkTypes(tree); e != nil {
		return Config{}, e
	}

	// Into the struct, starting from the defaults.
	cfg := Default()
	if _, ok := raw["study"]; ok {
		cfg.Study = defaultStudy() // decoded onto, so its left-out keys keep their defaults
	}
	if _, ok := raw["polls"]; ok {
		cfg.Polls = DefaultPolls()
	}
	fields := reflect.ValueOf(&cfg).Elem()
	known := map[string]bool{}
	for i, s := range schema() {
		known[s.name] = true
		if p, ok := raw[s.name]; ok {
			if err := md.PrimitiveDecode(p, fields.Field(i).Addr().Interface()); err != nil {
				// checkTypes should have caught it; still report it with a place.
				return Config{}, f.decodeError(err)
			}
		}
	}
	if k, ok := firstUnknown(md, known); ok {
		return Config{}, f.unknownKey(k)
	}
	applyScannerDefaults(&cfg, tree)
	applyPollDefaults(&cfg, tree)

	if e := f.validate(&cfg); e != nil {
		return Config{}, e
	}
	return cfg, nil
}

// firstUnknown returns the first key of the file, in its order, that the
// Config has no field for. A section (a top-level key) counts as decoded once
// it is in raw, so it is checked against known instead.
func firstUnknown(md toml.MetaData, known map[string]bool) (toml.Key, bool) {
	undecoded := md.Undecoded()
	if len(undecoded) == 0 {
		for _, k := range md.Keys() {
			if !known[k[0]] {
				return toml.Key{k[0]}, true
			}
		}
		return nil, false
	}
	left := make(map[string]bool, len(undecoded))
	for _, k := range undecoded {
		left[k.String()] = true
	}
	for _, k := range md.Keys() {
		if !known[k[0]] {
			return toml.Key{k[0]}, true
		}
		if left[k.String()] {
			return k, true
		}
	}
	return undecoded[0], true
}

// checkCounts bounds the number of [[scanner]], [[barcode]] and
// [[study.seat]] sections, before any check that looks at every pair of them.
func (f *file) checkCounts(tree map[string]any) *Error {
	for _, c := range []struct {
		name, what string
		max        int
	}{{"scanner", "scanners", maxScanners}, {"barcode", "barcode rules", maxBarcodeRules}} {
		if n := len(tablesOf(tree[c.name])); n > c.max {
			return f.errorAt(c.name, c.max, "the file has %d [[%s]] sections; a kiosk takes at most %d %s", n, c.name, c.max, c.what)
		}
	}
	if study, ok := tree["study"].(map[string]any); ok {
		if n := len(tablesOf(study["seat"])); n > maxStudySeats {
			e := f.errorAt("study.seat", maxStudySeats, "the file has %d [[study.seat]] sections; the kiosk takes at most %d study places", n, maxStudySeats)
			e.Key = studyKey("seat", maxStudySeats, "")
			return e
		}
	}
	for _, c := range []struct {
		name, what string
		max        int
	}{{"poll", "polls", maxPolls}, {"news", "news items", maxNews}} {
		if n := len(tablesOf(tree[c.name])); n > c.max {
			e := f.errorAt(c.name, c.max, "the file has %d [[%s]] sections; a kiosk takes at most %d %s", n, c.name, c.max, c.what)
			e.Key = pollKey(c.name, c.max, "")
			return e
		}
	}
	return nil
}

// applyPollDefaults sets every of a [[poll]] that leaves it out to 1: the
// decoder starts each array element from zero.
func applyPollDefaults(cfg *Config, tree map[string]any) {
	tables := tablesOf(tree["poll"])
	for i := range cfg.Poll {
		if i >= len(tables) {
			break
		}
		if _, ok := tables[i]["every"]; !ok {
			cfg.Poll[i].Every = 1
		}
	}
}

// applyScannerDefaults fills in the keys a [[scanner]] table left out from
// defaultScanner: the decoder starts each array element from zero, not from
// a default.
func applyScannerDefaults(cfg *Config, tree map[string]any) {
	tables := tablesOf(tree["scanner"])
	def := reflect.ValueOf(defaultScanner)
	for i := range cfg.Scanners {
		var table map[string]any
		if i < len(tables) {
			table = tables[i]
		}
		v := reflect.ValueOf(&cfg.Scanners[i]).Elem()
		for j := range v.NumField() {
			if _, ok := table[tagName(v.Type().Field(j))]; !ok {
				v.Field(j).Set(def.Field(j))
			}
		}
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

// secretKeys are never quoted back in an error message.
var secretKeys = map[string]bool{"ils.password": true, "ils.terminal_password": true}

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
		return fmt.Sprintf("the text %q", short(v))
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
