package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// errOutcomeUnknown: the connection broke during COMMIT and the database
// could not be asked, within the retry timeout, whether it committed.
var errOutcomeUnknown = errors.New("postgres: the database did not say whether the transaction committed")

// inTx runs fn in a transaction and commits it, retrying transient
// failures (retry). A transaction is retried only when it is known not to
// have committed: when the connection breaks during COMMIT, the outcome is
// looked up by transaction id (resolve) rather than guessed, so that a
// retry never applies the same change twice.
//
// fn may set *xid to the transaction's id (pg_current_xact_id), fetched in
// a round trip it makes anyway; otherwise inTx fetches it before COMMIT.
func (s *Store) inTx(ctx context.Context, op string, fn func(ctx context.Context, tx pgx.Tx, xid *string) error) error {
	return s.retry(ctx, op, func(ctx context.Context) error {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		var xid string
		if err := fn(ctx, tx, &xid); err != nil {
			return err
		}
		if xid == "" {
			if err := tx.QueryRow(ctx, xidQuery).Scan(&xid); err != nil {
				return err
			}
		}
		err = tx.Commit(ctx)
		var pe *pgconn.PgError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &pe), errors.Is(err, pgx.ErrTxCommitRollback):
			return err // the server answered: rolled back
		}
		return s.resolve(ctx, xid, err)
	})
}

// xidQuery returns the current transaction's id, for pg_xact_status.
const xidQuery = `SELECT pg_current_xact_id()::text`

// resolve finds out whether transaction xid, whose COMMIT failed with
// cause, committed: nil if it did, an error wrapping errNotCommitted (which
// retry retries) if it did not.
func (s *Store) resolve(ctx context.Context, xid string, cause error) error {
	ctx = context.WithoutCancel(ctx)
	deadline := time.Now().Add(s.retryTO)
	backoff := firstBackoff
	for {
		var status *string
		err := s.pool.QueryRow(ctx, `SELECT pg_xact_status($1::xid8)`, xid).Scan(&status)
		switch {
		case err == nil && status != nil && *status == "committed":
			return nil
		case err == nil && status != nil && *status == "aborted":
			return fmt.Errorf("%w (%v)", errNotCommitted, cause)
		case err == nil && status == nil:
			return fmt.Errorf("%w: transaction %s is unknown to pg_xact_status (after: %v)", errOutcomeUnknown, xid, cause)
		case err != nil && !transient(err):
			return fmt.Errorf("%w: %v (after: %v)", errOutcomeUnknown, err, cause)
		}
		// In progress, or the database is not back yet.
		if s.closed.Load() || time.Now().Add(backoff).After(deadline) {
			return fmt.Errorf("%w within %v (after: %v)", errOutcomeUnknown, s.retryTO, cause)
		}
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, maxBackoff)
	}
}
