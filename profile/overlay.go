package profile

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
	"github.com/mathmesh/mesh/udf"
)

// OverlayKeys are a device's account keys: the sums B + A of its base keys
// and the activation contributions (schema.md §5.2). The administrator
// computes them from public data and publishes them in ConnectionDevice and
// ConnectionService.
type OverlayKeys struct {
	Encryption     keys.PublicKey
	Signature      keys.PublicKey
	Authentication keys.PublicKey
}

// overlayOps are the three overlaid operations, in a fixed order.
var overlayOps = []keys.Operation{keys.OpEncrypt, keys.OpSign, keys.OpAuthenticate}

// thresholdCurve maps a key algorithm to its threshold curve.
func thresholdCurve(alg keys.Algorithm) (*threshold.Curve, error) {
	switch alg {
	case keys.X448:
		return threshold.X448, nil
	case keys.X25519:
		return threshold.X25519, nil
	case keys.Ed448:
		return threshold.Ed448, nil
	case keys.Ed25519:
		return threshold.Ed25519, nil
	}
	return nil, fmt.Errorf("profile: no overlay for %s keys", alg)
}

// overlayPublic is the key combination law on public keys (threshold.md
// §3.2): base + contribution as points.
func overlayPublic(base, contribution keys.PublicKey) (keys.PublicKey, error) {
	if base.Algorithm() != contribution.Algorithm() {
		return nil, fmt.Errorf("profile: overlay of a %s base key with a %s contribution", base.Algorithm(), contribution.Algorithm())
	}
	c, err := thresholdCurve(base.Algorithm())
	if err != nil {
		return nil, err
	}
	sum, err := c.CombinePublic(base.Bytes(), contribution.Bytes())
	if err != nil {
		return nil, fmt.Errorf("profile: overlay: %w", err)
	}
	if base.Algorithm() == keys.X25519 {
		sum = sum[:32] // key pairs publish the unsigned u (udf.md §6.4)
	}
	pub, err := keys.ParsePublicKey(base.Algorithm(), sum)
	if err != nil {
		return nil, fmt.Errorf("profile: overlay: %w", err)
	}
	return pub, nil
}

// scalarKey is implemented by every private key type of package keys.
type scalarKey interface {
	ScalarBytes() []byte
}

// toThreshold loads a private key's reduced scalar as a threshold key.
func toThreshold(k keys.PrivateKey) (*threshold.PrivateKey, error) {
	c, err := thresholdCurve(k.Algorithm())
	if err != nil {
		return nil, err
	}
	sk, ok := k.(scalarKey)
	if !ok {
		return nil, fmt.Errorf("profile: %s private key has no scalar", k.Algorithm())
	}
	s := sk.ScalarBytes()
	if k.Algorithm() == keys.Ed448 && len(s) == 56 {
		s = append(s, 0) // threshold Ed448 scalars are 57 bytes (RFC 8032)
	}
	return c.NewPrivateKey(s)
}

// overlayPrivate is the key combination law on private keys (threshold.md
// §3.2, §4.3): (b + a) mod L, with the Mesh nonce prefix for Edwards keys.
func overlayPrivate(base, contribution keys.PrivateKey) (keys.PrivateKey, error) {
	if base.Algorithm() != contribution.Algorithm() {
		return nil, fmt.Errorf("profile: overlay of a %s base key with a %s contribution", base.Algorithm(), contribution.Algorithm())
	}
	b, err := toThreshold(base)
	if err != nil {
		return nil, err
	}
	a, err := toThreshold(contribution)
	if err != nil {
		return nil, err
	}
	sum, err := threshold.CombinePrivate(b, a)
	if err != nil {
		return nil, fmt.Errorf("profile: overlay: %w", err)
	}
	var k keys.PrivateKey
	switch base.Algorithm() {
	case keys.X448:
		k, err = keys.NewX448FromScalar(sum.Bytes())
	case keys.X25519:
		k, err = keys.NewX25519FromScalar(sum.Bytes())
	case keys.Ed448:
		k, err = keys.NewEd448FromScalar(sum.Bytes(), sum.DerivePrefix())
	case keys.Ed25519:
		k, err = keys.NewEd25519FromScalar(sum.Bytes(), sum.DerivePrefix())
	}
	if err != nil {
		return nil, fmt.Errorf("profile: overlay: %w", err)
	}
	return k, nil
}

// activationActor is the key-name actor of activation contributions:
// ActivationDevice... for devices, ActivationHost... for hosts.
func activationActor(host bool) keys.ActorLabel {
	if host {
		return keys.ActorHost
	}
	return keys.ActorDevice
}

// newActivationSeed draws an ActivationAccount seed (MeshActivationAccount).
func newActivationSeed(rand io.Reader) (*seedKeys, error) {
	seed, err := drawSeed(rand, udf.MeshActivationAccount)
	if err != nil {
		return nil, err
	}
	return newSeedKeys(seed, udf.MeshActivationAccount)
}

// contributions returns the activation contribution key for op.
func (s *seedKeys) contribution(actor keys.ActorLabel, op keys.Operation) (keys.PrivateKey, error) {
	return s.key(keys.TypeActivation, actor, op, "")
}

// basePublic returns the device profile's base public key for op.
func basePublic(device *ProfileDevice, op keys.Operation) (keys.PublicKey, error) {
	switch op {
	case keys.OpEncrypt:
		return publicKey(TagProfileDevice, "Encryption", device.Encryption)
	case keys.OpSign:
		return publicKey(TagProfileDevice, "Signature", device.Signature)
	case keys.OpAuthenticate:
		return publicKey(TagProfileDevice, "Authentication", device.Authentication)
	}
	return nil, fmt.Errorf("profile: no base key for operation %s", op)
}

// OverlayPublic computes the device's account public keys from its profile
// and an activation (schema.md §5.2, administrator side): for each of
// Encrypt, Sign and Authenticate, the base key B from the profile plus the
// contribution A derived from act.ActivationKey with the name
// Activation<actor><op>. host selects actor Host.
func OverlayPublic(device *ProfileDevice, act *ActivationAccount, host bool) (*OverlayKeys, error) {
	sk, err := newSeedKeys(act.ActivationKey, udf.MeshActivationAccount)
	if err != nil {
		return nil, fmt.Errorf("profile: ActivationAccount field \"ActivationKey\": %w", err)
	}
	out := make([]keys.PublicKey, len(overlayOps))
	for i, op := range overlayOps {
		b, err := basePublic(device, op)
		if err != nil {
			return nil, err
		}
		a, err := sk.contribution(activationActor(host), op)
		if err != nil {
			return nil, err
		}
		if out[i], err = overlayPublic(b, a.Public()); err != nil {
			return nil, err
		}
	}
	return &OverlayKeys{Encryption: out[0], Signature: out[1], Authentication: out[2]}, nil
}
