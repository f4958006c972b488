package sequence

import (
	"bytes"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

// TestFastPathMatchesMarshal pins the fast-path encoders to jsonb.Marshal
// of the same header and trailer values.
func TestFastPathMatchesMarshal(t *testing.T) {
	pd := bytes.Repeat([]byte{0xA5}, 64)
	link := bytes.Repeat([]byte{0x3C}, 64)
	treeLink := bytes.Repeat([]byte{0x3C}, 32)
	for _, meta := range [][]byte{[]byte("{}"), []byte(`{"UniqueId":"x","Event":"New"}`)} {
		for _, dig := range []bool{false, true} {
			for _, tp := range []int64{-1, 0, 123456789} {
				h := dare.Header{ContentMetaData: meta, SequenceInfo: &dare.SequenceInfo{Index: int64p(77)}}
				if dig {
					h.Dig = "S512"
				}
				if tp >= 0 {
					h.SequenceInfo.TreePosition = int64p(tp)
				}
				want, err := jsonb.Marshal(&h)
				if err != nil {
					t.Fatal(err)
				}
				if got := appendFastHeader(nil, dig, meta, 77, tp); !bytes.Equal(got, want) {
					t.Errorf("fast header\n got %s\nwant %s", got, want)
				}
				if !matchFastHeader(want, 77, tp) {
					t.Errorf("fast path rejects %s", want)
				}
				if matchFastHeader(want, 78, tp) {
					t.Errorf("fast path accepts %s as index 78", want)
				}
			}
		}
	}
	for _, tc := range []struct {
		tr   dare.Trailer
		link []byte
		tree bool
	}{
		{dare.Trailer{PayloadDigest: pd}, nil, false},
		{dare.Trailer{PayloadDigest: pd, ChainDigest: link}, link, false},
		{dare.Trailer{PayloadDigest: pd, TreeDigest: treeLink}, treeLink, true},
	} {
		want, _ := jsonb.Marshal(&tc.tr)
		if got := appendFastTrailer(nil, pd, tc.link, tc.tree); !bytes.Equal(got, want) {
			t.Errorf("fast trailer\n got %s\nwant %s", got, want)
		}
		got, ok := matchFastTrailer(want, pd, tc.tree)
		if !ok || !bytes.Equal(got, tc.link) {
			t.Errorf("fast path rejects %s", want)
		}
	}
}

// FuzzFastPath: whatever the fast path accepts, the full parser accepts
// with the same values.
func FuzzFastPath(f *testing.F) {
	pd := bytes.Repeat([]byte{7}, 64)
	f.Add(appendFastHeader(nil, true, []byte("{}"), 5, 100), appendFastTrailer(nil, pd, pd[:32], true))
	f.Add(appendFastHeader(nil, false, []byte(`{"a":1}`), 5, -1), appendFastTrailer(nil, pd, nil, false))
	f.Fuzz(func(t *testing.T, hb, tb []byte) {
		for _, tp := range []int64{-1, 100} {
			if matchFastHeader(hb, 5, tp) {
				h, err := parseHeader(hb)
				if err != nil {
					t.Fatalf("fast path accepted %q, parser: %v", hb, err)
				}
				si := h.SequenceInfo
				if si == nil || si.Index == nil || *si.Index != 5 || (tp >= 0) != (si.TreePosition != nil) ||
					(tp >= 0 && *si.TreePosition != tp) {
					t.Fatalf("fast path and parser disagree on %q", hb)
				}
			}
		}
		for _, tree := range []bool{false, true} {
			if link, ok := matchFastTrailer(tb, pd, tree); ok {
				tr, err := parseTrailer(tb)
				if err != nil {
					t.Fatalf("fast path accepted %q, parser: %v", tb, err)
				}
				got := tr.ChainDigest
				if tree {
					got = tr.TreeDigest
				}
				if !bytes.Equal(tr.PayloadDigest, pd) || !bytes.Equal(got, link) {
					t.Fatalf("fast path and parser disagree on %q", tb)
				}
			}
		}
	})
}
