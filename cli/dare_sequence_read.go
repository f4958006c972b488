package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/sequence"
)

// SequenceEntry describes one frame in a listing.
type SequenceEntry struct {
	Index       int64  `json:"index"`
	Offset      int64  `json:"offset"`
	Name        string `json:"name,omitempty"`
	Event       string `json:"event,omitempty"`
	ContentType string `json:"cty,omitempty"`
	Size        int    `json:"size"`
	Encrypted   bool   `json:"encrypted,omitempty"`
	Meta        bool   `json:"meta,omitempty"`
}

// SequenceListing is the output of `dare list` and `dare dir`.
type SequenceListing struct {
	Sequence string `json:"sequence"`
	Type     string `json:"type"`
	Frames   int64  `json:"frames"`
	Verified bool   `json:"verified"`
	// Integrity says what the chain or tree digests are (Sequence.Integrity).
	Integrity string          `json:"integrity,omitempty"`
	Entries   []SequenceEntry `json:"entries"`
}

func (l *SequenceListing) Text() string {
	var b strings.Builder
	state := "not verified"
	if l.Verified {
		state = "verified"
		if l.Integrity != "" && l.Integrity != "none" {
			state += ", digests " + l.Integrity
		}
	}
	fmt.Fprintf(&b, "%s: %s sequence, %d frames, %s\n", l.Sequence, l.Type, l.Frames, state)
	for _, e := range l.Entries {
		kind := e.Event
		if e.Meta {
			kind = "Index"
		}
		enc := ""
		if e.Encrypted {
			enc = " (encrypted)"
		}
		fmt.Fprintf(&b, "%6d  %-6s  %10d  %s%s\n", e.Index, kind, e.Size, e.Name, enc)
	}
	return b.String()
}

// find returns the live entry named name.
func (l *SequenceListing) find(name string) *SequenceEntry {
	for i := range l.Entries {
		if l.Entries[i].Name == name {
			return &l.Entries[i]
		}
	}
	return nil
}

// frameEntry describes frame f.
func frameEntry(f *sequence.Frame) (SequenceEntry, error) {
	m, err := f.Meta()
	if err != nil {
		return SequenceEntry{}, fmt.Errorf("frame %d: %w", f.Index, err)
	}
	name := m.Filename
	if name == "" {
		name = m.UniqueID
	}
	si := f.Header.SequenceInfo
	return SequenceEntry{
		Index: f.Index, Offset: f.Offset, Name: name, Event: m.Event, ContentType: m.ContentType,
		Size: len(f.Payload), Encrypted: f.Header.Enc != "", Meta: si != nil && si.IsMeta,
	}, nil
}

// listing lists every data frame of s.
func listing(s *sequence.Sequence) (*SequenceListing, error) {
	l := &SequenceListing{Sequence: s.Path(), Type: s.Type().String(), Frames: s.Len()}
	for i := int64(1); i < s.Len(); i++ {
		f, err := s.Frame(i)
		if err != nil {
			return nil, err
		}
		e, err := frameEntry(f)
		if err != nil {
			return nil, err
		}
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

// archiveView replays the archive (dare.md §9.2, §9.4): the latest frame of
// each name, without those whose last event is Delete, in order of first
// appearance. Unnamed entries (log text) are listed by index.
func archiveView(s *sequence.Sequence) (*SequenceListing, error) {
	all, err := listing(s)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	var live []SequenceEntry
	for _, e := range all.Entries {
		if e.Meta {
			continue
		}
		if e.Name == "" {
			e.Name = "#" + strconv.FormatInt(e.Index, 10)
		}
		i, seen := pos[e.Name]
		switch {
		case e.Event == "Delete" && seen:
			live[i].Event = "Delete"
		case e.Event == "Delete":
		case seen:
			live[i] = e
		default:
			pos[e.Name] = len(live)
			live = append(live, e)
		}
	}
	view := &SequenceListing{Sequence: all.Sequence, Type: all.Type, Frames: all.Frames}
	for _, e := range live {
		if e.Event != "Delete" {
			view.Entries = append(view.Entries, e)
		}
	}
	return view, nil
}

func newDareListCmd(app *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "list SEQUENCE [OUT]",
		Short: "verify a sequence and list every frame (to OUT if given)",
		Args:  rangeArgs(1, 2, "SEQUENCE", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openSequence(app, args[0], true, nil)
			if err != nil {
				return app.Errorf("dare list: %v", err)
			}
			defer s.Close()
			if err := s.Verify(); err != nil {
				return app.Errorf("dare list: %v", err)
			}
			l, err := listing(s)
			if err != nil {
				return app.Errorf("dare list: %v", err)
			}
			l.Verified, l.Integrity = true, s.Integrity()
			if len(args) == 2 {
				if err := writeOutput(args[1], []byte(l.Text()), force); err != nil {
					return app.Errorf("dare list: %v", err)
				}
				return app.Emit(&SequenceResult{Sequence: s.Path(), Type: l.Type, Frames: l.Frames, Action: "Listed " + args[1] + " from"})
			}
			return app.Emit(l)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite OUT if it exists")
	return cmd
}

func newDareDirCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "dir SEQUENCE",
		Short: "list the files currently in an archive (deleted files left out)",
		Args:  exactArgs(1, "SEQUENCE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openSequence(app, args[0], true, nil)
			if err != nil {
				return app.Errorf("dare dir: %v", err)
			}
			defer s.Close()
			v, err := archiveView(s)
			if err != nil {
				return app.Errorf("dare dir: %v", err)
			}
			return app.Emit(v)
		},
	}
}

// ExtractResult is the output of `dare extract`.
type ExtractResult struct {
	Sequence string `json:"sequence"`
	Index    int64  `json:"index"`
	Output   string `json:"output"`
	Size     int    `json:"size"`
}

func (r *ExtractResult) Text() string {
	return fmt.Sprintf("Wrote frame %d of %s to %s (%d bytes)", r.Index, r.Sequence, r.Output, r.Size)
}

func newDareExtractCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	var record int64
	var file string
	var force bool
	cmd := &cobra.Command{
		Use:   "extract SEQUENCE OUT",
		Short: "write one entry (--record N, --file NAME, or the last) to OUT, decrypted",
		Args:  exactArgs(2, "SEQUENCE", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openSequence(app, args[0], true, &kf)
			if err != nil {
				return app.Errorf("dare extract: %v", err)
			}
			defer s.Close()
			i, err := pickRecord(s, record, file)
			if err != nil {
				return app.Errorf("dare extract: %s: %v", args[0], err)
			}
			f, err := s.Frame(i)
			if err != nil {
				return app.Errorf("dare extract: %v", err)
			}
			data, err := s.Plaintext(f, nil)
			if err != nil {
				return app.Errorf("dare extract: %v", err)
			}
			if err := writeOutput(args[1], data, force); err != nil {
				return app.Errorf("dare extract: %v", err)
			}
			return app.Emit(&ExtractResult{Sequence: args[0], Index: i, Output: args[1], Size: len(data)})
		},
	}
	kf.add(cmd)
	cmd.Flags().Int64Var(&record, "record", -1, "frame index to extract (default: the last data frame)")
	cmd.Flags().StringVar(&file, "file", "", "name of the archived file to extract")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite OUT if it exists")
	return cmd
}

// pickRecord resolves --record / --file to a frame index.
func pickRecord(s *sequence.Sequence, record int64, file string) (int64, error) {
	switch {
	case file != "" && record >= 0:
		return 0, fmt.Errorf("give --record or --file, not both")
	case file != "":
		v, err := archiveView(s)
		if err != nil {
			return 0, err
		}
		if e := v.find(file); e != nil {
			return e.Index, nil
		}
		return 0, fmt.Errorf("no file named %q in the archive", file)
	case record >= 0:
		if record == 0 || record >= s.Len() {
			return 0, fmt.Errorf("--record %d: the data frames are 1 to %d", record, s.Len()-1)
		}
		return record, nil
	case s.Len() < 2:
		return 0, fmt.Errorf("the sequence has no data frames")
	}
	return s.Len() - 1, nil
}

func newDareCopyCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	var f seqCreateFlags
	var decrypt, purge, index bool
	cmd := &cobra.Command{
		Use:   "copy IN OUT",
		Short: "copy a sequence into a new one (dropping deleted files, optionally decrypting)",
		Args:  exactArgs(2, "IN", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Lstat(args[1]); err == nil {
				return app.Errorf("dare copy: %s already exists", args[1])
			}
			in, err := openSequence(app, args[0], true, &kf)
			if err != nil {
				return app.Errorf("dare copy: %v", err)
			}
			defer in.Close()
			if err := in.Verify(); err != nil {
				return app.Errorf("dare copy: %v", err)
			}
			opts, err := f.options()
			if err != nil {
				return app.Errorf("dare copy: %v", err)
			}
			out, n, err := copySequence(in, args[1], opts, decrypt, purge, index)
			if err != nil {
				return app.Errorf("dare copy: %v", err)
			}
			res := seqResult(out, fmt.Sprintf("Copied %d entries of %s into", n, args[0]))
			if err := out.Close(); err != nil {
				return app.Errorf("dare copy: %v", err)
			}
			return app.Emit(res)
		},
	}
	kf.add(cmd)
	f.add(cmd, "", "encrypt-key")
	cmd.Flags().BoolVar(&decrypt, "decrypt", false, "decrypt the entries (the copy is encrypted only with --encrypt)")
	cmd.Flags().BoolVar(&purge, "purge", true, "leave out deleted files and superseded versions")
	cmd.Flags().BoolVar(&index, "index", true, "append an index frame at the end")
	return cmd
}
