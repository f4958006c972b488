package profile

import (
	"errors"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// Preconfigured devices (static QR; schema.md §7.5, §9.5; udf.md §6.6,
// §8.2; protocol.md §7 F4c): a maker writes a device seed and profile
// into the device as a DevicePreconfigurationPrivate file and publishes
// the profile, encrypted under the connect PIN derived from the seed, in
// its own Publication catalog.

// Tags of the preconfiguration records.
const (
	TagDevicePreconfigurationPublic  = "DevicePreconfigurationPublic"
	TagDevicePreconfigurationPrivate = "DevicePreconfigurationPrivate"
)

// PreconfigPinBits is the size of the connect PIN of a preconfigured
// device. REF uses 120 bits (udf.ConnectPinBits); we use 128 because the
// PIN is also the symmetric DARE key the device profile is published
// under, and DARE refuses symmetric keys under 128 bits.
const PreconfigPinBits = 128

// MaxPreconfigSize bounds a .medk file: a device profile envelope (a few
// kilobytes), a seed and a URI.
const MaxPreconfigSize = 64 << 10

// DevicePreconfigurationPublic is the public part of a preconfigured
// device (schema.md §7.5). Hailing (the reference's list of discovery
// hints) is not modelled.
type DevicePreconfigurationPublic struct {
	EnvelopedProfileDevice jsonb.Raw `json:"EnvelopedProfileDevice,omitempty"`
}

// Tag returns "DevicePreconfigurationPublic".
func (*DevicePreconfigurationPublic) Tag() string { return TagDevicePreconfigurationPublic }

// DevicePreconfigurationPrivate is the file a maker writes into a device
// (schema.md §7.5): the signed device profile, the device seed and the
// mcu:// connect URI printed on the device as a QR code. REF also puts a
// ConnectionService and ConnectionDevice to the maker's account in it; we
// do not connect the device to the maker (PollClaim is public and the
// claim is authenticated by the PIN-derived DeviceAuthenticate), so those
// fields are absent. It holds a secret: it never prints it.
type DevicePreconfigurationPrivate struct {
	DevicePreconfigurationPublic
	PrivateKey *keys.PrivateKeyUDF `json:"PrivateKey,omitempty"`
	ConnectUri string              `json:"ConnectUri,omitempty"`
}

// Tag returns "DevicePreconfigurationPrivate".
func (*DevicePreconfigurationPrivate) Tag() string { return TagDevicePreconfigurationPrivate }

// String redacts the seed.
func (p *DevicePreconfigurationPrivate) String() string {
	return "DevicePreconfigurationPrivate(" + p.ConnectUri + ", seed redacted)"
}

// GoString redacts the seed.
func (p *DevicePreconfigurationPrivate) GoString() string { return p.String() }

// Format redacts the seed.
func (p *DevicePreconfigurationPrivate) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, p.String())
}

// Preconfigured is a device made by a maker (protocol.md F4c step 1).
type Preconfigured struct {
	Device *DeviceSecrets
	// Profile is the signed ProfileDevice envelope.
	Profile []byte
	// Maker is the maker's account address, PIN the connect PIN
	// udf.ConnectPin(seed, Maker, PreconfigPinBits) and URI mcu://Maker/PIN.
	Maker, PIN, URI string
}

// String shows the maker and the device; the PIN (and so the URI) is the
// claim secret and is redacted.
func (p *Preconfigured) String() string {
	return "Preconfigured(" + p.Maker + ", " + p.Device.UDF() + ", PIN redacted)"
}

// GoString redacts the PIN and the seed.
func (p *Preconfigured) GoString() string { return p.String() }

// Format redacts the PIN and the seed.
func (p *Preconfigured) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// NewPreconfigured makes a device seed and profile for a device sold by
// the account maker.
func NewPreconfigured(maker string, rand io.Reader, opts *SealOptions) (*Preconfigured, error) {
	dev, err := NewDevice(rand)
	if err != nil {
		return nil, err
	}
	env, err := dev.SignedProfile("", opts)
	if err != nil {
		return nil, err
	}
	return preconfigured(dev, env, maker)
}

func preconfigured(dev *DeviceSecrets, env []byte, maker string) (*Preconfigured, error) {
	pin, err := udf.ConnectPin(dev.Seed(), maker, PreconfigPinBits)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	uri, err := udf.FormatConnectURI(maker, pin)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return &Preconfigured{Device: dev, Profile: env, Maker: maker, PIN: pin, URI: uri}, nil
}

// Private returns the DevicePreconfigurationPrivate file contents (tagged
// JSON).
func (p *Preconfigured) Private() ([]byte, error) {
	k, err := keys.NewPrivateKeyUDF(p.Device.Seed())
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	rec := &DevicePreconfigurationPrivate{DevicePreconfigurationPublic: DevicePreconfigurationPublic{EnvelopedProfileDevice: p.Profile},
		PrivateKey: k, ConnectUri: p.URI}
	b, err := jsonb.MarshalTagged(rec.Tag(), rec, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("profile: encoding %s: %w", rec.Tag(), err)
	}
	return b, nil
}

// SealedProfile returns the device profile envelope encrypted under the
// connect PIN, the EnvelopedData of its CatalogedPublication (F4c step 1).
func (p *Preconfigured) SealedProfile(rand io.Reader) ([]byte, error) {
	k, err := dare.ParseSymmetricKey(p.PIN)
	if err != nil {
		return nil, fmt.Errorf("profile: connect pin: %w", err)
	}
	return dare.Seal(p.Profile, &dare.EncodeOptions{Symmetric: []*dare.SymmetricKey{k}, Rand: rand,
		ContentMeta: &dare.ContentMeta{ContentType: ContentTypeObject, MessageType: TagProfileDevice}})
}

// OpenSealedProfile decrypts a published device profile with the connect
// PIN and verifies it (F4c step 4).
func OpenSealedProfile(env []byte, pin string) (*ProfileDevice, []byte, error) {
	if len(env) > MaxEnvelopeSize {
		return nil, nil, fmt.Errorf("profile: published profile of %d bytes exceeds the limit of %d", len(env), MaxEnvelopeSize)
	}
	k, err := dare.ParseSymmetricKey(pin)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: connect pin: %w", err)
	}
	inner, _, err := dare.Open(env, &dare.Keyring{Symmetric: []*dare.SymmetricKey{k}})
	if err != nil {
		return nil, nil, fmt.Errorf("profile: the published device profile does not decrypt with this PIN: %w", err)
	}
	dev, err := VerifyProfileDevice(inner)
	if err != nil {
		return nil, nil, err
	}
	return dev, inner, nil
}

// ParsePreconfigured reads a DevicePreconfigurationPrivate file and checks
// it: the seed derives the profile, and the URI's PIN is the one the seed
// derives for the URI's maker.
func ParsePreconfigured(data []byte) (*Preconfigured, error) {
	if len(data) > MaxPreconfigSize {
		return nil, fmt.Errorf("profile: preconfiguration of %d bytes exceeds the limit of %d", len(data), MaxPreconfigSize)
	}
	tag, inner, err := jsonb.ReadTag(data)
	if err != nil {
		return nil, fmt.Errorf("profile: preconfiguration: %w", err)
	}
	if tag != TagDevicePreconfigurationPrivate {
		return nil, fmt.Errorf("profile: preconfiguration holds a %q, want %s", tag, TagDevicePreconfigurationPrivate)
	}
	var rec DevicePreconfigurationPrivate
	if err := jsonb.Unmarshal(inner, &rec); err != nil {
		return nil, fmt.Errorf("profile: preconfiguration: %w", err)
	}
	if rec.PrivateKey == nil || rec.PrivateKey.PrivateValue == "" {
		return nil, errors.New("profile: preconfiguration field \"PrivateKey\" is missing")
	}
	dev, err := DeviceFromSeed(rec.PrivateKey.PrivateValue)
	if err != nil {
		return nil, fmt.Errorf("profile: preconfiguration field \"PrivateKey\": %w", err)
	}
	pd, err := VerifyProfileDevice(rec.EnvelopedProfileDevice)
	if err != nil {
		return nil, fmt.Errorf("profile: preconfiguration field \"EnvelopedProfileDevice\": %w", err)
	}
	if pd.UDF() != dev.UDF() {
		return nil, fmt.Errorf("profile: preconfiguration: the seed derives device %s but the profile is %s", dev.UDF(), pd.UDF())
	}
	maker, pin, err := udf.ParseConnectURI(rec.ConnectUri)
	if err != nil {
		return nil, fmt.Errorf("profile: preconfiguration field \"ConnectUri\": %w", err)
	}
	p, err := preconfigured(dev, rec.EnvelopedProfileDevice, maker)
	if err != nil {
		return nil, err
	}
	if p.PIN != pin {
		return nil, errors.New("profile: preconfiguration field \"ConnectUri\": its PIN is not the one the seed derives")
	}
	return p, nil
}
