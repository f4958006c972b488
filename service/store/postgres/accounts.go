package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/mathmesh/mesh/service/store"
)

// CreateAccount implements store.Registry: the account and its names in
// one transaction; a taken UDF or name leaves nothing behind.
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	if err := store.CheckAccount(a); err != nil {
		return err
	}
	names := make([]string, len(a.Names))
	for i, n := range a.Names {
		names[i] = store.NormalizeName(n)
	}
	return s.inTx(ctx, "create account", func(ctx context.Context, tx pgx.Tx, _ *string) error {
		tag, err := tx.Exec(ctx, `INSERT INTO accounts (profile_udf, names, profile, host_assignment, created)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (profile_udf) DO NOTHING`,
			a.ProfileUDF, names, a.Profile, a.HostAssignment, a.Created.UTC())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: account %s", store.ErrExists, a.ProfileUDF)
		}
		for _, n := range names {
			tag, err := tx.Exec(ctx, `INSERT INTO account_names (name, profile_udf) VALUES ($1, $2)
					ON CONFLICT (name) DO NOTHING`, n, a.ProfileUDF)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("%w: name %q", store.ErrExists, n)
			}
		}
		return nil
	})
}

// Account implements store.Registry: id is a profile UDF or, failing
// that, a name in any letter case.
func (s *Store) Account(ctx context.Context, id string) (*store.Account, error) {
	var a *store.Account
	err := s.retry(ctx, "account", func(ctx context.Context) error {
		row := s.pool.QueryRow(ctx, `
			SELECT profile_udf, names, profile, host_assignment, created FROM (
				SELECT 0 AS pref, a.* FROM accounts a WHERE a.profile_udf = $1
				UNION ALL
				SELECT 1, a.* FROM account_names n JOIN accounts a USING (profile_udf) WHERE n.name = $2
			) m ORDER BY pref LIMIT 1`, id, store.NormalizeName(id))
		var got store.Account
		err := row.Scan(&got.ProfileUDF, &got.Names, &got.Profile, &got.HostAssignment, &got.Created)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: account %q", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if len(got.Names) == 0 {
			got.Names = nil
		}
		got.Created = got.Created.UTC()
		a = &got
		return nil
	})
	return a, err
}

// DeleteAccount implements store.Registry: the account, its names, its
// containers and their entries, in one transaction. The account row is
// locked first, so that an Append in progress (which holds a key-share
// lock on it) finishes before its entries are deleted.
func (s *Store) DeleteAccount(ctx context.Context, profileUDF string) error {
	err := s.inTx(ctx, "delete account", func(ctx context.Context, tx pgx.Tx, _ *string) error {
		var udf string
		err := tx.QueryRow(ctx, `SELECT profile_udf FROM accounts WHERE profile_udf = $1 FOR UPDATE`, profileUDF).Scan(&udf)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: account %q", store.ErrNotFound, profileUDF)
		}
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM entries WHERE profile_udf = $1`,
			`DELETE FROM accounts WHERE profile_udf = $1`, // cascades to names and containers
		} {
			if _, err := tx.Exec(ctx, q, profileUDF); err != nil {
				return err
			}
		}
		payload, err := s.payload(Change{Account: profileUDF})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, payload)
		return err
	})
	if err == nil {
		s.subs.publish(Change{Account: profileUDF})
	}
	return err
}
