package frost

// MaxParticipants bounds identifiers, participant lists and commitment lists.
const MaxParticipants = 255

// MaxMessageLen bounds the message signed in one FROST session (the Mesh signs
// digests and small JSON-B documents; 1 MiB is ample).
const MaxMessageLen = 1 << 20
