package sdk

import "time"

// Size limits of the contract. Both sides enforce them: gRPC refuses larger
// messages (ResourceExhausted, seen by callers as ErrInvalid), and the SDK
// checks the fields below before it sends or after it receives.
const (
	// MaxMessageBytes bounds any gRPC message in either direction.
	MaxMessageBytes = 4 << 20
	// MaxKeyInputBytes bounds the input of Sign, Decrypt and Agree.
	MaxKeyInputBytes = 64 << 10
	// MaxEntryJSONBytes bounds PublicJSON of an Entry and the JSON of Catalog.Put.
	MaxEntryJSONBytes = 256 << 10
	// MaxConfigJSONBytes bounds the config and policy JSON of Configure.
	MaxConfigJSONBytes = 256 << 10
	// MaxErrorMessageBytes bounds the safe message of an error; longer text is
	// cut at this length and marked with "...".
	MaxErrorMessageBytes = 1024
	// MaxNameBytes bounds names: plugin, endpoint, entry type, catalog, purpose.
	MaxNameBytes = 64
	// MaxKeyChannelPending bounds the operations waiting on one key channel.
	MaxKeyChannelPending = 64
)

// Default deadlines (plugins.md section 2.8). Each request carries its own
// deadline; these apply when the caller's context has none.
const (
	// DefaultKeyOpTimeout is the plugin-side bound of one key-channel operation:
	// long enough for a prompt (the policy's confirm_timeout, 60 s by default).
	DefaultKeyOpTimeout = 65 * time.Second
	// DefaultHostCallTimeout bounds Catalog.Get/Put/Reveal and Keys.Generate/Attach/Export.
	DefaultHostCallTimeout = 10 * time.Second
	// DefaultEnrollTimeout bounds Keys.Enroll.
	DefaultEnrollTimeout = 120 * time.Second
	// DefaultConfirmTimeout bounds Interaction.Confirm.
	DefaultConfirmTimeout = 65 * time.Second
	// DefaultChannelOpenTimeout bounds the answer to ChannelOpen.
	DefaultChannelOpenTimeout = 5 * time.Second
)
