package threshold

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// Recryption groups (architecture-15 §4.4, mesh-cryptography-08 §6,
// threshold.md §3.4). The administrator holds the group key z. Adding a
// member splits z afresh into a member share and a service share; removing a
// member deletes the service share. Data encrypted to the group key is never
// re-encrypted. Trust model: the administrator knows z; a member together
// with its service share yields z; revocation relies on the service erasing
// the share.

// ErrUnknownMember is returned for a member with no (or a revoked) service share.
var ErrUnknownMember = errors.New("threshold: no service share for member")

// GroupAdmin holds a recryption group's private key.
type GroupAdmin struct {
	_   [0]func()
	key *PrivateKey
}

// NewGroupAdmin wraps the group's private key (X25519 or X448 normally).
func NewGroupAdmin(key *PrivateKey) (*GroupAdmin, error) {
	if err := checkKey("group key", key); err != nil {
		return nil, err
	}
	if key.id != 0 {
		return nil, fmt.Errorf("threshold: a group key cannot be a Shamir share")
	}
	return &GroupAdmin{key: key}, nil
}

// Public returns the group encryption key that senders encrypt to.
func (a *GroupAdmin) Public() []byte { return a.key.Public() }

// AddMember splits the group key with fresh randomness into the member's
// share (sent to the member, encrypted) and the service's share (stored by
// the service under the member's identifier).
func (a *GroupAdmin) AddMember(rand io.Reader) (member, service *PrivateKey, err error) {
	shares, err := a.key.Split(2, rand)
	if err != nil {
		return nil, nil, err
	}
	return shares[0], shares[1], nil
}

// RecryptionService holds the service shares of one group, one per member.
// It never holds the group key and cannot decrypt alone.
type RecryptionService struct {
	mu     sync.Mutex
	curve  *Curve
	shares map[string]*PrivateKey
}

// NewRecryptionService creates an empty share store for a group on curve c.
func NewRecryptionService(c *Curve) *RecryptionService {
	return &RecryptionService{curve: c, shares: make(map[string]*PrivateKey)}
}

// Grant stores the service share for member.
func (s *RecryptionService) Grant(member string, share *PrivateKey) error {
	if len(member) == 0 || len(member) > MaxMemberIDLen {
		return fmt.Errorf("threshold: member identifier is %d bytes, want 1 to %d", len(member), MaxMemberIDLen)
	}
	if err := checkKey(fmt.Sprintf("service share for %q", member), share); err != nil {
		return err
	}
	if share.curve != s.curve || share.id != 0 {
		return fmt.Errorf("threshold: service share for %q is not an additive %s share", member, s.curve.name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.shares[member]; !ok && len(s.shares) >= MaxRecryptionMembers {
		return fmt.Errorf("threshold: recryption group is full (%d members)", MaxRecryptionMembers)
	}
	s.shares[member] = share
	return nil
}

// Revoke deletes member's service share, zeroizing the scalar. The member's
// own share is then useless.
func (s *RecryptionService) Revoke(member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.shares[member]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownMember, member)
	}
	k.s.Zeroize()
	delete(s.shares, member)
	return nil
}

// Partial returns the service's partial result for member's decryption of
// ephemeral. The caller must have authenticated member. The share is copied
// under the lock, so a concurrent Revoke (which zeroizes the stored scalar)
// never races with the multiplication; a request that took its copy before
// the revocation completes with the old share.
func (s *RecryptionService) Partial(member string, ephemeral []byte) ([]byte, error) {
	s.mu.Lock()
	k, ok := s.shares[member]
	var local *PrivateKey
	if ok {
		local = &PrivateKey{curve: k.curve, s: k.curve.g.NewScalar().Set(k.s)}
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownMember, member)
	}
	defer local.s.Zeroize()
	return local.Partial(ephemeral)
}
