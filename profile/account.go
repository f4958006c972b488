package profile

import (
	"fmt"
	"io"
	"strings"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// AccountSecrets holds an account seed (schema.md §2.4: MeshProfileAccount)
// and the keys derived from it with actor Account: CompleteAccountProfile
// (the root key behind ProfileSignature), CompleteAccountAdminSign,
// CompleteAccountAdminEncrypt, CompleteAccountEncrypt,
// CompleteAccountAuthenticate, CompleteAccountSign, CompleteAccountEscrow and
// the per-store keys CompleteAccountEncrypt<label>. The same type serves
// user and group accounts. It never prints its secrets.
type AccountSecrets struct {
	sk *seedKeys
}

// NewAccount draws a fresh account seed (rand nil means crypto/rand).
func NewAccount(rand io.Reader) (*AccountSecrets, error) {
	seed, err := drawSeed(rand, udf.MeshProfileAccount)
	if err != nil {
		return nil, err
	}
	return AccountFromSeed(seed)
}

// AccountFromSeed recomputes an account's keys from its seed (escrow
// recovery, schema.md §2.2).
func AccountFromSeed(seed string) (*AccountSecrets, error) {
	sk, err := newSeedKeys(seed, udf.MeshProfileAccount)
	if err != nil {
		return nil, err
	}
	return &AccountSecrets{sk: sk}, nil
}

// Seed returns the account seed UDF, for escrow and for the key store of the
// device that holds the root key.
func (a *AccountSecrets) Seed() string { return a.sk.seed }

// UDF returns the account profile's identifier.
func (a *AccountSecrets) UDF() string {
	k, err := a.ProfileKey()
	if err != nil {
		return ""
	}
	return k.Public().Fingerprint()
}

// ProfileKey returns the account root key (CompleteAccountProfile).
func (a *AccountSecrets) ProfileKey() (keys.Signer, error) {
	return a.sk.signer(keys.TypeComplete, keys.ActorAccount, keys.OpProfile)
}

// AdminKey returns the administration key (CompleteAccountAdminSign) that
// signs connections, activations and callsign bindings.
func (a *AccountSecrets) AdminKey() (keys.Signer, error) {
	return a.sk.signer(keys.TypeComplete, keys.ActorAccount, keys.OpAdminSign)
}

// CommonEncryption returns the account encryption key (CompleteAccountEncrypt).
func (a *AccountSecrets) CommonEncryption() (keys.Agreer, error) {
	return a.sk.agreer(keys.TypeComplete, keys.ActorAccount, keys.OpEncrypt, "")
}

// CommonAuthentication returns the account authentication key
// (CompleteAccountAuthenticate), used for BindAccount and recovery.
func (a *AccountSecrets) CommonAuthentication() (keys.Agreer, error) {
	return a.sk.agreer(keys.TypeComplete, keys.ActorAccount, keys.OpAuthenticate, "")
}

// CommonSignature returns the account signature key (CompleteAccountSign).
func (a *AccountSecrets) CommonSignature() (keys.Signer, error) {
	return a.sk.signer(keys.TypeComplete, keys.ActorAccount, keys.OpSign)
}

// EscrowKey returns the escrow key (CompleteAccountEscrow).
func (a *AccountSecrets) EscrowKey() (keys.Agreer, error) {
	return a.sk.agreer(keys.TypeComplete, keys.ActorAccount, keys.OpEscrow, "")
}

// StoreKey returns the encryption key of the catalog or spool label
// (CompleteAccountEncrypt<label>, schema.md §2.4, §7.1).
func (a *AccountSecrets) StoreKey(label string) (keys.Agreer, error) {
	if err := checkLabel(label); err != nil {
		return nil, err
	}
	return a.sk.agreer(keys.TypeComplete, keys.ActorAccount, keys.OpEncrypt, label)
}

// checkLabel accepts store labels such as MMM_Credential: letters, digits
// and '_', at most 64 characters.
func checkLabel(label string) error {
	if label == "" || len(label) > 64 {
		return fmt.Errorf("profile: store label %q must have 1 to 64 characters", label)
	}
	for i, c := range label {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return fmt.Errorf("profile: store label %q has character %q at position %d", label, c, i)
		}
	}
	return nil
}

// accountFields fills the common fields of user and group profiles.
func (a *AccountSecrets) accountFields(address, serviceUDF string) (ProfileAccount, error) {
	if len(address) > MaxAddressLength {
		return ProfileAccount{}, fmt.Errorf("profile: account address of %d bytes exceeds the limit of %d", len(address), MaxAddressLength)
	}
	if strings.ContainsAny(address, " \t\r\n") {
		return ProfileAccount{}, fmt.Errorf("profile: account address %q contains white space", address)
	}
	p := ProfileAccount{AccountAddress: address, ServiceUdf: serviceUDF}
	for _, f := range []struct {
		dst **keys.KeyData
		op  keys.Operation
	}{
		{&p.ProfileSignature, keys.OpProfile},
		{&p.EscrowEncryption, keys.OpEscrow},
		{&p.AdministratorSignature, keys.OpAdminSign},
		{&p.CommonEncryption, keys.OpEncrypt},
		{&p.CommonAuthentication, keys.OpAuthenticate},
	} {
		kd, err := a.sk.keyData(keys.TypeComplete, keys.ActorAccount, f.op)
		if err != nil {
			return ProfileAccount{}, err
		}
		*f.dst = kd
	}
	return p, nil
}

// ProfileUser returns the user profile of this account (schema.md §3.4) for
// the account address and the UDF of the service it is bound to (either may
// be empty before binding, F1 step 1).
func (a *AccountSecrets) ProfileUser(address, serviceUDF string) (*ProfileUser, error) {
	acc, err := a.accountFields(address, serviceUDF)
	if err != nil {
		return nil, err
	}
	sig, err := a.sk.keyData(keys.TypeComplete, keys.ActorAccount, keys.OpSign)
	if err != nil {
		return nil, err
	}
	return &ProfileUser{ProfileAccount: acc, CommonSignature: sig}, nil
}

// ProfileGroup returns the group profile of this account (schema.md §3.4).
func (a *AccountSecrets) ProfileGroup(address, serviceUDF string) (*ProfileGroup, error) {
	acc, err := a.accountFields(address, serviceUDF)
	if err != nil {
		return nil, err
	}
	return &ProfileGroup{ProfileAccount: acc}, nil
}

// SignedProfileUser returns the self-signed envelope of ProfileUser(address,
// serviceUDF).
func (a *AccountSecrets) SignedProfileUser(address, serviceUDF string, opts *SealOptions) ([]byte, error) {
	p, err := a.ProfileUser(address, serviceUDF)
	if err != nil {
		return nil, err
	}
	return a.sign(p, opts)
}

// SignedProfileGroup returns the self-signed envelope of
// ProfileGroup(address, serviceUDF).
func (a *AccountSecrets) SignedProfileGroup(address, serviceUDF string, opts *SealOptions) ([]byte, error) {
	p, err := a.ProfileGroup(address, serviceUDF)
	if err != nil {
		return nil, err
	}
	return a.sign(p, opts)
}

func (a *AccountSecrets) sign(p Any, opts *SealOptions) ([]byte, error) {
	k, err := a.ProfileKey()
	if err != nil {
		return nil, err
	}
	return SignProfile(p, k, opts)
}

// String prints the account UDF only.
func (a *AccountSecrets) String() string { return redacted("AccountSecrets", a.UDF()) }

// GoString prints the account UDF only.
func (a *AccountSecrets) GoString() string { return a.String() }

// Format prints the account UDF only, for every verb.
func (a *AccountSecrets) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }
