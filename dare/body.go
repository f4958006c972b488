package dare

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
)

// bodyWriter encrypts (AES-256-CBC, PKCS#7; dare.md §5) or copies the
// payload into pipeline buffers and hands each full buffer to a hashWriter,
// which computes the PayloadDigest (dare.md §7.1) and writes it out. Every
// buffer handed on is exactly pipelineBufSize bytes except the last one:
// the data-chunks of a streamed body are canonical (scan.go), and writes
// are large.
type bodyWriter struct {
	cbc    cipher.BlockMode // nil: plaintext envelope
	out    *hashWriter
	cur    []byte // buffer being filled (from out.get), nil if none
	enc    int    // cur[:enc] is ready (encrypted), a multiple of blockSize
	fill   int    // cur[enc:fill] is plaintext not yet encrypted (< blockSize)
	closed bool
	digest []byte
	n      int64
	err    error
}

func newBodyWriter(w io.Writer, k *payloadKeys) (*bodyWriter, error) {
	bw := &bodyWriter{}
	if k != nil {
		block, err := aes.NewCipher(k.key)
		if err != nil {
			return nil, fmt.Errorf("dare: payload cipher: %w", err)
		}
		bw.cbc = cipher.NewCBCEncrypter(block, k.iv)
	}
	bw.out = newHashWriter(w, sha512.New())
	return bw, nil
}

// buffer returns the buffer being filled, taking a new one if needed.
func (bw *bodyWriter) buffer() []byte {
	if bw.cur == nil {
		bw.cur, bw.enc, bw.fill = bw.out.get(), 0, 0
	}
	return bw.cur
}

// seal encrypts the whole blocks of cur[enc:fill] in place and hands cur on
// when it is full.
func (bw *bodyWriter) seal() {
	m := (bw.fill - bw.enc) / blockSize * blockSize
	if bw.cbc == nil {
		m = bw.fill - bw.enc
	} else if m > 0 {
		bw.cbc.CryptBlocks(bw.cur[bw.enc:bw.enc+m], bw.cur[bw.enc:bw.enc+m])
	}
	bw.enc += m
	if bw.fill == len(bw.cur) {
		bw.err = bw.out.put(bw.cur)
		bw.cur = nil
	}
}

// Write encrypts p into the pipeline buffers: whole blocks straight from p
// (no intermediate copy), a partial block waits in the buffer.
func (bw *bodyWriter) Write(p []byte) (int, error) {
	if bw.closed {
		return 0, errors.New("dare: write to a closed payload writer")
	}
	total := len(p)
	for len(p) > 0 && bw.err == nil {
		buf := bw.buffer()
		if bw.cbc != nil && bw.fill == bw.enc {
			m := min(len(p), len(buf)-bw.fill) / blockSize * blockSize
			bw.cbc.CryptBlocks(buf[bw.fill:bw.fill+m], p[:m])
			bw.fill += m
			bw.enc = bw.fill
			p = p[m:]
		}
		c := copy(buf[bw.fill:], p)
		if bw.cbc != nil {
			c = min(c, blockSize-(bw.fill-bw.enc))
		}
		bw.fill += c
		p = p[c:]
		bw.seal()
	}
	if bw.err != nil {
		return total - len(p), bw.err
	}
	return total, nil
}

// ReadFrom reads the payload straight into the pipeline buffers and
// encrypts in place, saving io.Copy's intermediate buffer and copy.
func (bw *bodyWriter) ReadFrom(r io.Reader) (int64, error) {
	if bw.closed {
		return 0, errors.New("dare: write to a closed payload writer")
	}
	var total int64
	for bw.err == nil {
		buf := bw.buffer()
		n, err := io.ReadFull(r, buf[bw.fill:])
		total += int64(n)
		bw.fill += n
		bw.seal()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, bw.err
		}
		if err != nil {
			return total, err
		}
	}
	return total, bw.err
}

// Close pads and encrypts the last block (dare.md §5: PKCS#7 always adds 1
// to 16 bytes), hands on the last buffer and waits for the digest.
func (bw *bodyWriter) Close() error {
	if bw.closed {
		return bw.err
	}
	bw.closed = true
	if bw.err == nil && bw.cbc != nil {
		buf := bw.buffer() // never full here: full buffers were handed on
		pad := blockSize - (bw.fill - bw.enc)
		for i := 0; i < pad; i++ {
			buf[bw.fill+i] = byte(pad)
		}
		bw.fill += pad
		bw.seal()
	}
	if bw.err == nil && bw.cur != nil {
		if bw.fill > 0 {
			bw.err = bw.out.put(bw.cur[:bw.fill])
		} else {
			bw.out.release(bw.cur)
		}
		bw.cur = nil
	}
	d, n, err := bw.out.finish()
	bw.digest, bw.n, bw.err = d, n, errOr(bw.err, err)
	return bw.err
}

// abort releases the pipeline after a failure.
func (bw *bodyWriter) abort() {
	if !bw.closed {
		bw.closed = true
		if bw.cur != nil {
			bw.out.release(bw.cur)
			bw.cur = nil
		}
		bw.out.abort()
	}
}

// ciphertextSize is the stored size of a plaintext of n bytes (dare.md §5).
func ciphertextSize(n int64) int64 { return blockSize * (1 + n/blockSize) }

// ErrPadding reports a payload whose last block has invalid PKCS#7 padding:
// a wrong key or a corrupted (or truncated) ciphertext.
var ErrPadding = errors.New("dare: payload padding invalid (wrong key or corrupted ciphertext)")

// bodyReader reads the stored payload from src through a hashReader and
// decrypts it. The last block is held back until the end of the body is
// known, so that padding can be removed.
type bodyReader struct {
	src *hashReader
	cbc cipher.BlockMode
	// deferPad (authenticated mode) turns a padding failure into a
	// silent end of the plaintext: padErr is reported by Decoder.Finish
	// only after the envelope tag verified, so that no padding oracle
	// exists (an attacker who changes the ciphertext always gets
	// ErrAuthentication, whatever the padding decrypts to).
	deferPad bool
	padErr   error
	head     []byte // released tail block, served before cur
	cur      []byte // pool buffer being served
	off      int
	held     [blockSize]byte // head storage
	tail     [blockSize]byte // last decrypted block, not yet released
	ntail    int
	err      error
	// delivered counts plaintext bytes returned by Read.
	delivered int64
}

func newBodyReader(src io.Reader, k *payloadKeys, deferPad bool) (*bodyReader, error) {
	br := &bodyReader{deferPad: deferPad}
	if k != nil {
		block, err := aes.NewCipher(k.key)
		if err != nil {
			return nil, fmt.Errorf("dare: payload cipher: %w", err)
		}
		br.cbc = cipher.NewCBCDecrypter(block, k.iv)
	}
	br.src = newHashReader(src, sha512.New())
	return br, nil
}

func (br *bodyReader) Read(p []byte) (int, error) {
	for {
		if len(br.head) > 0 {
			n := copy(p, br.head)
			br.head = br.head[n:]
			br.delivered += int64(n)
			return n, nil
		}
		if br.cur != nil && br.off < len(br.cur) {
			n := copy(p, br.cur[br.off:])
			br.off += n
			br.delivered += int64(n)
			return n, nil
		}
		if br.cur != nil {
			putBuf(br.cur)
			br.cur = nil
		}
		if br.err != nil {
			return 0, br.err
		}
		br.fill()
	}
}

// fill takes the next chunk from the read-ahead goroutine and decrypts it in
// place, keeping its last block back.
func (br *bodyReader) fill() {
	c := br.src.next()
	if c.err != nil && c.err != io.EOF {
		br.err = c.err
		if c.b != nil {
			putBuf(c.b)
		}
		return
	}
	b := c.b
	br.cur, br.off = b, 0
	if br.cbc == nil {
		if c.err == io.EOF {
			br.err = io.EOF
		}
		return
	}
	if len(b)%blockSize != 0 {
		br.err = fmt.Errorf("dare: encrypted payload length %d is not a multiple of %d", br.src.n, blockSize)
		br.cur = b[:0]
		return
	}
	br.cbc.CryptBlocks(b, b)
	if len(b) > 0 {
		if br.ntail > 0 {
			br.held = br.tail
			br.head = br.held[:]
		}
		copy(br.tail[:], b[len(b)-blockSize:])
		br.ntail = blockSize
		br.cur = b[:len(b)-blockSize]
	}
	if c.err == io.EOF {
		br.err = br.unpad()
	}
}

// unpad appends the unpadded last block to cur (dare.md §5: PKCS#7 always
// adds 1..16 bytes). The check runs in constant time.
func (br *bodyReader) unpad() error {
	if br.ntail != blockSize {
		return fmt.Errorf("dare: encrypted payload is empty (want at least one %d-byte block)", blockSize)
	}
	pad, ok := paddingLength(br.tail[:])
	if !ok {
		br.cur = br.cur[:0]
		br.head = nil
		br.ntail = 0
		if br.deferPad {
			br.padErr = ErrPadding
			return io.EOF
		}
		return ErrPadding
	}
	br.cur = append(br.cur, br.tail[:blockSize-pad]...)
	br.ntail = 0
	return io.EOF
}

// paddingLength checks the PKCS#7 padding of a last block in constant
// time and returns its length (1..16).
func paddingLength(last []byte) (int, bool) {
	pad := int(last[blockSize-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, blockSize)
	for i := 0; i < blockSize; i++ {
		in := subtle.ConstantTimeLessOrEq(blockSize-pad, i)
		good &= (in ^ 1) | subtle.ConstantTimeByteEq(last[i], byte(pad))
	}
	return pad, good == 1
}

// finish returns the digest and length of the stored body; call it after
// Read returned io.EOF.
func (br *bodyReader) finish() ([]byte, int64) { return br.src.sum() }

// abort releases the read-ahead goroutine and buffers.
func (br *bodyReader) abort() {
	br.src.abort()
	if br.cur != nil {
		putBuf(br.cur)
		br.cur = nil
	}
}

// WriteTo writes the plaintext straight from the pipeline buffers.
func (br *bodyReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if len(br.head) > 0 {
			n, err := w.Write(br.head)
			br.head = br.head[n:]
			br.delivered += int64(n)
			total += int64(n)
			if err != nil {
				return total, err
			}
			continue
		}
		if br.cur != nil && br.off < len(br.cur) {
			n, err := w.Write(br.cur[br.off:])
			br.off += n
			br.delivered += int64(n)
			total += int64(n)
			if err != nil {
				return total, err
			}
			continue
		}
		if br.cur != nil {
			putBuf(br.cur)
			br.cur = nil
		}
		if br.err == io.EOF {
			return total, nil
		}
		if br.err != nil {
			return total, br.err
		}
		br.fill()
	}
}
