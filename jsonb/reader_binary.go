package jsonb

import (
	"errors"
	"io"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

// binState tracks a binary value whose bytes have not all been read: the
// current piece, and whether it is the data-term that ends the value
// (jsonbcd.md §4.3: data-chunks 8C–8F, then a data-term 88–8B).
type binState struct {
	pending bool
	remain  uint64 // bytes left in the current piece
	final   bool   // the current piece is a data-term
	gen     int    // counts binary values, to invalidate stale BinaryReaders
}

// lexBinaryStart reads the tag and length of the first piece of a binary
// value and leaves its bytes pending.
func (r *Reader) lexBinaryStart(off int64) (Token, error) {
	n, final, err := r.readPieceHeader()
	if err != nil {
		return Token{}, err
	}
	r.bin = binState{pending: true, remain: n, final: final, gen: r.bin.gen + 1}
	return Token{Kind: Binary, Offset: off, Len: int64(n), Chunked: !final}, nil
}

// readPieceHeader reads one 88–8F tag and its length, checking the length
// against the input left before anything is allocated.
func (r *Reader) readPieceHeader() (uint64, bool, error) {
	off := r.in.off
	tag, err := r.in.readByte()
	if err != nil {
		return 0, false, err
	}
	if tag < tagDataTerm || tag > tagDataChunk+3 {
		return 0, false, syntaxErr(off, "data chunk not followed by a data chunk or data-term (found %s)", describeByte(tag))
	}
	n, err := r.in.readBE(tagwidth.Bytes(tag))
	if err != nil {
		return 0, false, err
	}
	if err := r.in.checkDeclared(n, off, "binary"); err != nil {
		return 0, false, err
	}
	return n, tag < tagDataChunk, nil
}

// readBin reads bytes of the pending binary value, crossing chunk
// boundaries; it returns io.EOF after the data-term's last byte.
func (r *Reader) readBin(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for r.bin.remain == 0 {
		if r.bin.final {
			r.bin.pending = false
			return 0, io.EOF
		}
		n, final, err := r.readPieceHeader()
		if err != nil {
			r.err = err
			return 0, err
		}
		r.bin.remain, r.bin.final = n, final
	}
	if len(p) == 0 {
		return 0, nil
	}
	if uint64(len(p)) > r.bin.remain {
		p = p[:r.bin.remain]
	}
	n, err := r.in.read(p)
	r.bin.remain -= uint64(n)
	if err != nil {
		r.err = err
	}
	return n, err
}

// drainBinary discards the rest of the pending binary value.
func (r *Reader) drainBinary() error {
	var buf [4096]byte
	for {
		_, err := r.readBin(buf[:])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// BinaryReader returns the bytes of the binary value whose Binary token
// Next just returned, as a stream across all its chunks, without buffering
// the value. It is valid until the next call to Next, Peek, Skip or Decode.
func (r *Reader) BinaryReader() (io.Reader, error) {
	if r.peeked || !r.bin.pending {
		return nil, errors.New("jsonb: BinaryReader called when no binary value is pending")
	}
	return &binaryReader{r: r, gen: r.bin.gen}, nil
}

type binaryReader struct {
	r   *Reader
	gen int
}

func (b *binaryReader) Read(p []byte) (int, error) {
	if b.r.bin.gen != b.gen {
		return 0, errors.New("jsonb: binary reader used after the reader moved on")
	}
	if !b.r.bin.pending {
		return 0, io.EOF
	}
	return b.r.readBin(p)
}

// ReadBinary reads the whole pending binary value into memory. Memory grows
// with the bytes actually read, never with a declared length alone.
func (r *Reader) ReadBinary() ([]byte, error) {
	if r.peeked || !r.bin.pending {
		return nil, errors.New("jsonb: ReadBinary called when no binary value is pending")
	}
	first := r.bin.remain
	if r.in.size < 0 || !r.bin.final {
		first = min(first, initialBinaryAlloc)
	}
	buf := make([]byte, 0, first)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.readBin(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Skip consumes the next value; when the next token is a member name, the
// name and its value.
func (r *Reader) Skip() error {
	depth := 0
	for {
		t, err := r.Next()
		if err == io.EOF {
			return syntaxErr(r.in.off, "unexpected end of input: no value to skip")
		}
		if err != nil {
			return err
		}
		switch t.Kind {
		case BeginObj, BeginArr:
			depth++
		case EndObj, EndArr:
			if depth == 0 {
				return syntaxErr(t.Offset, "no value to skip before %v", t.Kind)
			}
			depth--
		case Name:
			continue
		case Binary:
			if err := r.drainBinary(); err != nil {
				return err
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// captureValue consumes the next value and returns a copy of its bytes
// exactly as they appear in the input.
func (r *Reader) captureValue() ([]byte, error) {
	if r.in.capOn || r.in.capArmed {
		return nil, errors.New("jsonb: internal error: nested value capture")
	}
	r.in.cap = r.in.cap[:0]
	if r.peeked {
		if r.peekInCapture {
			return nil, errors.New("jsonb: internal error: token peeked during capture")
		}
		r.in.cap = append(r.in.cap, r.peekRaw...)
		r.in.capOn = true
	} else {
		r.in.capArmed = true
	}
	err := r.Skip()
	r.in.capOn, r.in.capArmed = false, false
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), r.in.cap...), nil
}
