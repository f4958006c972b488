package sshplugin

import (
	"encoding/binary"
	"fmt"
	"io"
)

// frameConn sits between a client connection and agent.ServeAgent. On the
// read side it checks each request's length prefix against
// MaxMessageSize before the server allocates (agent.ServeAgent alone would
// accept 16 MiB), and refuses an empty request. On the write side it sends
// the 4-byte length and the reply, which ServeAgent writes separately, in
// one write, saving a system call and a wakeup per reply.
type frameConn struct {
	rw io.ReadWriter

	hdr     [4]byte
	hdrLeft int // header bytes still to hand to the reader
	body    int // body bytes of the current request still to pass

	pending [4]byte
	havePen bool
	wbuf    []byte
}

func newFrameConn(rw io.ReadWriter) *frameConn { return &frameConn{rw: rw} }

// errFrameSize describes a request whose length prefix is out of range.
type errFrameSize struct{ n uint32 }

func (e errFrameSize) Error() string {
	return fmt.Sprintf("sshplugin: request of %d bytes at offset 0 of its frame, allowed 1 to %d", e.n, MaxMessageSize)
}

// Read reads the next header or body bytes, never crossing a request.
func (f *frameConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if f.hdrLeft == 0 && f.body == 0 {
		if _, err := io.ReadFull(f.rw, f.hdr[:]); err != nil {
			return 0, err
		}
		n := binary.BigEndian.Uint32(f.hdr[:])
		if n == 0 || n > MaxMessageSize {
			return 0, errFrameSize{n}
		}
		f.hdrLeft, f.body = 4, int(n)
	}
	if f.hdrLeft > 0 {
		n := copy(p, f.hdr[4-f.hdrLeft:])
		f.hdrLeft -= n
		return n, nil
	}
	if len(p) > f.body {
		p = p[:f.body]
	}
	n, err := f.rw.Read(p)
	f.body -= n
	if err == io.EOF && f.body > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Write holds a lone 4-byte length prefix until the reply body follows.
func (f *frameConn) Write(p []byte) (int, error) {
	if !f.havePen && len(p) == 4 {
		copy(f.pending[:], p)
		f.havePen = true
		return 4, nil
	}
	if !f.havePen {
		return f.rw.Write(p)
	}
	f.havePen = false
	f.wbuf = append(append(f.wbuf[:0], f.pending[:]...), p...)
	n, err := f.rw.Write(f.wbuf)
	n -= 4
	if n < 0 {
		n = 0
	}
	return n, err
}
