package profile

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// SignProfile envelopes p signed with signer, the private key behind
// p.ProfileSignature (schema.md §3.2: profiles are self-signed). The
// envelope's EnvelopeId and ContentMeta.UniqueId are the profile's UDF.
// opts may be nil; its Signers, UniqueID and EnvelopeID are set here.
func SignProfile(p Any, signer keys.Signer, opts *SealOptions) ([]byte, error) {
	if err := checkPublished(p); err != nil {
		return nil, err
	}
	want, err := p.base().ProfileSignature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("profile: %s field \"ProfileSignature\": %w", p.Tag(), err)
	}
	if !signer.Public().Equal(want) {
		return nil, fmt.Errorf("profile: %s is signed with %s, but its ProfileSignature is %s",
			p.Tag(), signer.Public().Fingerprint(), want.Fingerprint())
	}
	o := SealOptions{}
	if opts != nil {
		o = *opts
	}
	o.Signers = []keys.Signer{signer}
	o.UniqueID, o.EnvelopeID = p.base().UDF(), p.base().UDF()
	return Seal(p, &o)
}

// VerifyProfile opens a profile envelope and checks it (schema.md §3.2
// Profile.Validate): the payload is one of the profile types, every key it
// publishes is a valid public key whose Udf matches and that carries no
// private parameters, signature keys are signature keys, the envelope's
// UniqueId (if any) is the profile UDF and the envelope carries a signature
// that verifies under the profile's own ProfileSignature key.
func VerifyProfile(env []byte) (Any, error) {
	o, err := Open(env, nil)
	if err != nil {
		return nil, err
	}
	var p Any
	switch o.Tag {
	case TagProfileDevice:
		p = &ProfileDevice{}
	case TagProfileHost:
		p = &ProfileHost{}
	case TagProfileUser:
		p = &ProfileUser{}
	case TagProfileGroup:
		p = &ProfileGroup{}
	case TagProfileService:
		p = &ProfileService{}
	default:
		return nil, fmt.Errorf("profile: envelope holds %q, which is not a profile", o.Tag)
	}
	if err := o.Decode(o.Tag, p); err != nil {
		return nil, err
	}
	if err := checkPublished(p); err != nil {
		return nil, err
	}
	id := p.base().UDF()
	if m := o.Result.ContentMeta; m != nil && m.UniqueID != "" && !udf.Equal(m.UniqueID, id) {
		return nil, fmt.Errorf("profile: envelope UniqueId %q is not the profile UDF %q", m.UniqueID, id)
	}
	key, _ := p.base().ProfileSignature.PublicKey() // checked by checkPublished
	ring := &dare.Keyring{Trusted: []keys.PublicKey{key}}
	_, res, err := dare.Open(env, ring)
	if err != nil {
		return nil, fmt.Errorf("profile: verifying %s %s: %w", p.Tag(), id, err)
	}
	if !res.Signed {
		return nil, fmt.Errorf("%w: %s %s carries no valid signature by its ProfileSignature key", ErrNotSigned, p.Tag(), id)
	}
	return p, nil
}

// verifyAs is VerifyProfile for one expected type.
func verifyAs[T Any](env []byte, tag string) (T, error) {
	var zero T
	p, err := VerifyProfile(env)
	if err != nil {
		return zero, err
	}
	t, ok := p.(T)
	if !ok || p.Tag() != tag {
		return zero, fmt.Errorf("profile: envelope holds a %s, want %s", p.Tag(), tag)
	}
	return t, nil
}

// VerifyProfileDevice is VerifyProfile for a ProfileDevice.
func VerifyProfileDevice(env []byte) (*ProfileDevice, error) {
	return verifyAs[*ProfileDevice](env, TagProfileDevice)
}

// VerifyProfileHost is VerifyProfile for a ProfileHost.
func VerifyProfileHost(env []byte) (*ProfileHost, error) {
	return verifyAs[*ProfileHost](env, TagProfileHost)
}

// VerifyProfileUser is VerifyProfile for a ProfileUser.
func VerifyProfileUser(env []byte) (*ProfileUser, error) {
	return verifyAs[*ProfileUser](env, TagProfileUser)
}

// VerifyProfileGroup is VerifyProfile for a ProfileGroup.
func VerifyProfileGroup(env []byte) (*ProfileGroup, error) {
	return verifyAs[*ProfileGroup](env, TagProfileGroup)
}

// VerifyProfileService is VerifyProfile for a ProfileService.
func VerifyProfileService(env []byte) (*ProfileService, error) {
	return verifyAs[*ProfileService](env, TagProfileService)
}

// checkPublished validates every key a profile publishes.
func checkPublished(p Any) error {
	for _, k := range p.published() {
		if _, err := checkKey(p.Tag(), k); err != nil {
			return err
		}
	}
	return nil
}

// checkKey validates one published key and returns it.
func checkKey(tag string, k namedKey) (keys.PublicKey, error) {
	if k.kd == nil {
		return nil, fmt.Errorf("profile: %s field %q is missing", tag, k.name)
	}
	if k.kd.PrivateParameters != nil {
		return nil, fmt.Errorf("profile: %s field %q publishes private parameters", tag, k.name)
	}
	if k.kd.Udf == "" {
		return nil, fmt.Errorf("profile: %s field %q has no Udf", tag, k.name)
	}
	pub, err := k.kd.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("profile: %s field %q: %w", tag, k.name, err)
	}
	if k.sign && !pub.Algorithm().CanSign() {
		return nil, fmt.Errorf("profile: %s field %q is a %s key, which cannot sign", tag, k.name, pub.Algorithm())
	}
	return pub, nil
}

// publicKey returns the public key of a KeyData field, naming the field in
// errors.
func publicKey(owner, field string, kd *keys.KeyData) (keys.PublicKey, error) {
	if kd == nil {
		return nil, fmt.Errorf("profile: %s field %q is missing", owner, field)
	}
	pub, err := kd.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("profile: %s field %q: %w", owner, field, err)
	}
	return pub, nil
}
