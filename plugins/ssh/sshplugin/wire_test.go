package sshplugin

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
)

// wireVector is one raw ssh-agent exchange (testdata/wire.json): the bytes
// a client writes, the bytes the agent must answer, whether it must close
// the connection, and which check a negative vector exercises.
type wireVector struct {
	Name    string `json:"name"`
	Request string `json:"request"`
	Reply   string `json:"reply"`
	Closed  bool   `json:"closed"`
	Check   string `json:"check"`
}

func loadWireVectors(t testing.TB) []wireVector {
	t.Helper()
	data, err := os.ReadFile("testdata/wire.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []wireVector
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&vs); err != nil {
		t.Fatalf("testdata/wire.json: %v", err)
	}
	return vs
}

// memConn is a client that sends its bytes and then hangs up.
type memConn struct {
	r *bytes.Reader
	w bytes.Buffer
}

func (m *memConn) Read(p []byte) (int, error)  { return m.r.Read(p) }
func (m *memConn) Write(p []byte) (int, error) { return m.w.Write(p) }
func (m *memConn) Close() error                { return nil }

// exchange sends req to a server with no keys and returns its answer and
// whether it dropped the connection for an error (rather than serving
// until the client hung up).
func exchange(t testing.TB, req []byte) (reply []byte, closed bool) {
	t.Helper()
	srv := NewServer(newMemBackend(time.Now), Options{})
	defer srv.Close()
	c := &memConn{r: bytes.NewReader(req)}
	err := srv.ServeConn(c, Peer{})
	return c.w.Bytes(), err != nil
}

func TestWireVectors(t *testing.T) {
	for _, v := range loadWireVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			req, err := hex.DecodeString(v.Request)
			if err != nil {
				t.Fatal(err)
			}
			want, err := hex.DecodeString(v.Reply)
			if err != nil {
				t.Fatal(err)
			}
			got, closed := exchange(t, req)
			if !bytes.Equal(got, want) {
				t.Errorf("reply %x, want %x (check %q)", got, want, v.Check)
			}
			if closed != v.Closed {
				t.Errorf("closed = %v, want %v (check %q)", closed, v.Closed, v.Check)
			}
		})
	}
}

func TestFrameSizeError(t *testing.T) {
	f := newFrameConn(bytes.NewBuffer([]byte{0, 0x10, 0, 0}))
	_, err := f.Read(make([]byte, 4))
	var fe errFrameSize
	if !errors.As(err, &fe) || fe.n != 0x100000 {
		t.Fatalf("Read = %v, want a frame size error for 1048576 bytes", err)
	}
}

// FuzzServeConn feeds arbitrary client bytes to a server: it must never
// panic, and every reply it sends is a well-formed frame.
func FuzzServeConn(f *testing.F) {
	for _, v := range loadWireVectors(f) {
		req, _ := hex.DecodeString(v.Request)
		f.Add(req)
	}
	f.Fuzz(func(t *testing.T, req []byte) {
		reply, _ := exchange(t, req)
		for len(reply) > 0 {
			if len(reply) < 5 {
				t.Fatalf("truncated reply frame %x", reply)
			}
			n := int(uint32(reply[0])<<24 | uint32(reply[1])<<16 | uint32(reply[2])<<8 | uint32(reply[3]))
			if n == 0 || 4+n > len(reply) {
				t.Fatalf("reply frame of %d bytes in %d", n, len(reply))
			}
			reply = reply[4+n:]
		}
	})
}
