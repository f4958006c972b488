package protocol

import (
	"time"

	"github.com/mathmesh/mesh/jsonb"
)

// Format evolution (as for every message in this package): field names are
// frozen wire names (draft-hallambaker-mesh-protocol-09 §10, protocol.md
// §2.3, §4); new fields must be optional and omitted when unset; a reader
// ignores nothing silently (jsonb rejects unknown members only where a
// type says so), and numbers are never floats.

// MeshRequest is the base of every request (protocol.md §2.3).
type MeshRequest struct {
	// ID is an optional request identifier echoed in the response.
	ID []byte `json:"ID,omitempty"`
}

// MeshRequestUser is the base of requests made for an account
// (protocol.md §2.3).
type MeshRequestUser struct {
	MeshRequest
	// Account is the account the request acts on: a profile UDF or an
	// account address. The authenticated credential names the same account
	// (docs/protocol.md §3.2); the service uses the credential's.
	Account                string    `json:"Account,omitempty"`
	Capability             string    `json:"Capability,omitempty"`
	EnvelopedProfileDevice jsonb.Raw `json:"EnvelopedProfileDevice,omitempty"`
}

// MeshResponse is the base of every response (protocol.md §2.3). Status is
// 201 on success; on failure StatusExtended holds a MeshServerStatus and
// StatusDescription its tag followed by a public explanation.
type MeshResponse struct {
	Status            int    `json:"Status,omitempty"`
	StatusExtended    int    `json:"StatusExtended,omitempty"`
	StatusDescription string `json:"StatusDescription,omitempty"`
	ID                []byte `json:"ID,omitempty"`
}

// Base returns the response itself; every response type embeds MeshResponse
// and so has this method (see Response).
func (r *MeshResponse) Base() *MeshResponse { return r }

// KeyValue is a selection criterion (protocol.md §2.3).
type KeyValue struct {
	Key   string `json:"Key,omitempty"`
	Value string `json:"Value,omitempty"`
}

// ConstraintsSelect selects the entries of one container to download
// (protocol.md §2.3, §4.7). IndexMin is the first entry index wanted (the
// number of entries the client already holds); IndexMax, when non-zero, is
// the index after the last one wanted.
type ConstraintsSelect struct {
	Container string     `json:"Container,omitempty"`
	IndexMin  int64      `json:"IndexMin,omitempty"`
	IndexMax  int64      `json:"IndexMax,omitempty"`
	NotBefore *time.Time `json:"NotBefore,omitempty"`
	Before    *time.Time `json:"Before,omitempty"`
	PageKey   string     `json:"PageKey,omitempty"`
}

// ConstraintsData bounds the data sent (protocol.md §2.3).
type ConstraintsData struct {
	MaxEntries  int64 `json:"MaxEntries,omitempty"`
	BytesOffset int64 `json:"BytesOffset,omitempty"`
	BytesMax    int64 `json:"BytesMax,omitempty"`
	Header      bool  `json:"Header,omitempty"`
	Payload     bool  `json:"Payload,omitempty"`
	Trailer     bool  `json:"Trailer,omitempty"`
}

// PolicyAccount describes the account names a service accepts
// (protocol.md §2.3).
type PolicyAccount struct {
	Minimum           int64  `json:"Minimum,omitempty"`
	Maximum           int64  `json:"Maximum,omitempty"`
	InvalidCharacters string `json:"InvalidCharacters,omitempty"`
}

// ContainerStatus is the state of one container (catalog or spool) of an
// account: Index is the number of entries it holds and Digest the root of
// the Merkle tree over them (ContainerTree, docs/protocol.md §4).
type ContainerStatus struct {
	Container string `json:"Container,omitempty"`
	Index     int64  `json:"Index,omitempty"`
	Digest    []byte `json:"Digest,omitempty"`
}

// ContainerUpdate carries envelopes of one container. In a Transact, a
// non-empty Digest makes the update conditional: it applies only if the
// container still holds Index entries with that Merkle root, otherwise the
// whole transaction fails with StatusConflict (docs/protocol.md §5).
type ContainerUpdate struct {
	ContainerStatus
	Envelopes []jsonb.Raw `json:"Envelopes,omitempty"`
}

// EntryResponse reports what happened to one entry of a Transact or Post
// (protocol.md §2.3): Result is ResultAccept or ResultReject, and
// IndexContainer the index the entry was given in its container.
type EntryResponse struct {
	IndexRequest    int64            `json:"IndexRequest,omitempty"`
	IndexContainer  int64            `json:"IndexContainer,omitempty"`
	Result          string           `json:"Result,omitempty"`
	ConstraintsData *ConstraintsData `json:"ConstraintsData,omitempty"`
}

// Entry results (schema.md §9.6, protocol.md §2.3).
const (
	ResultAccept   = "Accept"
	ResultReject   = "Reject"
	ResultConflict = "Conflict"
)

// Version is a protocol version offered in Hello (protocol.md §4.1).
type Version struct {
	Major     int64      `json:"Major,omitempty"`
	Minor     int64      `json:"Minor,omitempty"`
	Encodings []Encoding `json:"Encodings,omitempty"`
	URI       []string   `json:"URI,omitempty"`
}

// Encoding is a message encoding a service accepts.
type Encoding struct {
	ID         []string `json:"ID,omitempty"`
	Dictionary []string `json:"Dictionary,omitempty"`
}

// Container labels of a user account (schema.md §7.2, §8), in the order
// Status reports them (protocol.md §4.6: REF's order, plus MMM_Network and
// the group stores).
const (
	SpoolInbound       = "MMM_Inbound"
	SpoolOutbound      = "MMM_Outbound"
	SpoolLocal         = "MMM_Local"
	CatalogAccess      = "MMM_Access"
	CatalogCredential  = "MMM_Credential"
	CatalogDevice      = "MMM_Device"
	CatalogContact     = "MMM_Contact"
	CatalogApplication = "MMM_Application"
	CatalogPublication = "MMM_Publication"
	CatalogBookmark    = "MMM_Bookmark"
	CatalogTask        = "MMM_Task"
	CatalogNetwork     = "MMM_Network"
	CatalogMember      = "MMM_Member"
)
