package client

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/sequence"
)

// The local copy of a container (catalog or spool) is a DARE sequence file
// stores/<label>.dare whose frames 1..n hold the container's envelopes 0..n-1
// byte for byte as the service sent them (docs/client.md §5). The sequence
// is of type Digest: each frame carries the SHA-512 of its payload, so a
// damaged file is detected on read. The Merkle state the service's digest
// is checked against is kept in account.json (containerRecord).

// localContainerType is the sequence type of local copies.
const localContainerType = sequence.Digest

// localContainerCTY is frame 0's content type.
const localContainerCTY = "application/mmm-container"

func (h *Home) containerPath(profile, container string) string {
	return filepath.Join(h.accountDir(profile), "stores", container+".dare")
}

// localContainer is an open local copy.
type localContainer struct {
	seq *sequence.Sequence
}

// openContainer opens (creating when absent) the local copy of container.
func (h *Home) openContainer(profile, container string, readOnly bool) (*localContainer, error) {
	if err := protocol.CheckContainerName(container); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	p := h.containerPath(profile, container)
	seq, err := sequence.Open(p, sequence.Options{ReadOnly: readOnly})
	if errors.Is(err, fs.ErrNotExist) {
		if readOnly {
			return &localContainer{}, nil
		}
		if err := mkdirPrivate(filepath.Dir(p)); err != nil {
			return nil, err
		}
		seq, err = sequence.Create(p, sequence.Options{Type: localContainerType, ContentType: localContainerCTY})
	}
	if err != nil {
		return nil, fmt.Errorf("client: the local copy of %s (%s) is damaged: %w", container, p, err)
	}
	return &localContainer{seq: seq}, nil
}

// Len returns the number of envelopes held.
func (l *localContainer) Len() int64 {
	if l.seq == nil {
		return 0
	}
	return l.seq.Len() - 1
}

// Envelope returns envelope i (0-based), checking the frame's digest.
func (l *localContainer) Envelope(i int64) ([]byte, error) {
	if i < 0 || i >= l.Len() {
		return nil, fmt.Errorf("client: envelope %d of a container holding %d", i, l.Len())
	}
	f, err := l.seq.Frame(i + 1)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", l.seq.Path(), err)
	}
	if err := checkFrameDigest(f); err != nil {
		return nil, fmt.Errorf("client: %s frame %d: %w", l.seq.Path(), i+1, err)
	}
	return f.Payload, nil
}

// Append adds envelopes with one write and one fsync per MaxBatchSize
// bytes and returns the 1-based index of the first (catalog.Store).
func (l *localContainer) Append(envs ...[]byte) (int64, error) {
	first := l.Len() + 1
	entries := make([]sequence.Entry, len(envs))
	for i, e := range envs {
		entries[i] = sequence.Entry{Payload: e}
	}
	for len(entries) > 0 {
		n, size := 0, 0
		for n < len(entries) && (n == 0 || size+len(entries[n].Payload)+frameOverhead <= sequence.MaxBatchSize) {
			size += len(entries[n].Payload) + frameOverhead
			n++
		}
		if _, err := l.seq.AppendBatch(entries[:n]); err != nil {
			return 0, fmt.Errorf("client: writing %s: %w", l.seq.Path(), err)
		}
		entries = entries[n:]
	}
	return first, nil
}

// frameOverhead is a generous bound on the bytes a frame adds to its
// payload (tags, header and trailer with the digest).
const frameOverhead = 1024

// Read returns up to max envelopes from the 1-based index from
// (catalog.Store).
func (l *localContainer) Read(from int64, max int) ([][]byte, error) {
	if from < 1 {
		return nil, fmt.Errorf("client: read from index %d, indexes start at 1", from)
	}
	var out [][]byte
	for i := from - 1; i < l.Len() && len(out) < max; i++ {
		e, err := l.Envelope(i)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Count returns the number of envelopes (catalog.Store).
func (l *localContainer) Count() int64 { return l.Len() }

// Close closes the file.
func (l *localContainer) Close() error {
	if l.seq == nil {
		return nil
	}
	return l.seq.Close()
}
