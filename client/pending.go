package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mathmesh/mesh/jsonb"
)

// A connection request this device made and that is not yet complete
// (schema.md §7.5 CatalogedPending) is kept in pending/<address>.json until
// `device complete` finishes or the administrator rejects it.

// pendingRecord is one pending connection request.
type pendingRecord struct {
	AccountAddress string `json:"AccountAddress"`
	Service        string `json:"Service"`
	ServiceUdf     string `json:"ServiceUdf"`
	DeviceUdf      string `json:"DeviceUdf"`
	Witness        string `json:"Witness"`
	// PinId is set when the request proves knowledge of a PIN (F4b).
	PinId                          string    `json:"PinId,omitempty"`
	EnvelopedProfileDevice         jsonb.Raw `json:"EnvelopedProfileDevice"`
	EnvelopedAcknowledgeConnection jsonb.Raw `json:"EnvelopedAcknowledgeConnection"`
	EnvelopedProfileAccount        jsonb.Raw `json:"EnvelopedProfileAccount"`
	Requested                      time.Time `json:"Requested"`
}

func (h *Home) pendingDir() string { return filepath.Join(h.dir, "pending") }

func (h *Home) pendingPath(address string) string {
	return filepath.Join(h.pendingDir(), strings.ToLower(address)+".json")
}

func (h *Home) savePending(p *pendingRecord) error {
	b, err := jsonb.Marshal(p)
	if err != nil {
		return fmt.Errorf("client: encoding the pending request: %w", err)
	}
	return writePrivate(h.pendingPath(p.AccountAddress), b)
}

func (h *Home) removePending(address string) error {
	if err := os.Remove(h.pendingPath(address)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// loadPending returns the pending request for address, or the only one if
// address is empty.
func (h *Home) loadPending(address string) (*pendingRecord, error) {
	if address == "" {
		names, err := h.pendingAddresses()
		if err != nil {
			return nil, err
		}
		switch len(names) {
		case 0:
			return nil, errors.New("client: this device has no pending connection request (make one with `device request ADDRESS`)")
		case 1:
			address = names[0]
		default:
			return nil, fmt.Errorf("client: this device has pending requests to %s; name one with --account", strings.Join(names, ", "))
		}
	}
	if _, err := ServiceDomain(address); err != nil {
		return nil, err
	}
	p := h.pendingPath(address)
	b, err := readPrivate(p, MaxPendingFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("client: this device has no pending connection request to %s", address)
	}
	if err != nil {
		return nil, err
	}
	var r pendingRecord
	if err := jsonb.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", p, err)
	}
	if !strings.EqualFold(r.AccountAddress, address) || len(r.EnvelopedAcknowledgeConnection) == 0 ||
		len(r.EnvelopedProfileAccount) == 0 || len(r.EnvelopedProfileDevice) == 0 {
		return nil, fmt.Errorf("client: %s is corrupted: fields missing or for another account", p)
	}
	return &r, nil
}

// pendingAddresses lists the accounts with a pending request, sorted.
func (h *Home) pendingAddresses() ([]string, error) {
	ents, err := os.ReadDir(h.pendingDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}
