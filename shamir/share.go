package shamir

import (
	"fmt"

	"github.com/mathmesh/mesh/udf"
)

// Share is one Shamir share (udf.md §7.2 step 4). Its value is secret: the
// String, GoString and Format methods never print it. The zero Share is
// invalid.
type Share struct {
	k int    // threshold, 1 to 15
	x int    // index, 1 to 15
	y []byte // f(x), big-endian, exactly L bytes
}

// Threshold returns k, the number of shares needed to recover the secret.
func (s Share) Threshold() int { return s.k }

// Index returns x, the point at which the share evaluates the polynomial.
func (s Share) Index() int { return s.x }

// Len returns L, the length in bytes of the secret the share belongs to.
func (s Share) Len() int { return len(s.y) }

// Value returns a copy of the share value y = f(x), L bytes big-endian.
func (s Share) Value() []byte { return append([]byte(nil), s.y...) }

// firstByte returns (k << 4) | (x - 1) (udf.md §7.2 step 4).
func (s Share) firstByte() byte { return byte(s.k<<4 | (s.x - 1)) }

// UDF returns the share as a type-144 UDF at full precision: 0x90 ||
// ((k << 4) | (x - 1)) || y (udf.md §7.2 step 4). A share of a 16-byte
// secret has 29 characters, one of a 35-byte seed 60. The zero Share
// gives "".
func (s Share) UDF() string {
	if s.k < 1 || s.x < 1 || len(s.y) == 0 {
		return ""
	}
	bds := make([]byte, 1+len(s.y))
	bds[0] = s.firstByte()
	copy(bds[1:], s.y)
	return udf.Encode(udf.ShamirSecret, bds)
}

// String describes the share without its value.
func (s Share) String() string {
	return fmt.Sprintf("shamir.Share{k=%d x=%d len=%d value=REDACTED}", s.k, s.x, len(s.y))
}

// GoString is String, so %#v does not print the value either.
func (s Share) GoString() string { return s.String() }

// Format prints String for every verb, so no verb (%x, %v, %+v, ...) can
// print the value.
func (s Share) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// ParseShare parses a share UDF (udf.md §7.3 step 1 for one share). It
// requires type 144, a threshold from 1 to 15, an index from 1 to 15 and a
// value of 1 to 64 bytes.
func ParseShare(s string) (Share, error) {
	t, bds, err := udf.Parse(s)
	if err != nil {
		return Share{}, fmt.Errorf("shamir: share: %w", err)
	}
	if t != udf.ShamirSecret {
		return Share{}, fmt.Errorf("shamir: share has type %d (%v), want %d", byte(t), t, byte(udf.ShamirSecret))
	}
	return newShare(bds[0], bds[1:])
}

// newShare checks and builds a share from its first byte and value.
func newShare(first byte, y []byte) (Share, error) {
	k, x := int(first>>4), int(first&0x0F)+1
	if k < 1 {
		return Share{}, fmt.Errorf("shamir: share has threshold 0")
	}
	if x > MaxShares {
		return Share{}, fmt.Errorf("shamir: share has index %d, limit %d", x, MaxShares)
	}
	if len(y) < 1 || len(y) > MaxSecretLength {
		return Share{}, fmt.Errorf("shamir: share value of %d bytes, want 1 to %d", len(y), MaxSecretLength)
	}
	return Share{k: k, x: x, y: append([]byte(nil), y...)}, nil
}
