package escpos

import (
	"os"

	"golang.org/x/sys/unix"
)

// flushInput drops bytes received but not read (tcflush TCIFLUSH). Not
// tarm/serial's Flush: that drops output too, and on a pty also what the
// other side has not read yet of the previous receipt.
func flushInput(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ioErr error
	// Control, not Fd: Fd would put the file in blocking mode, past deadlines.
	if err := rc.Control(func(fd uintptr) { ioErr = unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIFLUSH) }); err != nil {
		return err
	}
	return ioErr
}
