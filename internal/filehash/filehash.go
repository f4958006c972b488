// Package filehash computes digests of whole files and streams at the speed
// of the hash function: one goroutine reads while the caller's goroutine
// hashes, so on a machine with two cores the read copy costs no hashing time.
// Memory use is constant (two buffers) whatever the input size.
package filehash

import (
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
)

// BufferSize is the size of each of the two read buffers.
const BufferSize = 1 << 20

// SumFile hashes the file at path with h and returns the digest and the
// number of bytes read.
func SumFile(path string, h hash.Hash) ([]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	n, err := Copy(h, f)
	if err != nil {
		return nil, n, fmt.Errorf("filehash: reading %s: %w", path, err)
	}
	return h.Sum(nil), n, nil
}

type chunk struct {
	buf []byte
	n   int
	err error
}

// Copy writes everything read from r to w (typically a hash) with reading
// and writing overlapped: a reader goroutine fills one buffer while w
// consumes the other. It returns the number of bytes written.
func Copy(w io.Writer, r io.Reader) (int64, error) {
	full := make(chan chunk, 1)
	empty := make(chan []byte, 2)
	empty <- make([]byte, BufferSize)
	empty <- make([]byte, BufferSize)
	done := make(chan struct{})
	defer close(done)

	go func() {
		for {
			var buf []byte
			select {
			case buf = <-empty:
			case <-done:
				return
			}
			n, err := io.ReadFull(r, buf)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF
			}
			select {
			case full <- chunk{buf: buf, n: n, err: err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()

	var total int64
	for c := range full {
		if c.n > 0 {
			if _, err := w.Write(c.buf[:c.n]); err != nil {
				return total, err
			}
			total += int64(c.n)
		}
		if c.err == io.EOF {
			return total, nil
		}
		if c.err != nil {
			return total, c.err
		}
		empty <- c.buf
	}
	return total, nil
}
