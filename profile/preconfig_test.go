package profile

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/udf"
)

// TestPreconfigured runs the maker's and the device's halves of F4c: the
// file written by the maker parses back on the device, and the published
// profile opens only with the connect PIN.
func TestPreconfigured(t *testing.T) {
	p, err := NewPreconfigured("maker@example.net", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.URI, "mcu://maker@example.net/E") {
		t.Fatalf("URI %q is not an mcu:// URI with a type-32 PIN", p.URI)
	}
	file, err := p.Private()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePreconfigured(file)
	if err != nil {
		t.Fatal(err)
	}
	if got.URI != p.URI || got.Device.UDF() != p.Device.UDF() || !bytes.Equal(got.Profile, p.Profile) {
		t.Fatal("the parsed preconfiguration differs from the one written")
	}
	if s := fmt.Sprintf("%v %+v %#v %s", got, got, got, got.Device); strings.Contains(s, got.Device.Seed()) || strings.Contains(s, got.PIN) {
		t.Fatalf("a formatted preconfiguration shows a secret: %s", s)
	}
	sealed, err := p.SealedProfile(nil)
	if err != nil {
		t.Fatal(err)
	}
	dev, _, err := OpenSealedProfile(sealed, p.PIN)
	if err != nil {
		t.Fatal(err)
	}
	if dev.UDF() != p.Device.UDF() {
		t.Fatalf("the published profile is %s, want %s", dev.UDF(), p.Device.UDF())
	}
	other, err := udf.ConnectPin(testSeed(udf.MeshProfileDevice, 9), "maker@example.net", PreconfigPinBits)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenSealedProfile(sealed, other); err == nil || !strings.Contains(err.Error(), "does not decrypt") {
		t.Fatalf("another PIN: err = %v", err)
	}
}

// TestParsePreconfiguredRefuses checks that a damaged file is refused with
// the field named.
func TestParsePreconfiguredRefuses(t *testing.T) {
	p, err := NewPreconfigured("maker@example.net", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	file, err := p.Private()
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewPreconfigured("maker@example.net", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"other tag", bytes.Replace(file, []byte("DevicePreconfigurationPrivate"), []byte("DevicePreconfigurationPublic"), 1), "want DevicePreconfigurationPrivate"},
		{"other maker", bytes.Replace(file, []byte("maker@example.net"), []byte("maker@example.org"), 1), "ConnectUri"},
		{"other profile", bytes.Replace(file, p.Profile, q.Profile, 1), "the seed derives device"},
		{"no seed", bytes.Replace(file, []byte("PrivateKey"), []byte("PrivateKeyX"), 1), "PrivateKey"},
		{"too large", append(file, make([]byte, MaxPreconfigSize)...), "exceeds the limit"},
		{"not JSON", []byte("medk"), "preconfiguration"},
	} {
		_, err := ParsePreconfigured(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// FuzzParsePreconfigured checks that a .medk file never panics the parser
// and that whatever parses writes back to a file that parses to the same
// device and URI.
func FuzzParsePreconfigured(f *testing.F) {
	p, err := NewPreconfigured("maker@example.net", nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	file, err := p.Private()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(file)
	f.Add([]byte(`{"DevicePreconfigurationPrivate":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParsePreconfigured(data)
		if err != nil {
			return
		}
		again, err := got.Private()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePreconfigured(again)
		if err != nil {
			t.Fatal(err)
		}
		if back.URI != got.URI || back.Device.UDF() != got.Device.UDF() || !bytes.Equal(back.Profile, got.Profile) {
			t.Fatal("a written preconfiguration reads back differently")
		}
	})
}
