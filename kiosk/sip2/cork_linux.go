package sip2

import (
	"net"
	"syscall"
)

// corkLast holds back what is written to conn until it is closed, so the
// last reply and the FIN leave in one segment: the client sees the close
// as soon as it has read the reply, not after it has sent the next request.
func corkLast(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, 1)
	})
}
