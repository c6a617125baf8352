//go:build !linux

package escpos

import "os"

// flushInput is a no-op where the kiosk does not run: a stale status
// byte could then answer the first query.
func flushInput(*os.File) error { return nil }
