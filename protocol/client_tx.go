package protocol

import (
	"context"
	"errors"
)

// Hello asks for the service description (protocol.md §4.1) and checks the
// returned ProfileService (against the pin, if any); the client then binds
// authenticated requests to it. cred may be nil.
func (c *Client) Hello(ctx context.Context, cred *Credential) (*MeshHelloResponse, error) {
	var resp MeshHelloResponse
	if cred != nil {
		// The credential needs the service key, which a first Hello gives.
		if _, err := c.serviceIdentity(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.Do(ctx, TxHello, cred, &HelloRequest{}, &resp); err != nil {
		return nil, err
	}
	if len(resp.EnvelopedProfileService) == 0 {
		return nil, errors.New("protocol: Hello response carries no EnvelopedProfileService")
	}
	if err := c.learnService(resp.EnvelopedProfileService); err != nil {
		return nil, err
	}
	return &resp, nil
}

// BindAccount creates an account (protocol.md §4.2) with the account key
// credential of the profile in req.
func (c *Client) BindAccount(ctx context.Context, cred *Credential, req *BindRequest) (*BindResponse, error) {
	var resp BindResponse
	return &resp, c.Do(ctx, TxBindAccount, cred, req, &resp)
}

// UnbindAccount deletes the credential's account (protocol.md §4.3).
func (c *Client) UnbindAccount(ctx context.Context, cred *Credential, req *UnbindRequest) (*UnbindResponse, error) {
	var resp UnbindResponse
	return &resp, c.Do(ctx, TxUnbindAccount, cred, req, &resp)
}

// Connect asks to connect a device (protocol.md §4.4), with the device's
// base credential.
func (c *Client) Connect(ctx context.Context, cred *Credential, req *ConnectRequest) (*ConnectResponse, error) {
	var resp ConnectResponse
	return &resp, c.Do(ctx, TxConnect, cred, req, &resp)
}

// Complete polls for the administrator's answer to a connection request
// (protocol.md §4.5). Until there is one it fails with an *Error matching
// ErrNotFound: poll again later.
func (c *Client) Complete(ctx context.Context, cred *Credential, req *CompleteRequest) (*CompleteResponse, error) {
	var resp CompleteResponse
	return &resp, c.Do(ctx, TxComplete, cred, req, &resp)
}

// Status returns the state of the account's containers (protocol.md §4.6).
func (c *Client) Status(ctx context.Context, cred *Credential, req *StatusRequest) (*StatusResponse, error) {
	var resp StatusResponse
	return &resp, c.Do(ctx, TxStatus, cred, req, &resp)
}

// Download fetches entries (protocol.md §4.7).
func (c *Client) Download(ctx context.Context, cred *Credential, req *DownloadRequest) (*DownloadResponse, error) {
	var resp DownloadResponse
	return &resp, c.Do(ctx, TxDownload, cred, req, &resp)
}

// Transact appends to the account's containers, all or nothing
// (protocol.md §4.8).
func (c *Client) Transact(ctx context.Context, cred *Credential, req *TransactRequest) (*TransactResponse, error) {
	var resp TransactResponse
	return &resp, c.Do(ctx, TxTransact, cred, req, &resp)
}

// Post delivers messages to accounts of the service (protocol.md §4.9).
func (c *Client) Post(ctx context.Context, cred *Credential, req *PostRequest) (*PostResponse, error) {
	var resp PostResponse
	return &resp, c.Do(ctx, TxPost, cred, req, &resp)
}

// Claim claims a publication (protocol.md §4.10).
func (c *Client) Claim(ctx context.Context, cred *Credential, req *ClaimRequest) (*ClaimResponse, error) {
	var resp ClaimResponse
	return &resp, c.Do(ctx, TxClaim, cred, req, &resp)
}

// PollClaim looks for a claim of a publication (protocol.md §4.11).
func (c *Client) PollClaim(ctx context.Context, cred *Credential, req *PollClaimRequest) (*PollClaimResponse, error) {
	var resp PollClaimResponse
	return &resp, c.Do(ctx, TxPollClaim, cred, req, &resp)
}

// Operate asks for threshold operations (protocol.md §4.12).
func (c *Client) Operate(ctx context.Context, cred *Credential, req *OperateRequest) (*OperateResponse, error) {
	var resp OperateResponse
	return &resp, c.Do(ctx, TxOperate, cred, req, &resp)
}
