//go:build !unix

package storage

import (
	"os"
	"time"
)

// lockFile leaves the lock to bbolt where flock does not exist: the check
// then reads a file that another kiosk could be writing.
func lockFile(*os.File, bool, time.Duration) error { return nil }
