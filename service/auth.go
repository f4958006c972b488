package service

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

var b64 = base64.RawURLEncoding

// verifiedCredential is a credential whose structure (and, for a device,
// self-signature) has been checked, with its key and the request key K.
// Cached by the hash of the credential so that neither the X448 agreement
// nor the profile signature is repeated per request (docs/protocol.md §3.4).
type verifiedCredential struct {
	kind    protocol.CredentialKind
	pub     keys.PublicKey
	keyID   string
	key     *protocol.RequestKey
	device  *profile.ProfileDevice     // CredentialDevice
	conn    *profile.ConnectionService // CredentialConnection (signature not yet checked)
	service *profile.ProfileService    // CredentialService (docs/messaging.md §3)
	// adminChecked holds the AdministratorSignature key UDF (a string)
	// under which the ConnectionService signature was verified.
	adminChecked atomic.Value
}

// principal is the authenticated caller of one request.
type principal struct {
	cred    *verifiedCredential
	nonce   []byte
	raw     []byte       // the credential bytes
	claimed string       // the Mesh-Account header
	account *accountInfo // the claimed account, nil if there is none
}

// authHeaders are the parsed authentication headers of a request.
type authHeaders struct {
	kind    protocol.CredentialKind
	cred    []byte
	account string
	ts      int64
	nonce   []byte
	mac     []byte
}

func parseAuthHeaders(h http.Header) (*authHeaders, *Error) {
	a := &authHeaders{kind: protocol.CredentialKind(h.Get(protocol.HeaderCredentialKind))}
	if !a.kind.Valid() {
		return nil, refuse(protocol.StatusNotAuthorized, "%s %q is not account, device, connection or service", protocol.HeaderCredentialKind, truncate(string(a.kind)))
	}
	var err error
	if raw := h.Get(protocol.HeaderCredential); len(raw) > base64.RawURLEncoding.EncodedLen(protocol.MaxCredentialBytes) {
		return nil, refuse(protocol.StatusTooLarge, "%s exceeds %d bytes", protocol.HeaderCredential, protocol.MaxCredentialBytes)
	} else if a.cred, err = b64.DecodeString(raw); err != nil || len(a.cred) == 0 {
		return nil, refuse(protocol.StatusNotAuthorized, "%s is not unpadded base64url", protocol.HeaderCredential)
	}
	if a.account = h.Get(protocol.HeaderAccount); a.account == "" || len(a.account) > protocol.MaxAccountLength {
		return nil, refuse(protocol.StatusNotAuthorized, "%s must be 1 to %d bytes", protocol.HeaderAccount, protocol.MaxAccountLength)
	}
	if a.ts, err = strconv.ParseInt(h.Get(protocol.HeaderDate), 10, 64); err != nil {
		return nil, refuse(protocol.StatusNotAuthorized, "%s is not a decimal Unix time", protocol.HeaderDate)
	}
	if a.nonce, err = b64.DecodeString(h.Get(protocol.HeaderNonce)); err != nil || len(a.nonce) != protocol.NonceSize {
		return nil, refuse(protocol.StatusNotAuthorized, "%s must be %d bytes in base64url", protocol.HeaderNonce, protocol.NonceSize)
	}
	if a.mac, err = b64.DecodeString(h.Get(protocol.HeaderMAC)); err != nil || len(a.mac) != protocol.KeySize {
		return nil, refuse(protocol.StatusNotAuthorized, "%s must be %d bytes in base64url", protocol.HeaderMAC, protocol.KeySize)
	}
	return a, nil
}

// authenticate checks the request's credential and MAC (docs/protocol.md
// §3.3) and returns the caller, or nil for a request without credential.
// Authorization (which transactions the caller may make) is done by the
// handlers through the require* methods.
func (s *Service) authenticate(ctx context.Context, r *http.Request, body []byte) (*principal, *Error) {
	if r.Header.Get(protocol.HeaderCredentialKind) == "" {
		return nil, nil
	}
	h, perr := parseAuthHeaders(r.Header)
	if perr != nil {
		return nil, perr
	}
	now := s.now().Unix()
	skew := int64(protocol.ClockSkew.Seconds())
	if h.ts < now-skew || h.ts > now+skew {
		return nil, refuse(protocol.StatusNotAuthorized, "request timestamp %d is more than %d s from the service clock %d", h.ts, skew, now)
	}
	if err := s.checkReplayFloor(h.ts); err != nil {
		return nil, asError(err)
	}
	cred, cacheKey, err := s.credential(h.kind, h.cred)
	if err != nil {
		return nil, asError(err)
	}
	ra := &protocol.RequestAuth{Method: r.Method, Path: r.URL.Path, Host: r.Host,
		Kind: h.kind, Credential: h.cred, Account: h.account,
		Timestamp: h.ts, Nonce: h.nonce, Body: body}
	if !cred.key.VerifyMAC(ra, h.mac) {
		return nil, refuse(protocol.StatusNotAuthorized, "request MAC does not verify (altered request, wrong key or wrong service)")
	}
	s.creds.put(cacheKey, cred) // only a caller that proved the key takes (or refreshes) a cache slot
	switch s.replay.check([16]byte(h.nonce), h.ts+skew, s.now()) {
	case replaySeen:
		return nil, refuse(protocol.StatusNotAuthorized, "replayed request (nonce already used)")
	case replayFull:
		return nil, refuse(protocol.StatusTimeout, "the service is overloaded; retry later")
	}
	p := &principal{cred: cred, nonce: h.nonce, raw: h.cred, claimed: h.account}
	if p.account, err = s.lookupAccount(ctx, h.account); err != nil {
		return nil, internal(err)
	}
	return p, nil
}

// credential returns the verified form of a credential, from the cache or
// by checking it now, and its cache key. It does not insert into the cache:
// authenticate does so once the request MAC has verified, so that requests
// without the key cannot evict the credentials of real clients.
func (s *Service) credential(kind protocol.CredentialKind, data []byte) (*verifiedCredential, [32]byte, error) {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(data)
	key := [32]byte(h.Sum(nil))
	if c, ok := s.creds.get(key); ok {
		return c, key, nil
	}
	c, err := s.checkCredential(kind, data)
	return c, key, err
}

func (s *Service) checkCredential(kind protocol.CredentialKind, data []byte) (*verifiedCredential, error) {
	c := &verifiedCredential{kind: kind}
	var kd *keys.KeyData
	switch kind {
	case protocol.CredentialAccount:
		alg := keys.X448
		if len(data) == 32 {
			alg = keys.X25519
		}
		pub, err := keys.ParsePublicKey(alg, data)
		if err != nil {
			return nil, refuseCause(protocol.StatusNotAuthorized, err, "account credential is not an X448 or X25519 public key")
		}
		c.pub = pub
	case protocol.CredentialDevice:
		dev, err := profile.VerifyProfileDevice(data)
		if err != nil {
			return nil, refuseCause(protocol.StatusNotAuthorized, err, "device credential is not a valid self-signed ProfileDevice")
		}
		c.device, kd = dev, dev.Authentication
	case protocol.CredentialConnection:
		cs := &profile.ConnectionService{}
		if _, err := profile.OpenAs(data, nil, profile.TagConnectionService, cs); err != nil {
			return nil, refuseCause(protocol.StatusNotAuthorized, err, "connection credential is not an enveloped ConnectionService")
		}
		c.conn, kd = cs, cs.Authentication
	case protocol.CredentialService:
		ps, err := profile.VerifyProfileService(data)
		if err != nil {
			return nil, refuseCause(protocol.StatusNotAuthorized, err, "service credential is not a valid self-signed ProfileService")
		}
		c.service, kd = ps, ps.ServiceAuthentication
	}
	if c.pub == nil {
		if kd == nil {
			return nil, refuse(protocol.StatusNotAuthorized, "%s credential has no Authentication key", kind)
		}
		pub, err := kd.PublicKey()
		if err != nil {
			return nil, refuseCause(protocol.StatusNotAuthorized, err, "%s credential Authentication key is invalid", kind)
		}
		c.pub = pub
	}
	if c.pub.Algorithm() != s.id.auth.Algorithm() {
		return nil, refuse(protocol.StatusNotAuthorized, "%s credential key is %s, the service key is %s", kind, c.pub.Algorithm(), s.id.auth.Algorithm())
	}
	c.keyID = c.pub.Fingerprint()
	z, err := s.id.auth.Agree(c.pub)
	if err != nil {
		return nil, refuseCause(protocol.StatusNotAuthorized, err, "key agreement with the credential key failed")
	}
	defer clear(z)
	if c.key, err = protocol.DeriveRequestKey(z, c.keyID, s.id.udf); err != nil {
		return nil, internal(err)
	}
	return c, nil
}

// requireUser authorizes a request on the claimed account's data
// (protocol.md §3.3: Unbind, Status, Download, Transact, Operate): the
// account key credential of the account, or a connected device whose
// ConnectionService the account's administrator signed and whose
// AccessCapability is active.
func (s *Service) requireUser(ctx context.Context, p *principal) (*accountInfo, error) {
	if p == nil {
		return nil, refuse(protocol.StatusNotAuthorized, "this transaction needs a credential")
	}
	if p.account == nil {
		return nil, refuse(protocol.StatusNotFound, "no account %q on this service", truncate(p.claimed))
	}
	switch p.cred.kind {
	case protocol.CredentialAccount:
		if !p.cred.pub.Equal(p.account.commonAuth) {
			return nil, refuse(protocol.StatusNotAuthorized, "the key is not the CommonAuthentication key of %s", p.account.rec.ProfileUDF)
		}
		return p.account, nil
	case protocol.CredentialConnection:
		if err := s.checkConnection(p); err != nil {
			return nil, err
		}
		if err := s.access.checkDevice(ctx, p.account.rec.ProfileUDF, p.cred.keyID); err != nil {
			return nil, err
		}
		return p.account, nil
	}
	return nil, refuse(protocol.StatusNotAuthorized, "a %s credential cannot act on account data", p.cred.kind)
}

// checkConnection verifies the ConnectionService: it names the account and
// its signature verifies under the account's AdministratorSignature
// (protocol.md §3.3, last paragraph).
func (s *Service) checkConnection(p *principal) error {
	cs, acct := p.cred.conn, p.account
	if cs.ProfileUdf != acct.rec.ProfileUDF {
		return refuse(protocol.StatusNotAuthorized, "the ConnectionService is for account %s, not %s", truncate(cs.ProfileUdf), acct.rec.ProfileUDF)
	}
	adminID := acct.admin.Fingerprint()
	if v, _ := p.cred.adminChecked.Load().(string); v == adminID {
		return nil
	}
	var again profile.ConnectionService
	if err := profile.OpenSigned(p.raw, nil, acct.admin, profile.TagConnectionService, &again); err != nil {
		return refuseCause(protocol.StatusNotAuthorized, err, "the ConnectionService is not signed by the account's AdministratorSignature key")
	}
	p.cred.adminChecked.Store(adminID)
	return nil
}
