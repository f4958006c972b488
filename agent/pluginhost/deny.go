package pluginhost

import (
	"context"

	"github.com/mathmesh/mesh/sdk"
)

// denyBackend answers every host call with ErrDenied: a host without agent
// services (Options.Backend nil) gives plugins nothing.
type denyBackend struct{}

var _ sdk.HostBackend = denyBackend{}

func (denyBackend) ListKeys(context.Context, sdk.KeyQuery) ([]sdk.KeyInfo, error) { return nil, nil }
func (denyBackend) OpenChannel(context.Context, sdk.ChannelOpen) (sdk.KeyOps, error) {
	return nil, sdk.ErrDenied
}
func (denyBackend) GenerateKey(context.Context, sdk.GenerateRequest) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.ErrDenied
}
func (denyBackend) AttachCertificate(context.Context, sdk.AttachRequest) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.ErrDenied
}
func (denyBackend) Enroll(context.Context, sdk.EnrollRequest) (sdk.EnrollResult, error) {
	return sdk.EnrollResult{}, sdk.ErrDenied
}
func (denyBackend) RemoveVolatile(context.Context, string) error { return sdk.ErrDenied }
func (denyBackend) ImportVolatile(context.Context, sdk.VolatileKey) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.ErrDenied
}
func (denyBackend) Export(context.Context, sdk.ExportRequest) ([]byte, error) {
	return nil, sdk.ErrDenied
}
func (denyBackend) GetEntries(context.Context, sdk.EntryQuery) ([]sdk.Entry, error) {
	return nil, nil
}
func (denyBackend) Reveal(context.Context, sdk.RevealRequest) ([]byte, error) {
	return nil, sdk.ErrDenied
}
func (denyBackend) PutEntry(context.Context, sdk.PutRequest) (uint64, error) { return 0, sdk.ErrDenied }
func (denyBackend) Watch(ctx context.Context, _ sdk.WatchRequest, _ func(sdk.Event) error) error {
	<-ctx.Done()
	return nil
}
func (denyBackend) Confirm(context.Context, sdk.Prompt) (sdk.Decision, error) {
	return sdk.Decision{}, sdk.ErrDenied
}
func (denyBackend) Audit(context.Context, sdk.AuditEvent) error { return nil }
