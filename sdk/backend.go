package sdk

import "context"

// HostBackend is what mesh-agent implements to serve one plugin: the SDK
// exposes it to that plugin's process through a brokered gRPC server
// (plugins.md section 2.3). The agent gives each plugin its own backend, so
// every call is attributable to one plugin and checked against its scopes.
// Errors should be SDK errors (sentinels or *Error); any other error reaches
// the plugin as ErrInternal with its text withheld.
type HostBackend interface {
	ListKeys(ctx context.Context, q KeyQuery) ([]KeyInfo, error)
	// OpenChannel starts a key channel; the returned KeyOps serves it until Close.
	OpenChannel(ctx context.Context, o ChannelOpen) (KeyOps, error)
	GenerateKey(ctx context.Context, r GenerateRequest) (KeyInfo, error)
	AttachCertificate(ctx context.Context, r AttachRequest) (KeyInfo, error)
	Enroll(ctx context.Context, r EnrollRequest) (EnrollResult, error)
	ImportVolatile(ctx context.Context, r VolatileKey) (KeyInfo, error)
	// RemoveVolatile forgets one volatile key of the plugin, or every one
	// when handle is empty (ssh-add -d, -D). A handle of a key that is not
	// volatile is refused with ErrInvalid, an unknown one with ErrUnknownKey.
	RemoveVolatile(ctx context.Context, handle string) error
	Export(ctx context.Context, r ExportRequest) ([]byte, error)

	GetEntries(ctx context.Context, q EntryQuery) ([]Entry, error)
	Reveal(ctx context.Context, r RevealRequest) ([]byte, error)
	PutEntry(ctx context.Context, r PutRequest) (uint64, error)
	// Watch sends events to send until ctx ends or send fails.
	Watch(ctx context.Context, w WatchRequest, send func(Event) error) error

	Confirm(ctx context.Context, p Prompt) (Decision, error)
	Audit(ctx context.Context, ev AuditEvent) error
}

// KeyOps serves one key channel in the agent. Operations of one channel may
// run concurrently. ctx carries the deadline of the request.
type KeyOps interface {
	Sign(ctx context.Context, r SignRequest) ([]byte, error)
	Decrypt(ctx context.Context, r DecryptRequest) ([]byte, error)
	Agree(ctx context.Context, r AgreeRequest) ([]byte, error)
	UpdateContext(ctx context.Context, c ClientContext) error
	Close() error
}
