package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/internal/atomicfile"
	"github.com/mathmesh/mesh/sequence"
)

// DARE sequence commands (cli.md §11; docs/sequence.md): create, archive,
// append, log, list, dir, index, extract, delete and copy. Archive
// semantics: every data frame carries a ContentMeta with a Filename (or a
// UniqueId) and an Event; a "Delete" frame removes the file from the
// archive's current view (dir, extract --file, copy).

// newDareSequenceCmds returns the sequence commands of the `dare` group.
func newDareSequenceCmds(app *App) []*cobra.Command {
	return []*cobra.Command{
		newDareCreateCmd(app), newDareArchiveCmd(app), newDareAppendCmd(app), newDareLogCmd(app),
		newDareListCmd(app), newDareDirCmd(app), newDareIndexCmd(app), newDareExtractCmd(app),
		newDareDeleteCmd(app), newDareCopyCmd(app),
	}
}

// seqCreateFlags are the options that make a new sequence (SequenceOptions
// and the encryption part of CryptoOptions, cli.md §2).
type seqCreateFlags struct {
	typ        string
	cty        string
	recipients []string
	symmetric  []string
	policy     string
}

// add defines the flags; symFlag names the symmetric-key flag ("key", or
// "encrypt-key" where --key already names a decryption key).
func (f *seqCreateFlags) add(cmd *cobra.Command, defaultCty, symFlag string) {
	cmd.Flags().StringVar(&f.typ, "type", "merkle", "sequence type: list, digest, chain, tree or merkle")
	cmd.Flags().StringVar(&f.cty, "cty", defaultCty, "content type recorded in frame 0")
	cmd.Flags().StringArrayVarP(&f.recipients, "encrypt", "e", nil, "recipient key file (public or private; repeatable): encrypt every frame")
	cmd.Flags().StringArrayVar(&f.symmetric, symFlag, nil, "symmetric key UDF (type 32) to encrypt to (repeatable)")
	cmd.Flags().StringVar(&f.policy, "policy", "isolated", "key exchange: isolated (every frame), once (frame 0) or session")
}

func (f *seqCreateFlags) options() (sequence.Options, error) {
	t, err := sequence.ParseType(strings.ToLower(f.typ))
	if err != nil {
		return sequence.Options{}, fmt.Errorf("--type: %w", err)
	}
	opts := sequence.Options{Type: t, ContentType: f.cty}
	if len(f.recipients)+len(f.symmetric) == 0 {
		return opts, nil
	}
	enc := &sequence.Encryption{}
	switch strings.ToLower(f.policy) {
	case "isolated":
		enc.Mode = sequence.Isolated
	case "once":
		enc.Mode = sequence.Once
	case "session":
		enc.Mode = sequence.Session
	default:
		return opts, fmt.Errorf("--policy %q: want isolated, once or session", f.policy)
	}
	for _, p := range f.recipients {
		k, err := readPublicKey(p)
		if err != nil {
			return opts, fmt.Errorf("--encrypt: %w", err)
		}
		enc.Recipients = append(enc.Recipients, k)
	}
	for _, s := range f.symmetric {
		k, err := dare.ParseSymmetricKey(s)
		if err != nil {
			return opts, fmt.Errorf("--key: %w", err)
		}
		enc.Symmetric = append(enc.Symmetric, k)
	}
	opts.Encryption = enc
	return opts, nil
}

// openSequence opens path, printing a torn-frame repair as a warning.
func openSequence(app *App, path string, readOnly bool, kf *dareKeyFlags) (*sequence.Sequence, error) {
	opts := sequence.Options{ReadOnly: readOnly, Warn: func(m string) { fmt.Fprintf(app.Stderr, "meshman: warning: %s\n", m) }}
	if kf != nil {
		ring, err := kf.keyring()
		if err != nil {
			return nil, err
		}
		opts.Keyring = ring
		opts.Encryption = &sequence.Encryption{Symmetric: ring.Symmetric}
	}
	return sequence.Open(path, opts)
}

// SequenceResult is the output of the commands that write a sequence.
type SequenceResult struct {
	Sequence string  `json:"sequence"`
	Type     string  `json:"type"`
	Frames   int64   `json:"frames"`
	Appended []int64 `json:"appended,omitempty"`
	Action   string  `json:"action"`
}

func (r *SequenceResult) Text() string {
	s := fmt.Sprintf("%s %s (%s sequence, %d frames)", r.Action, r.Sequence, r.Type, r.Frames)
	if len(r.Appended) == 1 {
		s += fmt.Sprintf(": frame %d", r.Appended[0])
	} else if len(r.Appended) > 1 {
		s += fmt.Sprintf(": frames %d to %d", r.Appended[0], r.Appended[len(r.Appended)-1])
	}
	return s
}

func seqResult(s *sequence.Sequence, action string, appended ...int64) *SequenceResult {
	return &SequenceResult{Sequence: s.Path(), Type: s.Type().String(), Frames: s.Len(), Appended: appended, Action: action}
}

func newDareCreateCmd(app *App) *cobra.Command {
	var f seqCreateFlags
	cmd := &cobra.Command{
		Use:   "create FILE",
		Short: "make an empty DARE sequence (frame 0 only)",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options()
			if err != nil {
				return app.Errorf("dare create: %v", err)
			}
			s, err := sequence.Create(args[0], opts)
			if err != nil {
				return app.Errorf("dare create: %v", err)
			}
			res := seqResult(s, "Created")
			if err := s.Close(); err != nil {
				return app.Errorf("dare create: %v", err)
			}
			return app.Emit(res)
		},
	}
	f.add(cmd, "", "key")
	return cmd
}

// readPayloadFile reads a file to append, within the payload limit.
func readPayloadFile(path string) ([]byte, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > sequence.MaxPayloadSize {
		return nil, nil, fmt.Errorf("%s has %d bytes, the frame payload limit is %d", path, st.Size(), sequence.MaxPayloadSize)
	}
	b, err := os.ReadFile(path)
	return b, st, err
}

// fileEntry is the frame for an archived file (dare.md §2.5, §9.4).
func fileEntry(name string, data []byte, st fs.FileInfo, cty string) sequence.Entry {
	mod := st.ModTime().UTC().Truncate(time.Second)
	return sequence.Entry{Payload: data, Meta: &dare.ContentMeta{
		Filename: filepath.ToSlash(name), Event: "New", ContentType: cty, Modified: &mod,
		FileEntry: &dare.FileEntry{Path: filepath.ToSlash(name), LastWriteTime: &mod},
	}}
}

func newDareArchiveCmd(app *App) *cobra.Command {
	var f seqCreateFlags
	var out string
	var index bool
	cmd := &cobra.Command{
		Use:   "archive DIR --out FILE",
		Short: "archive the files of a directory (recursively) into a new sequence",
		Args:  exactArgs(1, "DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return app.Errorf("dare archive: --out FILE is required")
			}
			opts, err := f.options()
			if err != nil {
				return app.Errorf("dare archive: %v", err)
			}
			s, appended, err := archiveDir(args[0], out, opts, index)
			if err != nil {
				return app.Errorf("dare archive: %v", err)
			}
			res := seqResult(s, "Archived "+args[0]+" into", appended...)
			if err := s.Close(); err != nil {
				return app.Errorf("dare archive: %v", err)
			}
			return app.Emit(res)
		},
	}
	f.add(cmd, "application/mmm-archive", "key")
	cmd.Flags().StringVar(&out, "out", "", "sequence file to create")
	cmd.Flags().BoolVar(&index, "index", true, "append an index frame at the end")
	return cmd
}

// archiveDir writes every regular file under dir, in path order, as one
// frame of a new sequence, with a single fsync at the end.
func archiveDir(dir, out string, opts sequence.Options, index bool) (*sequence.Sequence, []int64, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	sync := opts.Sync
	opts.Sync = sequence.SyncNone
	s, err := sequence.Create(out, opts)
	if err != nil {
		return nil, nil, err
	}
	var appended []int64
	ids := map[int64]string{}
	for _, p := range files {
		data, st, err := readPayloadFile(p)
		if err == nil {
			rel, _ := filepath.Rel(dir, p)
			var i int64
			i, err = s.Append(fileEntry(rel, data, st, ""))
			appended, ids[i] = append(appended, i), filepath.ToSlash(rel)
		}
		if err != nil {
			s.Close()
			return nil, nil, err
		}
	}
	if index {
		if _, err := s.AppendIndex(ids); err != nil {
			s.Close()
			return nil, nil, err
		}
	}
	if sync == sequence.SyncAlways {
		err = s.Sync()
	}
	return s, appended, err
}

func newDareAppendCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	var id, cty string
	var index bool
	cmd := &cobra.Command{
		Use:   "append SEQUENCE FILE",
		Short: "append a file to a sequence",
		Args:  exactArgs(2, "SEQUENCE", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, st, err := readPayloadFile(args[1])
			if err != nil {
				return app.Errorf("dare append: %v", err)
			}
			if id == "" {
				id = filepath.Base(args[1])
			}
			return appendEntries(app, "dare append", args[0], &kf, index, fileEntry(id, data, st, cty))
		},
	}
	kf.add(cmd)
	cmd.Flags().StringVar(&id, "id", "", "name of the file in the archive (default: its base name)")
	cmd.Flags().StringVar(&cty, "cty", "", "content type")
	cmd.Flags().BoolVar(&index, "index", false, "also append an index frame")
	return cmd
}

func newDareLogCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	cmd := &cobra.Command{
		Use:   "log SEQUENCE TEXT",
		Short: "append a text entry to a sequence",
		Args:  exactArgs(2, "SEQUENCE", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now().UTC().Truncate(time.Second)
			e := sequence.Entry{Payload: []byte(args[1]), Meta: &dare.ContentMeta{ContentType: "text/plain", Event: "New", Created: &now}}
			return appendEntries(app, "dare log", args[0], &kf, false, e)
		},
	}
	kf.add(cmd)
	return cmd
}

// appendEntries opens a sequence for writing, appends entries (and an
// index frame if asked) and closes it.
func appendEntries(app *App, name, path string, kf *dareKeyFlags, index bool, entries ...sequence.Entry) error {
	s, err := openSequence(app, path, false, kf)
	if err != nil {
		return app.Errorf("%s: %v", name, err)
	}
	first, err := s.AppendBatch(entries)
	if err == nil && index {
		_, err = s.AppendIndex(nil)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return app.Errorf("%s: %v", name, err)
	}
	appended := make([]int64, len(entries))
	for i := range appended {
		appended[i] = first + int64(i)
	}
	return app.Emit(seqResult(s, "Appended to", appended...))
}

func newDareIndexCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	cmd := &cobra.Command{
		Use:   "index SEQUENCE",
		Short: "append an index frame listing the position of every frame",
		Args:  exactArgs(1, "SEQUENCE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openSequence(app, args[0], false, &kf)
			if err != nil {
				return app.Errorf("dare index: %v", err)
			}
			ids := map[int64]string{}
			view, err := archiveView(s)
			if err == nil {
				for _, e := range view.Entries {
					ids[e.Index] = e.Name
				}
				var i int64
				if i, err = s.AppendIndex(ids); err == nil {
					err = s.Close()
					if err == nil {
						return app.Emit(seqResult(s, "Indexed", i))
					}
				}
			}
			s.Close()
			return app.Errorf("dare index: %v", err)
		},
	}
	kf.add(cmd)
	return cmd
}

func newDareDeleteCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	var file string
	cmd := &cobra.Command{
		Use:   "delete SEQUENCE --file NAME",
		Short: "mark a file deleted in an archive (appends a Delete frame)",
		Args:  exactArgs(1, "SEQUENCE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return app.Errorf("dare delete: --file NAME is required")
			}
			s, err := openSequence(app, args[0], true, nil)
			if err != nil {
				return app.Errorf("dare delete: %v", err)
			}
			view, err := archiveView(s)
			s.Close()
			if err != nil {
				return app.Errorf("dare delete: %v", err)
			}
			if view.find(file) == nil {
				return app.Errorf("dare delete: %s: no file named %q in the archive", args[0], file)
			}
			e := sequence.Entry{Meta: &dare.ContentMeta{Filename: file, Event: "Delete"}}
			return appendEntries(app, "dare delete", args[0], &kf, false, e)
		},
	}
	kf.add(cmd)
	cmd.Flags().StringVar(&file, "file", "", "name of the file to delete")
	return cmd
}

// writeOutput writes data to path atomically, refusing to replace a file
// unless force.
func writeOutput(path string, data []byte, force bool) error {
	if err := checkOutput(path, force); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}
