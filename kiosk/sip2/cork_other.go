//go:build !linux

package sip2

import "net"

func corkLast(net.Conn) {}
