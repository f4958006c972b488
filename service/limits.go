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
	// shutdownGrace bounds the wait for in-flight requests on shutdown.
	shutdownGrace = 20 * time.Second
	// readHeaderTimeout, readTimeout, writeTimeout and idleTimeout bound the
	// HTTP connection phases.
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)
