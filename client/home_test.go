package client

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mathmesh/mesh/udf"
)

func TestHomeDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MESH_HOME": "/m", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/m"},
		{map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/mesh"},
		{map[string]string{"HOME": "/h"}, "/h/.local/share/mesh"},
	}
	for _, tc := range tests {
		got, err := HomeDir(func(k string) string { return tc.env[k] })
		if err != nil || got != tc.want {
			t.Errorf("HomeDir(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
	if _, err := HomeDir(func(string) string { return "" }); err == nil {
		t.Error("HomeDir with no variables set: want an error")
	}
}

func newSeed(t *testing.T, alg udf.AlgID) string {
	t.Helper()
	s, err := udf.NewSeed(rand.Reader, alg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeedStorage(t *testing.T) {
	h, err := OpenHome(filepath.Join(t.TempDir(), "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DeviceSeed(); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("DeviceSeed on an empty home: %v, want ErrNoDevice", err)
	}
	dev := newSeed(t, udf.MeshProfileDevice)
	if err := h.SaveDeviceSeed(dev); err != nil {
		t.Fatal(err)
	}
	got, err := h.DeviceSeed()
	if err != nil || got != dev {
		t.Fatalf("DeviceSeed = %q, %v", got, err)
	}
	// Modes: directory 0700, seed file 0600.
	for path, want := range map[string]fs.FileMode{h.Dir(): 0o700, h.deviceSeedPath(): 0o600} {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %04o", path, st.Mode().Perm(), err, want)
		}
	}
	// A second seed never replaces the first.
	if err := h.SaveDeviceSeed(newSeed(t, udf.MeshProfileDevice)); err == nil || !strings.Contains(err.Error(), "refusing to replace") {
		t.Errorf("second SaveDeviceSeed: %v", err)
	}
	// Wrong kinds of seed are refused both ways.
	if err := h.SaveAccountSeed("MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP", dev); err == nil {
		t.Error("SaveAccountSeed accepted a device seed")
	}
	acct := newSeed(t, udf.MeshProfileAccount)
	const id = "MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP"
	if err := h.SaveAccountSeed(id, acct); err != nil {
		t.Fatal(err)
	}
	if got, err := h.AccountSeed(id); err != nil || got != acct {
		t.Fatalf("AccountSeed = %q, %v", got, err)
	}
	os.Rename(h.accountSeedPath(id), h.deviceSeedPath()+".x")
	os.Rename(h.deviceSeedPath(), h.accountSeedPath(id))
	if _, err := h.AccountSeed(id); err == nil || !strings.Contains(err.Error(), "expected MeshProfileAccount") {
		t.Errorf("AccountSeed of a device seed file: %v", err)
	}
}

func TestSecretFileChecks(t *testing.T) {
	h, _ := OpenHome(filepath.Join(t.TempDir(), "mesh"))
	if err := h.SaveDeviceSeed(newSeed(t, udf.MeshProfileDevice)); err != nil {
		t.Fatal(err)
	}
	p := h.deviceSeedPath()
	good, _ := os.ReadFile(p)
	tests := []struct {
		name string
		data []byte
		mode fs.FileMode
		want string
	}{
		{"readable by group", good, 0o640, "must be readable only by the user"},
		{"too large", bytes.Repeat([]byte(" "), MaxSecretFileSize+1), 0o600, "more than the limit"},
		{"not json", []byte("ZAAQ-"), 0o600, "client: " + p},
		{"wrong tag", []byte(`{"Key":{}}`), 0o600, `holds a "Key" object`},
		{"bad seed", []byte(`{"PrivateKeyUDF":{"PrivateValue":"MBEZ-AEJU"}}`), 0o600, "PrivateValue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(p, tc.data, tc.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(p, tc.mode)
			_, err := h.DeviceSeed()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	os.Chmod(h.Dir(), 0o755)
	if err := h.SaveAccountSeed("MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP", newSeed(t, udf.MeshProfileAccount)); err != nil {
		t.Fatalf("a private subdirectory of an open home is fine: %v", err)
	}
	if _, err := h.Lock(); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("Lock on a home with mode 0755: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	h, _ := OpenHome(filepath.Join(t.TempDir(), "mesh"))
	r, err := h.LoadRegistry()
	if err != nil || len(r.Accounts) != 0 {
		t.Fatalf("empty registry: %+v, %v", r, err)
	}
	if _, err := r.Find(""); !errors.Is(err, ErrNoAccount) {
		t.Errorf("Find on empty: %v", err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := &AccountEntry{ProfileUdf: "MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP", AccountAddress: "alice@example.com", Created: now}
	b := &AccountEntry{ProfileUdf: "MCQ4-CSYK-2LAY-3XXW-72CL-6P65-X6CQ", AccountAddress: "bob@example.com", Local: "work", Created: now.Add(time.Hour)}
	for _, e := range []*AccountEntry{a, b} {
		if err := r.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Add(&AccountEntry{ProfileUdf: "MDDD-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP", AccountAddress: "ALICE@example.com"}); err == nil {
		t.Error("a second account with the same address was accepted")
	}
	if err := h.SaveRegistry(r); err != nil {
		t.Fatal(err)
	}
	r2, err := h.LoadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, r2); d != "" {
		t.Errorf("round trip (-saved +loaded):\n%s", d)
	}
	for sel, want := range map[string]string{"": a.ProfileUdf, "Bob@Example.com": b.ProfileUdf, "work": b.ProfileUdf, "mbez-aeju-fpfh-sv6o-ljqa-px4d-4wvp": a.ProfileUdf} {
		got, err := r2.Find(sel)
		if err != nil || got.ProfileUdf != want {
			t.Errorf("Find(%q) = %v, %v; want %s", sel, got, err, want)
		}
	}
	if _, err := r2.Find("carol@example.com"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("Find(unknown) = %v", err)
	}
	if !r2.Remove(a.ProfileUdf) || r2.Default != b.ProfileUdf {
		t.Errorf("after removing the default, default = %q", r2.Default)
	}

	// Corruption is reported, naming the file and the field.
	corrupt := map[string]string{
		`{"Accounts":[{"ProfileUdf":"../x","AccountAddress":"a@b"}]}`:                              "Accounts[0].ProfileUdf",
		`{"Accounts":[{"ProfileUdf":"MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP","AccountAddress":"ab"}]}`: "Accounts[0].AccountAddress",
		`{"Default":"MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP"}`:                                         "not one of the accounts",
		`{"Accounts":[`: "corrupted",
	}
	for data, want := range corrupt {
		os.WriteFile(h.registryPath(), []byte(data), 0o600)
		_, err := h.LoadRegistry()
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "machine.json") {
			t.Errorf("LoadRegistry(%s): %v, want an error containing %q", data, err, want)
		}
	}
}
