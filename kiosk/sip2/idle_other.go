//go:build !unix

package sip2

import "net"

type idleReader struct{}

func newIdleReader(net.Conn) *idleReader { return nil }

func (*idleReader) next() (int, error) { return 0, errNothing }
