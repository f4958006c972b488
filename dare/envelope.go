package dare

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

// Encode writes src as one envelope in the streamed file form of dare.md
// §2.1: '[', the header object, ",\n", the body as a JSON-B data item,
// ",\n", the trailer object, ']'. size is the payload length when known
// (one data-term item; src must then yield exactly size bytes); -1 streams
// the body as data-chunks of unknown total length.
func Encode(dst io.Writer, src io.Reader, size int64, opts *EncodeOptions) (*Encoder, error) {
	if opts.SequenceFrame != nil {
		return nil, errFrameForm
	}
	e, err := NewEncoder(opts)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(dst, 64<<10)
	if err := e.encodeTo(bw, src, size); err != nil {
		e.Abort()
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("dare: writing envelope: %w", err)
	}
	return e, nil
}

func (e *Encoder) encodeTo(w *bufio.Writer, src io.Reader, size int64) error {
	w.WriteByte('[')
	w.Write(e.hdr)
	w.WriteString(",\n")
	var body io.Writer = w
	var chunks *chunkWriter
	if size >= 0 {
		writeDataTag(w, 0x88, uint64(e.StoredSize(size)))
	} else {
		chunks = &chunkWriter{w: w}
		body = chunks
	}
	pw, err := e.PayloadWriter(body)
	if err != nil {
		return err
	}
	n, err := io.Copy(pw, src)
	if err != nil {
		return fmt.Errorf("dare: reading payload: %w", err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("dare: payload was %d bytes, expected %d (did the input change?)", n, size)
	}
	e.form = formFile
	if chunks != nil {
		e.form = formFileChunked
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("dare: writing payload: %w", err)
	}
	if chunks != nil {
		writeDataTag(w, 0x88, 0)
	}
	t, err := e.TrailerBytes()
	if err != nil {
		return err
	}
	w.WriteString(",\n")
	w.Write(t)
	_, err = w.WriteString("]")
	return err
}

// writeDataTag writes a JSON-B data tag (base 0x88 term or 0x8C chunk)
// with the shortest length field.
func writeDataTag(w io.Writer, base byte, n uint64) error {
	var buf [9]byte
	wd := tagwidth.Code(n)
	buf[0] = base + wd
	l := 1 << wd
	for i := 0; i < l; i++ {
		buf[l-i] = byte(n >> (8 * i))
	}
	_, err := w.Write(buf[:1+l])
	return err
}

// chunkWriter frames each write as a JSON-B data-chunk (0x8C-0x8F), for
// bodies of unknown length (dare.md §2.1).
type chunkWriter struct{ w io.Writer }

func (c *chunkWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if err := writeDataTag(c.w, 0x8c, uint64(len(p))); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Decode reads one envelope from src in any form of dare.md §2.1 (JSON
// array, JSON-B, the streamed file form, optionally tagged
// {"DareEnvelope": ...}) and writes the payload to dst. The payload written
// to dst is unverified until Decode returns nil; DecodeFile writes to a
// temporary file and renames it only after verification.
func Decode(dst io.Writer, src io.Reader, ring *Keyring) (*Result, error) {
	return decode(dst, src, ring, nil)
}

// Verify checks an envelope without releasing its payload (dare.md §7.4,
// §10): with a key as Decode does; without one, an encrypted envelope's
// digest and signatures are still checked and Result.KeyMissing is set.
func Verify(src io.Reader, ring *Keyring) (*Result, error) {
	return decode(io.Discard, src, ring, &DecodeOptions{VerifyOnly: true})
}

func decode(dst io.Writer, src io.Reader, ring *Keyring, opts *DecodeOptions) (*Result, error) {
	s := newScanner(src)
	f, err := s.open()
	if err != nil {
		return nil, err
	}
	h, err := s.readObject(MaxHeaderSize, "header")
	if err != nil {
		return nil, err
	}
	d, err := NewDecoder(h, ring, opts)
	if err != nil {
		return nil, err
	}
	res, err := d.decodeRest(s, f, dst)
	if err != nil {
		d.Abort()
		return nil, err
	}
	return res, nil
}

// decodeRest reads body and trailer after the header.
func (d *Decoder) decodeRest(s *scanner, f *framing, dst io.Writer) (*Result, error) {
	var err error
	if f.seps[1], err = s.separator("body"); err != nil {
		return nil, err
	}
	c, err := s.peek()
	if err != nil {
		return nil, s.eofError(err, "body")
	}
	var src io.Reader
	var items *dataItemReader
	var text *base64Reader
	switch {
	case c >= 0x88 && c <= 0x8f:
		items = newDataItemReader(s)
		src = items
	case c == '"':
		s.readByte()
		text = newBase64Reader(s, d.Authenticated())
		src = text
	default:
		return nil, s.errorf("found %s, want the body (a JSON-B data item or a base64 string)", describe(c))
	}
	pr, err := d.PayloadReader(src)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(dst, pr); err != nil {
		return nil, err
	}
	f.canonicalBody = (items == nil || items.canonical) && (text == nil || text.canonical)
	switch {
	case text != nil:
		f.body = bodyText
	case items.chunked:
		f.body = bodyChunks
	default:
		f.body = bodyItem
	}
	t, err := s.closeEnvelope(f)
	if err != nil {
		return nil, err
	}
	if d.Authenticated() {
		form, ok := f.canonical()
		if !ok {
			return nil, fmt.Errorf("%w: the envelope framing is not in canonical form", ErrAuthentication)
		}
		d.form = form
	}
	return d.Finish(t)
}

// ErrTrailingData reports bytes after the end of the envelope.
var ErrTrailingData = errors.New("dare: data after the end of the envelope")
