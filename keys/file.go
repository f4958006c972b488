package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Key files (the CLI's `meshman key create --out FILE`) are JSON text with
// one flat object of string members, described in the package doc. The
// reader is strict: it rejects unknown, duplicate and missing members,
// trailing data, padded or non-canonical base64url and files over
// MaxKeyFileSize, and it checks the stored public key and fingerprint
// against the private key.

// Format names of the two key file kinds.
const (
	privateKeyFileFormat = "mesh-private-key/1"
	publicKeyFileFormat  = "mesh-public-key/1"
)

var b64 = base64.RawURLEncoding.Strict()

// privateKeyFile is the private key file; member order is the output order.
type privateKeyFile struct {
	Format      string `json:"Format"`
	Algorithm   string `json:"Algorithm"`
	Fingerprint string `json:"Fingerprint"`
	Public      string `json:"Public"`
	Seed        string `json:"Seed,omitempty"`
	Scalar      string `json:"Scalar,omitempty"`
	Prefix      string `json:"Prefix,omitempty"`
}

// publicKeyFile is the public key file.
type publicKeyFile struct {
	Format      string `json:"Format"`
	Algorithm   string `json:"Algorithm"`
	Fingerprint string `json:"Fingerprint"`
	Public      string `json:"Public"`
}

// MarshalPrivateKeyFile returns the key file of priv (see the package
// doc). The file holds the secret: the caller writes it with mode 0600.
func MarshalPrivateKeyFile(priv PrivateKey) ([]byte, error) {
	seed, scalar, err := secretOf(priv)
	if err != nil {
		return nil, err
	}
	defer clear(seed)
	defer clear(scalar)
	pub := priv.Public()
	f := privateKeyFile{
		Format:      privateKeyFileFormat,
		Algorithm:   priv.Algorithm().String(),
		Fingerprint: pub.Fingerprint(),
		Public:      b64.EncodeToString(pub.Bytes()),
	}
	if seed != nil {
		f.Seed = b64.EncodeToString(seed)
	} else {
		f.Scalar = b64.EncodeToString(scalar)
		switch k := priv.(type) {
		case *Ed25519Private:
			f.Prefix = b64.EncodeToString(k.prefix[:])
		case *Ed448Private:
			f.Prefix = b64.EncodeToString(k.prefix[:])
		}
	}
	return marshalFile(f)
}

// MarshalPublicKeyFile returns the public key file of pub.
func MarshalPublicKeyFile(pub PublicKey) ([]byte, error) {
	if isNilKey(pub) {
		return nil, errors.New("keys: nil public key")
	}
	return marshalFile(publicKeyFile{
		Format:      publicKeyFileFormat,
		Algorithm:   pub.Algorithm().String(),
		Fingerprint: pub.Fingerprint(),
		Public:      b64.EncodeToString(pub.Bytes()),
	})
}

func marshalFile(v any) ([]byte, error) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	return append(out, '\n'), nil
}

// ParsePrivateKeyFile reads a private key file and checks that its public
// key and fingerprint belong to the private key.
func ParsePrivateKeyFile(data []byte) (PrivateKey, error) {
	m, err := readFlatObject(data, []string{"Format", "Algorithm", "Fingerprint", "Public"}, []string{"Seed", "Scalar", "Prefix"})
	if err != nil {
		return nil, err
	}
	if m["Format"] != privateKeyFileFormat {
		return nil, fmt.Errorf("keys: key file member \"Format\" is %q, want %q", m["Format"], privateKeyFileFormat)
	}
	alg, err := ParseAlgorithm(m["Algorithm"])
	if err != nil || m["Algorithm"] != alg.String() {
		return nil, fmt.Errorf("keys: key file member \"Algorithm\": unknown algorithm %q", m["Algorithm"])
	}
	priv, err := privateFromMembers(alg, m)
	if err != nil {
		return nil, err
	}
	if err := checkFileIdentity(priv.Public(), m); err != nil {
		return nil, err
	}
	return priv, nil
}

// privateFromMembers builds the key from Seed, or from Scalar (and Prefix
// for the Edwards curves).
func privateFromMembers(alg Algorithm, m map[string]string) (PrivateKey, error) {
	seed, hasSeed := m["Seed"]
	scalar, hasScalar := m["Scalar"]
	prefix, hasPrefix := m["Prefix"]
	if hasSeed == hasScalar {
		return nil, errors.New("keys: key file needs exactly one of the members \"Seed\" and \"Scalar\"")
	}
	if hasPrefix != (hasScalar && alg.CanSign()) {
		return nil, fmt.Errorf("keys: key file member \"Prefix\" must be present exactly for %v keys given by \"Scalar\"", alg)
	}
	if hasSeed {
		b, err := decodeMember("Seed", seed)
		if err != nil {
			return nil, err
		}
		defer clear(b)
		priv, err := newFromSeed(alg, b)
		if err != nil {
			return nil, fmt.Errorf("keys: key file member \"Seed\": %w", err)
		}
		return priv, nil
	}
	s, err := decodeMember("Scalar", scalar)
	if err != nil {
		return nil, err
	}
	defer clear(s)
	var p []byte
	if hasPrefix {
		if p, err = decodeMember("Prefix", prefix); err != nil {
			return nil, err
		}
		defer clear(p)
	}
	var priv PrivateKey
	switch alg {
	case Ed25519:
		priv, err = NewEd25519FromScalar(s, p)
	case Ed448:
		priv, err = NewEd448FromScalar(s, p)
	case X25519:
		priv, err = NewX25519FromScalar(s)
	default:
		priv, err = NewX448FromScalar(s)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: key file members \"Scalar\"/\"Prefix\": %w", err)
	}
	return priv, nil
}

// ParsePublicKeyFile reads a public key file and checks its fingerprint.
func ParsePublicKeyFile(data []byte) (PublicKey, error) {
	m, err := readFlatObject(data, []string{"Format", "Algorithm", "Fingerprint", "Public"}, nil)
	if err != nil {
		return nil, err
	}
	if m["Format"] != publicKeyFileFormat {
		return nil, fmt.Errorf("keys: key file member \"Format\" is %q, want %q", m["Format"], publicKeyFileFormat)
	}
	alg, err := ParseAlgorithm(m["Algorithm"])
	if err != nil || m["Algorithm"] != alg.String() {
		return nil, fmt.Errorf("keys: key file member \"Algorithm\": unknown algorithm %q", m["Algorithm"])
	}
	b, err := decodeMember("Public", m["Public"])
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey(alg, b)
	if err != nil {
		return nil, fmt.Errorf("keys: key file member \"Public\": %w", err)
	}
	if err := checkFileIdentity(pub, m); err != nil {
		return nil, err
	}
	return pub, nil
}

// checkFileIdentity checks the Public and Fingerprint members against pub.
func checkFileIdentity(pub PublicKey, m map[string]string) error {
	if m["Public"] != b64.EncodeToString(pub.Bytes()) {
		return errors.New("keys: key file member \"Public\" does not match the key")
	}
	if m["Fingerprint"] != pub.Fingerprint() {
		return fmt.Errorf("keys: key file member \"Fingerprint\" is %q, the key's is %s", m["Fingerprint"], pub.Fingerprint())
	}
	return nil
}

func decodeMember(name, s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("keys: key file member %q is not unpadded base64url: %w", name, err)
	}
	return b, nil
}

// readFlatObject reads one JSON object whose members are all strings,
// allowing only the named members, each at most once, and nothing after
// the object. It reports byte offsets in its errors.
func readFlatObject(data []byte, required, optional []string) (map[string]string, error) {
	if len(data) > MaxKeyFileSize {
		return nil, fmt.Errorf("keys: key file is %d bytes, limit %d", len(data), MaxKeyFileSize)
	}
	allowed := make(map[string]bool, len(required)+len(optional))
	for _, n := range append(append([]string{}, required...), optional...) {
		allowed[n] = true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("keys: key file does not start with a JSON object (offset %d)", dec.InputOffset())
	}
	m := make(map[string]string)
	for dec.More() {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("keys: key file: bad JSON near offset %d: %w", off, err)
		}
		name, _ := tok.(string)
		if !allowed[name] {
			return nil, fmt.Errorf("keys: key file has unknown member %q at offset %d", name, off)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("keys: key file has duplicate member %q at offset %d", name, off)
		}
		off = dec.InputOffset()
		tok, err = dec.Token()
		if err != nil {
			return nil, fmt.Errorf("keys: key file: bad JSON near offset %d: %w", off, err)
		}
		val, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("keys: key file member %q at offset %d is not a string", name, off)
		}
		m[name] = val
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("keys: key file: bad JSON near offset %d: %w", dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("keys: key file has data after the object at offset %d", dec.InputOffset())
	}
	for _, n := range required {
		if _, ok := m[n]; !ok {
			return nil, fmt.Errorf("keys: key file lacks member %q", n)
		}
	}
	return m, nil
}
