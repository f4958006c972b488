package jsonb

// Marks let the encoder and decoder check that a Marshaler or Unmarshaler
// hook wrote or read exactly one value.

type writerMark struct {
	depth int
	n     int
	done  bool
}

func (w *Writer) mark() writerMark {
	m := writerMark{depth: len(w.stack), done: w.done}
	if m.depth > 0 {
		m.n = w.stack[m.depth-1].n
	}
	return m
}

func (w *Writer) wroteOneValue(before writerMark) bool {
	after := w.mark()
	switch {
	case w.chunking || after.depth != before.depth:
		return false
	case after.depth == 0:
		return !before.done && after.done
	case w.stack[after.depth-1].obj:
		return after.n == before.n && !w.stack[after.depth-1].hasName
	}
	return after.n == before.n+1
}

type readerMark struct {
	depth int
	top   int64
	state uint8
	count int
}

// mark returns the parser position before the next unread token (before
// the peeked token, if any).
func (r *Reader) mark() readerMark {
	if r.peeked {
		return r.peekMark
	}
	return r.currentMark()
}

func (r *Reader) currentMark() readerMark {
	m := readerMark{depth: len(r.stack), top: r.topCount}
	if m.depth > 0 {
		f := &r.stack[m.depth-1]
		m.state, m.count = f.state, f.count
	}
	return m
}

func (r *Reader) readOneValue(before readerMark) bool {
	after := r.mark()
	switch {
	case after.depth != before.depth:
		return false
	case after.depth == 0:
		return after.top == before.top+1
	case r.stack[after.depth-1].obj:
		return before.state == stValue && after.state == stAfter && after.count == before.count
	}
	return after.count == before.count+1 && after.state == stAfter
}
