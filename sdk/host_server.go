package sdk

import (
	"context"
	"fmt"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc"
)

// hostServer serves the agent's Keys, Catalog and Interaction services to one
// plugin over the go-plugin broker, on top of that plugin's HostBackend.
type hostServer struct {
	pluginv1.UnimplementedKeysServiceServer
	pluginv1.UnimplementedCatalogServiceServer
	pluginv1.UnimplementedInteractionServiceServer
	b HostBackend
}

func newHostServer(b HostBackend) *hostServer { return &hostServer{b: b} }

// register builds the brokered gRPC server (called by GRPCBroker.AcceptAndServe).
func (s *hostServer) register(opts []grpc.ServerOption) *grpc.Server {
	srv := newGRPCServer(opts)
	pluginv1.RegisterKeysServiceServer(srv, s)
	pluginv1.RegisterCatalogServiceServer(srv, s)
	pluginv1.RegisterInteractionServiceServer(srv, s)
	return srv
}

// RegisterHostServices registers the host services of backend on srv. The SDK
// does this itself for plugins it dials; sdktest and tests of other transports
// use it directly.
func RegisterHostServices(srv *grpc.Server, backend HostBackend) {
	s := newHostServer(backend)
	pluginv1.RegisterKeysServiceServer(srv, s)
	pluginv1.RegisterCatalogServiceServer(srv, s)
	pluginv1.RegisterInteractionServiceServer(srv, s)
}

func checkLen(field string, b []byte, limit int) error {
	if len(b) > limit {
		return NewError(ErrInvalid, fmt.Sprintf("sdk: %s is %d bytes, limit %d", field, len(b), limit))
	}
	return nil
}

func checkField(field, s string) error {
	if len(s) > MaxNameBytes*4 {
		return NewError(ErrInvalid, fmt.Sprintf("sdk: %s is %d bytes, limit %d", field, len(s), MaxNameBytes*4))
	}
	return nil
}

func (s *hostServer) List(ctx context.Context, r *pluginv1.ListRequest) (*pluginv1.ListResponse, error) {
	if err := firstErr(checkField("purpose", r.Purpose), checkField("entry key", r.EntryKey)); err != nil {
		return nil, ToStatus(err)
	}
	ks, err := s.b.ListKeys(ctx, KeyQuery{Purpose: r.Purpose, EntryKey: r.EntryKey})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.ListResponse{Keys: keysToProto(ks)}, nil
}

func (s *hostServer) Generate(ctx context.Context, r *pluginv1.GenerateRequest) (*pluginv1.GenerateResponse, error) {
	k, err := s.b.GenerateKey(ctx, GenerateRequest{Purpose: r.Purpose, Algorithm: r.Algorithm, EntryKey: r.EntryKey})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.GenerateResponse{Key: keyToProto(k)}, nil
}

func (s *hostServer) AttachCertificate(ctx context.Context, r *pluginv1.AttachCertificateRequest) (*pluginv1.AttachCertificateResponse, error) {
	k, err := s.b.AttachCertificate(ctx, AttachRequest{
		Handle: r.Handle, X509Chain: r.X509Chain, SSHCertificate: r.SshCertificate,
		OpenPGPCertificate: r.OpenpgpCertificate, ExpectedGeneration: r.ExpectedGeneration,
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.AttachCertificateResponse{Key: keyToProto(k)}, nil
}

func (s *hostServer) Enroll(ctx context.Context, r *pluginv1.EnrollRequest) (*pluginv1.EnrollResponse, error) {
	res, err := s.b.Enroll(ctx, EnrollRequest{
		Handle: r.Handle, Kind: r.Kind, CSR: r.Csr, Authority: r.Authority, Principals: r.Principals,
		Validity: time.Duration(r.ValiditySeconds) * time.Second,
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.EnrollResponse{X509Chain: res.X509Chain, SshCertificate: res.SSHCertificate}, nil
}

func (s *hostServer) ImportVolatile(ctx context.Context, r *pluginv1.ImportVolatileRequest) (*pluginv1.ImportVolatileResponse, error) {
	defer clear(r.Pkcs8)
	if err := checkLen("pkcs8", r.Pkcs8, MaxKeyInputBytes); err != nil {
		return nil, ToStatus(err)
	}
	k, err := s.b.ImportVolatile(ctx, VolatileKey{
		PKCS8: r.Pkcs8, Comment: r.Comment, Constraints: constraintsFromProto(r.Constraints),
		Purposes: r.Purposes, SSHCertificate: r.SshCertificate,
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.ImportVolatileResponse{Key: keyToProto(k)}, nil
}

func (s *hostServer) RemoveVolatile(ctx context.Context, r *pluginv1.RemoveVolatileRequest) (*pluginv1.RemoveVolatileResponse, error) {
	if err := checkField("handle", r.Handle); err != nil {
		return nil, ToStatus(err)
	}
	if err := s.b.RemoveVolatile(ctx, r.Handle); err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.RemoveVolatileResponse{}, nil
}

func (s *hostServer) Export(ctx context.Context, r *pluginv1.ExportRequest) (*pluginv1.ExportResponse, error) {
	data, err := s.b.Export(ctx, ExportRequest{Handle: r.Handle, Format: r.Format, Password: r.Password})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.ExportResponse{Data: data}, nil
}

func (s *hostServer) Get(ctx context.Context, r *pluginv1.GetRequest) (*pluginv1.GetResponse, error) {
	es, err := s.b.GetEntries(ctx, EntryQuery{Catalog: r.Catalog, Types: r.Types, Key: r.Key})
	if err != nil {
		return nil, ToStatus(err)
	}
	out := make([]*pluginv1.Entry, len(es))
	for i, e := range es {
		out[i] = entryToProto(e)
	}
	return &pluginv1.GetResponse{Entries: out}, nil
}

func (s *hostServer) Reveal(ctx context.Context, r *pluginv1.RevealRequest) (*pluginv1.RevealResponse, error) {
	v, err := s.b.Reveal(ctx, RevealRequest{Catalog: r.Catalog, Key: r.Key, Field: r.Field, Origin: r.Origin})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.RevealResponse{Value: v}, nil
}

func (s *hostServer) Put(ctx context.Context, r *pluginv1.PutRequest) (*pluginv1.PutResponse, error) {
	if err := checkLen("entry JSON", r.EntryJson, MaxEntryJSONBytes); err != nil {
		return nil, ToStatus(err)
	}
	g, err := s.b.PutEntry(ctx, PutRequest{
		Catalog: r.Catalog, Type: r.Type, Key: r.Key, EntryJSON: r.EntryJson, ExpectedGeneration: r.ExpectedGeneration,
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.PutResponse{Generation: g}, nil
}

func (s *hostServer) Watch(r *pluginv1.WatchRequest, stream pluginv1.CatalogService_WatchServer) error {
	err := s.b.Watch(stream.Context(), WatchRequest{Catalogs: r.Catalogs, Types: r.Types}, func(e Event) error {
		return stream.Send(eventToProto(e))
	})
	return ToStatus(err)
}

func (s *hostServer) Confirm(ctx context.Context, r *pluginv1.ConfirmRequest) (*pluginv1.ConfirmResponse, error) {
	d, err := s.b.Confirm(ctx, Prompt{
		Action: r.Action, Summary: r.Summary, Details: detailsFromProto(r.Details), EntryKey: r.EntryKey,
		Context: contextFromProto(r.Context), Peer: peerFromProto(r.Peer),
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	out := &pluginv1.ConfirmResponse{Decision: pluginv1.Decision_DECISION_DENY, Scope: d.Scope}
	if d.Allow {
		out.Decision = pluginv1.Decision_DECISION_ALLOW
	}
	return out, nil
}

func (s *hostServer) Audit(ctx context.Context, r *pluginv1.AuditRequest) (*pluginv1.AuditResponse, error) {
	err := s.b.Audit(ctx, AuditEvent{
		Action: r.Action, EntryKey: r.EntryKey, Artifacts: artifactsFromProto(r.Artifacts),
		Outcome: r.Outcome, Details: detailsFromProto(r.Details),
	})
	if err != nil {
		return nil, ToStatus(err)
	}
	return &pluginv1.AuditResponse{}, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
