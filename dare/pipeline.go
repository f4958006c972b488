package dare

import (
	"errors"
	"hash"
	"io"
	"sync"
)

// The body is processed in a two-stage pipeline so that both cores work:
// the cipher runs on one goroutine and SHA-512 plus I/O on another (the
// payload digest is over the stored, that is encrypted, bytes; dare.md
// §7.1). Buffers are recycled, so memory is bounded by
// pipelineBuffers × pipelineBufSize whatever the body size.
const (
	// pipelineBufSize is the unit of work handed between the goroutines
	// (a multiple of the AES block size). Large buffers keep the channel
	// and system call overhead negligible. It is also the canonical
	// data-chunk size of a streamed body (streamChunkSize), a format
	// constant: do not change it.
	pipelineBufSize = 1 << 20
	pipelineBuffers = 4
)

// streamChunkSize is the length of every data-chunk of a streamed body
// but the last (dare.md §2.1; docs/dare.md §2.3): authenticated envelopes
// must use exactly this chunking, so that the chunk framing cannot be
// changed without detection.
const streamChunkSize = pipelineBufSize

var bufPool = sync.Pool{New: func() any { b := make([]byte, pipelineBufSize); return &b }}

func getBuf() []byte  { return (*bufPool.Get().(*[]byte))[:pipelineBufSize] }
func putBuf(b []byte) { b = b[:cap(b)]; bufPool.Put(&b) }
func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// hashWriter hashes buffers and writes them to w on its own goroutine.
type hashWriter struct {
	w     io.Writer
	h     hash.Hash
	n     int64
	ch    chan []byte
	sem   chan struct{} // bounds the buffers in flight
	done  chan struct{}
	mu    sync.Mutex
	err   error
	close sync.Once
}

func newHashWriter(w io.Writer, h hash.Hash) *hashWriter {
	hw := &hashWriter{w: w, h: h, ch: make(chan []byte, pipelineBuffers),
		sem: make(chan struct{}, pipelineBuffers), done: make(chan struct{})}
	go hw.run()
	return hw
}

func (hw *hashWriter) run() {
	defer close(hw.done)
	for b := range hw.ch {
		if hw.failed() == nil {
			hw.h.Write(b)
			if _, err := hw.w.Write(b); err != nil {
				hw.setErr(err)
			}
			hw.n += int64(len(b))
		}
		putBuf(b)
		<-hw.sem
	}
}

func (hw *hashWriter) setErr(err error) {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	if hw.err == nil {
		hw.err = err
	}
}

func (hw *hashWriter) failed() error {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	return hw.err
}

// get returns an empty buffer, waiting while too many are in flight.
func (hw *hashWriter) get() []byte {
	hw.sem <- struct{}{}
	return getBuf()
}

// release returns an unused buffer from get.
func (hw *hashWriter) release(b []byte) {
	putBuf(b)
	<-hw.sem
}

// put queues b (from get) for hashing and writing.
func (hw *hashWriter) put(b []byte) error {
	hw.ch <- b
	return hw.failed()
}

// finish waits for every queued buffer and returns the digest and byte count.
func (hw *hashWriter) finish() ([]byte, int64, error) {
	hw.close.Do(func() { close(hw.ch) })
	<-hw.done
	if err := hw.failed(); err != nil {
		return nil, hw.n, err
	}
	return hw.h.Sum(nil), hw.n, nil
}

// abort stops the goroutine without waiting for a result.
func (hw *hashWriter) abort() {
	hw.setErr(errAborted)
	hw.close.Do(func() { close(hw.ch) })
	<-hw.done
}

var errAborted = errors.New("dare: aborted")

// chunk is one buffer read ahead by a hashReader.
type chunk struct {
	b   []byte
	err error // io.EOF after the last data, or a read error
}

// hashReader reads src ahead on its own goroutine, hashing what it reads.
type hashReader struct {
	ch   chan chunk
	stop chan struct{}
	done chan struct{}
	h    hash.Hash
	n    int64
}

func newHashReader(src io.Reader, h hash.Hash) *hashReader {
	hr := &hashReader{ch: make(chan chunk, pipelineBuffers-1), stop: make(chan struct{}),
		done: make(chan struct{}), h: h}
	go hr.run(src)
	return hr
}

func (hr *hashReader) run(src io.Reader) {
	defer close(hr.done)
	defer close(hr.ch)
	for {
		b := getBuf()
		n, err := io.ReadFull(src, b)
		if n > 0 {
			hr.h.Write(b[:n])
			hr.n += int64(n)
		}
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case hr.ch <- chunk{b: b[:n], err: err}:
		case <-hr.stop:
			putBuf(b)
			return
		}
		if err != nil {
			return
		}
	}
}

// next returns the next chunk; its buffer must be released with putBuf.
func (hr *hashReader) next() chunk {
	c, ok := <-hr.ch
	if !ok {
		return chunk{err: io.EOF}
	}
	return c
}

// sum waits for the reader goroutine and returns the digest and length.
func (hr *hashReader) sum() ([]byte, int64) {
	<-hr.done
	return hr.h.Sum(nil), hr.n
}

// abort stops the goroutine and releases queued buffers.
func (hr *hashReader) abort() {
	select {
	case <-hr.stop:
	default:
		close(hr.stop)
	}
	for c := range hr.ch {
		if c.b != nil {
			putBuf(c.b)
		}
	}
	<-hr.done
}
