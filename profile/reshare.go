package profile

import (
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
)

// Connecting a device from an administrator that does not hold the account
// seed (docs/devices.md §7). Such a device holds whole signature keys and
// only a share d_A of each decryption key k; the service holds s_A with
// d_A + s_A = k. For each decryption key the new device N's roles grant,
// the administrator draws a uniform r, gives N the share d_N = d_A − r and
// sends r, enveloped to the host key, in an Operate Reshare; the service
// answers s_N = s_A + r enveloped to itself, and the administrator files it
// as N's CapabilityDecryptServiced in the same Transact as the rest of the
// connection. Then d_N + s_N = k.

// ErrCannotGrant reports roles a non-seed administrator may not grant:
// rights or keys it does not hold itself.
var ErrCannotGrant = errors.New("profile: this administrator cannot grant")

// Reshare is one decryption key a non-seed administrator passes on to a new
// device: what the Operate Reshare sends, and what the Access catalog
// entry needs once the service answered.
type Reshare struct {
	// Resource is ResourceEncryption or the store label.
	Resource string
	// Primary is the whole key.
	Primary keys.PublicKey
	// KeyId is the administrator's own CapabilityDecryptServiced (s_A).
	KeyId string
	// CapabilityID is the new device's share id: the fingerprint of d_N·G.
	CapabilityID string
	// SharePublic is d_N·G in the threshold wire form (u ‖ sign byte), so
	// that the service can check d_N·G + s_N·G = k·G.
	SharePublic []byte
	// EnvelopedDelta is r (SealKeyShare, kid = CapabilityID), enveloped to
	// the host's AccessEncrypt key alone.
	EnvelopedDelta []byte
}

// Serviced returns the Access catalog share once the service answered the
// Reshare with envelopedKeyShare (s_N, enveloped to the host key).
func (r *Reshare) Serviced(envelopedKeyShare []byte) ServicedShare {
	return ServicedShare{Resource: r.Resource, Primary: r.Primary, CapabilityID: r.CapabilityID,
		EnvelopedKeyShare: envelopedKeyShare}
}

// CheckGrant reports whether this device may grant roles to another
// device without the account seed: it must hold the administration key,
// every right of roles must be a right of its own roles (so it cannot
// grant super, nor a store it cannot read), and it must hold every key the
// roles grant (ErrCannotGrant otherwise).
func (a *ActivatedDevice) CheckGrant(roles []string) error {
	if a.granted.admin == nil {
		return fmt.Errorf("%w: it does not hold the AdministratorSignature key", ErrCannotGrant)
	}
	own, err := RightsOf(a.Roles)
	if err != nil {
		return err
	}
	held := map[Right]bool{}
	for _, r := range own {
		held[r] = true
	}
	for _, role := range roles {
		rights, err := RightsOf([]string{role})
		if err != nil {
			return err
		}
		for _, r := range rights {
			if !held[r] {
				return fmt.Errorf("%w role %q: its own roles (%s) lack the right %s; only the device holding the account seed can grant it",
					ErrCannotGrant, role, strings.Join(a.Roles, ", "), strings.TrimSpace(string(r.Resource)+" "+r.Name))
			}
		}
	}
	g, err := GrantOf(roles)
	if err != nil {
		return err
	}
	missing := func(what string) error {
		return fmt.Errorf("%w roles %s: it does not hold the %s key", ErrCannotGrant, strings.Join(roles, ", "), what)
	}
	switch {
	case g.Root && a.granted.root == nil:
		return missing("ProfileSignature")
	case g.CommonSignature && a.granted.commonSign == nil:
		return missing("CommonSignature")
	case g.CommonEncryption && a.granted.commonEnc == nil && a.granted.shares[ResourceEncryption] == nil:
		return missing("CommonEncryption")
	}
	for _, l := range g.Stores {
		if a.granted.stores[l] == nil && a.granted.shares[l] == nil {
			return missing(l + " store")
		}
	}
	return nil
}

// ConnectDevice connects device with roles from this administration device
// (docs/devices.md §7): as AccountSecrets.ConnectDevice, signed with the
// AdministratorSignature key this device was granted, with the decryption
// keys granted with degree Service only (opts.Service is required). A key
// this device holds whole is split afresh (DeviceConnection.Serviced); a
// key it holds as a share is re-shared (DeviceConnection.Reshares), which
// the caller must complete with the service's answer before filing the
// connection. roles must pass CheckGrant.
func (a *ActivatedDevice) ConnectDevice(device *ProfileDevice, roles []string, opts *ConnectOptions) (*DeviceConnection, error) {
	if opts == nil || opts.Service == nil {
		return nil, errors.New("profile: a device without the account seed grants decryption keys with degree Service only")
	}
	if err := a.CheckGrant(roles); err != nil {
		return nil, err
	}
	var reshares []Reshare
	var serviced []ServicedShare
	out, err := connectWith(a.granted.admin, a.AccountUDF, device, roles, opts, func(g *Grant, o *ConnectOptions) (*ActivationCommon, error) {
		decrypt := func(resource string) (*keys.KeyData, error) {
			if ks, ok := a.granted.shares[resource]; ok {
				kd, r, err := reshareKey(ks, o.Service, o.Rand)
				if err != nil {
					return nil, err
				}
				reshares = append(reshares, *r)
				return kd, nil
			}
			k := a.granted.stores[resource]
			if resource == ResourceEncryption {
				k = a.granted.commonEnc
			}
			if k == nil {
				return nil, fmt.Errorf("%w the %s key: it does not hold it", ErrCannotGrant, resource)
			}
			kd, s, err := splitKey(resource, k, o.Service, o.Rand)
			if err != nil {
				return nil, err
			}
			serviced = append(serviced, *s)
			return kd, nil
		}
		return fillCommon(g, o.Service, a.wholeKey, decrypt)
	})
	if err != nil {
		return nil, err
	}
	out.Serviced, out.Reshares = serviced, reshares
	return out, nil
}

// wholeKey returns a signature key this device holds whole, by operation.
func (a *ActivatedDevice) wholeKey(op keys.Operation) (keys.PrivateKey, error) {
	var k keys.Signer
	name := ""
	switch op {
	case keys.OpProfile:
		k, name = a.granted.root, "ProfileSignature"
	case keys.OpAdminSign:
		k, name = a.granted.admin, "AdministratorSignature"
	case keys.OpSign:
		k, name = a.granted.commonSign, "CommonSignature"
	default:
		return nil, fmt.Errorf("%w the account's %v key", ErrCannotGrant, op)
	}
	if k == nil {
		return nil, fmt.Errorf("%w the %s key: it does not hold it", ErrCannotGrant, name)
	}
	return k, nil
}

// reshareKey is the administrator's half of a re-share (docs/devices.md
// §7): r uniform, d_N = d_A − r (both non-zero), the new device's KeyData
// holding d_N and r enveloped to the host key under d_N's capability id.
func reshareKey(ks *KeyShare, svc *ServiceGrant, rand io.Reader) (*keys.KeyData, *Reshare, error) {
	if rand == nil {
		rand = crand.Reader
	}
	// Split(2) gives r uniform and d_A − r.
	parts, err := ks.share.Split(2, rand)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: re-sharing the %s key: %w", ks.Resource, err)
	}
	r, dN := parts[0], parts[1]
	for _, p := range []*threshold.PrivateKey{r, dN} {
		if _, err := p.Curve().NewPrivateKey(p.Bytes()); err != nil {
			return nil, nil, fmt.Errorf("profile: re-sharing the %s key drew a degenerate share: %w", ks.Resource, err)
		}
	}
	kd, capID, err := deviceShareData(ks.Primary, dN)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: the new device's share of %s: %w", ks.Resource, err)
	}
	env, err := SealKeyShare(ks.Primary, capID, r, svc.AccessEncrypt, rand)
	if err != nil {
		return nil, nil, fmt.Errorf("profile: the re-share delta of %s: %w", ks.Resource, err)
	}
	return kd, &Reshare{Resource: ks.Resource, Primary: ks.Primary, KeyId: ks.CapabilityID,
		CapabilityID: capID, SharePublic: dN.Public(), EnvelopedDelta: env}, nil
}
