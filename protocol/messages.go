package protocol

import (
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// HelloRequest asks for the service description (protocol.md §4.1).
type HelloRequest struct {
	MeshRequest
}

// MeshHelloResponse describes the service (protocol.md §4.1).
// EnvelopedProfileService is the self-signed ProfileService whose
// ServiceAuthentication key authenticated requests are bound to.
type MeshHelloResponse struct {
	MeshResponse
	Version                 *Version         `json:"Version,omitempty"`
	Alternates              []Version        `json:"Alternates,omitempty"`
	ConstraintsUpdate       *ConstraintsData `json:"ConstraintsUpdate,omitempty"`
	ConstraintsPost         *ConstraintsData `json:"ConstraintsPost,omitempty"`
	PolicyAccount           *PolicyAccount   `json:"PolicyAccount,omitempty"`
	EnvelopedProfileService jsonb.Raw        `json:"EnvelopedProfileService,omitempty"`
	EnvelopedProfileHost    jsonb.Raw        `json:"EnvelopedProfileHost,omitempty"`
}

// BindRequest creates an account (protocol.md §4.2).
type BindRequest struct {
	MeshRequest
	AccountAddress           string      `json:"AccountAddress,omitempty"`
	EnvelopedProfileAccount  jsonb.Raw   `json:"EnvelopedProfileAccount,omitempty"`
	EnvelopedCallsignBinding []jsonb.Raw `json:"EnvelopedCallsignBinding,omitempty"`
}

// BindResponse answers BindRequest (protocol.md §4.2).
type BindResponse struct {
	MeshResponse
	Reason                         string    `json:"Reason,omitempty"`
	URL                            string    `json:"URL,omitempty"`
	EnvelopedAccountHostAssignment jsonb.Raw `json:"EnvelopedAccountHostAssignment,omitempty"`
}

// UnbindRequest deletes an account (protocol.md §4.3).
type UnbindRequest struct {
	MeshRequestUser
}

// UnbindResponse answers UnbindRequest.
type UnbindResponse struct {
	MeshResponse
}

// ConnectRequest starts a device connection (protocol.md §4.4).
type ConnectRequest struct {
	MeshRequest
	EnvelopedRequestConnection jsonb.Raw `json:"EnvelopedRequestConnection,omitempty"`
	Rights                     []string  `json:"Rights,omitempty"`
}

// ConnectResponse answers ConnectRequest (protocol.md §4.4).
type ConnectResponse struct {
	MeshResponse
	EnvelopedAcknowledgeConnection jsonb.Raw `json:"EnvelopedAcknowledgeConnection,omitempty"`
	EnvelopedProfileAccount        jsonb.Raw `json:"EnvelopedProfileAccount,omitempty"`
}

// StatusRequest asks for the state of an account's containers
// (protocol.md §4.6).
type StatusRequest struct {
	MeshRequestUser
	DeviceUDF             string   `json:"DeviceUDF,omitempty"`
	CatalogedDeviceDigest string   `json:"CatalogedDeviceDigest,omitempty"`
	Catalogs              []string `json:"Catalogs,omitempty"`
	Spools                []string `json:"Spools,omitempty"`
}

// StatusResponse answers StatusRequest (protocol.md §4.6).
type StatusResponse struct {
	MeshResponse
	EnvelopedProfileAccount        jsonb.Raw         `json:"EnvelopedProfileAccount,omitempty"`
	EnvelopedCatalogedDevice       jsonb.Raw         `json:"EnvelopedCatalogedDevice,omitempty"`
	CatalogedDeviceDigest          string            `json:"CatalogedDeviceDigest,omitempty"`
	ContainerStatus                []ContainerStatus `json:"ContainerStatus,omitempty"`
	EnvelopedAccountHostAssignment jsonb.Raw         `json:"EnvelopedAccountHostAssignment,omitempty"`
}

// CompleteRequest polls for the answer to a connection request
// (protocol.md §4.5).
type CompleteRequest struct {
	StatusRequest
	AccountAddress string `json:"AccountAddress,omitempty"`
	ResponseID     string `json:"ResponseID,omitempty"`
}

// CompleteResponse answers CompleteRequest (protocol.md §4.5).
type CompleteResponse struct {
	MeshResponse
	EnvelopedRespondConnection     jsonb.Raw `json:"EnvelopedRespondConnection,omitempty"`
	EnvelopedAccountHostAssignment jsonb.Raw `json:"EnvelopedAccountHostAssignment,omitempty"`
}

// DownloadRequest fetches entries (protocol.md §4.7).
type DownloadRequest struct {
	MeshRequestUser
	Select          []ConstraintsSelect `json:"Select,omitempty"`
	ConstraintsPost *ConstraintsData    `json:"ConstraintsPost,omitempty"`
}

// DownloadResponse answers DownloadRequest. A container whose answer was cut
// by the service's limits has fewer envelopes than asked for: the client asks
// again from the next index.
type DownloadResponse struct {
	MeshResponse
	Updates []ContainerUpdate `json:"Updates,omitempty"`
}

// TransactRequest appends to an account's containers atomically
// (protocol.md §4.8).
type TransactRequest struct {
	MeshRequestUser
	Updates  []ContainerUpdate `json:"Updates,omitempty"`
	Accounts []string          `json:"Accounts,omitempty"`
	Outbound []jsonb.Raw       `json:"Outbound,omitempty"`
	Inbound  []jsonb.Raw       `json:"Inbound,omitempty"`
	Local    []jsonb.Raw       `json:"Local,omitempty"`
}

// TransactResponse answers TransactRequest: one EntryResponse per envelope
// in request order (Updates, then Inbound, Local, Outbound).
type TransactResponse struct {
	MeshResponse
	Entries         []EntryResponse  `json:"Entries,omitempty"`
	ConstraintsData *ConstraintsData `json:"ConstraintsData,omitempty"`
}

// PostRequest delivers messages to accounts of this service
// (protocol.md §4.9).
type PostRequest struct {
	MeshRequest
	Accounts []string    `json:"Accounts,omitempty"`
	Messages []jsonb.Raw `json:"Messages,omitempty"`
}

// PostResponse answers PostRequest, one entry per (message, account) pair.
type PostResponse struct {
	TransactResponse
}

// ClaimRequest claims a publication (protocol.md §4.10).
type ClaimRequest struct {
	MeshRequest
	EnvelopedMessageClaim jsonb.Raw `json:"EnvelopedMessageClaim,omitempty"`
}

// ClaimResponse answers ClaimRequest. CatalogedPublication is the
// publication entry as the publisher wrote it (its data still encrypted
// under the claim secret).
type ClaimResponse struct {
	MeshResponse
	CatalogedPublication jsonb.Raw `json:"CatalogedPublication,omitempty"`
}

// PollClaimRequest looks for a claim of a publication (protocol.md §4.11).
type PollClaimRequest struct {
	MeshRequest
	PublicationId        string `json:"PublicationId,omitempty"`
	TargetAccountAddress string `json:"TargetAccountAddress,omitempty"`
}

// PollClaimResponse answers PollClaimRequest: EnvelopedMessage is the latest
// claim, absent when there is none.
type PollClaimResponse struct {
	MeshResponse
	EnvelopedMessage jsonb.Raw `json:"EnvelopedMessage,omitempty"`
}

// OperateRequest asks the service for threshold operations with the key
// shares it holds in the account's Access catalog (protocol.md §4.12).
type OperateRequest struct {
	MeshRequestUser
	AccountAddress string                   `json:"AccountAddress,omitempty"`
	Operations     []CryptographicOperation `json:"Operations,omitempty"`
}

// OperateResponse answers OperateRequest, one result per operation.
type OperateResponse struct {
	MeshResponse
	Results []CryptographicResult `json:"Results,omitempty"`
}

// CryptographicOperation is the tagged (TStruct) operation of an Operate
// request: key agreement (protocol.md §4.12) or, our extension, the
// re-share of a key share to a new device (docs/devices.md §7).
type CryptographicOperation struct {
	KeyAgreement *CryptographicOperationKeyAgreement `json:"CryptographicOperationKeyAgreement,omitempty"`
	Reshare      *CryptographicOperationReshare      `json:"CryptographicOperationReshare,omitempty"`
}

// CryptographicOperationKeyAgreement asks for the partial key agreement of
// the service's share KeyId with PublicKey (an ephemeral key).
type CryptographicOperationKeyAgreement struct {
	KeyId          string    `json:"KeyId,omitempty"`
	KeyCoefficient []byte    `json:"KeyCoefficient,omitempty"`
	PublicKey      *keys.Key `json:"PublicKey,omitempty"`
}

// CryptographicResult is the tagged (TStruct) result of one operation:
// exactly one member is set.
type CryptographicResult struct {
	Error        *CryptographicResultError        `json:"CryptographicResult,omitempty"`
	KeyAgreement *CryptographicResultKeyAgreement `json:"CryptographicResultKeyAgreement,omitempty"`
	Reshare      *CryptographicResultReshare      `json:"CryptographicResultReshare,omitempty"`
}

// CryptographicResultError reports a refused operation.
type CryptographicResultError struct {
	Error string `json:"Error,omitempty"`
}

// CryptographicResultKeyAgreement carries the partial agreement: the point
// share·PublicKey in the wire form of threshold.md ("u ‖ sign byte" for
// X448), as a PublicKeyECDH.
type CryptographicResultKeyAgreement struct {
	Error        string    `json:"Error,omitempty"`
	KeyAgreement *keys.Key `json:"KeyAgreement,omitempty"`
}

// CryptographicOperationReshare asks the service to re-share its share s_A
// in the caller's CapabilityDecryptServiced KeyId to a new device
// (docs/devices.md §7): EnvelopedDelta is r, a tagged KeyData enveloped to
// the host's AccessEncrypt key whose kid is ShareId; the service answers
// s_N = s_A + r enveloped to itself. ShareId is the new capability's Id,
// the fingerprint of the new device's share public key SharePublic
// (threshold wire form), which must satisfy SharePublic + s_N·G = the
// whole key. GranteeUdf is the new device's overlaid authentication key.
// Only an administration device whose capability KeyId is active and
// granted to its own key may ask.
type CryptographicOperationReshare struct {
	KeyId          string    `json:"KeyId,omitempty"`
	ShareId        string    `json:"ShareId,omitempty"`
	SharePublic    []byte    `json:"SharePublic,omitempty"`
	GranteeUdf     string    `json:"GranteeUdf,omitempty"`
	EnvelopedDelta jsonb.Raw `json:"EnvelopedDelta,omitempty"`
}

// CryptographicResultReshare answers a Reshare: s_N as a tagged KeyData
// (kid = ShareId) enveloped to the host's AccessEncrypt key alone, for the
// new device's CapabilityDecryptServiced.
type CryptographicResultReshare struct {
	EnvelopedKeyShare jsonb.Raw `json:"EnvelopedKeyShare,omitempty"`
}
