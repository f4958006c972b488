package protocol

import (
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
)

// Transaction names: the tag of a request body (protocol.md §1, §2.1).
const (
	TxHello         = "Hello"
	TxBindAccount   = "BindAccount"
	TxUnbindAccount = "UnbindAccount"
	TxConnect       = "Connect"
	TxComplete      = "Complete"
	TxStatus        = "Status"
	TxDownload      = "Download"
	TxTransact      = "Transact"
	TxPost          = "Post"
	TxClaim         = "Claim"
	TxPollClaim     = "PollClaim"
	TxOperate       = "Operate"
)

// ErrorResponseTag is the tag of a failure answer: the base MeshResponse
// (protocol.md §2.1: a service may return a parent type on error).
const ErrorResponseTag = "MeshResponse"

var responseTags = map[string]string{
	TxHello:         "MeshHelloResponse",
	TxBindAccount:   "BindResponse",
	TxUnbindAccount: "UnbindResponse",
	TxConnect:       "ConnectResponse",
	TxComplete:      "CompleteResponse",
	TxStatus:        "StatusResponse",
	TxDownload:      "DownloadResponse",
	TxTransact:      "TransactResponse",
	TxPost:          "PostResponse",
	TxClaim:         "ClaimResponse",
	TxPollClaim:     "PollClaimResponse",
	TxOperate:       "OperateResponse",
}

// ResponseTag returns the tag of the successful response to transaction tx,
// and false for an unknown transaction.
func ResponseTag(tx string) (string, bool) {
	t, ok := responseTags[tx]
	return t, ok
}

// IsPublic reports whether transaction tx may be made without a credential
// (protocol.md §3.3; docs/protocol.md §3.5). Connect, Complete, BindAccount
// and the others still need one.
func IsPublic(tx string) bool {
	switch tx {
	case TxHello, TxPost, TxClaim, TxPollClaim:
		return true
	}
	return false
}

// Response is implemented by every response type (through MeshResponse).
type Response interface {
	Base() *MeshResponse
}

// EncodeRequest returns the body of a request: {"<tx>": req} in compact
// JSON (protocol.md §2.1).
func EncodeRequest(tx string, req any) ([]byte, error) {
	if _, ok := responseTags[tx]; !ok {
		return nil, fmt.Errorf("protocol: unknown transaction %q", tx)
	}
	b, err := jsonb.MarshalTagged(tx, req, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("protocol: encoding %s request: %w", tx, err)
	}
	return b, nil
}

// DecodeRequestTag splits a request body into its transaction name and the
// request object's bytes, refusing unknown transactions.
func DecodeRequestTag(body []byte) (string, jsonb.Raw, error) {
	tx, inner, err := jsonb.ReadTag(body)
	if err != nil {
		return "", nil, fmt.Errorf("protocol: request body: %w", err)
	}
	if _, ok := responseTags[tx]; !ok {
		return "", nil, fmt.Errorf("protocol: unknown transaction %q", tx)
	}
	return tx, inner, nil
}

// EncodeResponse returns the body of the successful answer to tx.
func EncodeResponse(tx string, resp Response) ([]byte, error) {
	tag, ok := responseTags[tx]
	if !ok {
		return nil, fmt.Errorf("protocol: unknown transaction %q", tx)
	}
	b, err := jsonb.MarshalTagged(tag, resp, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("protocol: encoding %s: %w", tag, err)
	}
	return b, nil
}

// EncodeError returns the body of a failure answer: a bare MeshResponse with
// the status, the Mesh status code and the public description.
func EncodeError(s MeshServerStatus, description string) []byte {
	r := MeshResponse{
		Status:            s.HTTPStatus(),
		StatusExtended:    int(s),
		StatusDescription: s.String() + ": " + description,
	}
	b, err := jsonb.MarshalTagged(ErrorResponseTag, &r, jsonb.JSON)
	if err != nil {
		// A MeshResponse of ints and a string always encodes.
		panic("protocol: internal error: encoding MeshResponse: " + err.Error())
	}
	return b
}

// DecodeResponse reads the answer to transaction tx into resp. A failure
// answer (a MeshResponse, or any Status outside 2xx) gives an *Error.
func DecodeResponse(tx string, body []byte, resp Response) error {
	want, ok := responseTags[tx]
	if !ok {
		return fmt.Errorf("protocol: unknown transaction %q", tx)
	}
	tag, inner, err := jsonb.ReadTag(body)
	if err != nil {
		return fmt.Errorf("protocol: %s response: %w", tx, err)
	}
	if tag == ErrorResponseTag {
		var base MeshResponse
		if err := jsonb.Unmarshal(inner, &base); err != nil {
			return fmt.Errorf("protocol: %s error response: %w", tx, err)
		}
		return responseError(tx, &base)
	}
	if tag != want {
		return fmt.Errorf("protocol: %s response has tag %q, want %q", tx, tag, want)
	}
	if err := jsonb.Unmarshal(inner, resp); err != nil {
		return fmt.Errorf("protocol: %s: %w", want, err)
	}
	if b := resp.Base(); b.Status < 200 || b.Status > 299 {
		return responseError(tx, b)
	}
	return nil
}

func responseError(tx string, b *MeshResponse) *Error {
	return &Error{
		Transaction: tx,
		Status:      b.Status,
		Extended:    MeshServerStatus(b.StatusExtended),
		Description: b.StatusDescription,
	}
}
