package frost

import (
	"crypto/sha3"
	"crypto/sha512"
	"math/big"

	"github.com/mathmesh/mesh/threshold/group"
)

// Ciphersuite is a FROST ciphersuite (RFC 9591 §6).
type Ciphersuite struct {
	name    string
	g       group.Group
	context string
	hash    func(parts ...[]byte) []byte // H, 64 or 114 bytes
	h2dom   []byte                       // RFC 8032 domain prefix for H2
}

// Ed25519 is FROST(Ed25519, SHA-512), RFC 9591 §6.1.
var Ed25519 = &Ciphersuite{
	name:    "FROST(Ed25519, SHA-512)",
	g:       group.Ed25519,
	context: "FROST-ED25519-SHA512-v1",
	hash: func(parts ...[]byte) []byte {
		h := sha512.New()
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	},
}

// Ed448 is FROST(Ed448, SHAKE256), RFC 9591 §6.3. H2 carries RFC 8032's dom4
// with phflag 0 and an empty context.
var Ed448 = &Ciphersuite{
	name:    "FROST(Ed448, SHAKE256)",
	g:       group.Ed448,
	context: "FROST-ED448-SHAKE256-v1",
	hash: func(parts ...[]byte) []byte {
		h := sha3.NewSHAKE256()
		for _, p := range parts {
			h.Write(p)
		}
		out := make([]byte, 114)
		h.Read(out)
		return out
	},
	h2dom: []byte("SigEd448\x00\x00"),
}

// Name returns the RFC 9591 ciphersuite name.
func (cs *Ciphersuite) Name() string { return cs.name }

// Group returns the prime-order group.
func (cs *Ciphersuite) Group() group.Group { return cs.g }

func (cs *Ciphersuite) toScalar(h []byte) group.Scalar {
	s, err := cs.g.ScalarFromWide(h)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return s
}

// h1 is H1 (rho), h3 is H3 (nonce), h4 is H4 (msg), h5 is H5 (com).
func (cs *Ciphersuite) h1(m ...[]byte) group.Scalar {
	return cs.toScalar(cs.hash(append([][]byte{[]byte(cs.context + "rho")}, m...)...))
}

func (cs *Ciphersuite) h2(m ...[]byte) group.Scalar {
	return cs.toScalar(cs.hash(append([][]byte{cs.h2dom}, m...)...))
}

func (cs *Ciphersuite) h3(m ...[]byte) group.Scalar {
	return cs.toScalar(cs.hash(append([][]byte{[]byte(cs.context + "nonce")}, m...)...))
}

func (cs *Ciphersuite) h4(m []byte) []byte { return cs.hash([]byte(cs.context+"msg"), m) }
func (cs *Ciphersuite) h5(m []byte) []byte { return cs.hash([]byte(cs.context+"com"), m) }

// idScalar is Scalar(identifier).
func (cs *Ciphersuite) idScalar(id uint16) group.Scalar {
	return cs.g.ScalarFromBig(big.NewInt(int64(id)))
}
