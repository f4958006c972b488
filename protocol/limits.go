package protocol

import "time"

// Size and time limits of the protocol (common rules: every input from the
// network has an explicit limit). The service and the client both apply them.
const (
	// MaxRequestBytes bounds an HTTP request body. A Transact carrying the
	// first frames of every catalog is the largest legitimate request.
	MaxRequestBytes = 16 << 20
	// MaxResponseBytes bounds an HTTP response body read by the client
	// (a Download page).
	MaxResponseBytes = 32 << 20
	// MaxMessageBytes bounds one message envelope in a spool: Transact
	// Inbound/Local/Outbound entries and Post messages ([ARCH] 4.3, 6.5;
	// schema.md §9.1 chooses 32 KB).
	MaxMessageBytes = 32 << 10
	// MaxEnvelopeBytes bounds one catalog envelope in a Transact update.
	MaxEnvelopeBytes = 1 << 20
	// MaxEnvelopesPerRequest bounds the envelopes of one Transact or Post.
	MaxEnvelopesPerRequest = 4096
	// MaxDownloadEntries and MaxDownloadBytes bound one Download answer; a
	// client asks again from the next index for the rest.
	MaxDownloadEntries = 10000
	MaxDownloadBytes   = 16 << 20
	// MaxCredentialBytes bounds the decoded Mesh-Credential header.
	MaxCredentialBytes = 16 << 10
	// MaxHeaderBytes bounds all HTTP request headers together.
	MaxHeaderBytes = 64 << 10
	// MaxAccountLength bounds an account address or profile UDF claimed.
	MaxAccountLength = 256
	// ClockSkew is the largest difference between a request's timestamp and
	// the service's clock (docs/protocol.md §3.3).
	ClockSkew = 5 * time.Minute
	// DefaultTimeout is the client's default time limit for one transaction.
	DefaultTimeout = 30 * time.Second
)
