package catalog

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/jsonb"
)

type entryVectors struct {
	Valid []struct {
		ID, Label, Key, JSON string
	} `json:"valid"`
	Invalid []struct {
		ID, Label, Check, JSON string
	} `json:"invalid"`
}

func loadEntryVectors(t testing.TB) entryVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/entries.json")
	if err != nil {
		t.Fatal(err)
	}
	var v entryVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEntryVectors decodes the schema draft's examples (golden JSON) and
// the negative vectors.
func TestEntryVectors(t *testing.T) {
	v := loadEntryVectors(t)
	for _, tt := range v.Valid {
		t.Run(tt.ID, func(t *testing.T) {
			e, err := DecodeEntry(tt.Label, []byte(tt.JSON))
			if err != nil {
				t.Fatal(err)
			}
			if e.PrimaryKey() != tt.Key {
				t.Errorf("key %q, want %q", e.PrimaryKey(), tt.Key)
			}
			out, err := jsonb.MarshalTagged(e.Tag(), e, jsonb.JSON)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.JSON {
				t.Errorf("re-encoded\n got %s\nwant %s", out, tt.JSON)
			}
		})
	}
	for _, tt := range v.Invalid {
		t.Run(tt.ID, func(t *testing.T) {
			_, err := DecodeEntry(tt.Label, []byte(tt.JSON))
			if err == nil || !strings.Contains(err.Error(), tt.Check) {
				t.Fatalf("err = %v, want the check %q to fail", err, tt.Check)
			}
		})
	}
}

// FuzzDecodeEntry: never panics; an accepted entry re-encodes to JSON that
// decodes to the same bytes again (canonical after one round).
func FuzzDecodeEntry(f *testing.F) {
	v := loadEntryVectors(f)
	for _, e := range v.Valid {
		f.Add(e.Label, []byte(e.JSON))
	}
	for _, e := range v.Invalid {
		f.Add(e.Label, []byte(e.JSON))
	}
	f.Fuzz(func(t *testing.T, label string, data []byte) {
		e, err := DecodeEntry(label, data)
		if err != nil {
			return
		}
		out, err := jsonb.MarshalTagged(e.Tag(), e, jsonb.JSON)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := DecodeEntry(label, out)
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v\n%s", err, out)
		}
		out2, _ := jsonb.MarshalTagged(e2.Tag(), e2, jsonb.JSON)
		if string(out) != string(out2) {
			t.Fatalf("not canonical:\n%s\n%s", out, out2)
		}
	})
}

// FuzzReadMeta: the header parser never panics on arbitrary bytes.
func FuzzReadMeta(f *testing.F) {
	c, err := Open(&MemoryStore{}, "MMM_Credential", storeKeys(f, "MMM_Credential"))
	if err != nil {
		f.Fatal(err)
	}
	env, err := c.New(cred("a.example", "u", "p"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env)
	f.Add([]byte(`[{"ContentMetaData":"e30"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMeta(data)
		if err == nil && len(m.UniqueID) > MaxKeyLength {
			t.Fatal("over-long UniqueId accepted")
		}
	})
}
