package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mathmesh/mesh/service/store"
)

// errNotCommitted marks an Append whose transaction is known not to have
// committed, so it may be retried.
var errNotCommitted = errors.New("postgres: transaction did not commit")

// transient reports whether err is a failure that a new attempt can
// overcome: a serialization failure or deadlock (the transaction was rolled
// back), a server shutting down or starting up, or a broken or refused
// connection.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, errNotCommitted) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001", pe.Code == "40P01": // serialization_failure, deadlock_detected
			return true
		case strings.HasPrefix(pe.Code, "08"): // connection_exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin or crash shutdown, cannot connect now
			return true
		case pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	return connectionBroken(err)
}

// connectionBroken reports whether err comes from the connection rather
// than from the server's answer.
func connectionBroken(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return pgconn.SafeToRetry(err) || errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "conn closed")
}

// retry runs fn until it succeeds, fails for a reason that is not
// transient, or the store's retry timeout passes.
func (s *Store) retry(ctx context.Context, op string, fn func(context.Context) error) error {
	deadline := time.Now().Add(s.retryTO)
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		if s.closed.Load() {
			return store.ErrClosed
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if s.closed.Load() {
			return store.ErrClosed
		}
		if !transient(err) {
			return err
		}
		if time.Now().Add(backoff).After(deadline) {
			return fmt.Errorf("postgres: %s: gave up after %d attempts in %v: %w", op, attempt, s.retryTO, err)
		}
		if attempt == 1 || attempt%10 == 0 {
			s.log.Warn("postgres: retrying", "op", op, "attempt", attempt, "err", err)
		}
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
