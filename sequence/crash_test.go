package sequence

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestTornTailEveryOffset cuts the file at every byte offset inside the last
// frame: Open must truncate the torn frame with a warning, keep every
// earlier frame, verify, and accept appends again.
func TestTornTailEveryOffset(t *testing.T) {
	for _, typ := range []Type{List, Merkle} {
		s, path := newSeq(t, typ, 5)
		offs := s.Offsets()
		full := s.Size()
		last := offs[len(offs)-1]
		s.Close()
		orig, _ := os.ReadFile(path)
		for cut := last + 1; cut < full; cut++ {
			if err := os.WriteFile(path, orig[:cut], 0o600); err != nil {
				t.Fatal(err)
			}
			var warnings []string
			s, err := Open(path, Options{Warn: func(m string) { warnings = append(warnings, m) }})
			if err != nil {
				t.Fatalf("%v cut at %d: Open: %v", typ, cut, err)
			}
			if s.Len() != 5 || s.Recovered() == nil || s.Recovered().Offset != last || len(warnings) != 1 {
				t.Fatalf("%v cut at %d: len %d, recovery %+v, warnings %q", typ, cut, s.Len(), s.Recovered(), warnings)
			}
			if st, _ := os.Stat(path); st.Size() != last {
				t.Fatalf("%v cut at %d: file not truncated to %d (size %d)", typ, cut, last, st.Size())
			}
			if err := s.Verify(); err != nil {
				t.Fatalf("%v cut at %d: Verify: %v", typ, cut, err)
			}
			if _, err := s.Append(Entry{Payload: payloadFor(5)}); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(); err != nil {
				t.Fatalf("%v cut at %d: Verify after append: %v", typ, cut, err)
			}
			s.Close()
		}
	}
}

// TestZeroFilledTail: a file extended with zeros (a power failure on some
// file systems) is repaired like a torn frame.
func TestZeroFilledTail(t *testing.T) {
	s, path := newSeq(t, Merkle, 3)
	size := s.Size()
	s.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 4096))
	f.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := s.Recovered(); r == nil || r.Offset != size || r.Dropped != 4096 {
		t.Fatalf("recovery %+v", r)
	}
}

// TestMidFileDamageIsNotTorn: damage followed by more frames is an error
// naming the frame, never a silent truncation.
func TestMidFileDamageIsNotTorn(t *testing.T) {
	s, path := newSeq(t, Merkle, 6)
	offs := s.Offsets()
	s.Close()
	b, _ := os.ReadFile(path)
	b[offs[4]-1] ^= 0x01 // reverse tag of frame 3
	os.WriteFile(path, b, 0o600)
	_, err := Open(path, Options{})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Torn || fe.Index != 3 {
		t.Fatalf("Open = %v, want a FormatError for frame 3", err)
	}
	if st, _ := os.Stat(path); st.Size() != int64(len(b)) {
		t.Fatal("damaged file was modified")
	}
}

const crashChildEnv = "SEQUENCE_CRASH_CHILD"

// TestCrashChild is the child process of TestCrashKill: it appends frames
// in a loop and reports each acknowledged index on stdout.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("helper process for TestCrashKill")
	}
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		idx, err := s.Append(Entry{Payload: crashPayload(s.Len())})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Fprintln(w, idx)
		w.Flush()
	}
}

func crashPayload(i int64) []byte {
	return bytes.Repeat([]byte(strconv.FormatInt(i, 10)+" "), 1+int(i%37))
}

// TestCrashKill runs a child that appends with the default durability and
// kills it with SIGKILL at random times, many times. After each kill the
// sequence must reopen, keep every frame whose Append returned (as the
// child reported over its pipe) intact, and verify.
func TestCrashKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "crash.dare")
	s, err := Create(path, Options{Type: Merkle})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	rounds := 25
	acked := int64(0)
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(time.Duration(5+rand.IntN(60))*time.Millisecond, func() { cmd.Process.Signal(syscall.SIGKILL) })
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			n, err := strconv.ParseInt(line, 10, 64)
			if err != nil {
				t.Fatalf("child: %s", line)
			}
			acked = max(acked, n)
		}
		cmd.Wait()
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		if s.Len() <= acked {
			t.Fatalf("round %d: %d frames after reopen, frame %d was acknowledged", round, s.Len(), acked)
		}
		if err := s.Verify(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for i := int64(1); i <= acked; i += 1 + acked/50 {
			f, err := s.Frame(i)
			if err != nil || !bytes.Equal(f.Payload, crashPayload(i)) {
				t.Fatalf("round %d: acknowledged frame %d lost or damaged: %v", round, i, err)
			}
		}
		s.Close()
	}
	t.Logf("%d rounds, %d frames acknowledged", rounds, acked)
}
