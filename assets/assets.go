// Package assets holds the kiosk's embedded files.
package assets

import "embed"

// Demo holds demo/library.json, the demo library's catalogue and patrons.
//
//go:embed demo
var Demo embed.FS
