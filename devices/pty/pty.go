//go:build linux

// Package pty opens Linux pseudo-terminals without a third-party module, so
// tests, the scanner simulator and the smoke test can play a serial scanner:
// bytes written to Master come out of the slave (/dev/pts/N) unchanged.
package pty

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// PTY is one pseudo-terminal pair. Write to Master; a program under test
// opens SlavePath (or the symlink made by Link) as if it were a serial port.
type PTY struct {
	Master    *os.File
	SlavePath string

	link string // symlink made by Link, removed again by Close
}

// Open allocates a new pseudo-terminal via /dev/ptmx, unlocks it and puts the
// slave in raw mode (no echo, no line editing, no CR/NL translation).
func Open() (*PTY, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("pty: open /dev/ptmx: %w", err)
	}
	rc, err := m.SyscallConn()
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	var n uint32
	var ioErr error
	// Control, not Fd: Fd would switch the master to blocking mode, and then
	// Close could no longer interrupt a pending Read.
	cerr := rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			ioErr = fmt.Errorf("unlockpt: %w", ioErr)
			return
		}
		if n, ioErr = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN); ioErr != nil {
			ioErr = fmt.Errorf("ptsname: %w", ioErr)
			return
		}
		// Termios requests on a Linux pty master act on the slave side.
		ioErr = makeRaw(int(fd))
	})
	if err := errors.Join(cerr, ioErr); err != nil {
		m.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	return &PTY{Master: m, SlavePath: "/dev/pts/" + strconv.FormatUint(uint64(n), 10)}, nil
}

// makeRaw is cfmakeraw(3) on the terminal behind fd.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("tcgetattr: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("tcsetattr: %w", err)
	}
	return nil
}

// Write writes to the master, which the slave reads as received bytes.
func (p *PTY) Write(b []byte) (int, error) { return p.Master.Write(b) }

var linkSeq atomic.Uint64

// Link points the symlink path at the slave, replacing whatever is there in
// one rename, so a reader never sees the name missing while it is re-pointed.
// A stable name lets a test "replug" a scanner on a new pty at the same path.
func (p *PTY) Link(path string) error {
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.pty-%d-%d", filepath.Base(path), os.Getpid(), linkSeq.Add(1)))
	_ = os.Remove(tmp)
	if err := os.Symlink(p.SlavePath, tmp); err != nil {
		return fmt.Errorf("pty: link: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("pty: link: %w", err)
	}
	p.link = path
	return nil
}

// Close closes the master: the slave hangs up and /dev/pts/N disappears, as
// when a USB scanner is unplugged. The symlink made by Link is removed too
// (like udev removes by-id names), unless it was re-pointed meanwhile.
func (p *PTY) Close() error {
	err := p.Master.Close()
	if p.link != "" {
		if target, lerr := os.Readlink(p.link); lerr == nil && target == p.SlavePath {
			_ = os.Remove(p.link)
		}
		p.link = ""
	}
	return err
}
