package sip2

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Charset is the character set a SIP2 server and account use on the wire.
type Charset string

// Supported character sets. The zero Charset means UTF8.
const (
	UTF8   Charset = "utf-8"
	ASCII  Charset = "ascii"
	IBM850 Charset = "ibm850"
)

// ParseCharset accepts a charset name as found in configuration files.
func ParseCharset(s string) (Charset, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "utf-8", "utf8":
		return UTF8, nil
	case "ascii", "us-ascii":
		return ASCII, nil
	case "ibm850", "cp850", "ibm-850", "850", "codepage850":
		return IBM850, nil
	}
	return "", fmt.Errorf("sip2: unknown charset %q (want utf-8, ascii or ibm850)", s)
}

func (c Charset) norm() Charset {
	if c == "" {
		return UTF8
	}
	return c
}

// appendEncoded appends s in charset c. Characters the charset lacks lose
// their accents (ü → u) or else become '?'.
func (c Charset) appendEncoded(dst []byte, s string) []byte {
	switch c.norm() {
	case ASCII:
		for _, r := range s {
			if r < utf8.RuneSelf {
				dst = append(dst, byte(r))
				continue
			}
			dst = append(dst, fallback(r, func(r rune) (byte, bool) { return byte(r), r < utf8.RuneSelf })...)
		}
		return dst
	case IBM850:
		for _, r := range s {
			if r < utf8.RuneSelf {
				dst = append(dst, byte(r))
				continue
			}
			if b, ok := charmap.CodePage850.EncodeRune(r); ok {
				dst = append(dst, b)
				continue
			}
			dst = append(dst, fallback(r, charmap.CodePage850.EncodeRune)...)
		}
		return dst
	default:
		return append(dst, s...)
	}
}

// fallback encodes r without its combining marks, or as '?'.
func fallback(r rune, enc func(rune) (byte, bool)) []byte {
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		b, ok := enc(d)
		if !ok {
			return []byte{'?'}
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return []byte{'?'}
	}
	return out
}

// decode turns wire bytes into a Go string.
func (c Charset) decode(b []byte) string {
	if c.norm() == UTF8 && utf8.Valid(b) {
		return string(b) // utf8.Valid has its own ASCII fast path
	}
	ascii := true
	for _, x := range b {
		if x >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	switch c.norm() {
	case IBM850:
		for _, x := range b {
			sb.WriteRune(charmap.CodePage850.DecodeByte(x))
		}
	case ASCII:
		for _, x := range b {
			if x >= utf8.RuneSelf {
				sb.WriteRune(utf8.RuneError)
			} else {
				sb.WriteByte(x)
			}
		}
	default:
		if utf8.Valid(b) {
			return string(b)
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return sb.String()
}

// valid reports whether b can be read in charset c: UTF-8 must be valid,
// ASCII has no high bytes; every byte is a character in IBM850.
func (c Charset) valid(b []byte) bool {
	switch c.norm() {
	case ASCII:
		return isASCII(b)
	case IBM850:
		return true
	}
	return utf8.Valid(b)
}

func isASCII(b []byte) bool {
	for _, x := range b {
		if x >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
