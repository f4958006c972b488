package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	bolt "go.etcd.io/bbolt"
)

// accountRecord is the stored form of Account (jsonb; frozen field names).
type accountRecord struct {
	ProfileUdf                     string    `json:"ProfileUdf"`
	Names                          []string  `json:"Names,omitempty"`
	EnvelopedProfileAccount        []byte    `json:"EnvelopedProfileAccount,omitempty"`
	EnvelopedAccountHostAssignment []byte    `json:"EnvelopedAccountHostAssignment,omitempty"`
	Created                        time.Time `json:"Created"`
}

// NormalizeName returns the registry form of an account name: lower case
// (protocol.md §3.3: addresses are lower-cased).
func NormalizeName(name string) string { return strings.ToLower(name) }

func checkAccount(a *Account) error {
	if a.ProfileUDF == "" || len(a.ProfileUDF) > MaxNameLength {
		return fmt.Errorf("store: profile UDF must be 1 to %d bytes", MaxNameLength)
	}
	if len(a.Names) > MaxNames {
		return fmt.Errorf("store: %d names, limit %d", len(a.Names), MaxNames)
	}
	for i, n := range a.Names {
		if n == "" || len(n) > MaxNameLength {
			return fmt.Errorf("store: name %d must be 1 to %d bytes", i, MaxNameLength)
		}
	}
	return nil
}

// CreateAccount implements Registry.
func (s *Embedded) CreateAccount(ctx context.Context, a *Account) error {
	if err := checkAccount(a); err != nil {
		return err
	}
	rec := accountRecord{
		ProfileUdf:                     a.ProfileUDF,
		EnvelopedProfileAccount:        a.Profile,
		EnvelopedAccountHostAssignment: a.HostAssignment,
		Created:                        a.Created.UTC(),
	}
	for _, n := range a.Names {
		rec.Names = append(rec.Names, NormalizeName(n))
	}
	data, err := jsonb.Marshal(&rec)
	if err != nil {
		return fmt.Errorf("store: encoding account %s: %w", a.ProfileUDF, err)
	}
	if len(data) > MaxAccountRecordSize {
		return fmt.Errorf("store: account record of %d bytes, limit %d", len(data), MaxAccountRecordSize)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		accounts, names := tx.Bucket(bucketAccounts), tx.Bucket(bucketNames)
		if accounts.Get([]byte(a.ProfileUDF)) != nil {
			return fmt.Errorf("%w: account %s", ErrExists, a.ProfileUDF)
		}
		for _, n := range rec.Names {
			if names.Get([]byte(n)) != nil {
				return fmt.Errorf("%w: name %q", ErrExists, n)
			}
			if err := names.Put([]byte(n), []byte(a.ProfileUDF)); err != nil {
				return err
			}
		}
		if err := accounts.Put([]byte(a.ProfileUDF), data); err != nil {
			return err
		}
		_, err := tx.Bucket(bucketData).CreateBucket([]byte(a.ProfileUDF))
		return err
	})
}

// Account implements Registry.
func (s *Embedded) Account(ctx context.Context, id string) (*Account, error) {
	var a *Account
	err := s.view(ctx, func(tx *bolt.Tx) error {
		udf := []byte(id)
		data := tx.Bucket(bucketAccounts).Get(udf)
		if data == nil {
			if udf = tx.Bucket(bucketNames).Get([]byte(NormalizeName(id))); udf == nil {
				return fmt.Errorf("%w: account %q", ErrNotFound, id)
			}
			if data = tx.Bucket(bucketAccounts).Get(udf); data == nil {
				return fmt.Errorf("store: name %q names missing account %s", id, udf)
			}
		}
		var err error
		a, err = decodeAccount(data)
		return err
	})
	return a, err
}

func decodeAccount(data []byte) (*Account, error) {
	if len(data) > MaxAccountRecordSize {
		return nil, fmt.Errorf("store: account record of %d bytes, limit %d", len(data), MaxAccountRecordSize)
	}
	var rec accountRecord
	if err := jsonb.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("store: account record: %w", err)
	}
	return &Account{
		ProfileUDF:     rec.ProfileUdf,
		Names:          rec.Names,
		Profile:        rec.EnvelopedProfileAccount,
		HostAssignment: rec.EnvelopedAccountHostAssignment,
		Created:        rec.Created,
	}, nil
}

// DeleteAccount implements Registry.
func (s *Embedded) DeleteAccount(ctx context.Context, profileUDF string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		accounts := tx.Bucket(bucketAccounts)
		data := accounts.Get([]byte(profileUDF))
		if data == nil {
			return fmt.Errorf("%w: account %q", ErrNotFound, profileUDF)
		}
		a, err := decodeAccount(data)
		if err != nil {
			return err
		}
		for _, n := range a.Names {
			if err := tx.Bucket(bucketNames).Delete([]byte(n)); err != nil {
				return err
			}
		}
		if err := accounts.Delete([]byte(profileUDF)); err != nil {
			return err
		}
		return tx.Bucket(bucketData).DeleteBucket([]byte(profileUDF))
	})
}
