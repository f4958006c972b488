package dare

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/keywrap"
	"github.com/mathmesh/mesh/udf"
)

// Exchange is one key exchange (dare.md §4): a base seed and the recipient
// entries that wrap it. A sequence may share one exchange between frames
// (dare.md §8.9); each envelope still draws its own Salt. The seed is never
// printed.
type Exchange struct {
	_          [0]func() // not comparable
	seed       []byte
	recipients []Recipient
}

// String redacts the seed.
func (x *Exchange) String() string {
	return fmt.Sprintf("dare.Exchange{%d recipients}", len(x.recipients))
}

// Format redacts every fmt verb.
func (x *Exchange) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, x.String()) }

// Recipients returns a copy of the recipient entries.
func (x *Exchange) Recipients() []Recipient { return append([]Recipient(nil), x.recipients...) }

// NewExchange draws a base seed (dare.md §4.1) and wraps it to every public
// key (Edwards ECDH for Ed25519/Ed448, RFC 7748 for X25519/X448; dare.md
// §4.2) and every symmetric key. A nil rnd means crypto/rand.
func NewExchange(rnd io.Reader, to []keys.PublicKey, sym []*SymmetricKey) (*Exchange, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if len(to)+len(sym) == 0 {
		return nil, errors.New("dare: a key exchange needs at least one recipient")
	}
	if len(to)+len(sym) > MaxRecipients {
		return nil, fmt.Errorf("dare: %d recipients, limit %d", len(to)+len(sym), MaxRecipients)
	}
	x := &Exchange{seed: make([]byte, seedSize)}
	if _, err := io.ReadFull(rnd, x.seed); err != nil {
		return nil, fmt.Errorf("dare: reading random seed: %w", err)
	}
	for i, pub := range to {
		r, err := wrapToPublic(rnd, pub, x.seed)
		if err != nil {
			return nil, fmt.Errorf("dare: recipient %d: %w", i, err)
		}
		x.recipients = append(x.recipients, r)
	}
	for _, k := range sym {
		kek, err := k.kek()
		if err != nil {
			return nil, err
		}
		wmk, err := keywrap.Wrap(kek, x.seed)
		if err != nil {
			return nil, fmt.Errorf("dare: wrapping seed for %s: %w", k.ID(), err)
		}
		x.recipients = append(x.recipients, Recipient{Kid: k.ID(), Wmk: wmk})
	}
	return x, nil
}

// wrapToPublic implements dare.md §4.2-§4.3 for one public key: a fresh
// ephemeral key on the same curve, KEK = HKDF-SHA-512(agreement, info ""),
// wmk = RFC 3394 wrap of the seed.
func wrapToPublic(rnd io.Reader, pub keys.PublicKey, seed []byte) (Recipient, error) {
	eph, err := keys.Generate(pub.Algorithm(), rnd)
	if err != nil {
		return Recipient{}, err
	}
	agreer, ok := eph.(keys.Agreer)
	if !ok {
		return Recipient{}, fmt.Errorf("%v keys cannot do key agreement", pub.Algorithm())
	}
	ikm, err := agreer.Agree(pub)
	if err != nil {
		return Recipient{}, err
	}
	kek, err := deriveKEK(ikm, "")
	if err != nil {
		return Recipient{}, err
	}
	wmk, err := keywrap.Wrap(kek, seed)
	if err != nil {
		return Recipient{}, fmt.Errorf("wrapping seed: %w", err)
	}
	epk := &PublicKeyECDH{Crv: pub.Algorithm().String(), Public: eph.Public().Bytes()}
	return Recipient{Kid: pub.Fingerprint(), Epk: &TaggedKey{PublicKeyECDH: epk}, Wmk: wmk}, nil
}

// Keyring holds the keys a reader may decrypt and verify with.
type Keyring struct {
	// Private are recipient keys; those that are keys.Agreer are used.
	Private []keys.PrivateKey
	// Symmetric are type-32 keys (SymmetricKey).
	Symmetric []*SymmetricKey
	// Trusted are signer keys whose signatures are checked.
	Trusted []keys.PublicKey
}

// ErrNoKey reports that no key of the keyring opens any recipient entry.
var ErrNoKey = errors.New("dare: no key opens this envelope")

// OpenExchange recovers the base seed from recipient entries (dare.md §4.3
// "Decrypt"): first the entries whose kid names one of our keys, then, since
// [REF] kids are not always reproducible, every key of the right curve.
func OpenExchange(recipients []Recipient, ring *Keyring) (*Exchange, error) {
	if len(recipients) == 0 {
		return nil, errors.New("dare: encrypted envelope has no recipients")
	}
	if len(recipients) > MaxRecipients {
		return nil, fmt.Errorf("dare: %d recipients, limit %d", len(recipients), MaxRecipients)
	}
	if ring == nil {
		ring = &Keyring{}
	}
	var failures []string
	for _, byKid := range []bool{true, false} {
		for i := range recipients {
			seed, err := openRecipient(&recipients[i], ring, byKid)
			if err == nil && seed != nil {
				return &Exchange{seed: seed, recipients: recipients}, nil
			}
			if err != nil && byKid {
				failures = append(failures, fmt.Sprintf("recipient %d (kid %q): %v", i, recipients[i].Kid, err))
			}
		}
	}
	kids := make([]string, len(recipients))
	for i, r := range recipients {
		kids[i] = strconv.Quote(r.Kid)
	}
	if len(failures) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoKey, strings.Join(failures, "; "))
	}
	return nil, fmt.Errorf("%w: none of our keys matches recipients [%s]", ErrNoKey, strings.Join(kids, ", "))
}

// openRecipient tries the keys of ring on r: with byKid, only keys whose id
// equals r.Kid; otherwise all keys of the right kind. It returns (nil, nil)
// when no key was tried.
func openRecipient(r *Recipient, ring *Keyring, byKid bool) ([]byte, error) {
	var lastErr error
	if r.Epk == nil {
		for _, k := range ring.Symmetric {
			if byKid != udf.Equal(k.ID(), r.Kid) {
				continue
			}
			kek, err := k.kek()
			if err != nil {
				return nil, err
			}
			if seed, err := unwrapSeed(kek, r.Wmk); err == nil {
				return seed, nil
			} else {
				lastErr = err
			}
		}
		return nil, lastErr
	}
	epk, err := parseEpk(r.Epk)
	if err != nil {
		return nil, err
	}
	for _, k := range ring.Private {
		a, ok := k.(keys.Agreer)
		if !ok || k.Algorithm() != epk.Algorithm() {
			continue
		}
		if byKid != udf.Equal(k.Public().Fingerprint(), r.Kid) {
			continue
		}
		seed, err := unwrapWithAgreement(a, epk, r.Wmk)
		if err == nil {
			return seed, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// parseEpk decodes and validates the ephemeral key (dare.md §2.4).
func parseEpk(t *TaggedKey) (keys.PublicKey, error) {
	if t.PublicKeyECDH == nil {
		return nil, errors.New("field \"epk\" is not a PublicKeyECDH")
	}
	var alg keys.Algorithm
	switch t.PublicKeyECDH.Crv {
	case crvEd25519:
		alg = keys.Ed25519
	case crvEd448:
		alg = keys.Ed448
	case crvX25519:
		alg = keys.X25519
	case crvX448:
		alg = keys.X448
	default:
		return nil, fmt.Errorf("unknown curve %q in field \"epk.crv\"", t.PublicKeyECDH.Crv)
	}
	pub, err := keys.ParsePublicKey(alg, t.PublicKeyECDH.Public)
	if err != nil {
		return nil, fmt.Errorf("field \"epk.Public\": %w", err)
	}
	return pub, nil
}

// unwrapWithAgreement recomputes the agreement and tries the KEK info
// strings of dare.md §4.3 ("", "master", "dare-master").
func unwrapWithAgreement(a keys.Agreer, epk keys.PublicKey, wmk []byte) ([]byte, error) {
	ikm, err := a.Agree(epk)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for _, info := range kekInfos {
		kek, err := deriveKEK(ikm, info)
		if err != nil {
			return nil, err
		}
		seed, err := unwrapSeed(kek, wmk)
		if err == nil {
			return seed, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// unwrapSeed unwraps and checks the size of a base seed.
func unwrapSeed(kek, wmk []byte) ([]byte, error) {
	seed, err := keywrap.Unwrap(kek, wmk)
	if err != nil {
		return nil, fmt.Errorf("key unwrap failed (wrong key or corrupted \"wmk\"): %w", err)
	}
	if len(seed) != seedSize {
		return nil, fmt.Errorf("unwrapped base seed is %d bytes, want %d", len(seed), seedSize)
	}
	return seed, nil
}
