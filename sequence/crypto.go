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
// docs/sequence.md §5). Every encrypted frame has its own Salt; frames that
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

// policy returns the frame-0 policy (dare.md §2.4). Its enc names dare's
// authenticated mode: readers then refuse encrypted frames in any other
// mode (a downgrade, docs/sequence.md §5).
func (c *writerCrypto) policy() *dare.Policy {
	p := &dare.Policy{Enc: dare.EncA256CBCETM, Dig: dare.DigS512, Encryption: c.enc.Mode, Signature: "None"}
	for _, k := range c.enc.Recipients {
		p.EncryptKeys = append(p.EncryptKeys, dare.TaggedKey{PublicKeyECDH: &dare.PublicKeyECDH{Crv: k.Algorithm().String(), Public: k.Bytes()}})
	}
	return p
}

// sealed holds the three records of an encrypted frame, as stored.
type sealed struct {
	header, payload, trailer []byte
}

// seal encrypts one payload as frame index (dare.md §8.9) in dare's
// authenticated mode A256CBC-ETM-S512 (docs/sequence.md §5). h is the
// header template (SequenceInfo, policy, ContentMetaData...); seal sets its
// ExchangePosition per the policy before the header is serialized, and on
// return h is the header as stored. The dare encoder serializes header and
// trailer, so the envelope tag covers both records exactly as stored: the
// header (enc, Salt, recipients, SequenceInfo with Index and
// ExchangePosition, ContentMetaData), the PayloadDigest, and the trailer
// with the chain or tree digest that frame adds to the sequence (frame.Link).
// Every frame has its own Salt, so its MAC key (derived from the base seed
// and that Salt) is its own even when the exchange is shared.
func (c *writerCrypto) seal(h *dare.Header, index int64, plaintext []byte, frame *dare.SequenceFrame) (sealed, error) {
	opts := dare.EncodeOptions{Rand: c.enc.Rand, SequenceFrame: frame}
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
		return sealed{}, fmt.Errorf("sequence: frame %d: %w", index, err)
	}
	var buf bytes.Buffer
	buf.Grow(int(e.StoredSize(int64(len(plaintext)))))
	w, err := e.PayloadWriter(&buf)
	if err != nil {
		return sealed{}, fmt.Errorf("sequence: frame %d: %w", index, err)
	}
	if _, err := w.Write(plaintext); err != nil {
		e.Abort()
		return sealed{}, fmt.Errorf("sequence: encrypting frame %d: %w", index, err)
	}
	if err := w.Close(); err != nil {
		return sealed{}, fmt.Errorf("sequence: encrypting frame %d: %w", index, err)
	}
	tb, err := e.TrailerBytes()
	if err != nil {
		return sealed{}, fmt.Errorf("sequence: frame %d: %w", index, err)
	}
	*h = e.Header()
	if shared && c.x == nil {
		c.x, c.xIndex = e.Exchange(), index
	}
	return sealed{header: e.HeaderBytes(), payload: buf.Bytes(), trailer: tb}, nil
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
