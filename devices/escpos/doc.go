// Package escpos prints receipts on an ESC/POS thermal printer on a serial
// port (USB-CDC or RS-232), and shows the same receipt as plain text when the
// printer cannot.
//
// Render lays a Receipt out for a paper width and returns the bytes to send;
// Text returns the same layout for the screen. Both are pure, so tests compare
// them with golden files. A Printer opens its port afresh for every call,
// asks the printer's real-time status (DLE EOT) first and fails fast with
// ErrOffline or ErrNoPaper, so the kiosk can fall back to an on-screen receipt
// and report the printer's state.
package escpos
