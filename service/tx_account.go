package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

// Account-name policy advertised in Hello and enforced by BindAccount.
const (
	minLocalPart      = 1
	maxAddress        = 254
	invalidCharacters = " \t\r\n\"'<>()[]\\,;:/"
)

// hello answers Hello (protocol.md §4.1): version 3.0, JSON, the limits,
// the account-name policy and the signed service and host profiles.
func (s *Service) hello(_ context.Context, _ *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.HelloRequest
	if err := decode(protocol.TxHello, inner, &req); err != nil {
		return nil, err
	}
	return &protocol.MeshHelloResponse{
		MeshResponse: protocol.MeshResponse{ID: req.ID},
		Version: &protocol.Version{Major: 3, Minor: 0,
			Encodings: []protocol.Encoding{{ID: []string{protocol.ContentType}}}},
		ConstraintsUpdate: &protocol.ConstraintsData{MaxEntries: protocol.MaxEnvelopesPerRequest, BytesMax: protocol.MaxRequestBytes},
		ConstraintsPost:   &protocol.ConstraintsData{BytesMax: protocol.MaxMessageBytes},
		PolicyAccount: &protocol.PolicyAccount{Minimum: minLocalPart, Maximum: maxAddress,
			InvalidCharacters: invalidCharacters},
		EnvelopedProfileService: s.id.profileEnv,
		EnvelopedProfileHost:    s.id.hostEnv,
	}, nil
}

// checkAddress enforces the account-name policy and the served domains.
func (s *Service) checkAddress(addr string) error {
	at := strings.LastIndexByte(addr, '@')
	switch {
	case addr == "":
		return refuse(protocol.StatusBadRequest, "BindAccount: AccountAddress is missing")
	case len(addr) > maxAddress:
		return refuse(protocol.StatusRefused, "account address is %d bytes, limit %d", len(addr), maxAddress)
	case at < minLocalPart:
		return refuse(protocol.StatusRefused, "account address %q is not local@domain", truncate(addr))
	}
	if i := strings.IndexAny(addr, invalidCharacters); i >= 0 {
		return refuse(protocol.StatusRefused, "account address %q has an invalid character at position %d", truncate(addr), i)
	}
	if !s.servesDomain(addr) {
		return refuse(protocol.StatusRefused, "this service does not host accounts in domain %q (it hosts %s)", truncate(addr[at+1:]), strings.Join(s.domains, ", "))
	}
	return nil
}

// bindAccount creates an account (protocol.md §4.2). The caller must hold
// the profile's CommonAuthentication key (account key credential).
func (s *Service) bindAccount(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.BindRequest
	if err := decode(protocol.TxBindAccount, inner, &req); err != nil {
		return nil, err
	}
	if p == nil || p.cred.kind != protocol.CredentialAccount {
		return nil, refuse(protocol.StatusNotAuthorized, "BindAccount needs the account key credential")
	}
	if err := s.checkAddress(req.AccountAddress); err != nil {
		return nil, err
	}
	if len(req.EnvelopedProfileAccount) > profile.MaxEnvelopeSize {
		return nil, refuse(protocol.StatusTooLarge, "EnvelopedProfileAccount exceeds %d bytes", profile.MaxEnvelopeSize)
	}
	pa, err := parseAccountProfile(req.EnvelopedProfileAccount)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedProfileAccount is not a valid signed ProfileUser or ProfileGroup")
	}
	if err := s.checkBindProfile(p, &req, pa); err != nil {
		return nil, err
	}
	names, err := s.checkedNames(&req, pa)
	if err != nil {
		return nil, err
	}
	assignment, err := s.id.hostAssignment(store.NormalizeName(req.AccountAddress))
	if err != nil {
		return nil, internal(err)
	}
	err = s.store.CreateAccount(ctx, &store.Account{
		ProfileUDF: pa.UDF(), Names: names, Profile: req.EnvelopedProfileAccount,
		HostAssignment: assignment, Created: s.now(),
	})
	if errors.Is(err, store.ErrExists) {
		return nil, refuse(protocol.StatusAccountRegistered, "the account %s or the name %q is already registered", pa.UDF(), truncate(req.AccountAddress))
	}
	if err != nil {
		return nil, internal(err)
	}
	s.log.Info("account bound", "account", pa.UDF(), "address", store.NormalizeName(req.AccountAddress))
	return &protocol.BindResponse{MeshResponse: protocol.MeshResponse{ID: req.ID},
		EnvelopedAccountHostAssignment: assignment}, nil
}

// checkBindProfile checks the profile against the request and the caller.
func (s *Service) checkBindProfile(p *principal, req *protocol.BindRequest, pa *profile.ProfileAccount) error {
	if !strings.EqualFold(pa.AccountAddress, req.AccountAddress) {
		return refuse(protocol.StatusBadRequest, "the profile's AccountAddress %q differs from the request's %q", truncate(pa.AccountAddress), truncate(req.AccountAddress))
	}
	if pa.ServiceUdf != "" && pa.ServiceUdf != s.id.udf {
		return refuse(protocol.StatusBadRequest, "the profile is bound to service %s, not to this one (%s)", truncate(pa.ServiceUdf), s.id.udf)
	}
	if pa.CommonAuthentication == nil || pa.AdministratorSignature == nil {
		return refuse(protocol.StatusBadRequest, "the profile lacks CommonAuthentication or AdministratorSignature")
	}
	ca, err := pa.CommonAuthentication.PublicKey()
	if err != nil {
		return refuseCause(protocol.StatusBadRequest, err, "the profile's CommonAuthentication key is invalid")
	}
	if !p.cred.pub.Equal(ca) {
		return refuse(protocol.StatusNotAuthorized, "the credential key is not the profile's CommonAuthentication key")
	}
	if !strings.EqualFold(p.claimed, pa.UDF()) && !strings.EqualFold(p.claimed, req.AccountAddress) {
		return refuse(protocol.StatusNotAuthorized, "the credential claims account %q, not this profile", truncate(p.claimed))
	}
	return nil
}

// bindNames returns the names to register: the address and the canonical
// name of each CallsignBinding, which must be signed by the profile's
// AdministratorSignature and name the profile.
func bindNames(req *protocol.BindRequest, pa *profile.ProfileAccount) ([]string, error) {
	names := []string{store.NormalizeName(req.AccountAddress)}
	if len(req.EnvelopedCallsignBinding) > store.MaxNames-1 {
		return nil, refuse(protocol.StatusTooLarge, "%d callsign bindings, limit %d", len(req.EnvelopedCallsignBinding), store.MaxNames-1)
	}
	admin, err := pa.AdministratorSignature.PublicKey()
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "the profile's AdministratorSignature key is invalid")
	}
	for i, env := range req.EnvelopedCallsignBinding {
		var cb profile.CallsignBinding
		if err := profile.OpenSigned(env, nil, admin, profile.TagCallsignBinding, &cb); err != nil {
			return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedCallsignBinding[%d] is not a CallsignBinding signed by the profile's AdministratorSignature key", i)
		}
		if cb.ProfileUdf != pa.UDF() || cb.Canonical == "" || len(cb.Canonical) > store.MaxNameLength {
			return nil, refuse(protocol.StatusBadRequest, "EnvelopedCallsignBinding[%d] does not bind a name to this profile", i)
		}
		if n := store.NormalizeName(cb.Canonical); n != names[0] {
			names = append(names, n)
		}
	}
	return names, nil
}

// unbindAccount deletes the caller's account and all its data
// (protocol.md §4.3).
func (s *Service) unbindAccount(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.UnbindRequest
	if err := decode(protocol.TxUnbindAccount, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.requireAdministrator(ctx, p) // not a device without admin or super
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteAccount(ctx, acct.rec.ProfileUDF); err != nil {
		return nil, internal(fmt.Errorf("unbind %s: %w", acct.rec.ProfileUDF, err))
	}
	s.forgetAccount(acct.rec.ProfileUDF)
	s.log.Info("account unbound", "account", acct.rec.ProfileUDF)
	return &protocol.UnbindResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}, nil
}
