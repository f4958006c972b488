package sdk

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc"
)

// pluginServer serves PluginService in the plugin process on top of a Plugin.
type pluginServer struct {
	pluginv1.UnimplementedPluginServiceServer
	impl   Plugin
	broker *plugin.GRPCBroker
	logger hclog.Logger

	mu     sync.Mutex
	hostID uint32
	host   *hostClient
	// listeners of the inherited endpoint descriptors, kept across
	// Configure calls of this server only.
	listeners endpointCache
}

func newPluginServer(impl Plugin, b *plugin.GRPCBroker, logger hclog.Logger) *pluginServer {
	return &pluginServer{impl: impl, broker: b, logger: logger}
}

// fail logs an internal cause (it is not sent) and returns the status error.
func (s *pluginServer) fail(method string, err error) error {
	if codeOf(err) == CodeInternal {
		s.logger.Error("plugin call failed", "method", method, "error", err)
	}
	return ToStatus(err)
}

func (s *pluginServer) Describe(ctx context.Context, _ *pluginv1.DescribeRequest) (*pluginv1.DescribeResponse, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, s.fail("Describe", err)
	}
	if err := d.Validate(); err != nil {
		return nil, s.fail("Describe", err)
	}
	return descriptionToProto(d), nil
}

// hostFor returns the Host client for a broker id, dialing it on first use.
func (s *pluginServer) hostFor(id uint32) (*hostClient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.host != nil && s.hostID == id {
		return s.host, nil
	}
	conn, err := s.broker.DialWithOptions(id, grpc.WithDefaultCallOptions(
		grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)))
	if err != nil {
		return nil, NewError(ErrUnavailable, fmt.Sprintf("sdk: connect to agent services (broker id %d)", id)).WithCause(err)
	}
	if s.host != nil {
		s.host.close()
	}
	s.host, s.hostID = newHostClient(conn), id
	return s.host, nil
}

func (s *pluginServer) Configure(ctx context.Context, r *pluginv1.ConfigureRequest) (*pluginv1.ConfigureResponse, error) {
	if len(r.ConfigJson) > MaxConfigJSONBytes || len(r.PolicyJson) > MaxConfigJSONBytes {
		return nil, s.fail("Configure", NewError(ErrInvalid, fmt.Sprintf(
			"sdk: configure: config or policy JSON over %d bytes", MaxConfigJSONBytes)))
	}
	host, err := s.hostFor(r.HostBrokerId)
	if err != nil {
		return nil, s.fail("Configure", err)
	}
	cfg := Config{
		Settings: r.ConfigJson, Policy: r.PolicyJson, PolicySerial: r.PolicySerial,
		Endpoints: make(map[string]int, len(r.Endpoints)), StateDir: r.StateDir,
		Account: r.AccountAddress, Device: r.DeviceUdf, listeners: &s.listeners,
	}
	for _, e := range r.Endpoints {
		cfg.Endpoints[e.Name] = int(e.Fd)
	}
	diags, err := s.impl.Configure(ctx, host, cfg)
	if err != nil {
		return nil, s.fail("Configure", err)
	}
	return &pluginv1.ConfigureResponse{Diagnostics: diagnosticsToProto(diags)}, nil
}

func (s *pluginServer) Provision(ctx context.Context, r *pluginv1.ProvisionRequest) (*pluginv1.ProvisionResponse, error) {
	req := ProvisionRequest{Entry: entryFromProto(r.Entry), Keys: keysFromProto(r.Keys), Reason: r.Reason, DryRun: r.DryRun}
	res, err := s.impl.Provision(ctx, req)
	if err != nil {
		return nil, s.fail("Provision", err)
	}
	return &pluginv1.ProvisionResponse{
		Status: res.Status, Artifacts: artifactsToProto(res.Artifacts), NextCheck: tsToProto(res.NextCheck),
		Messages: diagnosticsToProto(res.Messages), PendingReason: res.PendingReason,
	}, nil
}

func (s *pluginServer) Deprovision(ctx context.Context, r *pluginv1.DeprovisionRequest) (*pluginv1.DeprovisionResponse, error) {
	req := DeprovisionRequest{Entry: entryRefFromProto(r.Entry), Installed: artifactsFromProto(r.Installed), Reason: r.Reason}
	res, err := s.impl.Deprovision(ctx, req)
	if err != nil {
		return nil, s.fail("Deprovision", err)
	}
	return &pluginv1.DeprovisionResponse{Remaining: artifactsToProto(res.Remaining), Messages: diagnosticsToProto(res.Messages)}, nil
}

func (s *pluginServer) Inventory(ctx context.Context, _ *pluginv1.InventoryRequest) (*pluginv1.InventoryResponse, error) {
	as, err := s.impl.Inventory(ctx)
	if err != nil {
		return nil, s.fail("Inventory", err)
	}
	return &pluginv1.InventoryResponse{Artifacts: artifactsToProto(as)}, nil
}

func (s *pluginServer) Health(ctx context.Context, _ *pluginv1.HealthRequest) (*pluginv1.HealthResponse, error) {
	h := s.impl.Health(ctx)
	r := &pluginv1.HealthResponse{Status: h.Status, LastError: clip(h.LastError)}
	for name, n := range h.Connections {
		r.Endpoints = append(r.Endpoints, &pluginv1.EndpointHealth{Name: name, Connections: n})
	}
	return r, nil
}
