package dare

import "fmt"

// framing records how an envelope was framed, so that authenticated
// envelopes can be held to the exact framing our writer produces: a change
// to any byte between the header, body and trailer must be detected too.
type framing struct {
	tagged        bool
	leading       string
	seps          [4]string // after '[', before body, before trailer, before ']'
	hasTrailer    bool
	canonicalBody bool
	body          int // bodyItem, bodyChunks or bodyText
}

// canonical returns the form (auth.go) of an envelope framed exactly as our
// writer frames it: the file form ('[' H ",\n" body ",\n" T ']', with one
// data-term or canonical data-chunks), the JSON form ('[' H ',' "body" ','
// T ']') or the JSON-B form (no separators, one data-term). The form is
// bound by the envelope tag, so an envelope cannot be re-framed from one
// to another. Whitespace around the array and a {"DareEnvelope": ...} tag
// are outside the envelope and allowed: no change of an envelope byte can
// produce them.
func (f *framing) canonical() (byte, bool) {
	if f.seps[0] != "" || f.seps[3] != "" || !f.hasTrailer || !f.canonicalBody || f.seps[1] != f.seps[2] {
		return 0, false
	}
	switch {
	case f.seps[1] == ",\n" && f.body == bodyItem:
		return formFile, true
	case f.seps[1] == ",\n" && f.body == bodyChunks:
		return formFileChunked, true
	case f.seps[1] == "," && f.body == bodyText:
		return formJSON, true
	case f.seps[1] == "" && f.body == bodyItem:
		return formJSONB, true
	}
	return 0, false
}

// How the body of an envelope is encoded.
const (
	bodyItem   = iota + 1 // one JSON-B data-term
	bodyChunks            // JSON-B data-chunks
	bodyText              // a base64url JSON string
)

// open reads up to the header: optional whitespace and byte order mark,
// optional {"DareEnvelope": tag (JSON text or JSON-B name), '['.
func (s *scanner) open() (*framing, error) {
	f := &framing{}
	lead, err := s.separator("envelope")
	if err != nil {
		return nil, err
	}
	f.leading = lead
	if b, err := s.r.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		s.r.Discard(3)
		s.off += 3
		f.leading += "\ufeff"
	}
	c, err := s.peek()
	if err != nil {
		return nil, s.eofError(err, "envelope")
	}
	if c == '{' {
		if err := s.openTag(); err != nil {
			return nil, err
		}
		f.tagged = true
	}
	if err := s.expect('[', "start of the envelope array"); err != nil {
		return nil, err
	}
	if f.seps[0], err = s.separator("header"); err != nil {
		return nil, err
	}
	return f, nil
}

// openTag reads `{"DareEnvelope":` or `{ B4 0C DareEnvelope`.
func (s *scanner) openTag() error {
	const name = "DareEnvelope"
	s.readByte()
	if _, err := s.separator("envelope tag"); err != nil {
		return err
	}
	c, err := s.readByte()
	if err != nil {
		return s.eofError(err, "envelope tag")
	}
	var got []byte
	switch c {
	case '"':
		if got, err = s.readString(nil, len(name)+1, "envelope tag"); err != nil {
			return err
		}
		got = got[:len(got)-1]
		if _, err := s.separator("envelope tag"); err != nil {
			return err
		}
		if err := s.expect(':', "envelope tag"); err != nil {
			return err
		}
	case 0xb4:
		if got, err = s.readToken(nil, c, len(name)+1, "envelope tag"); err != nil {
			return err
		}
		got = got[1:]
	default:
		return s.errorf("found %s, want the tag \"DareEnvelope\"", describe(c))
	}
	if string(got) != name {
		return s.errorf("object tag %q is not %q", got, name)
	}
	_, err = s.separator("envelope array")
	return err
}

// closeEnvelope reads the optional trailer, ']', the closing '}' of a
// tagged envelope, and checks that only whitespace follows.
func (s *scanner) closeEnvelope(f *framing) ([]byte, error) {
	var err error
	if f.seps[2], err = s.separator("trailer"); err != nil {
		return nil, err
	}
	var t []byte
	if c, err := s.peek(); err == nil && c == '{' {
		if t, err = s.readObject(MaxTrailerSize, "trailer"); err != nil {
			return nil, err
		}
		f.hasTrailer = true
		if f.seps[3], err = s.separator("end of the envelope"); err != nil {
			return nil, err
		}
	}
	if err := s.expect(']', "end of the envelope array"); err != nil {
		return nil, err
	}
	if f.tagged {
		if _, err := s.separator("end of the tagged envelope"); err != nil {
			return nil, err
		}
		if err := s.expect('}', "end of the tagged envelope"); err != nil {
			return nil, err
		}
	}
	return t, s.end()
}

// end accepts trailing whitespace and nothing else.
func (s *scanner) end() error {
	for {
		c, err := s.readByte()
		if err != nil {
			return nil
		}
		if !isSpace(c) {
			s.off--
			return fmt.Errorf("%w: byte offset %d: %s", ErrTrailingData, s.off, describe(c))
		}
	}
}
