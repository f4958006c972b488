package sdk

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/hashicorp/go-plugin"
	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc"
)

// PluginClient is the agent's typed view of one plugin process, returned by
// Dial. Every error it returns is an SDK error (errors.Is works with the
// sentinels); a crashed or unreachable plugin gives ErrUnavailable, and a call
// past its context deadline gives ErrTimeout.
type PluginClient interface {
	Describe(ctx context.Context) (Description, error)
	// Configure serves backend to the plugin through the broker (the first
	// time, or when backend changes) and sends cfg.
	Configure(ctx context.Context, backend HostBackend, cfg Config) ([]Diagnostic, error)
	Provision(ctx context.Context, req ProvisionRequest) (ProvisionResult, error)
	Deprovision(ctx context.Context, req DeprovisionRequest) (DeprovisionResult, error)
	Inventory(ctx context.Context) ([]Artifact, error)
	Health(ctx context.Context) (Health, error)
}

type pluginClient struct {
	rpc    pluginv1.PluginServiceClient
	broker *plugin.GRPCBroker

	mu       sync.Mutex
	backend  HostBackend
	brokerID uint32
}

var _ PluginClient = (*pluginClient)(nil)

// callOpts bounds what the agent accepts from a plugin.
var callOpts = []grpc.CallOption{grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)}

func (c *pluginClient) Describe(ctx context.Context) (Description, error) {
	r, err := c.rpc.Describe(ctx, &pluginv1.DescribeRequest{AgentContractMinor: ContractMinor}, callOpts...)
	if err != nil {
		return Description{}, FromStatus(err)
	}
	d := descriptionFromProto(r)
	if err := d.Validate(); err != nil {
		return Description{}, err
	}
	return d, nil
}

// serve starts the brokered host server for backend once per backend.
func (c *pluginClient) serve(backend HostBackend) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.backend == backend && c.brokerID != 0 {
		return c.brokerID
	}
	id := c.broker.NextId()
	hs := newHostServer(backend)
	go c.broker.AcceptAndServe(id, hs.register)
	c.backend, c.brokerID = backend, id
	return id
}

func (c *pluginClient) Configure(ctx context.Context, backend HostBackend, cfg Config) ([]Diagnostic, error) {
	if backend == nil {
		return nil, NewError(ErrInvalid, "sdk: configure: no host backend")
	}
	if len(cfg.Settings) > MaxConfigJSONBytes || len(cfg.Policy) > MaxConfigJSONBytes {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: configure: config or policy JSON over %d bytes", MaxConfigJSONBytes))
	}
	req := &pluginv1.ConfigureRequest{
		HostBrokerId: c.serve(backend), ConfigJson: cfg.Settings, PolicyJson: cfg.Policy,
		PolicySerial: cfg.PolicySerial, StateDir: cfg.StateDir, AccountAddress: cfg.Account, DeviceUdf: cfg.Device,
	}
	names := make([]string, 0, len(cfg.Endpoints))
	for name := range cfg.Endpoints {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		req.Endpoints = append(req.Endpoints, &pluginv1.EndpointFd{Name: name, Fd: uint32(cfg.Endpoints[name])})
	}
	r, err := c.rpc.Configure(ctx, req, callOpts...)
	if err != nil {
		return nil, FromStatus(err)
	}
	return diagnosticsFromProto(r.Diagnostics), nil
}

func (c *pluginClient) Provision(ctx context.Context, req ProvisionRequest) (ProvisionResult, error) {
	if len(req.Entry.PublicJSON) > MaxEntryJSONBytes {
		return ProvisionResult{}, NewError(ErrInvalid, fmt.Sprintf("sdk: provision: entry JSON over %d bytes", MaxEntryJSONBytes))
	}
	r, err := c.rpc.Provision(ctx, &pluginv1.ProvisionRequest{
		Entry: entryToProto(req.Entry), Keys: keysToProto(req.Keys), Reason: req.Reason, DryRun: req.DryRun,
	}, callOpts...)
	if err != nil {
		return ProvisionResult{}, FromStatus(err)
	}
	return ProvisionResult{
		Status: r.Status, Artifacts: artifactsFromProto(r.Artifacts), NextCheck: tsFromProto(r.NextCheck),
		Messages: diagnosticsFromProto(r.Messages), PendingReason: r.PendingReason,
	}, nil
}

func (c *pluginClient) Deprovision(ctx context.Context, req DeprovisionRequest) (DeprovisionResult, error) {
	r, err := c.rpc.Deprovision(ctx, &pluginv1.DeprovisionRequest{
		Entry: entryRefToProto(req.Entry), Installed: artifactsToProto(req.Installed), Reason: req.Reason,
	}, callOpts...)
	if err != nil {
		return DeprovisionResult{}, FromStatus(err)
	}
	return DeprovisionResult{Remaining: artifactsFromProto(r.Remaining), Messages: diagnosticsFromProto(r.Messages)}, nil
}

func (c *pluginClient) Inventory(ctx context.Context) ([]Artifact, error) {
	r, err := c.rpc.Inventory(ctx, &pluginv1.InventoryRequest{}, callOpts...)
	if err != nil {
		return nil, FromStatus(err)
	}
	return artifactsFromProto(r.Artifacts), nil
}

func (c *pluginClient) Health(ctx context.Context) (Health, error) {
	r, err := c.rpc.Health(ctx, &pluginv1.HealthRequest{}, callOpts...)
	if err != nil {
		return Health{}, FromStatus(err)
	}
	h := Health{Status: r.Status, LastError: r.LastError, Connections: make(map[string]uint32, len(r.Endpoints))}
	for _, e := range r.Endpoints {
		h.Connections[e.Name] = e.Connections
	}
	return h, nil
}
