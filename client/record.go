package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// accountRecord is account.json: what this device knows about one account
// besides its secrets and catalog copies (docs/client.md §2).
type accountRecord struct {
	ProfileUdf     string `json:"ProfileUdf"`
	AccountAddress string `json:"AccountAddress"`
	// Service is the endpoint the account was created at (used when
	// neither --service nor $MESH_SERVICE is given); ServiceUdf pins the
	// service profile Hello must return.
	Service    string `json:"Service"`
	ServiceUdf string `json:"ServiceUdf"`
	// EnvelopedProfileUser is the signed account profile as bound.
	EnvelopedProfileUser jsonb.Raw `json:"EnvelopedProfileUser"`
	// EnvelopedAccountHostAssignment is the service's answer to Bind.
	EnvelopedAccountHostAssignment jsonb.Raw `json:"EnvelopedAccountHostAssignment,omitempty"`
	// DeviceUdf is this device's profile fingerprint and Roles the roles
	// it holds in the account.
	DeviceUdf string   `json:"DeviceUdf"`
	Roles     []string `json:"Roles,omitempty"`
	// CatalogedDevice is this device's record in MMM_Device (the plain
	// JSON of catalog.CatalogedDevice: its enveloped connections and
	// activations). Once it is set the device acts with its
	// connected-device credential (protocol.md §3.2; docs/devices.md §2).
	CatalogedDevice jsonb.Raw `json:"CatalogedDevice,omitempty"`
	// CatalogedDeviceDigest is the digest of the enveloped CatalogedDevice
	// last received from Status (protocol.md §4.6), sent back with every
	// Status so that the service returns the record only when it changed.
	CatalogedDeviceDigest string `json:"CatalogedDeviceDigest,omitempty"`
	// Containers is the state of the local copies after the last sync.
	Containers []containerRecord `json:"Containers,omitempty"`
	// Synced is when the last sync completed.
	Synced *time.Time `json:"Synced,omitempty"`
}

// containerRecord is the verified state of one local container copy: the
// number of entries and the peaks of their Merkle tree (protocol
// ContainerTree), so that a sync checks the service's digest after hashing
// only the new entries.
type containerRecord struct {
	Container string   `json:"Container"`
	Index     int64    `json:"Index,omitempty"`
	Peaks     [][]byte `json:"Peaks,omitempty"`
}

func (h *Home) accountRecordPath(profile string) string {
	return filepath.Join(h.accountDir(profile), "account.json")
}

func (h *Home) loadRecord(profile string) (*accountRecord, error) {
	p := h.accountRecordPath(profile)
	b, err := readPrivate(p, MaxAccountFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("client: account %s is in machine.json but %s is missing: the local data is damaged", profile, p)
	}
	if err != nil {
		return nil, err
	}
	var r accountRecord
	if err := jsonb.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", p, err)
	}
	if err := r.check(profile); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", p, err)
	}
	return &r, nil
}

func (h *Home) saveRecord(r *accountRecord) error {
	b, err := jsonb.Marshal(r)
	if err != nil {
		return fmt.Errorf("client: encoding account record: %w", err)
	}
	return writePrivate(h.accountRecordPath(r.ProfileUdf), b)
}

// check validates the record's fields and its container states.
func (r *accountRecord) check(profile string) error {
	if r.ProfileUdf != profile {
		return fmt.Errorf("ProfileUdf is %q, expected %q", r.ProfileUdf, profile)
	}
	if _, err := ServiceDomain(r.AccountAddress); err != nil {
		return fmt.Errorf("field AccountAddress: %w", err)
	}
	if _, err := ServiceURL(r.Service); err != nil {
		return fmt.Errorf("field Service: %w", err)
	}
	if len(r.EnvelopedProfileUser) == 0 {
		return errors.New("field EnvelopedProfileUser is missing")
	}
	seen := map[string]bool{}
	for i, c := range r.Containers {
		if err := protocol.CheckContainerName(c.Container); err != nil {
			return fmt.Errorf("field Containers[%d]: %w", i, err)
		}
		if seen[c.Container] {
			return fmt.Errorf("field Containers[%d]: %s listed twice", i, c.Container)
		}
		seen[c.Container] = true
		if _, err := protocol.NewContainerTree(c.Index, c.Peaks); err != nil {
			return fmt.Errorf("field Containers[%d] (%s): %w", i, c.Container, err)
		}
	}
	return nil
}

// tree returns the Merkle state of container, empty if never synced.
func (r *accountRecord) tree(container string) *protocol.ContainerTree {
	for _, c := range r.Containers {
		if c.Container == container {
			t, err := protocol.NewContainerTree(c.Index, c.Peaks)
			if err == nil {
				return t
			}
		}
	}
	t, _ := protocol.NewContainerTree(0, nil)
	return t
}

// setTree records the Merkle state of container.
func (r *accountRecord) setTree(container string, t *protocol.ContainerTree) {
	n, peaks := t.State()
	for i := range r.Containers {
		if r.Containers[i].Container == container {
			r.Containers[i].Index, r.Containers[i].Peaks = n, peaks
			return
		}
	}
	r.Containers = append(r.Containers, containerRecord{Container: container, Index: n, Peaks: peaks})
}

// removeAccountDir deletes everything this device holds for an account.
func (h *Home) removeAccountDir(profile string) error {
	if err := checkFingerprint(profile); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := os.RemoveAll(h.accountDir(profile)); err != nil {
		return fmt.Errorf("client: removing the local data of %s: %w", profile, err)
	}
	return nil
}
