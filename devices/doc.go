// Package devices talks to the kiosk's hardware and reads what it sends.
//
// Serial barcode scanners (SerialScanner, several at once with RunScanners)
// deliver Scan values, each tagged with its scanner's name; their bytes are
// framed by a Splitter (CR/LF, TAB, STX…ETX, prefix and suffix), which works
// on any io.Reader (FrameReader), so tests feed it streams. A keyboard-wedge
// scanner is told from a person by the time between keys (WedgeDetector).
// A Debouncer counts a code read twice in a row once; a Classifier tells a
// patron card from an item or a staff card by configurable Rules with check
// digits, and a misread by ErrCheckDigit.
package devices
