package frost

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/cloudflare/circl/sign/ed448"
	"github.com/mathmesh/mesh/threshold/group"
	"github.com/mathmesh/mesh/threshold/shamir"
)

type vectorSigner struct {
	ID                     uint16 `json:"id"`
	HidingNonceRandomness  string `json:"hiding_nonce_randomness"`
	BindingNonceRandomness string `json:"binding_nonce_randomness"`
	HidingNonce            string `json:"hiding_nonce"`
	BindingNonce           string `json:"binding_nonce"`
	HidingNonceCommitment  string `json:"hiding_nonce_commitment"`
	BindingNonceCommitment string `json:"binding_nonce_commitment"`
	BindingFactorInput     string `json:"binding_factor_input"`
	BindingFactor          string `json:"binding_factor"`
	SigShare               string `json:"sig_share"`
}

type vector struct {
	ID                string            `json:"id"`
	Ciphersuite       string            `json:"ciphersuite"`
	MaxParticipants   int               `json:"max_participants"`
	MinParticipants   int               `json:"min_participants"`
	GroupSecretKey    string            `json:"group_secret_key"`
	GroupPublicKey    string            `json:"group_public_key"`
	Message           string            `json:"message"`
	Coefficients      []string          `json:"share_polynomial_coefficients"`
	ParticipantShares map[string]string `json:"participant_shares"`
	ParticipantList   []uint16          `json:"participant_list"`
	Signers           []vectorSigner    `json:"signers"`
	Sig               string            `json:"sig"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	data, err := os.ReadFile("testdata/rfc9591.json")
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	return f.Vectors
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func suiteByName(tb testing.TB, name string) *Ciphersuite {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		if cs.Name() == name {
			return cs
		}
	}
	tb.Fatalf("unknown ciphersuite %q", name)
	return nil
}

func stdVerify(cs *Ciphersuite, pub, msg, sig []byte) bool {
	if cs == Ed25519 {
		return ed25519.Verify(pub, msg, sig)
	}
	return ed448.Verify(pub, msg, sig, "")
}

func mustScalar(tb testing.TB, g group.Group, h string) group.Scalar {
	tb.Helper()
	s, err := g.DecodeScalar(unhex(tb, h))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func checkBytes(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if hex.EncodeToString(got) != want {
		t.Errorf("%s = %x, want %s", what, got, want)
	}
}

// TestRFC9591Vectors runs every intermediate value of RFC 9591 Appendix E.1
// and E.2: dealer shares, nonces, commitments, binding factor inputs and
// factors, signature shares, the aggregate signature, and the standard
// verifier on the result.
func TestRFC9591Vectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			cs := suiteByName(t, v.Ciphersuite)
			g := cs.Group()
			secret := mustScalar(t, g, v.GroupSecretKey)
			checkBytes(t, "group public key", g.NewElement().ScalarBaseMult(secret).Bytes(), v.GroupPublicKey)
			coeffs := []group.Scalar{secret}
			for _, c := range v.Coefficients {
				coeffs = append(coeffs, mustScalar(t, g, c))
			}
			dealt, vss := shamir.SplitWithCoefficients(g, coeffs, v.MaxParticipants)
			for _, sh := range dealt {
				checkBytes(t, "share "+strconv.Itoa(int(sh.ID)), sh.Value.Bytes(), v.ParticipantShares[strconv.Itoa(int(sh.ID))])
				if !shamir.Verify(g, sh, vss) {
					t.Errorf("share %d fails VSS verification", sh.ID)
				}
			}
			keys, pkg, err := cs.fromShamir(dealt, vss[0])
			if err != nil {
				t.Fatal(err)
			}
			msg := unhex(t, v.Message)
			nonces := map[uint16]*SigningNonces{}
			var list []Commitment
			for _, s := range v.Signers {
				n := keys[s.ID-1].commitWithRandomness(unhex(t, s.HidingNonceRandomness), unhex(t, s.BindingNonceRandomness))
				checkBytes(t, "hiding nonce", n.state.hiding.Bytes(), s.HidingNonce)
				checkBytes(t, "binding nonce", n.state.binding.Bytes(), s.BindingNonce)
				checkBytes(t, "hiding commitment", n.state.commitment.Hiding.Bytes(), s.HidingNonceCommitment)
				checkBytes(t, "binding commitment", n.state.commitment.Binding.Bytes(), s.BindingNonceCommitment)
				nonces[s.ID] = n
				list = append(list, n.Commitment())
			}
			prefix := append(pkg.GroupPublic.Bytes(), cs.h4(msg)...)
			prefix = append(prefix, cs.h5(cs.encodeCommitmentList(list))...)
			rho := cs.bindingFactors(pkg.GroupPublic, list, msg)
			var shares []SignatureShare
			for i, s := range v.Signers {
				checkBytes(t, "binding factor input", append(bytes.Clone(prefix), cs.idScalar(s.ID).Bytes()...), s.BindingFactorInput)
				checkBytes(t, "binding factor", rho[i].Bytes(), s.BindingFactor)
				share, err := keys[s.ID-1].Sign(nonces[s.ID], msg, list)
				if err != nil {
					t.Fatal(err)
				}
				checkBytes(t, "signature share", share.Share.Bytes(), s.SigShare)
				shares = append(shares, share)
			}
			sig, err := cs.Aggregate(pkg, msg, list, shares)
			if err != nil {
				t.Fatal(err)
			}
			checkBytes(t, "signature", sig, v.Sig)
			if !stdVerify(cs, unhex(t, v.GroupPublicKey), msg, sig) {
				t.Error("standard verifier rejects the signature")
			}
		})
	}
}
