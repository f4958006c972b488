package sdk

import (
	"context"
	"fmt"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc"
)

// hostClient is the plugin's view of the agent's services over the broker.
type hostClient struct {
	conn *grpc.ClientConn
	keys pluginv1.KeysServiceClient
	cat  pluginv1.CatalogServiceClient
	ia   pluginv1.InteractionServiceClient
}

var (
	_ Host            = (*hostClient)(nil)
	_ Keys            = keysClient{}
	_ Catalog         = catalogClient{}
	_ VolatileRemover = keysClient{}
)

func newHostClient(conn *grpc.ClientConn) *hostClient {
	return &hostClient{
		conn: conn,
		keys: pluginv1.NewKeysServiceClient(conn),
		cat:  pluginv1.NewCatalogServiceClient(conn),
		ia:   pluginv1.NewInteractionServiceClient(conn),
	}
}

// NewHost returns a Host over a gRPC connection to a server on which
// RegisterHostServices registered a backend. Plugins get their Host from
// Configure; this is for tests and other transports.
func NewHost(conn *grpc.ClientConn) Host { return newHostClient(conn) }

func (h *hostClient) close() { _ = h.conn.Close() }

func (h *hostClient) Keys() Keys       { return keysClient{h} }
func (h *hostClient) Catalog() Catalog { return catalogClient{h} }

// bounded gives ctx a deadline of d unless it already has one.
func bounded(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

func (h *hostClient) Confirm(ctx context.Context, p Prompt) (Decision, error) {
	ctx, cancel := bounded(ctx, DefaultConfirmTimeout)
	defer cancel()
	r, err := h.ia.Confirm(ctx, &pluginv1.ConfirmRequest{
		Action: p.Action, Summary: p.Summary, Details: detailsToProto(p.Details), EntryKey: p.EntryKey,
		Context: contextToProto(p.Context), Peer: peerToProto(p.Peer),
	})
	if err != nil {
		return Decision{}, FromStatus(err)
	}
	return Decision{Allow: r.Decision == pluginv1.Decision_DECISION_ALLOW, Scope: r.Scope}, nil
}

func (h *hostClient) Audit(ctx context.Context, ev AuditEvent) error {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	_, err := h.ia.Audit(ctx, &pluginv1.AuditRequest{
		Action: ev.Action, EntryKey: ev.EntryKey, Artifacts: artifactsToProto(ev.Artifacts),
		Outcome: ev.Outcome, Details: detailsToProto(ev.Details),
	})
	return FromStatus(err)
}

type keysClient struct{ h *hostClient }

func (k keysClient) List(ctx context.Context, q KeyQuery) ([]KeyInfo, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := k.h.keys.List(ctx, &pluginv1.ListRequest{Purpose: q.Purpose, EntryKey: q.EntryKey})
	if err != nil {
		return nil, FromStatus(err)
	}
	return keysFromProto(r.Keys), nil
}

func (k keysClient) Open(ctx context.Context, o ChannelOpen) (Channel, error) {
	return openChannel(ctx, k.h.keys, o)
}

func (k keysClient) Generate(ctx context.Context, g GenerateRequest) (KeyInfo, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := k.h.keys.Generate(ctx, &pluginv1.GenerateRequest{Purpose: g.Purpose, Algorithm: g.Algorithm, EntryKey: g.EntryKey})
	if err != nil {
		return KeyInfo{}, FromStatus(err)
	}
	return keyFromProto(r.Key), nil
}

func (k keysClient) AttachCertificate(ctx context.Context, a AttachRequest) (KeyInfo, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := k.h.keys.AttachCertificate(ctx, &pluginv1.AttachCertificateRequest{
		Handle: a.Handle, X509Chain: a.X509Chain, SshCertificate: a.SSHCertificate,
		OpenpgpCertificate: a.OpenPGPCertificate, ExpectedGeneration: a.ExpectedGeneration,
	})
	if err != nil {
		return KeyInfo{}, FromStatus(err)
	}
	return keyFromProto(r.Key), nil
}

func (k keysClient) Enroll(ctx context.Context, e EnrollRequest) (EnrollResult, error) {
	ctx, cancel := bounded(ctx, DefaultEnrollTimeout)
	defer cancel()
	if e.Validity < 0 || e.Validity > 1<<31*time.Second {
		return EnrollResult{}, NewError(ErrInvalid, fmt.Sprintf("sdk: enroll validity %v out of range", e.Validity))
	}
	r, err := k.h.keys.Enroll(ctx, &pluginv1.EnrollRequest{
		Handle: e.Handle, Kind: e.Kind, Csr: e.CSR, Authority: e.Authority, Principals: e.Principals,
		ValiditySeconds: uint32(e.Validity / time.Second),
	})
	if err != nil {
		return EnrollResult{}, FromStatus(err)
	}
	return EnrollResult{X509Chain: r.X509Chain, SSHCertificate: r.SshCertificate}, nil
}

// ImportVolatile sends a key typed into ssh-add to the agent and zeroes v.PKCS8.
func (k keysClient) ImportVolatile(ctx context.Context, v VolatileKey) (KeyInfo, error) {
	defer clear(v.PKCS8)
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := k.h.keys.ImportVolatile(ctx, &pluginv1.ImportVolatileRequest{
		Pkcs8: v.PKCS8, Comment: v.Comment, Constraints: constraintsToProto(v.Constraints),
		Purposes: v.Purposes, SshCertificate: v.SSHCertificate,
	})
	if err != nil {
		return KeyInfo{}, FromStatus(err)
	}
	return keyFromProto(r.Key), nil
}

// RemoveVolatile forgets one key given with ImportVolatile, or every such
// key of this plugin when handle is empty. It is not part of the Keys
// interface (contract minor 1 added it); plugins find it with a type
// assertion on Keys for the VolatileRemover interface. An agent without the
// RPC answers ErrUnsupported.
func (k keysClient) RemoveVolatile(ctx context.Context, handle string) error {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	_, err := k.h.keys.RemoveVolatile(ctx, &pluginv1.RemoveVolatileRequest{Handle: handle})
	return FromStatus(err)
}

func (k keysClient) Export(ctx context.Context, e ExportRequest) ([]byte, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := k.h.keys.Export(ctx, &pluginv1.ExportRequest{Handle: e.Handle, Format: e.Format, Password: e.Password})
	if err != nil {
		return nil, FromStatus(err)
	}
	return r.Data, nil
}

type catalogClient struct{ h *hostClient }

func (c catalogClient) Get(ctx context.Context, q EntryQuery) ([]Entry, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := c.h.cat.Get(ctx, &pluginv1.GetRequest{Catalog: q.Catalog, Types: q.Types, Key: q.Key})
	if err != nil {
		return nil, FromStatus(err)
	}
	out := make([]Entry, len(r.Entries))
	for i, e := range r.Entries {
		out[i] = entryFromProto(e)
	}
	return out, nil
}

func (c catalogClient) Reveal(ctx context.Context, q RevealRequest) ([]byte, error) {
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := c.h.cat.Reveal(ctx, &pluginv1.RevealRequest{Catalog: q.Catalog, Key: q.Key, Field: q.Field, Origin: q.Origin})
	if err != nil {
		return nil, FromStatus(err)
	}
	return r.Value, nil
}

func (c catalogClient) Put(ctx context.Context, p PutRequest) (uint64, error) {
	if len(p.EntryJSON) > MaxEntryJSONBytes {
		return 0, NewError(ErrInvalid, fmt.Sprintf("sdk: entry JSON is %d bytes, limit %d", len(p.EntryJSON), MaxEntryJSONBytes))
	}
	ctx, cancel := bounded(ctx, DefaultHostCallTimeout)
	defer cancel()
	r, err := c.h.cat.Put(ctx, &pluginv1.PutRequest{
		Catalog: p.Catalog, Type: p.Type, Key: p.Key, EntryJson: p.EntryJSON, ExpectedGeneration: p.ExpectedGeneration,
	})
	if err != nil {
		return 0, FromStatus(err)
	}
	return r.Generation, nil
}

func (c catalogClient) Watch(ctx context.Context, w WatchRequest) (Watcher, error) {
	ctx, cancel := context.WithCancel(ctx)
	s, err := c.h.cat.Watch(ctx, &pluginv1.WatchRequest{Catalogs: w.Catalogs, Types: w.Types})
	if err != nil {
		cancel()
		return nil, FromStatus(err)
	}
	return &watcher{s: s, cancel: cancel}, nil
}

type watcher struct {
	s      pluginv1.CatalogService_WatchClient
	cancel context.CancelFunc
}

func (w *watcher) Next() (Event, error) {
	r, err := w.s.Recv()
	if err != nil {
		return Event{}, FromStatus(err)
	}
	return eventFromProto(r), nil
}

func (w *watcher) Close() error { w.cancel(); return nil }
