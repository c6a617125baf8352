//go:build unix

package storage

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockFile locks f as bbolt does (flock: exclusive to write, shared to
// read), giving ErrLocked after timeout. bbolt locks the same open file
// again when it is handed f, which flock allows.
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return ErrLocked
		}
		time.Sleep(50 * time.Millisecond)
	}
}
