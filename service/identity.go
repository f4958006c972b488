package service

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mathmesh/mesh/internal/atomicfile"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// IdentityFile is the file under the data directory that holds the service
// and host seeds (mode 0600). Whoever reads it can impersonate the service
// and read every account's Access catalog.
const IdentityFile = "identity.json"

// identityFile is the stored form (jsonb; frozen names).
type identityFile struct {
	Format      string `json:"Format"`
	ServiceSeed string `json:"ServiceSeed"`
	HostSeed    string `json:"HostSeed"`
}

const identityFormat = "mesh-service-identity/1"

// identity is the service's own keys and signed profiles (schema.md §3.5,
// §3.6; protocol.md §4.1, §4.2).
type identity struct {
	udf        string
	profileEnv []byte // signed ProfileService, returned by Hello
	hostEnv    []byte // signed ProfileHost
	auth       keys.Agreer
	sign       keys.Signer
	access     keys.Agreer // host Encryption: AccessEncrypt of every account
}

// loadIdentity reads the seeds under dir, or makes and stores new ones on
// first start.
func loadIdentity(dir string, rand io.Reader) (*identity, error) {
	path := filepath.Join(dir, IdentityFile)
	f, err := readIdentityFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = newIdentityFile(path, rand)
	}
	if err != nil {
		return nil, err
	}
	svc, err := profile.ServiceFromSeed(f.ServiceSeed)
	if err != nil {
		return nil, fmt.Errorf("service: %s: ServiceSeed: %w", path, err)
	}
	host, err := profile.HostFromSeed(f.HostSeed)
	if err != nil {
		return nil, fmt.Errorf("service: %s: HostSeed: %w", path, err)
	}
	return newIdentity(svc, host)
}

func newIdentity(svc *profile.ServiceSecrets, host *profile.DeviceSecrets) (*identity, error) {
	id := &identity{udf: svc.UDF()}
	var err error
	if id.profileEnv, err = svc.SignedProfile("Mesh service", nil); err != nil {
		return nil, err
	}
	if id.hostEnv, err = host.SignedProfile("Mesh service host", nil); err != nil {
		return nil, err
	}
	if id.auth, err = svc.Authentication(); err != nil {
		return nil, err
	}
	if id.sign, err = svc.Signature(); err != nil {
		return nil, err
	}
	if id.access, err = host.BaseEncryption(); err != nil {
		return nil, err
	}
	return id, nil
}

func readIdentityFile(path string) (*identityFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("service: %s has mode %v: the service seeds must be readable by the owner only (chmod 600)", path, fi.Mode().Perm())
	}
	if fi.Size() > maxIdentityFileSize {
		return nil, fmt.Errorf("service: %s is %d bytes, limit %d", path, fi.Size(), maxIdentityFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("service: reading %s: %w", path, err)
	}
	var f identityFile
	if err := jsonb.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("service: %s: %w", path, err)
	}
	if f.Format != identityFormat {
		return nil, fmt.Errorf("service: %s: Format %q, want %q", path, f.Format, identityFormat)
	}
	return &f, nil
}

func newIdentityFile(path string, rand io.Reader) (*identityFile, error) {
	svc, err := profile.NewService(rand)
	if err != nil {
		return nil, err
	}
	host, err := profile.NewHost(rand)
	if err != nil {
		return nil, err
	}
	f := &identityFile{Format: identityFormat, ServiceSeed: svc.Seed(), HostSeed: host.Seed()}
	data, err := jsonb.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("service: encoding the identity: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("service: writing %s: %w", path, err)
	}
	return f, nil
}

// hostAssignment returns the enveloped AccountHostAssignment for an account
// (protocol.md §4.2), signed with the service's signature key.
func (id *identity) hostAssignment(address string) ([]byte, error) {
	a := &profile.AccountHostAssignment{
		AccountAddress: address,
		AccessEncrypt:  keys.NewKeyData(id.access.Public()),
	}
	return profile.Seal(a, &profile.SealOptions{Signers: []keys.Signer{id.sign}})
}
