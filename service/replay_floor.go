package service

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

// The replay cache is in memory, so a restarted service has forgotten the
// nonces of the requests its previous run accepted. Instead of persisting
// every nonce (a store write per request), a restarted service refuses
// every request dated before the whole second that follows its start: a
// request captured before the restart is dated at or before that second
// and is refused, and a fresh request from a client is dated after it
// (docs/protocol.md §3.3, step 2a). Nothing legitimate is lost beyond one
// retry by a client whose clock lags the service's, and only during the
// first ClockSkew after the restart: after that, every refused timestamp is
// outside the window anyway.

// identityExists reports whether dir already holds a service identity,
// that is, whether this start is a restart. A first start needs no floor:
// no request can have been MAC'd to a service key that did not exist.
func identityExists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, IdentityFile))
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// setReplayFloor sets, on a restart, the earliest Mesh-Date accepted to
// the second after the start, and waits for that second to begin (less
// than a second, once per start), so that requests made after the start
// are accepted.
func (s *Service) setReplayFloor(restart bool) {
	if !restart {
		return
	}
	s.replayFloor = s.now().Unix() + 1
	if d := time.Until(time.Unix(s.replayFloor, 0)); d > 0 && d <= time.Second {
		time.Sleep(d)
	}
}

// checkReplayFloor refuses a request dated before the replay floor.
func (s *Service) checkReplayFloor(ts int64) error {
	if ts < s.replayFloor {
		return refuse(protocol.StatusNotAuthorized, "request timestamp %d is before the service restarted (%d); requests signed before a restart are refused: retry", ts, s.replayFloor)
	}
	return nil
}
