// Package service is the Mesh Service: the HTTP handler of the Mesh Service
// Protocol, application-layer authentication and access control, the
// account transactions on top of a service/store, and Run, the body of the
// mesh-service binary.
//
// Specifications: protocol.md §2.1 (HTTP binding), §3 (access control, with
// our authentication design in docs/protocol.md §3), §4 (the transactions)
// and §6 (message limits); schema.md §3.5, §3.6 (the service's own
// profiles), §7.4 (the Access catalog it reads) and §9 (the messages it
// makes or looks up).
//
// Start a service in-process with New and serve Handler, or use package
// service/servicetest, which does so on a loopback port for tests.
package service

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mathmesh/mesh/service/store"
)

// Config configures New.
type Config struct {
	// DataDir holds the identity file (created on first start). The store
	// is separate (Store) so that tests and other backends can supply it.
	DataDir string
	// Store is the persistence; New does not close it.
	Store store.Store
	// Domains are the DNS domains whose accounts this service hosts:
	// BindAccount refuses any other address. At least one is required.
	Domains []string
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
	// Rand is the randomness (nonces, keys on first start); nil means
	// crypto/rand.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Peers maps a domain to the URL of its Mesh service, overriding DNS
	// discovery for outbound Post (--peer DOMAIN=URL; docs/messaging.md §3).
	Peers map[string]string
}

// Service is a Mesh service. It is safe for concurrent use.
type Service struct {
	store   store.Store
	id      *identity
	domains []string
	log     *slog.Logger
	rand    io.Reader
	now     func() time.Time

	creds    *lru[[32]byte, *verifiedCredential]
	accounts *lru[string, *accountInfo]
	replay   *replayCache
	access   *accessIndexes
	dispatch map[string]handlerFunc
	msg      *messaging

	replayFloor int64 // earliest Mesh-Date accepted after a restart (replay_floor.go)
}

// New returns a service over cfg.Store, loading (or on first start making)
// the service identity under cfg.DataDir.
func New(cfg *Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("service: no store")
	}
	if len(cfg.Domains) == 0 {
		return nil, fmt.Errorf("service: at least one --domain is required")
	}
	s := &Service{store: cfg.Store, log: cfg.Logger, rand: cfg.Rand, now: cfg.Now}
	for _, d := range cfg.Domains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d == "" || strings.ContainsAny(d, "@/ ") {
			return nil, fmt.Errorf("service: invalid domain %q", d)
		}
		s.domains = append(s.domains, d)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.now == nil {
		s.now = time.Now
	}
	restart := identityExists(cfg.DataDir)
	id, err := loadIdentity(cfg.DataDir, s.rand)
	if err != nil {
		return nil, err
	}
	s.id = id
	s.creds = newLRU[[32]byte, *verifiedCredential](credentialCacheSize)
	s.accounts = newLRU[string, *accountInfo](accountCacheSize)
	s.replay = newReplayCache(replayCacheSize)
	s.setReplayFloor(restart)
	s.access = newAccessIndexes(s)
	s.dispatch = s.handlers()
	if s.msg, err = newMessaging(s, cfg.Peers); err != nil {
		return nil, err
	}
	return s, nil
}

// UDF returns the service profile's UDF, which clients pin (and which DNS
// publishes as TXT "udf=", protocol.md §5).
func (s *Service) UDF() string { return s.id.udf }

// servesDomain reports whether address belongs to one of the domains.
func (s *Service) servesDomain(address string) bool {
	at := strings.LastIndexByte(address, '@')
	return at > 0 && slices.Contains(s.domains, strings.ToLower(address[at+1:]))
}
