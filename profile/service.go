package profile

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// ServiceSecrets holds a Mesh service's seed and its keys (schema.md §2.4,
// §3.5): BaseServiceProfile, BaseServiceSign, BaseServiceAuthenticate and
// BaseServiceEncrypt. We draw the seed as MeshProfileService (udf.md §6.3);
// the reference's quirk of using MeshProfileAccount is not followed. It
// never prints its secrets.
type ServiceSecrets struct {
	sk *seedKeys
}

// NewService draws a fresh service seed (rand nil means crypto/rand).
func NewService(rand io.Reader) (*ServiceSecrets, error) {
	seed, err := drawSeed(rand, udf.MeshProfileService)
	if err != nil {
		return nil, err
	}
	return ServiceFromSeed(seed)
}

// ServiceFromSeed recomputes a service's keys from its seed.
func ServiceFromSeed(seed string) (*ServiceSecrets, error) {
	sk, err := newSeedKeys(seed, udf.MeshProfileService)
	if err != nil {
		return nil, err
	}
	return &ServiceSecrets{sk: sk}, nil
}

// Seed returns the service seed UDF, for the caller to keep in a file of
// mode 0600.
func (s *ServiceSecrets) Seed() string { return s.sk.seed }

// ProfileKey returns the key behind ProfileSignature (BaseServiceProfile),
// which also signs host connections (schema.md §4).
func (s *ServiceSecrets) ProfileKey() (keys.Signer, error) {
	return s.sk.signer(keys.TypeBase, keys.ActorService, keys.OpProfile)
}

// Authentication returns ServiceAuthentication's private key
// (BaseServiceAuthenticate), with which the service authenticates requests.
func (s *ServiceSecrets) Authentication() (keys.Agreer, error) {
	return s.sk.agreer(keys.TypeBase, keys.ActorService, keys.OpAuthenticate, "")
}

// Encryption returns ServiceEncryption's private key (BaseServiceEncrypt).
func (s *ServiceSecrets) Encryption() (keys.Agreer, error) {
	return s.sk.agreer(keys.TypeBase, keys.ActorService, keys.OpEncrypt, "")
}

// Signature returns ServiceSignature's private key (BaseServiceSign), which
// signs service messages such as AcknowledgeConnection.
func (s *ServiceSecrets) Signature() (keys.Signer, error) {
	return s.sk.signer(keys.TypeBase, keys.ActorService, keys.OpSign)
}

// ProfileService returns the service profile (schema.md §3.5).
func (s *ServiceSecrets) ProfileService(description string) (*ProfileService, error) {
	p := &ProfileService{Profile: Profile{Description: description}}
	for _, f := range []struct {
		dst **keys.KeyData
		op  keys.Operation
	}{
		{&p.ProfileSignature, keys.OpProfile},
		{&p.ServiceAuthentication, keys.OpAuthenticate},
		{&p.ServiceEncryption, keys.OpEncrypt},
		{&p.ServiceSignature, keys.OpSign},
	} {
		kd, err := s.sk.keyData(keys.TypeBase, keys.ActorService, f.op)
		if err != nil {
			return nil, err
		}
		*f.dst = kd
	}
	return p, nil
}

// SignedProfile returns the self-signed envelope of the service profile, as
// Hello returns it.
func (s *ServiceSecrets) SignedProfile(description string, opts *SealOptions) ([]byte, error) {
	p, err := s.ProfileService(description)
	if err != nil {
		return nil, err
	}
	k, err := s.ProfileKey()
	if err != nil {
		return nil, err
	}
	return SignProfile(p, k, opts)
}

// UDF returns the service profile's identifier.
func (s *ServiceSecrets) UDF() string {
	k, err := s.ProfileKey()
	if err != nil {
		return ""
	}
	return k.Public().Fingerprint()
}

// String prints the service UDF only.
func (s *ServiceSecrets) String() string { return redacted("ServiceSecrets", s.UDF()) }

// GoString prints the service UDF only.
func (s *ServiceSecrets) GoString() string { return s.String() }

// Format prints the service UDF only, for every verb.
func (s *ServiceSecrets) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }
