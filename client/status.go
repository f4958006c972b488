package client

import (
	"context"
	"fmt"
	"sort"

	"github.com/mathmesh/mesh/protocol"
)

// ContainerState is one container in an account's status.
type ContainerState struct {
	Container string `json:"container"`
	// Index is the number of entries at the service, Local the number
	// this device holds.
	Index  int64  `json:"index"`
	Local  int64  `json:"local"`
	Digest string `json:"digest,omitempty"`
}

// StatusResult is the outcome of Status.
type StatusResult struct {
	Account    string           `json:"account"`
	Address    string           `json:"address"`
	Service    string           `json:"service"`
	Containers []ContainerState `json:"containers"`
}

// Status asks the service for the state of every container of the account
// (protocol.md §4.6) and sets it beside the local copies. It changes
// nothing locally.
func (a *Account) Status(ctx context.Context) (*StatusResult, error) {
	cred, err := a.credential()
	if err != nil {
		return nil, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	st, err := pc.Status(ctx, cred, a.statusRequest())
	if err != nil {
		return nil, fmt.Errorf("client: status of %s: %w", a.rec.AccountAddress, err)
	}
	r := &StatusResult{Account: a.rec.ProfileUdf, Address: a.rec.AccountAddress, Service: pc.Endpoint()}
	for _, cs := range st.ContainerStatus {
		r.Containers = append(r.Containers, ContainerState{
			Container: cs.Container, Index: cs.Index, Local: a.rec.tree(cs.Container).Len(), Digest: digestText(cs.Digest),
		})
	}
	sort.Slice(r.Containers, func(i, j int) bool { return r.Containers[i].Container < r.Containers[j].Container })
	return r, nil
}

// statusRequest is the Status request of this device for the account: with
// the digest of the device record it holds, so that the service returns
// the record only when it changed (protocol.md §4.6).
func (a *Account) statusRequest() *protocol.StatusRequest {
	return &protocol.StatusRequest{
		MeshRequestUser:       protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
		DeviceUDF:             a.rec.DeviceUdf,
		CatalogedDeviceDigest: a.rec.CatalogedDeviceDigest,
	}
}
