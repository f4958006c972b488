package sshplugin

import "time"

// Limits on what clients and mesh-agent may send (common rules: every input
// has an explicit limit).
const (
	// MaxMessageSize bounds one ssh-agent request, as OpenSSH's ssh-agent
	// does (AGENT_MAX_LEN, 256 KiB). A larger length prefix closes the
	// connection.
	MaxMessageSize = 256 << 10
	// MaxSessionBinds bounds the session-bind records of one connection
	// (OpenSSH AGENT_MAX_SESSION_IDS).
	MaxSessionBinds = 16
	// MaxSessionIDSize bounds a session identifier (OpenSSH
	// AGENT_MAX_SID_LEN).
	MaxSessionIDSize = 128
	// MaxConnections bounds the client connections served at once; more
	// are closed at accept.
	MaxConnections = 256
	// MaxKeys bounds the keys taken from one Keys.List answer.
	MaxKeys = 1024
	// MaxKnownHosts bounds the known-host records taken from the catalog.
	MaxKnownHosts = 16384
	// MaxHostHints bounds the host patterns of one key.
	MaxHostHints = 64
)

// Deadlines of calls to mesh-agent (plugins.md §2.8).
const (
	// ListTimeout bounds Keys.List and Catalog.Get.
	ListTimeout = 10 * time.Second
	// OpenTimeout bounds opening a key channel.
	OpenTimeout = 5 * time.Second
	// ImportTimeout bounds Keys.ImportVolatile and its removal.
	ImportTimeout = 10 * time.Second
)
