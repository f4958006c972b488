package dare

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mathmesh/mesh/internal/atomicfile"
)

// EncodeFile encodes the file inPath into outPath (file form, known
// length). The envelope is written to a temporary file in the directory of
// outPath and renamed into place only when complete; on any failure nothing
// is left behind. progress, if not nil, sees every payload byte read.
func EncodeFile(inPath, outPath string, opts *EncodeOptions, progress io.Writer) (*Encoder, error) {
	in, err := os.Open(inPath)
	if err != nil {
		return nil, fmt.Errorf("dare: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return nil, fmt.Errorf("dare: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("dare: %s is not a regular file", inPath)
	}
	var src io.Reader = in
	if progress != nil {
		src = io.TeeReader(in, progress)
	}
	var e *Encoder
	err = writeAtomically(outPath, func(w io.Writer) error {
		var err error
		e, err = Encode(w, src, st.Size(), opts)
		return err
	})
	return e, err
}

// DecodeFile decodes the envelope in inPath into outPath. The plaintext
// goes to a temporary file (mode 0600) next to outPath, which is renamed to
// outPath only after every check passed (digest, envelope tag, signatures,
// witness) and removed otherwise: no unverified plaintext is left behind.
func DecodeFile(inPath, outPath string, ring *Keyring, progress io.Writer) (*Result, error) {
	in, err := os.Open(inPath)
	if err != nil {
		return nil, fmt.Errorf("dare: %w", err)
	}
	defer in.Close()
	var src io.Reader = in
	if progress != nil {
		src = io.TeeReader(in, progress)
	}
	var res *Result
	err = writeAtomically(outPath, func(w io.Writer) error {
		var err error
		res, err = Decode(w, src, ring)
		return err
	})
	return res, err
}

// writeAtomically runs write on a new temporary file beside path, syncs
// and renames it to path on success, and removes it on failure.
func writeAtomically(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("dare: creating temporary output: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	// Sync before the rename: otherwise a crash can leave a file of the
	// final name whose contents never reached the disk.
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("dare: syncing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("dare: writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("dare: %w", err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
