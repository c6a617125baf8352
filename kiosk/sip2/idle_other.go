//go:build !unix

package sip2

import "net"

type idleReader struct{}

func newIdleReader(net.Conn) *idleReader { return nil }

func (*idleReader) next() ([]byte, error) { return nil, errNothing }
