package service

import "time"

// Limits of the service, besides those of package protocol (common rules:
// every input has an explicit limit).
const (
	// maxIdentityFileSize bounds the identity file.
	maxIdentityFileSize = 4 << 10
	// credentialCacheSize bounds the verified credentials (and their
	// request keys K) kept in memory.
	credentialCacheSize = 20000
	// accountCacheSize bounds the parsed account profiles kept in memory.
	accountCacheSize = 20000
	// replayCacheSize bounds the nonces remembered; beyond it the service
	// answers Timeout (503) rather than forget a nonce inside its window.
	replayCacheSize = 4 << 20
	// maxAccessEntries bounds the Access catalog entries one account may
	// have indexed by the service.
	maxAccessEntries = 100000
	// maxUpdatesPerRequest and maxSelectsPerRequest bound the
	// ContainerUpdates of one Transact and the selections of one Download
	// (a client names each catalog and spool at most once).
	maxUpdatesPerRequest = 64
	maxSelectsPerRequest = 64
	// maxContainersPerAccount bounds the containers (catalogs and spools)
	// one account may create.
	maxContainersPerAccount = 256
	// maxReshareDelta bounds the EnvelopedDelta of one Operate Reshare (a
	// tagged KeyData with one scalar, enveloped to the host key: about
	// 1 KB).
	maxReshareDelta = 16 << 10
	// shutdownGrace bounds the wait for in-flight requests on shutdown.
	shutdownGrace = 20 * time.Second
	// readHeaderTimeout, readTimeout, writeTimeout and idleTimeout bound the
	// HTTP connection phases.
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second

	// peerCacheSize and peerCacheTTL bound the other services (found by
	// discovery and Hello) kept in memory; peerTimeout bounds each request
	// to one of them (docs/messaging.md §3).
	peerCacheSize = 1024
	peerCacheTTL  = 10 * time.Minute
	peerTimeout   = 15 * time.Second
	// contactWindow, maxContactsPerSender and maxContactsPerDomain bound the
	// contact requests from strangers one account accepts per window
	// (protocol.md §6 item 2); contactLimiterSize bounds the counters kept.
	contactWindow        = time.Hour
	maxContactsPerSender = 5
	maxContactsPerDomain = 50
	contactLimiterSize   = 100000
	// deliveryAttempts and deliveryBackoff govern the retries of a Post the
	// recipient's service could not be reached for.
	deliveryAttempts = 4
	deliveryBackoff  = 2 * time.Second
	// maxRetrying bounds the deliveries being retried in the background at
	// once (each holds a goroutine and a message of up to 32 KB); beyond it
	// a pending delivery is not retried and its message stays Initial, as
	// after a restart (docs/messaging.md §2).
	maxRetrying = 1024
)
