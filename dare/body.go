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
// payload and hands the stored bytes to a hashWriter, which computes the
// PayloadDigest (dare.md §7.1) and writes them out.
type bodyWriter struct {
	cbc     cipher.BlockMode // nil: plaintext envelope
	out     *hashWriter
	pending [blockSize]byte
	npend   int
	closed  bool
	digest  []byte
	n       int64
	err     error
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

// Write encrypts p; whole blocks go out at once, a partial block waits.
func (bw *bodyWriter) Write(p []byte) (int, error) {
	if bw.closed {
		return 0, errors.New("dare: write to a closed payload writer")
	}
	if bw.err != nil {
		return 0, bw.err
	}
	total := len(p)
	for len(p) > 0 {
		buf := bw.out.get()
		var n int
		if bw.cbc == nil {
			n = copy(buf, p)
			p = p[n:]
		} else {
			n, p = bw.encryptInto(buf, p)
		}
		if n == 0 {
			bw.out.release(buf)
			continue
		}
		if err := bw.out.put(buf[:n]); err != nil {
			bw.err = err
			return total - len(p), err
		}
	}
	return total, nil
}

// encryptInto fills buf with ciphertext of whole blocks from pending and p.
// It returns the bytes filled and the unconsumed rest of p.
func (bw *bodyWriter) encryptInto(buf, p []byte) (int, []byte) {
	n := 0
	if bw.npend > 0 {
		c := copy(bw.pending[bw.npend:], p)
		bw.npend += c
		p = p[c:]
		if bw.npend < blockSize {
			return 0, p
		}
		bw.cbc.CryptBlocks(buf[:blockSize], bw.pending[:])
		bw.npend = 0
		n = blockSize
	}
	m := min(len(p), len(buf)-n) / blockSize * blockSize
	bw.cbc.CryptBlocks(buf[n:n+m], p[:m])
	n += m
	p = p[m:]
	if len(p) < blockSize {
		bw.npend = copy(bw.pending[:], p)
		p = p[bw.npend:]
	}
	return n, p
}

// Close pads and encrypts the last block, then waits for the digest.
func (bw *bodyWriter) Close() error {
	if bw.closed {
		return bw.err
	}
	bw.closed = true
	if bw.err == nil && bw.cbc != nil {
		pad := blockSize - bw.npend
		for i := bw.npend; i < blockSize; i++ {
			bw.pending[i] = byte(pad)
		}
		buf := bw.out.get()
		bw.cbc.CryptBlocks(buf[:blockSize], bw.pending[:])
		bw.err = bw.out.put(buf[:blockSize])
	}
	d, n, err := bw.out.finish()
	bw.digest, bw.n, bw.err = d, n, errOr(bw.err, err)
	return bw.err
}

// abort releases the pipeline after a failure.
func (bw *bodyWriter) abort() {
	if !bw.closed {
		bw.closed = true
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
	src   *hashReader
	cbc   cipher.BlockMode
	head  []byte // released tail block, served before cur
	cur   []byte // pool buffer being served
	off   int
	held  [blockSize]byte // head storage
	tail  [blockSize]byte // last decrypted block, not yet released
	ntail int
	err   error
	// delivered counts plaintext bytes returned by Read.
	delivered int64
}

func newBodyReader(src io.Reader, k *payloadKeys) (*bodyReader, error) {
	br := &bodyReader{}
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
	pad := int(br.tail[blockSize-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, blockSize)
	for i := 0; i < blockSize; i++ {
		in := subtle.ConstantTimeLessOrEq(blockSize-pad, i)
		good &= (in ^ 1) | subtle.ConstantTimeByteEq(br.tail[i], byte(pad))
	}
	if good != 1 {
		br.cur = br.cur[:0]
		br.head = nil
		return ErrPadding
	}
	br.cur = append(br.cur, br.tail[:blockSize-pad]...)
	br.ntail = 0
	return io.EOF
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

// ReadFrom reads the payload straight into pipeline buffers and encrypts
// in place, saving io.Copy's intermediate buffer and copy.
func (bw *bodyWriter) ReadFrom(r io.Reader) (int64, error) {
	if bw.closed {
		return 0, errors.New("dare: write to a closed payload writer")
	}
	var total int64
	for bw.err == nil {
		buf := bw.out.get()
		k := copy(buf, bw.pending[:bw.npend])
		n, err := io.ReadFull(r, buf[k:])
		total += int64(n)
		whole := k + n
		if bw.cbc != nil {
			whole = whole / blockSize * blockSize
			bw.npend = copy(bw.pending[:], buf[whole:k+n])
			bw.cbc.CryptBlocks(buf[:whole], buf[:whole])
		}
		if whole > 0 {
			bw.err = bw.out.put(buf[:whole])
		} else {
			bw.out.release(buf)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, bw.err
		}
		if err != nil {
			return total, err
		}
	}
	return total, bw.err
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
