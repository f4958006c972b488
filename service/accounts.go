package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

// accountInfo is an account record with its profile already verified and
// its keys parsed, cached so that requests do not verify the profile's
// signature again.
type accountInfo struct {
	rec        *store.Account
	address    string         // the account address in the profile
	commonAuth keys.PublicKey // CommonAuthentication: the account key credential
	admin      keys.PublicKey // AdministratorSignature: signs ConnectionService
	profileKey keys.PublicKey // ProfileSignature: the account root (witness, schema.md §9.4)
}

// parseAccountProfile verifies an enveloped ProfileUser or ProfileGroup and
// returns its account part (protocol.md §4.2, schema.md §3.4).
func parseAccountProfile(env []byte) (*profile.ProfileAccount, error) {
	p, err := profile.VerifyProfile(env)
	if err != nil {
		return nil, err
	}
	ap, ok := p.(profile.AccountProfile)
	if !ok {
		return nil, fmt.Errorf("profile is a %s, not a ProfileUser or ProfileGroup", p.Tag())
	}
	return ap.Account(), nil
}

func newAccountInfo(rec *store.Account) (*accountInfo, error) {
	pa, err := parseAccountProfile(rec.Profile)
	if err != nil {
		return nil, fmt.Errorf("service: stored profile of %s: %w", rec.ProfileUDF, err)
	}
	info := &accountInfo{rec: rec, address: pa.AccountAddress}
	if pa.CommonAuthentication == nil || pa.AdministratorSignature == nil {
		return nil, fmt.Errorf("service: stored profile of %s lacks CommonAuthentication or AdministratorSignature", rec.ProfileUDF)
	}
	if info.commonAuth, err = pa.CommonAuthentication.PublicKey(); err != nil {
		return nil, fmt.Errorf("service: stored profile of %s: CommonAuthentication: %w", rec.ProfileUDF, err)
	}
	if info.admin, err = pa.AdministratorSignature.PublicKey(); err != nil {
		return nil, fmt.Errorf("service: stored profile of %s: AdministratorSignature: %w", rec.ProfileUDF, err)
	}
	if info.profileKey, err = pa.ProfileSignature.PublicKey(); err != nil {
		return nil, fmt.Errorf("service: stored profile of %s: ProfileSignature: %w", rec.ProfileUDF, err)
	}
	return info, nil
}

// lookupAccount finds an account by profile UDF or address (protocol.md
// §3.3: first as a profile UDF, otherwise as a lower-cased address). It
// returns nil and no error when there is none.
func (s *Service) lookupAccount(ctx context.Context, id string) (*accountInfo, error) {
	if id == "" {
		return nil, nil
	}
	key := accountCacheKey(id)
	if info, ok := s.accounts.get(key); ok {
		return info, nil
	}
	rec, err := s.store.Account(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	info, err := newAccountInfo(rec)
	if err != nil {
		return nil, err
	}
	s.accounts.put(key, info)
	return info, nil
}

// requireAccount is lookupAccount for a transaction that needs the account.
func (s *Service) requireAccount(ctx context.Context, id string) (*accountInfo, error) {
	info, err := s.lookupAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, refuse(protocol.StatusNotFound, "no account %q on this service", truncate(id))
	}
	return info, nil
}

// forgetAccount drops every cached view of an account.
func (s *Service) forgetAccount(profileUDF string) {
	s.accounts.removeIf(func(_ string, v *accountInfo) bool { return v.rec.ProfileUDF == profileUDF })
	s.access.forget(profileUDF)
}

// truncate shortens client-supplied text quoted in public errors and logs.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
