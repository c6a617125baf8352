//go:build unix

package sip2

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// idleReader reads what has already arrived on a connection, without
// waiting. Made once per connection: the check runs before every request.
type idleReader struct {
	rc   syscall.RawConn
	conn net.Conn
	buf  [512]byte
	n    int
	err  error
	fn   func(fd uintptr) bool
}

// newIdleReader returns nil when conn has no file descriptor (a TLS tunnel).
func newIdleReader(conn net.Conn) *idleReader {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	r := &idleReader{rc: rc, conn: conn}
	r.fn = r.read
	return r
}

func (r *idleReader) read(fd uintptr) bool {
	for {
		r.n, r.err = syscall.Read(int(fd), r.buf[:])
		if r.err != syscall.EINTR {
			return true // never wait for readability
		}
	}
}

// next returns the bytes that had arrived (valid until the next call),
// io.EOF when the peer closed, or errNothing when nothing came.
func (r *idleReader) next() ([]byte, error) {
	err := r.rc.Read(r.fn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		r.conn.SetReadDeadline(time.Time{}) // the last request's deadline has passed
		err = r.rc.Read(r.fn)
	}
	switch {
	case err != nil:
		return nil, err
	case r.err == syscall.EAGAIN || r.err == syscall.EWOULDBLOCK:
		return nil, errNothing
	case r.err != nil:
		return nil, r.err
	case r.n == 0:
		return nil, io.EOF
	}
	return r.buf[:r.n], nil
}
