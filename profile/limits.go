package profile

// Size limits for everything this package reads from a file or the network
// (common rules: every input has an explicit limit).
const (
	// MaxEnvelopeSize bounds one enveloped Mesh object read by Open. A
	// profile or connection is a few kilobytes; an ActivationCommon with
	// every store key about 10 KB. 256 KiB leaves ample room.
	MaxEnvelopeSize = 256 << 10

	// MaxRoles bounds the roles named in one grant or connection.
	MaxRoles = 64

	// MaxRoleLength bounds one role name.
	MaxRoleLength = 64

	// MaxEntries bounds the ActivationEntry list of one activation.
	MaxEntries = 256

	// MaxAddressLength bounds an account address (RFC 5321 allows 254
	// octets in a path; we allow a little more for Mesh names).
	MaxAddressLength = 320
)
