package config

import (
	"errors"
	"fmt"
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
		name:    "terminal password",
		in:      "[ils]\nterminal_password = \"zuil-7\"\n",
		changed: func(c *Config) { c.ILS.TerminalPassword = "zuil-7" },
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
			c.Scanners = []Scanner{scanner("a", "/dev/ttyACM0", 115200), scanner("b", "/dev/serial/by-id/usb-x", 9600)}
		},
	},
	{
		name: "inline scanners",
		in:   "scanner = [{path = \"/dev/ttyACM0\"}, {path = \"/dev/ttyACM1\", baud = 19200}]\n",
		changed: func(c *Config) {
			c.Scanners = []Scanner{scanner("", "/dev/ttyACM0", 9600), scanner("", "/dev/ttyACM1", 19200)}
		},
	},
	{
		name: "kiosk",
		in:   "[kiosk]\ndata_dir = \"/var/lib/kiosk\"\nlanguage = \"en\"\nsession_timeout = \"2m\"\nwarning = \"30s\"\nlibrary_name = \"Bieb\"\npin = \"always\"\nreceipt = \"print\"\n",
		changed: func(c *Config) {
			c.Kiosk = Kiosk{"/var/lib/kiosk", "en", Duration{2 * time.Minute}, Duration{30 * time.Second}, "Bieb", PINAlways, ReceiptPrint, Duration{24 * time.Hour}}
		},
	},
	{
		name: "printer",
		in:   "[printer]\npath = \"/dev/ttyUSB0\"\nbaud = 38400\nwidth = 58\n",
		changed: func(c *Config) {
			c.Printer = Printer{Path: "/dev/ttyUSB0", Baud: 38400, Width: 58}
		},
	},
	{name: "bad pin", in: "[kiosk]\npin = \"sometimes\"\n", line: 2, key: "kiosk.pin", msg: "not a PIN setting"},
	{name: "bad receipt", in: "[kiosk]\n\nreceipt = \"email\"\n", line: 3, key: "kiosk.receipt", msg: "not a receipt setting"},
	{name: "relative printer", in: "[printer]\npath = \"ttyUSB0\"\n", line: 2, key: "printer.path", msg: "not a device path"},
	{name: "loan days on a card rule", in: "[[barcode]]\nkind = \"patron\"\nprefix = \"2\"\nloan_days = 7\n", line: 4, key: "barcode.loan_days", msg: "only an item rule"},
	{name: "media on a card rule", in: "[[barcode]]\nkind = \"patron\"\nprefix = \"2\"\nmedia = \"dvd\"\n", line: 4, key: "barcode.media", msg: "only an item rule names a media"},
	{name: "retention too long", in: "[kiosk]\nretention = \"2000h\"\n", line: 2, key: "kiosk.retention", msg: "out of range"},
	{name: "printer width", in: "[printer]\nwidth = 76\n", line: 2, key: "printer.width", msg: "58 or 80"},

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
	{name: "unknown section", in: "[ils]\n\n[camera]\nport = \"/dev/video0\"\n", line: 3, key: "camera", msg: "only the sections [ils], [[scanner]], [scanning], [[barcode]], [kiosk], [printer], [offline], [study], [polls], [[poll]] and [[news]]"},
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
	{name: "bad language", in: "[kiosk]\nlanguage = \"de\"\n", line: 2, key: "kiosk.language", msg: `"de" is not a supported language; use one of "nl" (Nederlands), "en" (English)`},
	{name: "relative data dir", in: "[kiosk]\ndata_dir = \"state\"\n", line: 2, key: "kiosk.data_dir", msg: "absolute path"},
	{name: "empty library name", in: "[kiosk]\nlibrary_name = \" \"\n", line: 2, key: "kiosk.library_name", msg: "must not be empty"},
	{name: "earliest value error wins", in: "[kiosk]\nlanguage = \"de\"\n[ils]\ncharset = \"x\"\n", line: 2, key: "kiosk.language"},
	{name: "dotted key error", in: "kiosk.language = \"fr\"\n", line: 1, key: "kiosk.language"},
	{name: "quoted key error", in: "[\"kiosk\"]\n\"language\" = \"fr\"\n", line: 2, key: "kiosk.language"},
	{name: "key after multi-line string", in: "[ils]\npassword = \"\"\"\nlanguage = 1\n\"\"\"\n[kiosk]\nlanguage = \"fr\"\n", line: 2, key: "ils.password", msg: "control characters"},
	{name: "key after multi-line array", in: "scanner = [\n  {path = \"/dev/a\"},\n]\n[kiosk]\nlanguage = \"fr\"\n", line: 5, key: "kiosk.language"},

	// [[scanner]] framing and serial settings.
	{
		name: "scanner framing and serial settings",
		in:   "[[scanner]]\npath = \"/dev/a\"\nterminator = \"stxetx\"\nprefix = \"]C0\"\nsuffix = \"\\r\"\ndata_bits = 7\nparity = \"even\"\nstop_bits = 2\n",
		changed: func(c *Config) {
			c.Scanners = []Scanner{{Path: "/dev/a", Baud: 9600, Terminator: "stxetx", Prefix: "]C0", Suffix: "\r", DataBits: 7, Parity: "even", StopBits: 2}}
		},
	},
	{
		name: "scanner defaults per scanner",
		in:   "[[scanner]]\npath = \"/dev/a\"\nterminator = \"cr\"\nparity = \"odd\"\n[[scanner]]\npath = \"/dev/b\"\ndata_bits = 5\n",
		changed: func(c *Config) {
			a, b := scanner("", "/dev/a", 9600), scanner("", "/dev/b", 9600)
			a.Terminator, a.Parity, b.DataBits = "cr", "odd", 5
			c.Scanners = []Scanner{a, b}
		},
	},
	{
		name: "scanner control prefix, every terminator but its own",
		in:   "[[scanner]]\npath = \"/dev/a\"\nterminator = \"tab\"\nprefix = \"\\u0002\\r\\n\"\nsuffix = \"\\u0003\"\n[[scanner]]\npath = \"/dev/b\"\nterminator = \"crlf\"\nprefix = \"\\r\"\nsuffix = \"\\n\"\n[[scanner]]\npath = \"/dev/c\"\nterminator = \"lf\"\nsuffix = \"\\r\"\n",
		changed: func(c *Config) {
			a, b, d := scanner("", "/dev/a", 9600), scanner("", "/dev/b", 9600), scanner("", "/dev/c", 9600)
			a.Terminator, a.Prefix, a.Suffix = "tab", "\x02\r\n", "\x03"
			b.Terminator, b.Prefix, b.Suffix = "crlf", "\r", "\n"
			d.Terminator, d.Suffix = "lf", "\r"
			c.Scanners = []Scanner{a, b, d}
		},
	},
	{
		name: "scanner prefix of 32 characters",
		in:   "[[scanner]]\npath = \"/dev/a\"\nprefix = \"" + strings.Repeat("x", 32) + "\"\n",
		changed: func(c *Config) {
			a := scanner("", "/dev/a", 9600)
			a.Prefix = strings.Repeat("x", 32)
			c.Scanners = []Scanner{a}
		},
	},
	{name: "bad terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"enter\"\n", line: 3, key: "scanner.terminator", msg: `"enter" is not a terminator; use "any" (CR, LF or CRLF), "cr", "lf", "crlf", "tab" or "stxetx"`},
	{name: "upper-case terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"CR\"\n", line: 3, key: "scanner.terminator", msg: "not a terminator"},
	{name: "terminator as number", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = 13\n", line: 3, key: "scanner.terminator", msg: "must be text in double quotes, not the number 13"},
	{name: "prefix too long", in: "[[scanner]]\npath = \"/dev/a\"\nprefix = \"" + strings.Repeat("x", 33) + "\"\n", line: 3, key: "scanner.prefix", msg: "is 33 characters long; use at most 32"},
	{name: "suffix not ASCII", in: "[[scanner]]\npath = \"/dev/a\"\nsuffix = \"é\"\n", line: 3, key: "scanner.suffix", msg: "not ASCII"},
	{name: "suffix with the default terminator", in: "[[scanner]]\npath = \"/dev/a\"\nsuffix = \"\\r\"\n", line: 3, key: "scanner.suffix", msg: `holds a CR or LF, which ends a scan with terminator = "any"`},
	{name: "prefix with CR terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"cr\"\nprefix = \"a\\rb\"\n", line: 4, key: "scanner.prefix", msg: "holds a CR"},
	{name: "suffix with LF terminator", in: "[[scanner]]\npath = \"/dev/a\"\nsuffix = \"\\n\"\nterminator = \"lf\"\n", line: 3, key: "scanner.suffix", msg: "holds an LF"},
	{name: "suffix with CRLF terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"crlf\"\nsuffix = \"\\r\\n\"\n", line: 4, key: "scanner.suffix", msg: "holds CR LF"},
	{name: "prefix with tab terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"tab\"\nprefix = \"\\t\"\n", line: 4, key: "scanner.prefix", msg: "holds a tab"},
	{name: "STX prefix with stxetx terminator", in: "[[scanner]]\npath = \"/dev/a\"\nterminator = \"stxetx\"\nprefix = \"\\u0002\"\n", line: 4, key: "scanner.prefix", msg: `STX or ETX, which terminator = "stxetx" already removes`},
	{name: "prefix in second scanner", in: "[[scanner]]\npath = \"/dev/a\"\nprefix = \"x\"\n[[scanner]]\npath = \"/dev/b\"\nprefix = \"\\n\"\n", line: 6, key: "scanner.prefix", msg: "holds a CR or LF"},
	{name: "data bits too many", in: "[[scanner]]\npath = \"/dev/a\"\ndata_bits = 9\n", line: 3, key: "scanner.data_bits", msg: "9 is not a number of data bits; use 5, 6, 7 or 8"},
	{name: "data bits too few", in: "[[scanner]]\npath = \"/dev/a\"\ndata_bits = 4\n", line: 3, key: "scanner.data_bits", msg: "4 is not a number of data bits"},
	{name: "data bits zero", in: "[[scanner]]\npath = \"/dev/a\"\n\ndata_bits = 0\n", line: 4, key: "scanner.data_bits"},
	{name: "data bits as text", in: "[[scanner]]\npath = \"/dev/a\"\ndata_bits = \"8\"\n", line: 3, key: "scanner.data_bits", msg: "whole number"},
	{name: "bad parity", in: "[[scanner]]\npath = \"/dev/a\"\nparity = \"mark\"\n", line: 3, key: "scanner.parity", msg: `"mark" is not a parity; use "none", "even" or "odd"`},
	{name: "parity letter", in: "[[scanner]]\npath = \"/dev/a\"\nparity = \"N\"\n", line: 3, key: "scanner.parity"},
	{name: "empty parity", in: "[[scanner]]\npath = \"/dev/a\"\nparity = \"\"\n", line: 3, key: "scanner.parity"},
	{name: "bad stop bits", in: "[[scanner]]\npath = \"/dev/a\"\nstop_bits = 3\n", line: 3, key: "scanner.stop_bits", msg: "3 is not a number of stop bits; use 1 or 2"},
	{name: "stop bits 1.5", in: "[[scanner]]\npath = \"/dev/a\"\nstop_bits = 1.5\n", line: 3, key: "scanner.stop_bits", msg: "not the number 1.5"},
	{name: "bad stop bits in second scanner", in: "[[scanner]]\npath = \"/dev/a\"\nstop_bits = 2\n[[scanner]]\npath = \"/dev/b\"\nstop_bits = 0\n", line: 6, key: "scanner.stop_bits"},
	{name: "unknown key in scanner lists the new keys", in: "[[scanner]]\npath = \"/dev/a\"\nstopbits = 2\n", line: 3, key: "scanner.stopbits", msg: `terminator, prefix, suffix, data_bits, parity, stop_bits (did you mean "stop_bits"?)`},

	// [scanning]
	{
		name: "scanning",
		in:   "[scanning]\ndebounce = \"0s\"\nwedge_gap = \"5ms\"\nmax_length = 8\n",
		changed: func(c *Config) {
			c.Scanning = Scanning{Duration{0}, Duration{5 * time.Millisecond}, 8}
		},
	},
	{
		name: "scanning upper limits",
		in:   "[scanning]\ndebounce = \"10s\"\nwedge_gap = \"200ms\"\nmax_length = 65536\n",
		changed: func(c *Config) {
			c.Scanning = Scanning{Duration{10 * time.Second}, Duration{200 * time.Millisecond}, 65536}
		},
	},
	{
		name:    "scanning dotted",
		in:      "scanning.debounce = \"2s\"\n",
		changed: func(c *Config) { c.Scanning.Debounce.Duration = 2 * time.Second },
	},
	{name: "debounce too long", in: "[scanning]\ndebounce = \"11s\"\n", line: 2, key: "scanning.debounce", msg: "11s is out of range; use a duration from 0s to 10s"},
	{name: "debounce negative", in: "[scanning]\n\ndebounce = \"-1s\"\n", line: 3, key: "scanning.debounce", msg: "from 0s to 10s"},
	{name: "debounce as number", in: "[scanning]\ndebounce = 0\n", line: 2, key: "scanning.debounce", msg: "duration in double quotes"},
	{name: "debounce without unit", in: "[scanning]\ndebounce = \"1.5\"\n", line: 2, key: "scanning.debounce", msg: `"1.5" is not a duration`},
	{name: "wedge gap too short", in: "[scanning]\nwedge_gap = \"4ms\"\n", line: 2, key: "scanning.wedge_gap", msg: "4ms is out of range; use a duration from 5ms to 200ms"},
	{name: "wedge gap too long", in: "[scanning]\ndebounce = \"1s\"\nwedge_gap = \"1s\"\n", line: 3, key: "scanning.wedge_gap", msg: "from 5ms to 200ms"},
	{name: "max length too small", in: "[scanning]\nmax_length = 7\n", line: 2, key: "scanning.max_length", msg: "7 is out of range; use a number of characters from 8 to 65536"},
	{name: "max length too large", in: "[scanning]\nmax_length = 65537\n", line: 2, key: "scanning.max_length", msg: "from 8 to 65536"},
	{name: "max length as text", in: "[scanning]\nmax_length = \"128\"\n", line: 2, key: "scanning.max_length", msg: "whole number"},
	{name: "scanning as array", in: "[[scanning]]\ndebounce = \"1s\"\n", line: 1, key: "scanning", msg: "must be a section written as [scanning]"},
	{name: "unknown key in scanning", in: "[scanning]\nmaxlength = 10\n", line: 2, key: "scanning.maxlength", msg: `allowed keys are debounce, wedge_gap, max_length (did you mean "max_length"?)`},
	{name: "misspelt scanning", in: "[scaning]\n", line: 1, key: "scaning", msg: `did you mean "scanning"`},

	// [[barcode]]
	{
		name: "barcode rules",
		in:   "[[barcode]]\nkind = \"staff\"\npattern = 'S[0-9]{6}'\n\n[[barcode]]\nkind = \"item\"\nlength = 10\ncheck = \"isbn10\"\n\n[[barcode]]\nkind = \"patron\"\nprefix = \"P-\"\n",
		changed: func(c *Config) {
			c.Barcodes = []BarcodeRule{
				{Kind: "staff", Pattern: "S[0-9]{6}"},
				{Kind: "item", Length: 10, Check: "isbn10"},
				{Kind: "patron", Prefix: "P-"},
			}
		},
	},
	{
		name: "barcode rules inline",
		in:   "barcode = [{kind = \"item\", prefix = \"978\", check = \"ean13\"}, {kind = \"patron\", length = 128}]\n",
		changed: func(c *Config) {
			c.Barcodes = []BarcodeRule{{Kind: "item", Prefix: "978", Check: "ean13"}, {Kind: "patron", Length: 128}}
		},
	},
	{
		name: "barcode media",
		in:   "[[barcode]]\nkind = \"item\"\nprefix = \"39\"\nlength = 14\nmedia = \"dvd\"\nloan_days = 7\n[[barcode]]\nkind = \"item\"\nprefix = \"3\"\nmedia = \"book\"\n",
		changed: func(c *Config) {
			c.Barcodes = []BarcodeRule{{Kind: "item", Prefix: "39", Length: 14, Media: "dvd", LoanDays: 7}, {Kind: "item", Prefix: "3", Media: "book"}}
		},
	},
	{
		name: "barcode isbn10 prefix may end in X",
		in:   "[[barcode]]\nkind = \"item\"\nprefix = \"123456789X\"\ncheck = \"isbn10\"\n",
		changed: func(c *Config) {
			c.Barcodes = []BarcodeRule{{Kind: "item", Prefix: "123456789X", Check: "isbn10"}}
		},
	},
	{
		name:    "barcode rules like the defaults",
		in:      "[[barcode]]\nkind = \"staff\"\nprefix = \"2079099\"\nlength = 14\ncheck = \"luhn14\"\n[[barcode]]\nkind = \"patron\"\nprefix = \"2\"\nlength = 14\ncheck = \"luhn14\"\n",
		changed: func(c *Config) { c.Barcodes = DefaultBarcodeRules()[:2] },
	},
	{name: "barcode without kind", in: "[[barcode]]\nprefix = \"2\"\n", line: 1, key: "barcode.kind", msg: `every [[barcode]] needs a kind: "patron", "item" or "staff"`},
	{name: "second barcode without kind", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\n\n[[barcode]]\nprefix = \"2\"\n", line: 5, key: "barcode.kind", msg: "needs a kind"},
	{name: "barcode empty kind", in: "[[barcode]]\nprefix = \"2\"\nkind = \"\"\n", line: 3, key: "barcode.kind", msg: "needs a kind"},
	{name: "barcode bad kind", in: "[[barcode]]\nkind = \"book\"\nprefix = \"3\"\n", line: 2, key: "barcode.kind", msg: `"book" is not a kind of code; use "patron", "item" or "staff"`},
	{name: "barcode kind upper case", in: "[[barcode]]\nkind = \"Item\"\nprefix = \"3\"\n", line: 2, key: "barcode.kind"},
	{name: "barcode kind as number", in: "[[barcode]]\nkind = 1\n", line: 2, key: "barcode.kind", msg: "must be text in double quotes"},
	{name: "barcode matching everything", in: "[[barcode]]\nkind = \"item\"\ncheck = \"ean13\"\n", line: 1, key: "barcode", msg: "needs at least one of prefix, length or pattern"},
	{name: "barcode matching everything, second", in: "[[barcode]]\nkind = \"item\"\nlength = 13\n[[barcode]]\nkind = \"patron\"\n", line: 4, key: "barcode", msg: "needs at least one of prefix, length or pattern"},
	{name: "barcode prefix with control character", in: "[[barcode]]\nkind = \"item\"\nprefix = \"\\t3\"\n", line: 3, key: "barcode.prefix", msg: "not printable ASCII"},
	{name: "barcode prefix not ASCII", in: "[[barcode]]\nkind = \"item\"\nprefix = \"ß\"\n", line: 3, key: "barcode.prefix", msg: "not printable ASCII"},
	{name: "barcode length negative", in: "[[barcode]]\nkind = \"item\"\nlength = -1\n", line: 3, key: "barcode.length", msg: "-1 is out of range; use 0 (any length) or a length from 1 to 128"},
	{name: "barcode length too long", in: "[[barcode]]\nkind = \"item\"\nlength = 129\n", line: 3, key: "barcode.length", msg: "from 1 to 128"},
	{name: "barcode length as text", in: "[[barcode]]\nkind = \"item\"\nlength = \"14\"\n", line: 3, key: "barcode.length", msg: "whole number"},
	{name: "barcode length over max_length", in: "[scanning]\nmax_length = 12\n[[barcode]]\nkind = \"item\"\nlength = 13\n", line: 5, key: "barcode.length", msg: "13 is longer than scanning.max_length (12)"},
	{name: "barcode check over max_length", in: "[scanning]\nmax_length = 12\n[[barcode]]\nkind = \"item\"\nprefix = \"978\"\ncheck = \"ean13\"\n", line: 6, key: "barcode.check", msg: `"ean13" codes are 13 characters long, longer than scanning.max_length (12)`},
	{name: "barcode prefix over max_length", in: "[scanning]\nmax_length = 8\n[[barcode]]\nkind = \"item\"\nprefix = \"123456789\"\n", line: 5, key: "barcode.prefix", msg: "longer than scanning.max_length (8)"},
	{name: "barcode prefix longer than length", in: "[[barcode]]\nkind = \"item\"\nprefix = \"12345\"\nlength = 4\n", line: 3, key: "barcode.prefix", msg: `"12345" is 5 characters, longer than the code (length = 4)`},
	{name: "barcode prefix longer than check", in: "[[barcode]]\nkind = \"item\"\nprefix = \"12345678901\"\ncheck = \"isbn10\"\n", line: 3, key: "barcode.prefix", msg: `longer than a "isbn10" code (10)`},
	{name: "barcode letters before digits", in: "[[barcode]]\nkind = \"patron\"\nprefix = \"P\"\ncheck = \"luhn14\"\n", line: 3, key: "barcode.prefix", msg: `"P" cannot start a "luhn14" code, which holds only digits`},
	{name: "barcode X inside an isbn10 prefix", in: "[[barcode]]\nkind = \"item\"\nprefix = \"12X\"\ncheck = \"isbn10\"\n", line: 3, key: "barcode.prefix", msg: "only digits"},
	{name: "barcode bad check", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\ncheck = \"luhn\"\n", line: 4, key: "barcode.check", msg: `"luhn" is not a check digit scheme; use "luhn14"`},
	{name: "barcode check upper case", in: "[[barcode]]\nkind = \"item\"\nprefix = \"978\"\ncheck = \"EAN13\"\n", line: 4, key: "barcode.check", msg: "not a check digit scheme"},
	{name: "barcode check and length disagree", in: "[[barcode]]\nkind = \"item\"\nprefix = \"978\"\nlength = 14\ncheck = \"ean13\"\n", line: 5, key: "barcode.check", msg: `"ean13" codes are 13 characters long, so length must be 13 or 0, not 14`},
	{name: "barcode bad pattern bracket", in: "[[barcode]]\nkind = \"item\"\npattern = '[0-9'\n", line: 3, key: "barcode.pattern", msg: `"[0-9" is not a valid regular expression: a [ has no closing ]`},
	{name: "barcode bad pattern paren", in: "[[barcode]]\nkind = \"item\"\npattern = '(0-9'\n", line: 3, key: "barcode.pattern", msg: "a ( has no closing )"},
	{name: "barcode pattern that the anchors would balance", in: "[[barcode]]\nkind = \"item\"\npattern = 'a)|(b'\n", line: 3, key: "barcode.pattern", msg: `"a)|(b" is not a valid regular expression: a ) has no ( before it`},
	{name: "barcode bad pattern repeat", in: "[[barcode]]\nkind = \"item\"\npattern = '*abc'\n", line: 3, key: "barcode.pattern", msg: "follows nothing it could repeat"},
	{name: "barcode bad pattern escape", in: "[[barcode]]\nkind = \"item\"\npattern = '\\q'\n", line: 3, key: "barcode.pattern", msg: "escape the regular expressions do not know"},
	{name: "barcode look-ahead", in: "[[barcode]]\nkind = \"item\"\npattern = '(?=3)[0-9]+'\n", line: 3, key: "barcode.pattern", msg: "no look-ahead"},
	{name: "barcode repeat count", in: "[[barcode]]\nkind = \"item\"\npattern = 'a{1001}'\n", line: 3, key: "barcode.pattern", msg: "larger than 1000"},
	{name: "barcode pattern in double quotes", in: "[[barcode]]\nkind = \"item\"\npattern = \"\\d+\"\n", line: 3, key: "barcode.pattern", msg: "write a pattern in single quotes"},
	{name: "barcode bad pattern in third rule", in: "[[barcode]]\nkind = \"item\"\npattern = 'a'\n[[barcode]]\nkind = \"item\"\npattern = 'b'\n[[barcode]]\nkind = \"item\"\npattern = 'c('\n", line: 9, key: "barcode.pattern"},
	{name: "barcode shadowed by a shorter prefix", in: "[[barcode]]\nkind = \"patron\"\nprefix = \"2\"\nlength = 14\n\n[[barcode]]\nkind = \"staff\"\nprefix = \"2079099\"\nlength = 14\n", line: 6, key: "barcode", msg: `never decides anything: [[barcode]] 1 above it (kind "patron")`},
	{name: "barcode shadowed by any length", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\n[[barcode]]\nkind = \"patron\"\nprefix = \"3\"\nlength = 10\n", line: 4, key: "barcode", msg: "never decides anything"},
	{name: "barcode shadowed by the same pattern", in: "[[barcode]]\nkind = \"item\"\npattern = 'x+'\n[[barcode]]\nkind = \"patron\"\nprefix = \"x\"\npattern = 'x+'\n", line: 4, key: "barcode", msg: "never decides anything"},
	{name: "barcode unknown key", in: "[[barcode]]\nkind = \"item\"\nlenght = 13\n", line: 3, key: "barcode.lenght", msg: `unknown key "lenght" in [[barcode]]; allowed keys are kind, prefix, length, pattern, check, loan_days, media (did you mean "length"?)`},
	{name: "barcode bad media", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\n\nmedia = \"vinyl\"\n", line: 5, key: "barcode.media",
		msg: `"vinyl" is not a media the kiosk knows; use one of "book", "magazine", "audiobook", "dvd", "cd", "game", "other", or "" to leave it to the library system`},
	{name: "barcode media unknown", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\nmedia = \"unknown\"\n", line: 4, key: "barcode.media", msg: "not a media the kiosk knows"},
	{name: "barcode media upper case", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\nmedia = \"DVD\"\n", line: 4, key: "barcode.media", msg: "not a media the kiosk knows"},
	{name: "barcode media in the second rule", in: "[[barcode]]\nkind = \"item\"\nprefix = \"39\"\nmedia = \"dvd\"\n[[barcode]]\nkind = \"item\"\nprefix = \"3\"\nmedia = \"blu-ray\"\n", line: 8, key: "barcode.media", msg: `"blu-ray" is not a media`},
	{name: "barcode media as number", in: "[[barcode]]\nkind = \"item\"\nprefix = \"3\"\nmedia = 5\n", line: 4, key: "barcode.media", msg: "must be text in double quotes"},
	{name: "barcode as table", in: "[barcode]\nkind = \"item\"\n", line: 1, key: "barcode", msg: "[[barcode]]"},
	{name: "misspelt barcode", in: "[[barcodes]]\nkind = \"item\"\n", line: 1, key: "barcodes", msg: `did you mean "barcode"`},

	// Bad files: what the decoder's work grows with is bounded before it starts.
	{name: "header of 9 parts", in: "[ils]\n[a.b.c.d.e.f.g.h.i]\n", line: 2, key: "a.b.c.d.e.f.g.h.i", msg: "a key of 9 dotted parts; a key here has at most 8"},
	{name: "header of 50000 parts", in: "\n[" + dotted(50000) + "]\n", line: 2, key: dotted(30) + ".…", msg: "a key of 50000 dotted parts"},
	{name: "key of 50000 parts", in: dotted(50000) + " = 1\n", line: 1, msg: "a key of 50000 dotted parts"},
	{name: "dotted key under a deep header", in: "[a.b.c.d.e]\nf.g.h.i = 1\n", line: 2, key: "f.g.h.i", msg: "a key of 9 dotted parts"},
	{name: "dotted key in nested inline tables", in: "x = {a.b = {c.d = [{e.f = 1, e.g.h.i = 2}]}}\n", line: 1, key: "e.g.h.i", msg: "a key of 9 dotted parts"},
	{name: "quoted dots are one part", in: "[kiosk]\n\"a.b.c.d.e.f.g.h.i\" = 1\n", line: 2, key: `kiosk."a.b.c.d.e.f.g.h.i"`, msg: "unknown key"},
	{name: "dots in values are not keys", in: "[kiosk]\nx = [1.5, 2.5, \"a.b.c.d.e.f.g.h.i.j\", 1979-05-27T07:32:00.999]\n", line: 2, key: "kiosk.x", msg: "unknown key"},
	{name: "key of 129 characters", in: "[kiosk]\n" + strings.Repeat("k", 129) + " = 1\n", line: 2, key: strings.Repeat("k", 60) + "…", msg: "a key of 129 characters; a key here has at most 128"},
	{name: "quoted key of 100000 characters", in: "\"" + strings.Repeat("k", 100000) + "\" = 1\n", line: 1, msg: "a key of 100002 characters"},
	{name: "lists nested 9 deep", in: "[kiosk]\n\nx = [[[[[[[[[1]]]]]]]]]\n", line: 3, msg: "nested more than 8 deep"},
	{name: "lists nested 100000 deep", in: "x = " + strings.Repeat("[", 100000), line: 1, msg: "nested more than 8 deep"},
	{name: "lists nested across lines", in: "x = [\n[\n[\n[\n[\n[\n[\n[\n[\n", line: 9, msg: "nested more than 8 deep"},
	{name: "tables nested 100000 deep", in: "x = " + strings.Repeat("{a=", 100000), line: 1, msg: "a key of 9 dotted parts"},
	{name: "4097 keys", in: "[kiosk]\n" + numbered(maxKeys, "k%d = 1\n"), line: maxKeys + 1, msg: "more than 4096 keys, sections and list items"},
	{name: "list of 4097 items", in: "x = [" + strings.Repeat("1,", maxKeys) + "1]\n", line: 1, msg: "more than 4096 keys, sections and list items"},
	{name: "17 scanners", in: numbered(17, "[[scanner]]\npath = \"/dev/ttyACM%d\"\n"), line: 33, key: "scanner", msg: "the file has 17 [[scanner]] sections; a kiosk takes at most 16 scanners"},
	{name: "65 barcode rules", in: numbered(65, "[[barcode]]\nkind = \"item\"\nprefix = \"%d\"\n"), line: 193, key: "barcode", msg: "the file has 65 [[barcode]] sections; a kiosk takes at most 64 barcode rules"},
	{name: "barcode pattern too long", in: "[[barcode]]\nkind = \"item\"\npattern = '" + strings.Repeat("a", 257) + "'\n", line: 3, key: "barcode.pattern", msg: "is 257 characters long; a pattern has at most 256"},
	{name: "barcode pattern too complex", in: "[[barcode]]\nkind = \"item\"\npattern = '[0-9]{1000}[a-z]{1000}'\n", line: 3, key: "barcode.pattern", msg: "too complex"},
	{name: "long value quoted short", in: "[kiosk]\nlanguage = \"" + strings.Repeat("x", 100000) + "\"\n", line: 2, key: "kiosk.language", msg: "\"" + strings.Repeat("x", 60) + "…\" is not a supported language"},
	{name: "long bare value quoted short", in: "[ils]\nuser = " + strings.Repeat("x", 100000) + "\n", line: 2, key: "ils.user", msg: "found \"" + strings.Repeat("x", 60) + "…\" instead"},
	{name: "long unknown key quoted short", in: "[kiosk]\n" + strings.Repeat("k", 128) + " = 1\n", line: 2, key: "kiosk." + strings.Repeat("k", 54) + "…", msg: "unknown key \"" + strings.Repeat("k", 60) + "…\" in [kiosk]"},
	{name: "long duplicate key quoted short", in: strings.Repeat("k", 100) + " = 1\n" + strings.Repeat("k", 100) + " = 2\n", line: 2, msg: "'" + strings.Repeat("k", 60) + "…'"},

	// Cases found by fuzzing: (none yet)
}

// dotted is n parts of "a" joined by dots.
func dotted(n int) string { return strings.TrimSuffix(strings.Repeat("a.", n), ".") }

// numbered is n copies of line, the %d in it numbered from 0.
func numbered(n int, line string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, line, i)
	}
	return b.String()
}

// scanner is a [[scanner]] with the given keys and the defaults.
func scanner(name, path string, baud int) Scanner {
	s := defaultScanner
	s.Name, s.Path, s.Baud = name, path, baud
	return s
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
		"[ils]\nterminal_password = geheim42\n",
		"[ils]\nterminal_password = 4242\n",
		"[ils]\nterminal_password = \"gehe|m42\"\n",
	} {
		_, err := Parse("kiosk.toml", []byte(in))
		if err == nil || strings.Contains(err.Error(), "42") {
			t.Errorf("Parse(%q) error = %v; want an error without the password", in, err)
		}
	}
}
