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
	"github.com/mathmesh/mesh/udf"
)

// The machine registry, machine.json, lists the accounts this device
// belongs to and which one commands act on by default (schema.md §7.5, the
// [REF] host catalog's CatalogedMachine, reduced to what we use). It holds
// no secrets, but it is kept private like the rest of $MESH_HOME.

// ErrNoAccount is returned when a command names no account and this machine
// has no default, or names one this machine does not know.
var ErrNoAccount = errors.New("client: no such account on this machine")

// Registry is the content of machine.json.
type Registry struct {
	// Default is the profile fingerprint of the default account.
	Default  string          `json:"Default,omitempty"`
	Accounts []*AccountEntry `json:"Accounts,omitempty"`
}

// AccountEntry is one account in the registry.
type AccountEntry struct {
	// ProfileUdf is the account profile fingerprint (the account's id).
	ProfileUdf string `json:"ProfileUdf"`
	// AccountAddress is the address the account is bound to at its service.
	AccountAddress string `json:"AccountAddress"`
	// Local is an optional friendly name on this machine.
	Local string `json:"Local,omitempty"`
	// Created is when this machine added the account.
	Created time.Time `json:"Created"`
}

// LoadRegistry reads machine.json; a missing file is an empty registry.
func (h *Home) LoadRegistry() (*Registry, error) {
	b, err := readPrivate(h.registryPath(), MaxRegistrySize)
	if errors.Is(err, fs.ErrNotExist) {
		return &Registry{}, nil
	}
	if err != nil {
		return nil, err
	}
	var r Registry
	if err := jsonb.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", h.registryPath(), err)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", h.registryPath(), err)
	}
	return &r, nil
}

// SaveRegistry writes machine.json crash-safely.
func (h *Home) SaveRegistry(r *Registry) error {
	if err := r.check(); err != nil {
		return err
	}
	b, err := jsonb.Marshal(r)
	if err != nil {
		return fmt.Errorf("client: encoding registry: %w", err)
	}
	return writePrivate(h.registryPath(), b)
}

// check validates the registry's invariants: at most MaxAccounts entries,
// each with a fingerprint and an address, no duplicates, a known default.
func (r *Registry) check() error {
	if len(r.Accounts) > MaxAccounts {
		return fmt.Errorf("%d accounts, more than the limit of %d", len(r.Accounts), MaxAccounts)
	}
	seen := map[string]bool{}
	for i, a := range r.Accounts {
		if a == nil {
			return fmt.Errorf("field Accounts[%d] is null", i)
		}
		if err := checkFingerprint(a.ProfileUdf); err != nil {
			return fmt.Errorf("field Accounts[%d].ProfileUdf: %w", i, err)
		}
		if _, err := ServiceDomain(a.AccountAddress); err != nil {
			return fmt.Errorf("field Accounts[%d].AccountAddress: %w", i, err)
		}
		if seen[a.ProfileUdf] {
			return fmt.Errorf("field Accounts[%d]: account %s is listed twice", i, a.ProfileUdf)
		}
		seen[a.ProfileUdf] = true
	}
	if r.Default != "" && !seen[r.Default] {
		return fmt.Errorf("field Default: %s is not one of the accounts", r.Default)
	}
	return nil
}

// checkFingerprint checks that s is a UDF fingerprint that is safe to use
// as a directory name.
func checkFingerprint(s string) error {
	if s == "" {
		return errors.New("empty fingerprint")
	}
	if _, _, err := udf.Parse(s); err != nil {
		return err
	}
	if strings.ContainsAny(s, `/\.`) || s != filepath.Base(s) {
		return fmt.Errorf("%q cannot be used as a file name", s)
	}
	return nil
}

// Find returns the account named by sel: its profile fingerprint, its
// address (case-insensitive) or its local name. An empty sel selects the
// default account.
func (r *Registry) Find(sel string) (*AccountEntry, error) {
	if sel == "" {
		if r.Default == "" {
			if len(r.Accounts) == 0 {
				return nil, fmt.Errorf("%w: create one with `meshman account create ADDRESS`", ErrNoAccount)
			}
			return nil, fmt.Errorf("%w: no default account is set; name one with --account", ErrNoAccount)
		}
		sel = r.Default
	}
	for _, a := range r.Accounts {
		if udf.Equal(a.ProfileUdf, sel) || strings.EqualFold(a.AccountAddress, sel) || (a.Local != "" && a.Local == sel) {
			return a, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrNoAccount, sel)
}

// Add records a new account; the first account becomes the default.
func (r *Registry) Add(e *AccountEntry) error {
	for _, a := range r.Accounts {
		if a.ProfileUdf == e.ProfileUdf {
			return fmt.Errorf("client: account %s is already on this machine", e.ProfileUdf)
		}
		if strings.EqualFold(a.AccountAddress, e.AccountAddress) {
			return fmt.Errorf("client: an account for %s (%s) is already on this machine", a.AccountAddress, a.ProfileUdf)
		}
	}
	if len(r.Accounts) >= MaxAccounts {
		return fmt.Errorf("client: this machine already holds %d accounts, the limit", MaxAccounts)
	}
	r.Accounts = append(r.Accounts, e)
	if r.Default == "" {
		r.Default = e.ProfileUdf
	}
	return nil
}

// Remove drops the account with profile fingerprint udf. If it was the
// default, the remaining account added first becomes the default.
func (r *Registry) Remove(profile string) bool {
	for i, a := range r.Accounts {
		if a.ProfileUdf != profile {
			continue
		}
		r.Accounts = append(r.Accounts[:i], r.Accounts[i+1:]...)
		if r.Default == profile {
			r.Default = ""
			if len(r.Accounts) > 0 {
				sorted := append([]*AccountEntry(nil), r.Accounts...)
				sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Created.Before(sorted[j].Created) })
				r.Default = sorted[0].ProfileUdf
			}
		}
		return true
	}
	return false
}

// Lock takes an exclusive lock on the data directory for the life of the
// command, so that two meshman processes never update the registry or an
// account's local stores at once. Call the returned function to release it.
func (h *Home) Lock() (func(), error) {
	if err := mkdirPrivate(h.dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(h.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
