package assets

import "embed"

// Translations holds one flat JSON file per language (nl.json, en.json), read
// by fyne's lang package. Every file has the same keys; a test checks it.
//
//go:embed translations
var Translations embed.FS
