package profile

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// DeviceSecrets holds a device seed (schema.md §2.4: MeshProfileDevice) and
// the keys derived from it: the profile key BaseDeviceProfile and the base
// keys BaseDevice{Encrypt,Sign,Authenticate}. A host uses the same seed type
// with actor Host (schema.md §3.6). It never prints its secrets.
type DeviceSecrets struct {
	sk    *seedKeys
	actor keys.ActorLabel
}

// NewDevice draws a fresh device seed (rand nil means crypto/rand).
func NewDevice(rand io.Reader) (*DeviceSecrets, error) {
	seed, err := drawSeed(rand, udf.MeshProfileDevice)
	if err != nil {
		return nil, err
	}
	return DeviceFromSeed(seed)
}

// DeviceFromSeed recomputes a device's keys from its seed.
func DeviceFromSeed(seed string) (*DeviceSecrets, error) {
	return deviceFromSeed(seed, keys.ActorDevice)
}

// NewHost draws a fresh host seed: a MeshProfileDevice seed whose keys are
// named with actor Host (udf.md §6.3).
func NewHost(rand io.Reader) (*DeviceSecrets, error) {
	seed, err := drawSeed(rand, udf.MeshProfileDevice)
	if err != nil {
		return nil, err
	}
	return HostFromSeed(seed)
}

// HostFromSeed recomputes a host's keys from its seed.
func HostFromSeed(seed string) (*DeviceSecrets, error) {
	return deviceFromSeed(seed, keys.ActorHost)
}

func deviceFromSeed(seed string, actor keys.ActorLabel) (*DeviceSecrets, error) {
	sk, err := newSeedKeys(seed, udf.MeshProfileDevice)
	if err != nil {
		return nil, err
	}
	return &DeviceSecrets{sk: sk, actor: actor}, nil
}

// Seed returns the seed UDF, for the caller to store in a file readable only
// by the user.
func (d *DeviceSecrets) Seed() string { return d.sk.seed }

// ProfileKey returns the key behind ProfileSignature (BaseDeviceProfile).
func (d *DeviceSecrets) ProfileKey() (keys.Signer, error) {
	return d.sk.signer(keys.TypeBase, d.actor, keys.OpProfile)
}

// BaseEncryption returns the base encryption key (BaseDeviceEncrypt), which
// decrypts the ActivationAccount and RespondConnection sent to the device.
func (d *DeviceSecrets) BaseEncryption() (keys.Agreer, error) {
	return d.sk.agreer(keys.TypeBase, d.actor, keys.OpEncrypt, "")
}

// BaseAuthentication returns the base authentication key
// (BaseDeviceAuthenticate), which authenticates a device while it connects.
func (d *DeviceSecrets) BaseAuthentication() (keys.Agreer, error) {
	return d.sk.agreer(keys.TypeBase, d.actor, keys.OpAuthenticate, "")
}

// BaseSignature returns the base signature key (BaseDeviceSign).
func (d *DeviceSecrets) BaseSignature() (keys.Signer, error) {
	return d.sk.signer(keys.TypeBase, d.actor, keys.OpSign)
}

// ProfileDevice returns the device profile (schema.md §3.3): the public
// halves of the four base keys. description may be empty.
func (d *DeviceSecrets) ProfileDevice(description string) (*ProfileDevice, error) {
	p := &ProfileDevice{Profile: Profile{Description: description}}
	var err error
	if p.ProfileSignature, err = d.sk.keyData(keys.TypeBase, d.actor, keys.OpProfile); err != nil {
		return nil, err
	}
	if p.Encryption, err = d.sk.keyData(keys.TypeBase, d.actor, keys.OpEncrypt); err != nil {
		return nil, err
	}
	if p.Signature, err = d.sk.keyData(keys.TypeBase, d.actor, keys.OpSign); err != nil {
		return nil, err
	}
	if p.Authentication, err = d.sk.keyData(keys.TypeBase, d.actor, keys.OpAuthenticate); err != nil {
		return nil, err
	}
	return p, nil
}

// ProfileHost returns the host profile (schema.md §3.6) of a host's seed.
func (d *DeviceSecrets) ProfileHost(description string) (*ProfileHost, error) {
	if d.actor != keys.ActorHost {
		return nil, fmt.Errorf("profile: ProfileHost needs a host seed (HostFromSeed), not a device seed")
	}
	p, err := d.ProfileDevice(description)
	if err != nil {
		return nil, err
	}
	return &ProfileHost{ProfileDevice: *p}, nil
}

// SignedProfile returns the self-signed envelope of the device profile (or,
// for a host seed, of the host profile).
func (d *DeviceSecrets) SignedProfile(description string, opts *SealOptions) ([]byte, error) {
	signer, err := d.ProfileKey()
	if err != nil {
		return nil, err
	}
	if d.actor == keys.ActorHost {
		p, err := d.ProfileHost(description)
		if err != nil {
			return nil, err
		}
		return SignProfile(p, signer, opts)
	}
	p, err := d.ProfileDevice(description)
	if err != nil {
		return nil, err
	}
	return SignProfile(p, signer, opts)
}

// UDF returns the device profile's identifier.
func (d *DeviceSecrets) UDF() string {
	k, err := d.ProfileKey()
	if err != nil {
		return ""
	}
	return k.Public().Fingerprint()
}

// String prints the device UDF only.
func (d *DeviceSecrets) String() string { return redacted("DeviceSecrets", d.UDF()) }

// GoString prints the device UDF only.
func (d *DeviceSecrets) GoString() string { return d.String() }

// Format prints the device UDF only, for every verb.
func (d *DeviceSecrets) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, d.String()) }
