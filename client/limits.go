package client

import "time"

// Size limits for everything the client reads from files under $MESH_HOME
// and from the network (common rules: every input has an explicit limit).
const (
	// MaxRegistrySize bounds machine.json, the registry of accounts.
	MaxRegistrySize = 1 << 20
	// MaxAccountFileSize bounds an account's account.json record.
	MaxAccountFileSize = 4 << 20
	// MaxSecretFileSize bounds a seed file (a seed UDF is about 60 chars).
	MaxSecretFileSize = 4 << 10
	// MaxAccounts bounds the accounts one machine registry holds.
	MaxAccounts = 1024
	// MaxSRVRecords bounds the SRV records used from one DNS answer.
	MaxSRVRecords = 32
	// MaxImportSize bounds a catalog entry file given to `... import`.
	MaxImportSize = 64 << 10
	// MaxDownloadRounds bounds the Download requests of one sync: a service
	// that keeps answering with partial pages is abandoned after this many.
	MaxDownloadRounds = 100_000
)

// Limits of the device flows (docs/devices.md).
const (
	// MaxEnvelopeHeader bounds the envelope bytes read to find the
	// recipients a batch of Operate requests is for (a catalog envelope
	// is at most 1 MiB, protocol.MaxEnvelopeBytes).
	MaxEnvelopeHeader = 1 << 20
	// MaxPendingFileSize bounds a pending connection record.
	MaxPendingFileSize = 256 << 10
	// MaxReshareAnswer bounds one re-shared key share the service answers
	// (a tagged KeyData enveloped to the host key: about 1 KB).
	MaxReshareAnswer = 16 << 10
)

// MaxPinExpiry bounds the lifetime of a device PIN.
const MaxPinExpiry = 30 * 24 * time.Hour

// MaxConfirmationText bounds the text of a confirmation request (the whole
// message must fit in 32 KB, schema.md §9.1).
const MaxConfirmationText = 4 << 10

// MaxContactCardSize bounds a contact card published for a contact URI
// (contact_uri.go): a signed ContactPerson with the account profile.
const MaxContactCardSize = 64 << 10

// Limits of $MESH_SERVICES (discover_domains.go).
const (
	// MaxServicesLength bounds the whole value.
	MaxServicesLength = 16 << 10
	// MaxServiceOverrides bounds its DOMAIN=URL entries.
	MaxServiceOverrides = 64
)
