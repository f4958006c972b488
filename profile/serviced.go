package profile

import (
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
)

// Keys granted with degree Service (schema.md §5.3; threshold.md §3.3;
// docs/devices.md §3). Every device that does not hold the account seed
// receives its decryption keys — the account's CommonEncryption key and the
// store keys its roles grant — only as one additive share d of each key
// k = d + s. The other share s is enveloped to the host's AccessEncrypt key
// and stored by the client in the Access catalog as a
// CapabilityDecryptServiced whose Id is the fingerprint of d's public key
// and whose GranteeUdf is the device's overlaid authentication key. A
// device decrypts by asking the service for s·E (Operate) and adding d·E;
// deactivating the capability ends its decryption at once, even of data it
// synced before, with nothing re-encrypted.
//
// Wire form of a share in ActivationCommon (Encryption, or an
// ActivationEntry Key): a KeyData whose PublicParameters is the whole key
// and whose PrivateParameters is a PrivateKeyECDH under the raw-scalar
// curve name ("X448z") holding d, with Public = d's public key and kid =
// the capability Id. A KeyData whose private key does not match its public
// parameters is therefore a share, and its kid must name it.

// TagKeyData is the tag of the service share's payload, {"KeyData": {...}}
// (what the service's Operate handler opens).
const TagKeyData = "KeyData"

// ServiceGrant asks ConnectDevice to grant decryption keys with degree
// Service instead of Direct.
type ServiceGrant struct {
	// AccessEncrypt is the host key the service shares are enveloped to
	// (AccountHostAssignment.AccessEncrypt).
	AccessEncrypt keys.PublicKey
	// ServiceAddress is the account whose service holds the shares.
	ServiceAddress string
}

// ServicedShare is the service's half of one key granted with degree
// Service: the client stores it as a CapabilityDecryptServiced{Id =
// CapabilityID, GranteeUdf = the device's authentication key,
// EnvelopedKeyShare} in MMM_Access.
type ServicedShare struct {
	// Resource is "Encryption" for the account's CommonEncryption key, else
	// the store label.
	Resource     string
	Primary      keys.PublicKey
	CapabilityID string
	// EnvelopedKeyShare is {"KeyData": ...} with the share s, encrypted to
	// the host's AccessEncrypt key only.
	EnvelopedKeyShare []byte
}

// ResourceEncryption names the CommonEncryption key among the shares.
const ResourceEncryption = "Encryption"

// splitKey splits k into the device's KeyData (share d) and the service's
// enveloped share s (schema.md §5.3 degree Service; threshold.md §3.3 step
// 1: a fresh uniform split for every device and key).
func splitKey(resource string, k keys.PrivateKey, svc *ServiceGrant, rand io.Reader) (*keys.KeyData, *ServicedShare, error) {
	if rand == nil {
		rand = crand.Reader
	}
	whole, err := toThreshold(k)
	if err != nil {
		return nil, nil, err
	}
	parts, err := whole.Split(2, rand)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: splitting the %s key: %w", resource, err)
	}
	kd, capID, err := deviceShareData(k.Public(), parts[0])
	if err != nil {
		return nil, nil, fmt.Errorf("profile: the device share of %s: %w", resource, err)
	}
	env, err := SealKeyShare(k.Public(), capID, parts[1], svc.AccessEncrypt, rand)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: the service share of %s: %w", resource, err)
	}
	return kd, &ServicedShare{Resource: resource, Primary: k.Public(), CapabilityID: capID, EnvelopedKeyShare: env}, nil
}

// deviceShareData is the device's KeyData of its share d of the key
// primary (see the package notes above) and the capability Id it names:
// the fingerprint of d's public key.
func deviceShareData(primary keys.PublicKey, d *threshold.PrivateKey) (*keys.KeyData, string, error) {
	device, err := (&keys.PrivateKeyECDH{Curve: primary.Algorithm().String() + "z", Private: d.Bytes()}).PrivateKey()
	if err != nil {
		return nil, "", err
	}
	capID := device.Public().Fingerprint()
	dj, err := keys.NewPrivateKeyECDH(device)
	if err != nil {
		return nil, "", err
	}
	dj.Kid, dj.Public = capID, device.Public().Bytes()
	kd := keys.NewKeyData(primary)
	kd.PrivateParameters = &keys.Key{PrivateKeyECDH: dj}
	return kd, capID, nil
}

// KeyShare is a device's share d of a key granted with degree Service. It
// computes d·E and combines it with the service's s·E (threshold.md §3.3
// steps 4-5). It never prints the share.
type KeyShare struct {
	Resource       string
	Primary        keys.PublicKey
	CapabilityID   string
	ServiceAddress string
	share          *threshold.PrivateKey
}

// Combine returns the agreement of the whole key with ephemeral: d·E plus
// the service's partial, as the RFC 7748 u coordinate the sender computed.
func (s *KeyShare) Combine(ephemeral keys.PublicKey, servicePartial []byte) ([]byte, error) {
	if ephemeral.Algorithm() != s.Primary.Algorithm() {
		return nil, fmt.Errorf("profile: %s ephemeral for the %s key %s", ephemeral.Algorithm(), s.Primary.Algorithm(), s.Resource)
	}
	ikm, err := s.share.Decrypt(ephemeral.Bytes(), servicePartial)
	if err != nil {
		return nil, fmt.Errorf("profile: combining the service's partial for %s: %w", s.Resource, err)
	}
	return ikm, nil
}

// String names the share without its secret.
func (s *KeyShare) String() string {
	return "KeyShare(" + s.Resource + " " + s.CapabilityID + ", share redacted)"
}

// GoString names the share without its secret.
func (s *KeyShare) GoString() string { return s.String() }

// Format names the share without its secret, for every verb.
func (s *KeyShare) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// errNotShare reports a KeyData that holds a whole key.
var errNotShare = errors.New("not a share")

// loadShare decodes a KeyData that holds a share (see the package notes
// above): a raw-scalar private key whose public key differs from the
// KeyData's, named by kid. It returns errNotShare for a whole key.
func loadShare(field string, kd *keys.KeyData, serviceAddress string) (*KeyShare, error) {
	pj := kd.PrivateParameters.PrivateKeyECDH
	if !strings.HasSuffix(pj.Curve, "z") {
		return nil, errNotShare
	}
	d, err := pj.PrivateKey()
	if err != nil {
		return nil, fmt.Errorf("profile: ActivationCommon field %q: %w", field, err)
	}
	primary, err := publicKey("ActivationCommon", field, kd)
	if err != nil {
		return nil, err
	}
	if d.Public().Equal(primary) {
		return nil, errNotShare
	}
	if pj.Kid == "" || pj.Kid != d.Public().Fingerprint() {
		return nil, fmt.Errorf("profile: ActivationCommon field %q holds a key share whose kid %q is not its key id %s", field, pj.Kid, d.Public().Fingerprint())
	}
	if d.Algorithm() != primary.Algorithm() {
		return nil, fmt.Errorf("profile: ActivationCommon field %q holds a %s share of a %s key", field, d.Algorithm(), primary.Algorithm())
	}
	t, err := toThreshold(d)
	if err != nil {
		return nil, err
	}
	return &KeyShare{Resource: field, Primary: primary, CapabilityID: pj.Kid, ServiceAddress: serviceAddress, share: t}, nil
}
