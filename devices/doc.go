// Package devices talks to the kiosk's hardware. Serial barcode scanners
// (SerialScanner) deliver Scan values; their bytes are framed by a Splitter,
// which works on any io.Reader (FrameReader), so tests feed it streams.
package devices
