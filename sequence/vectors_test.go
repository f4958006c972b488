package sequence

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

type vectors struct {
	PreviousFrame struct {
		ID     string  `json:"id"`
		From   int64   `json:"n_from"`
		Values []int64 `json:"values"`
	} `json:"previous_frame"`
	ListFile struct {
		ID         string `json:"id"`
		PayloadLen int    `json:"payload_len"`
		H0Len      int    `json:"frame0_header_len"`
		H1Len      int    `json:"frame1_header_len"`
		F0Prefix   string `json:"frame0_prefix"`
		F1Prefix   string `json:"frame1_prefix"`
		FileSize   int    `json:"file_size"`
		SHA256     string `json:"sha256"`
	} `json:"list_file"`
	Chain struct {
		ID            string `json:"id"`
		PayloadLen    int    `json:"payload_len"`
		PayloadDigest string `json:"payload_digest"`
		ChainDigest   string `json:"chain_digest"`
	} `json:"chain"`
	Merkle struct {
		ID            string           `json:"id"`
		PayloadLen    int              `json:"payload_len"`
		Offsets       []int64          `json:"offsets"`
		TreePositions map[string]int64 `json:"tree_positions"`
		TreeDigests   []struct {
			Frame  int64  `json:"frame"`
			GPower int    `json:"g_power"`
			Value  string `json:"value"`
		} `json:"tree_digests"`
	} `json:"merkle"`
}

func loadVectors(t *testing.T) *vectors {
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func unb64(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rampPayload is the [D12] §14 example payload: byte i mod 256.
func rampPayload(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i)
	}
	return p
}

// TestPreviousFrameV20 checks the PreviousFrame table (dare.md V-20).
func TestPreviousFrameV20(t *testing.T) {
	v := loadVectors(t).PreviousFrame
	for i, want := range v.Values {
		n := v.From + int64(i)
		if got := PreviousFrame(n); got != want {
			t.Errorf("%s: PreviousFrame(%d) = %d, want %d", v.ID, n, got, want)
		}
	}
}

// TestListFileV15 rebuilds the [D12] §14.1 List sequence with the
// reference JSON layout, checks its published framing and digest, and reads
// it back forwards and backwards.
func TestListFileV15(t *testing.T) {
	v := loadVectors(t).ListFile
	h0, err := jsonb.MarshalRef(&dare.Header{
		Policy:          &dare.Policy{},
		ContentMetaData: []byte("{}"),
		SequenceInfo:    &dare.SequenceInfo{DataEncoding: "JSON", ContainerType: "List", Index: int64p(0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	h1, err := jsonb.MarshalRef(&dare.Header{ContentMetaData: []byte("{}"), SequenceInfo: &dare.SequenceInfo{Index: int64p(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h0) != v.H0Len || len(h1) != v.H1Len {
		t.Errorf("%s: headers of %d and %d bytes, want %d and %d", v.ID, len(h0), len(h1), v.H0Len, v.H1Len)
	}
	file := appendFrame(nil, h0, nil, []byte{})
	f1 := len(file)
	file = appendFrame(file, h1, rampPayload(v.PayloadLen))
	if !bytes.HasPrefix(file, mustHex(t, v.F0Prefix)) || !bytes.HasPrefix(file[f1:], mustHex(t, v.F1Prefix)) {
		t.Errorf("%s: framing %x / %x", v.ID, file[:4], file[f1:f1+5])
	}
	if sum := sha256.Sum256(file); len(file) != v.FileSize || hex.EncodeToString(sum[:]) != v.SHA256 {
		t.Errorf("%s: file is %d bytes with SHA-256 %x, want %d bytes, %s", v.ID, len(file), sum, v.FileSize, v.SHA256)
	}
	path := filepath.Join(t.TempDir(), "v15.dare")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Type() != List || s.Len() != 2 {
		t.Fatalf("%s: type %v, %d frames", v.ID, s.Type(), s.Len())
	}
	if err := s.Verify(); err != nil {
		t.Fatalf("%s: %v", v.ID, err)
	}
	var got [][]byte
	if err := s.Backward(func(f *Frame) bool { got = append(got, f.Payload); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got[0], rampPayload(v.PayloadLen)) || len(got[1]) != 0 {
		t.Errorf("%s: backward read wrong payloads", v.ID)
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReferenceDigestsV16V17 checks the degenerate reference digests
// (dare.md §8.7) that Verify accepts in reference mode.
func TestReferenceDigestsV16V17(t *testing.T) {
	v := loadVectors(t)
	pd := sha512.Sum512(rampPayload(v.Chain.PayloadLen))
	if !bytes.Equal(pd[:], unb64(t, v.Chain.PayloadDigest)) {
		t.Fatalf("%s: payload digest differs", v.Chain.ID)
	}
	if got := refG(pd[:]); !bytes.Equal(got, unb64(t, v.Chain.ChainDigest)) {
		t.Errorf("%s: G(PD) differs from the published ChainDigest", v.Chain.ID)
	}
	for _, td := range v.Merkle.TreeDigests {
		want := unb64(t, td.Value)
		x := pd[:]
		for i := 0; i < td.GPower; i++ {
			x = refG(x)
		}
		if !bytes.Equal(x, want) {
			t.Errorf("%s frame %d: G^%d(PD) differs from the published TreeDigest", v.Merkle.ID, td.Frame, td.GPower)
		}
		if !refTreeDigestMatches(want, pd[:], td.Frame) {
			t.Errorf("%s frame %d: published TreeDigest not accepted as a reference value", v.Merkle.ID, td.Frame)
		}
	}
	for k, want := range v.Merkle.TreePositions {
		n, _ := strconv.ParseInt(k, 10, 64)
		if got := v.Merkle.Offsets[PreviousFrame(n)]; got != want {
			t.Errorf("%s frame %d: TreePosition %d, want %d", v.Merkle.ID, n, got, want)
		}
	}
}

// TestReferenceMerkleV17 rebuilds the [D12] §14.3 Merkle sequence the way
// the reference writes it (streamed path, N = index+1, dare.md §8.7), checks
// the published frame offsets, and checks that Verify accepts its
// degenerate tree digests in reference mode.
func TestReferenceMerkleV17(t *testing.T) {
	v := loadVectors(t).Merkle
	meta := []byte("{}")
	pd0 := sha512.Sum512(nil)
	h0, _ := jsonb.MarshalRef(&dare.Header{Dig: "S512", Policy: &dare.Policy{}, ContentMetaData: meta,
		SequenceInfo: &dare.SequenceInfo{DataEncoding: "JSON", ContainerType: "Merkle", Index: int64p(0)}})
	t0, _ := jsonb.MarshalRef(&dare.Trailer{PayloadDigest: pd0[:], TreeDigest: refG(pd0[:])})
	file := appendFrame(nil, h0, nil, t0)
	offsets := []int64{0}
	payload := rampPayload(v.PayloadLen)
	pd := sha512.Sum512(payload)
	for i := int64(1); i < int64(len(v.Offsets)); i++ {
		offsets = append(offsets, int64(len(file)))
		h, _ := jsonb.MarshalRef(&dare.Header{Dig: "S512", ContentMetaData: meta,
			SequenceInfo: &dare.SequenceInfo{Index: int64p(i), TreePosition: int64p(offsets[PreviousFrame(i)])}})
		td := pd[:]
		for k := 0; k < trailingZeros(i+2)+1; k++ {
			td = refG(td)
		}
		tr, _ := jsonb.MarshalRef(&dare.Trailer{PayloadDigest: pd[:], TreeDigest: td})
		file = appendFrame(file, h, payload, tr)
	}
	offsets = append(offsets, int64(len(file)))
	if diff := cmp.Diff(v.Offsets, offsets[:len(v.Offsets)]); diff != "" {
		t.Errorf("%s: rebuilt frame offsets differ from the published ones (-want +got):\n%s", v.ID, diff)
	}
	path := filepath.Join(t.TempDir(), "v17.dare")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Verify(); err != nil {
		t.Fatalf("%s: reference-mode Merkle sequence rejected: %v", v.ID, err)
	}
	if s.Integrity() != modeRef.String() {
		t.Errorf("%s: Integrity = %q, want the reference mode", v.ID, s.Integrity())
	}
}

// TestJBCDFrameV19 reads the two-record frame of dare.md V-19.
func TestJBCDFrameV19(t *testing.T) {
	raw, _ := os.ReadFile("testdata/vectors.json")
	var v struct {
		F struct {
			ID, Hex, Header, Payload string
			Records                  int
		} `json:"jbcd_frame"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b := mustHex(t, v.F.Hex)
	content, end, err := readFrameAt(bytesReaderAt(b), 0, int64(len(b)), 0)
	if err != nil || end != int64(len(b)) {
		t.Fatalf("%s: %v (end %d)", v.F.ID, err, end)
	}
	r, err := splitRecords(content, 2)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.header) != v.F.Header || string(r.payload) != v.F.Payload || r.trailer != nil || r.count != v.F.Records {
		t.Errorf("%s: records %q %q %q (%d)", v.F.ID, r.header, r.payload, r.trailer, r.count)
	}
	if start, err := frameStartBefore(bytesReaderAt(b), int64(len(b))); err != nil || start != 0 {
		t.Errorf("%s: backward read gives start %d, %v", v.F.ID, start, err)
	}
	if re := appendFrame(nil, r.header, r.payload); !bytes.Equal(re, b) {
		t.Errorf("%s: re-encoded as %x", v.F.ID, re)
	}
}

// TestRealStoreV18 reads the reference's real host store file (dare.md
// V-18), a Merkle sequence written through the envelope-append path. The
// file is not part of this repository: set SEQUENCE_V18 to its path.
func TestRealStoreV18(t *testing.T) {
	path := os.Getenv("SEQUENCE_V18")
	if path == "" {
		t.Skip("SEQUENCE_V18 not set")
	}
	raw, _ := os.ReadFile("testdata/vectors.json")
	var v struct {
		F struct {
			ID          string  `json:"id"`
			Size        int     `json:"size"`
			SHA256      string  `json:"sha256"`
			Offsets     []int64 `json:"offsets"`
			PayloadLens []int   `json:"payload_lens"`
			UniqueID    string  `json:"unique_id"`
		} `json:"store_file"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != v.F.SHA256 || len(b) != v.F.Size {
		t.Fatalf("%s: %s is not the reference file", v.F.ID, path)
	}
	s, err := Open(path, Options{ReadOnly: true, Verify: true})
	if err != nil {
		t.Fatalf("%s: %v", v.F.ID, err)
	}
	defer s.Close()
	if diff := cmp.Diff(v.F.Offsets, s.Offsets()); diff != "" || s.Type() != Merkle {
		t.Fatalf("%s: type %v, offsets (-want +got):\n%s", v.F.ID, s.Type(), diff)
	}
	for i, n := range v.F.PayloadLens {
		f, err := s.Frame(int64(i))
		if err != nil || len(f.Payload) != n {
			t.Fatalf("%s: frame %d: %v", v.F.ID, i, err)
		}
	}
	f, _ := s.Frame(1)
	if m, err := f.Meta(); err != nil || m.UniqueID != v.F.UniqueID || m.Event != "New" {
		t.Errorf("%s: frame 1 meta %+v, %v", v.F.ID, m, err)
	}
	if f.Header.PayloadDigest == nil || !refTreeDigestMatches(f.Header.TreeDigest, f.Header.PayloadDigest, 1) {
		t.Errorf("%s: frame 1 should carry PayloadDigest and the G²(PD) TreeDigest in its header (envelope-append path)", v.F.ID)
	}
}
