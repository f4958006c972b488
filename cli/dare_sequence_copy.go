package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/internal/atomicfile"
	"github.com/mathmesh/mesh/sequence"
)

// copySequence copies the entries of in into a new sequence at path: all
// data frames, or with purge only the live archive view. Encrypted entries
// are decrypted when decrypt is set (and re-encrypted if opts encrypts);
// otherwise legacy encrypted entries are copied as stored, with their key
// exchange (authenticated frames cannot be: their tag covers their place in
// the sequence). The copy is built under a temporary name and renamed to
// path only when complete, so a failed copy leaves nothing behind.
func copySequence(in *sequence.Sequence, path string, opts sequence.Options, decrypt, purge, index bool) (*sequence.Sequence, int, error) {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-copy")
	out, n, err := copyInto(in, tmp, opts, decrypt, purge, index)
	if err != nil {
		os.Remove(tmp)
		return nil, 0, err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return nil, 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, 0, err
	}
	if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
		return nil, 0, err
	}
	reopened, err := sequence.Open(path, sequence.Options{ReadOnly: true, Warn: opts.Warn})
	return reopened, n, err
}

func copyInto(in *sequence.Sequence, path string, opts sequence.Options, decrypt, purge, index bool) (*sequence.Sequence, int, error) {
	var list *SequenceListing
	var err error
	if purge {
		list, err = archiveView(in)
	} else {
		list, err = listing(in)
	}
	if err != nil {
		return nil, 0, err
	}
	sync := opts.Sync
	opts.Sync = sequence.SyncNone
	out, err := sequence.Create(path, opts)
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for _, e := range list.Entries {
		if e.Meta {
			continue
		}
		entry, err := copyEntry(in, e.Index, decrypt)
		if err == nil {
			_, err = out.Append(entry)
		}
		if err != nil {
			out.Close()
			return nil, 0, err
		}
		n++
	}
	if index {
		_, err = out.AppendIndex(nil)
	}
	if err == nil && sync == sequence.SyncAlways {
		err = out.Sync()
	}
	if err != nil {
		out.Close()
		return nil, 0, err
	}
	return out, n, nil
}

// copyEntry returns frame i of in as an entry to append elsewhere.
func copyEntry(in *sequence.Sequence, i int64, decrypt bool) (sequence.Entry, error) {
	f, err := in.Frame(i)
	if err != nil {
		return sequence.Entry{}, err
	}
	meta, err := f.Meta()
	if err != nil {
		return sequence.Entry{}, fmt.Errorf("frame %d: %w", i, err)
	}
	e := sequence.Entry{Payload: f.Payload, Meta: meta, Received: f.Header.Received}
	if f.Header.Enc == "" {
		return e, nil
	}
	if !decrypt {
		if f.Header.Enc == dare.EncA256CBCETM {
			return e, fmt.Errorf("frame %d is an authenticated encrypted frame, which only its own sequence can hold; copy with --decrypt (and --encrypt to encrypt the copy)", i)
		}
		if si := f.Header.SequenceInfo; si != nil && si.ExchangePosition != nil {
			return e, fmt.Errorf("frame %d shares the key exchange of frame %d; copy it with --decrypt", i, *si.ExchangePosition)
		}
		e.Envelope = f.Header
		return e, nil
	}
	if e.Payload, err = in.Plaintext(f, nil); err != nil {
		return e, err
	}
	return e, nil
}
