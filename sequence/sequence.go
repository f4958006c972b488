package sequence

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/mathmesh/mesh/dare"
)

// Sequence is an open DARE sequence file (dare.md §8). Frames are appended
// at the end and read by index in O(1) through an offset table built when
// the file is opened. A Sequence is safe for concurrent use; one process at
// a time may open a file for writing (an advisory lock enforces it on Unix).
type Sequence struct {
	mu        sync.Mutex
	f         *os.File
	path      string
	opts      Options
	typ       Type
	frame0    *dare.Header
	ctx       []byte  // SHA-512 of frame 0's header record, bound by frame tags (frameauth.go)
	offsets   []int64 // offsets[i] is where frame i starts
	end       int64   // where the next frame goes
	links     *links
	crypto    *writerCrypto
	buf       []byte
	broken    error                          // set when a failed append left the file in an unknown state
	exchanges map[exchangeKey]*dare.Exchange // opened key exchanges by frame index
	closed    bool
	recovery  *Recovery
	written   uint64     // write generation: incremented by every successful write
	mode      digestMode // what the last verification found

	syncMu  sync.Mutex // serializes fsyncs (group commit)
	synced  uint64     // the write generation covered by the last fsync
	syncErr error      // a failed fsync
}

// Recovery describes a torn last frame found and dropped by Open.
type Recovery struct {
	Offset    int64 // where the torn frame started: the new end of the file
	Dropped   int64 // bytes removed (or ignored, read-only)
	Reason    string
	Truncated bool // false when the sequence was opened read-only
}

// Create makes a new sequence file holding only frame 0 (dare.md §8.2) and
// returns it open for appending. It fails if path exists. Frame 0 is written
// to a temporary file, fsync'd and linked into place, so a crash leaves
// either no file or a complete frame 0.
func Create(path string, opts Options) (*Sequence, error) {
	if opts.Type == 0 {
		opts.Type = Merkle
	}
	if _, ok := typeNames[opts.Type]; !ok {
		return nil, fmt.Errorf("sequence: unknown sequence type %v", opts.Type)
	}
	s := &Sequence{path: path, opts: opts, typ: opts.Type, links: newLinks(opts.Type)}
	if opts.Encryption != nil {
		c, err := newWriterCrypto(opts.Encryption)
		if err != nil {
			return nil, err
		}
		s.crypto = c
	}
	frame, h0, err := s.encodeFrame0()
	if err != nil {
		return nil, err
	}
	if err := writeNewFile(path, frame); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("sequence: %w", err)
	}
	if err := lockFile(f, true); err != nil {
		f.Close()
		return nil, err
	}
	s.f, s.frame0 = f, h0
	s.offsets, s.end = []int64{0}, int64(len(frame))
	return s, nil
}

// writeNewFile writes data to a new file at path atomically: temporary file,
// fsync, hard link to path (which fails if path exists), fsync of the
// directory.
func writeNewFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("sequence: creating %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sequence: writing %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("sequence: %s already exists", path)
		}
		return fmt.Errorf("sequence: creating %s: %w", path, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sequence: opening directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sequence: syncing directory %s: %w", dir, err)
	}
	return nil
}

// Open opens an existing sequence. It reads every frame once, forwards:
// it checks the framing, builds the offset table and recomputes the chain or
// Merkle tree from the payloads (so later appends continue it). A torn last
// frame (an interrupted append) is truncated, or ignored when read-only, and
// reported through Options.Warn and Recovered. Any other malformed frame is
// an error naming the frame. Open does not check headers beyond frame 0:
// Verify does.
func Open(path string, opts Options) (*Sequence, error) {
	flag := os.O_RDWR
	if opts.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("sequence: %w", err)
	}
	if err := lockFile(f, !opts.ReadOnly); err != nil {
		f.Close()
		return nil, err
	}
	s := &Sequence{f: f, path: path, opts: opts}
	if err := s.load(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// load builds the in-memory state: the offset table (first pass, forward
// tags only), frame 0's type and policy, then the payload digests, chain and
// Merkle tree from a parallel pass over the frames, which with
// Options.Verify also runs every check of Verify.
func (s *Sequence) load() error {
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("sequence: %w", err)
	}
	offsets, fe, err := walkTags(s.f, st.Size())
	if err != nil {
		return err
	}
	if len(offsets) == 0 {
		if fe != nil {
			return fe
		}
		return fmt.Errorf("sequence: %s is empty, not a DARE sequence", s.path)
	}
	// Frame 0 first: a file that is not a sequence is reported as such.
	if err := s.readFrame0(st.Size()); err != nil {
		return err
	}
	end := st.Size()
	if fe != nil {
		if !fe.Torn {
			return fe
		}
		if err := s.recover(fe, st.Size()); err != nil {
			return err
		}
		end = fe.Offset
	}
	v := &verifier{r: s.f, typ: s.typ, offsets: offsets, end: end, full: s.opts.Verify, policyAuth: s.policyRequiresAuth()}
	if err := v.run(); err != nil {
		return err
	}
	s.offsets, s.end = offsets, end
	s.links.chain, s.links.tree = v.chain, v.tree
	if v.full {
		s.mode = v.mode
	}
	if !s.opts.ReadOnly {
		return s.reopenCrypto()
	}
	return nil
}

// readFrame0 reads and parses frame 0.
func (s *Sequence) readFrame0(size int64) error {
	content, _, err := readFrameAt(s.f, 0, size, 0)
	if err != nil {
		return err
	}
	recs, err := splitRecords(content, 0)
	if err != nil {
		return &FormatError{Offset: 0, Index: 0, Reason: err.Error()}
	}
	return s.loadFrame0(recs.header)
}

// loadFrame0 reads the sequence type and policy from frame 0's header
// (dare.md §8.2).
func (s *Sequence) loadFrame0(b []byte) error {
	h, err := parseHeader(b)
	if err != nil {
		return &FormatError{Offset: 0, Index: 0, Reason: fmt.Sprintf("not a DARE sequence: %v", err)}
	}
	si := h.SequenceInfo
	if si == nil || si.ContainerType == "" {
		return &FormatError{Offset: 0, Index: 0, Reason: "not a DARE sequence: frame 0 has no SequenceInfo.ContainerType"}
	}
	t, err := ParseType(si.ContainerType)
	if err != nil {
		return &FormatError{Offset: 0, Index: 0, Reason: err.Error()}
	}
	s.typ, s.frame0, s.links = t, h, newLinks(t)
	s.setContext(b)
	return nil
}

// recover handles a torn last frame: it truncates the file to the end of
// the last complete frame (or, read-only, ignores the tail) and warns.
func (s *Sequence) recover(fe *FormatError, size int64) error {
	r := &Recovery{Offset: fe.Offset, Dropped: size - fe.Offset, Reason: fe.Reason}
	if !s.opts.ReadOnly {
		if err := s.f.Truncate(fe.Offset); err != nil {
			return fmt.Errorf("sequence: truncating torn frame %d at offset %d: %w", fe.Index, fe.Offset, err)
		}
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("sequence: %w", err)
		}
		r.Truncated = true
	}
	s.recovery = r
	action := "truncated"
	if !r.Truncated {
		action = "ignored (read-only)"
	}
	s.warn(fmt.Sprintf("sequence: %s: torn frame %d at offset %d %s, %d bytes dropped: %s",
		s.path, fe.Index, fe.Offset, action, r.Dropped, fe.Reason))
	return nil
}

func (s *Sequence) warn(msg string) {
	if s.opts.Warn != nil {
		s.opts.Warn(msg)
	}
}

// Recovered returns what Open did about a torn last frame, or nil.
func (s *Sequence) Recovered() *Recovery { return s.recovery }

// Type returns the sequence type from frame 0.
func (s *Sequence) Type() Type { return s.typ }

// Path returns the file name.
func (s *Sequence) Path() string { return s.path }

// Len returns the number of frames, frame 0 included.
func (s *Sequence) Len() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.offsets))
}

// Size returns the file size covered by complete frames.
func (s *Sequence) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end
}

// Sync makes every appended frame durable (fsync).
func (s *Sequence) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("sequence: sync %s: %w", s.path, err)
	}
	return nil
}

// Close syncs (unless read-only) and closes the file.
func (s *Sequence) Close() error {
	s.syncMu.Lock() // wait for a group commit in progress
	defer s.syncMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	var err error
	if !s.opts.ReadOnly {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sequence: closing %s: %w", s.path, err)
	}
	return nil
}
