package profile

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
)

// The envelope of a scalar meant for the service (schema.md §5.3 degree
// Service; docs/devices.md §3, §7): the service's share s of a key, or the
// delta r of a re-share. The payload is {"KeyData": {PublicParameters = the
// whole key, PrivateParameters = PrivateKeyECDH{kid, crv "<alg>z", d =
// the scalar}}}, enveloped to the host's AccessEncrypt key alone, with
// ContentMeta UniqueId = kid. kid names the capability the scalar belongs
// to: the fingerprint of the matching device share's public key.

// SealKeyShare envelopes scalar, a share (or re-share delta) of the key
// whose public key is primary, under kid, to the host key alone.
func SealKeyShare(primary keys.PublicKey, kid string, scalar *threshold.PrivateKey, host keys.PublicKey, rand io.Reader) ([]byte, error) {
	if primary == nil || scalar == nil || host == nil || kid == "" {
		return nil, fmt.Errorf("profile: sealing a key share needs the whole key, a kid, the scalar and the host key")
	}
	curve, err := thresholdCurve(primary.Algorithm())
	if err != nil {
		return nil, err
	}
	if scalar.Curve() != curve {
		return nil, fmt.Errorf("profile: a %s scalar for the %s key %s", scalar.Curve().Name(), primary.Algorithm(), kid)
	}
	kd := keys.NewKeyData(primary)
	kd.PrivateParameters = &keys.Key{PrivateKeyECDH: &keys.PrivateKeyECDH{Kid: kid,
		Curve: primary.Algorithm().String() + "z", Private: scalar.Bytes()}}
	payload, err := jsonb.MarshalTagged(TagKeyData, kd, jsonb.JSON)
	clear(kd.PrivateParameters.PrivateKeyECDH.Private)
	if err != nil {
		return nil, fmt.Errorf("profile: encoding the key share %s: %w", kid, err)
	}
	defer clear(payload)
	env, err := dare.Seal(payload, &dare.EncodeOptions{Recipients: []keys.PublicKey{host},
		ContentMeta: &dare.ContentMeta{ContentType: ContentTypeObject, MessageType: TagKeyData, UniqueID: kid},
		Rand:        rand})
	if err != nil {
		return nil, fmt.Errorf("profile: enveloping the key share %s: %w", kid, err)
	}
	return env, nil
}

// OpenedKeyShare is a key share envelope opened by the host: the whole
// key, the kid and the scalar (canonical and non-zero). It never prints
// the scalar.
type OpenedKeyShare struct {
	Primary keys.PublicKey
	Kid     string
	Share   *threshold.PrivateKey
}

// String names the share without its scalar.
func (o *OpenedKeyShare) String() string { return "OpenedKeyShare(" + o.Kid + ", scalar redacted)" }

// GoString names the share without its scalar.
func (o *OpenedKeyShare) GoString() string { return o.String() }

// Format names the share without its scalar, for every verb.
func (o *OpenedKeyShare) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, o.String()) }

// OpenKeyShare opens a key share envelope with the host's AccessEncrypt
// key (what the service does, docs/devices.md §3, §7). The payload must be
// a tagged KeyData whose PrivateParameters is a PrivateKeyECDH under the
// "z" name of the whole key's algorithm, with a kid and a canonical
// non-zero scalar; what names the envelope in errors.
func OpenKeyShare(what string, env []byte, host keys.PrivateKey) (*OpenedKeyShare, error) {
	if len(env) > MaxEnvelopeSize {
		return nil, fmt.Errorf("profile: %s is %d bytes, limit %d", what, len(env), MaxEnvelopeSize)
	}
	payload, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{host}})
	if err != nil {
		return nil, fmt.Errorf("profile: %s: %w", what, err)
	}
	defer clear(payload)
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		return nil, fmt.Errorf("profile: %s: %w", what, err)
	}
	if tag != TagKeyData {
		return nil, fmt.Errorf("profile: %s holds a %q, want a %s", what, tag, TagKeyData)
	}
	var kd keys.KeyData
	if err := jsonb.Unmarshal(inner, &kd); err != nil {
		return nil, fmt.Errorf("profile: %s: %w", what, err)
	}
	if kd.PrivateParameters == nil || kd.PrivateParameters.PrivateKeyECDH == nil {
		return nil, fmt.Errorf("profile: %s field \"PrivateParameters\" holds no PrivateKeyECDH", what)
	}
	jk := kd.PrivateParameters.PrivateKeyECDH
	defer clear(jk.Private)
	primary, err := publicKey(what, "PublicParameters", &kd)
	if err != nil {
		return nil, err
	}
	if jk.Curve != primary.Algorithm().String()+"z" {
		return nil, fmt.Errorf("profile: %s field \"crv\" is %q, want %s for a %s key", what, jk.Curve, primary.Algorithm().String()+"z", primary.Algorithm())
	}
	if jk.Kid == "" {
		return nil, fmt.Errorf("profile: %s field \"kid\" is missing", what)
	}
	curve, err := thresholdCurve(primary.Algorithm())
	if err != nil {
		return nil, err
	}
	share, err := curve.NewPrivateKey(jk.Private)
	if err != nil {
		return nil, fmt.Errorf("profile: %s field \"d\": %w", what, err)
	}
	return &OpenedKeyShare{Primary: primary, Kid: jk.Kid, Share: share}, nil
}
