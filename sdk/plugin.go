package sdk

import (
	"context"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// Plugin is implemented by every plugin (plugins.md section 2.2). The agent
// calls Describe once after start, Configure after Describe and on every policy
// or config change, Provision and Deprovision per application entry, Inventory
// on demand, and Health every 30 s. Every method must honour ctx: the agent
// cancels calls at their deadline (plugins.md section 2.8) and treats a plugin
// that overruns twice as crashed.
type Plugin interface {
	Describe(ctx context.Context) (Description, error)
	Configure(ctx context.Context, host Host, cfg Config) ([]Diagnostic, error)
	Provision(ctx context.Context, req ProvisionRequest) (ProvisionResult, error)
	Deprovision(ctx context.Context, req DeprovisionRequest) (DeprovisionResult, error)
	Inventory(ctx context.Context) ([]Artifact, error)
	Health(ctx context.Context) Health
}

// Config is what Configure passes to the plugin.
type Config struct {
	Settings     []byte         // the plugin's config block from plugins.hcl, as JSON (validated)
	Policy       []byte         // the plugin's policy slice, canonical JSON
	PolicySerial uint64         // serial of the policy the slice comes from
	Endpoints    map[string]int // endpoint name -> inherited file descriptor
	StateDir     string         // a private 0700 directory for the plugin's state
	Account      string         // account address, "alice@example.com"
	Device       string         // this device's UDF

	// listeners caches the listener of each endpoint descriptor for the
	// plugin server that built this Config (see Listener).
	listeners *endpointCache
}

// ProvisionRequest asks the plugin to install what a client needs for one entry.
// Provision must be idempotent for the same (entry key, generation, policy serial).
type ProvisionRequest struct {
	Entry  Entry
	Keys   []KeyInfo // handles of the keys of the entry's activation
	Reason Reason
	DryRun bool
}

// ProvisionStatus is the outcome of Provision.
type ProvisionStatus = pluginv1.ProvisionStatus

// Provision statuses.
const (
	StatusInstalled = pluginv1.ProvisionStatus_PROVISION_STATUS_INSTALLED
	StatusUnchanged = pluginv1.ProvisionStatus_PROVISION_STATUS_UNCHANGED
	StatusPending   = pluginv1.ProvisionStatus_PROVISION_STATUS_PENDING
	StatusPartial   = pluginv1.ProvisionStatus_PROVISION_STATUS_PARTIAL
)

// ProvisionResult lists what Provision installed.
type ProvisionResult struct {
	Status        ProvisionStatus
	Artifacts     []Artifact // every artifact for the entry, recorded by the agent
	NextCheck     time.Time  // zero: no scheduled check
	Messages      []Diagnostic
	PendingReason string // for StatusPending: "close Thunderbird"
}

// DeprovisionRequest asks the plugin to remove every artifact the agent
// recorded for an entry, including exported secrets.
type DeprovisionRequest struct {
	Entry     EntryRef
	Installed []Artifact
	Reason    Reason
}

// DeprovisionResult reports what could not be removed.
type DeprovisionResult struct {
	Remaining []Artifact
	Messages  []Diagnostic
}

// ServingStatus is a plugin's readiness.
type ServingStatus = pluginv1.ServingStatus

// Serving statuses.
const (
	Serving    = pluginv1.ServingStatus_SERVING_STATUS_SERVING
	Degraded   = pluginv1.ServingStatus_SERVING_STATUS_DEGRADED
	NotServing = pluginv1.ServingStatus_SERVING_STATUS_NOT_SERVING
)

// Health is the answer to Health.
type Health struct {
	Status      ServingStatus
	Connections map[string]uint32 // endpoint name -> open client connections
	LastError   string
}
