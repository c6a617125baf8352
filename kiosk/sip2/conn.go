package sip2

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxLine bounds one message on the wire; SIP2 messages are a few hundred bytes.
const maxLine = 64 << 10

var errLineTooLong = errors.New("sip2: message longer than 64 KiB")

// readMessage reads bytes up to CR, drops leading LFs (CR LF line ends)
// and skips empty lines. The CR is not returned. The slice points into
// r's buffer and is valid until the next read: Decode copies what it keeps.
func readMessage(r *bufio.Reader) ([]byte, error) {
	for {
		line, err := r.ReadSlice('\r')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errLineTooLong
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = bytes.TrimLeft(line[:len(line)-1], "\n")
		if len(line) == 0 {
			continue
		}
		return line, nil
	}
}

func newReader(rd io.Reader) *bufio.Reader { return bufio.NewReaderSize(rd, maxLine) }
