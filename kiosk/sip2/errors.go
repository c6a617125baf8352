package sip2

import (
	"errors"
	"fmt"
)

var (
	// ErrChecksum reports a message whose AZ checksum does not match.
	ErrChecksum = errors.New("sip2: bad checksum")
	// ErrUnreachable reports that the library system could not be reached
	// (dial failed, or the client is backing off after failures).
	ErrUnreachable = errors.New("sip2: library system unreachable")
	// ErrLoginFailed reports that the server refused the 93 login; the
	// error returned is a *LoginError naming the user.
	ErrLoginFailed = errors.New("sip2: login refused")
	// ErrLoginUnreadable reports a login answer that is not a readable
	// 94; it comes wrapped with ErrUnreachable: nothing else was sent.
	ErrLoginUnreadable = errors.New("sip2: the library system's login answer cannot be read")
	// ErrCharset reports a request the server answered with 96 every time
	// it was sent, and which holds characters beyond ASCII: the server most
	// likely reads another character set than the client sends.
	ErrCharset = errors.New("sip2: the library system cannot read the characters sent: check [ils] charset")
	// ErrNoReply reports that the connection failed or timed out after the
	// request was sent: the server may or may not have processed it.
	ErrNoReply = errors.New("sip2: no reply")
	// ErrSequence reports that the replies kept answering another message
	// (their AY was not the request's); it comes wrapped with ErrNoReply.
	ErrSequence = errors.New("sip2: reply out of sequence")
	// ErrUnexpectedResponse reports a reply with a code other than the one expected.
	ErrUnexpectedResponse = errors.New("sip2: unexpected response")
	// ErrClosed reports use of a closed client.
	ErrClosed = errors.New("sip2: client closed")
	// ErrServerClosed is returned by Serve after Shutdown or Close.
	ErrServerClosed = errors.New("sip2: server closed")
)

// DecodeError names what was wrong with a message that could not be decoded.
type DecodeError struct {
	Code   string // message code, if it could be read
	Field  string // field id or fixed field name, if any
	Reason string
	Err    error // underlying error, e.g. ErrChecksum
}

func (e *DecodeError) Error() string {
	s := "sip2: decode"
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Field != "" {
		s += " field " + e.Field
	}
	s += ": " + e.Reason
	if e.Err != nil && e.Err != ErrChecksum {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports a message that cannot be put on the wire.
type EncodeError struct {
	Code   string
	Field  string
	Reason string
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("sip2: encode %s field %s: %s", e.Code, e.Field, e.Reason)
}

// LoginError is a login the server refused; errors.Is(err, ErrLoginFailed)
// holds. Its text names the user and location, so staff know what to fix.
type LoginError struct {
	User, Location string
}

func (e *LoginError) Error() string {
	if e.Location != "" {
		return fmt.Sprintf("sip2: login refused for user %q at location %q: check [ils] user, password and location", e.User, e.Location)
	}
	return fmt.Sprintf("sip2: login refused for user %q: check [ils] user and password", e.User)
}

// Is makes errors.Is(err, ErrLoginFailed) hold.
func (e *LoginError) Is(target error) bool { return target == ErrLoginFailed }
