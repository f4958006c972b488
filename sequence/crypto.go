package sequence

import (
	"bytes"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
)

// Encryption modes of a sequence policy (dare.md §8.9).
const (
	Isolated = "Isolated" // every frame makes its own key exchange
	Once     = "Once"     // frame 0 holds the only key exchange
	Session  = "Session"  // the first encrypted frame of each writer session holds it
)

// Encryption is the encryption policy given to Create (dare.md §8.9,
// docs/sequence.md §6). Every encrypted frame has its own Salt; frames that
// share an exchange point at it with SequenceInfo.ExchangePosition, a frame
// index as in [REF].
type Encryption struct {
	// Mode is Isolated (the default), Once or Session.
	Mode string
	// Recipients are the public keys every exchange is made to; they are
	// recorded in frame 0's policy as EncryptKeys.
	Recipients []keys.PublicKey
	// Symmetric are type-32 UDF keys every exchange is also made to. They
	// are not recorded in the policy: give them again when reopening.
	Symmetric []*dare.SymmetricKey
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
}

// writerCrypto encrypts appended payloads per the policy.
type writerCrypto struct {
	enc    *Encryption
	x      *dare.Exchange // shared exchange (Once, Session), or nil
	xIndex int64          // the frame holding x's recipients
}

func newWriterCrypto(e *Encryption) (*writerCrypto, error) {
	if e.Mode == "" {
		e.Mode = Isolated
	}
	switch e.Mode {
	case Isolated, Once, Session:
	default:
		return nil, fmt.Errorf("sequence: unknown encryption mode %q (want Isolated, Once or Session)", e.Mode)
	}
	if len(e.Recipients)+len(e.Symmetric) == 0 {
		return nil, fmt.Errorf("sequence: an encryption policy needs at least one recipient")
	}
	return &writerCrypto{enc: e}, nil
}

// policy returns the frame-0 policy (dare.md §2.4).
func (c *writerCrypto) policy() *dare.Policy {
	p := &dare.Policy{Enc: dare.EncA256CBC, Dig: dare.DigS512, Encryption: c.enc.Mode, Signature: "None"}
	for _, k := range c.enc.Recipients {
		p.EncryptKeys = append(p.EncryptKeys, dare.TaggedKey{PublicKeyECDH: &dare.PublicKeyECDH{Crv: k.Algorithm().String(), Public: k.Bytes()}})
	}
	return p
}

// frame0 adds the policy to frame 0's header and, for Once, the key
// exchange; it returns frame 0's payload (the encryption of nothing for
// Once, dare.md §8.2).
func (c *writerCrypto) frame0(h *dare.Header) ([]byte, error) {
	h.Policy = c.policy()
	if c.enc.Mode != Once {
		return []byte{}, nil
	}
	return c.encrypt(h, 0, nil)
}

// encrypt encrypts one payload for frame index into its header h (enc,
// Salt, recipients, ExchangePosition), per the policy (dare.md §8.9). The
// frames are written with the [REF] cipher A256CBC: their integrity comes
// from the sequence's PayloadDigest and chain or tree digests, which a frame
// trailer must hold (docs/sequence.md §6).
func (c *writerCrypto) encrypt(h *dare.Header, index int64, plaintext []byte) ([]byte, error) {
	opts := dare.EncodeOptions{Legacy: true, Rand: c.enc.Rand}
	shared := c.enc.Mode == Once || c.enc.Mode == Session
	if shared && c.x != nil {
		opts.Exchange, opts.OmitRecipients = c.x, true
		h.SequenceInfo.ExchangePosition = int64p(c.xIndex)
	} else {
		opts.Recipients, opts.Symmetric = c.enc.Recipients, c.enc.Symmetric
	}
	opts.Header = h
	e, err := dare.NewEncoder(&opts)
	if err != nil {
		return nil, fmt.Errorf("sequence: frame %d: %w", index, err)
	}
	var buf bytes.Buffer
	buf.Grow(int(e.StoredSize(int64(len(plaintext)))))
	w, err := e.PayloadWriter(&buf)
	if err != nil {
		return nil, fmt.Errorf("sequence: frame %d: %w", index, err)
	}
	if _, err := w.Write(plaintext); err != nil {
		e.Abort()
		return nil, fmt.Errorf("sequence: encrypting frame %d: %w", index, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sequence: encrypting frame %d: %w", index, err)
	}
	eh := e.Header()
	h.Enc, h.Dig, h.Salt, h.Recipients = eh.Enc, eh.Dig, eh.Salt, eh.Recipients
	if shared && c.x == nil {
		c.x, c.xIndex = e.Exchange(), index
	}
	return buf.Bytes(), nil
}

// cryptoState is a saved writerCrypto position, to undo a failed append.
type cryptoState struct {
	x      *dare.Exchange
	xIndex int64
}

func (c *writerCrypto) save() cryptoState {
	if c == nil {
		return cryptoState{}
	}
	return cryptoState{c.x, c.xIndex}
}

func (c *writerCrypto) restore(st cryptoState) {
	if c != nil {
		c.x, c.xIndex = st.x, st.xIndex
	}
}

// policyRecipients parses a policy's EncryptKeys.
func policyRecipients(p *dare.Policy) ([]keys.PublicKey, error) {
	var out []keys.PublicKey
	for i, k := range p.EncryptKeys {
		if k.PublicKeyECDH == nil {
			return nil, fmt.Errorf("sequence: policy EncryptKeys[%d] is not a PublicKeyECDH", i)
		}
		alg, err := keys.ParseAlgorithm(k.PublicKeyECDH.Crv)
		if err != nil {
			return nil, fmt.Errorf("sequence: policy EncryptKeys[%d]: %w", i, err)
		}
		pub, err := keys.ParsePublicKey(alg, k.PublicKeyECDH.Public)
		if err != nil {
			return nil, fmt.Errorf("sequence: policy EncryptKeys[%d]: %w", i, err)
		}
		out = append(out, pub)
	}
	return out, nil
}
