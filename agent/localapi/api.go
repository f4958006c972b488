package localapi

import "time"

// Host is the only Host header the local API accepts. localclient sends it;
// a browser tricked into reaching the socket (DNS rebinding, a proxy) sends
// its own host name and is refused.
const Host = "mesh-agent.local"

// Paths of the local API, version 1.
const (
	PathStatus   = "/v1/status"
	PathSync     = "/v1/sync"
	PathShutdown = "/v1/shutdown"
)

// Status is the answer to GET /v1/status.
type Status struct {
	PID       int               `json:"pid"`
	Started   time.Time         `json:"started"`
	Socket    string            `json:"socket"`
	Home      string            `json:"home"`
	Accounts  []AccountStatus   `json:"accounts"`
	Plugins   []PluginStatus    `json:"plugins"`
	Endpoints map[string]string `json:"endpoints,omitempty"` // endpoint name -> socket path
}

// AccountStatus is one account the agent keeps in sync.
type AccountStatus struct {
	Address   string    `json:"address"`
	LastSync  time.Time `json:"last_sync,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	Entries   int64     `json:"entries"` // entries fetched by the agent since it started
}

// PluginStatus is one plugin of the registry.
type PluginStatus struct {
	Name      string    `json:"name"`
	State     string    `json:"state"` // starting, running, backoff, failed, stopped, disabled
	PID       int       `json:"pid,omitempty"`
	Restarts  int       `json:"restarts"`
	LastError string    `json:"last_error,omitempty"`
	Since     time.Time `json:"since"`
	Endpoints []string  `json:"endpoints,omitempty"`
}

// SyncResult is the answer to POST /v1/sync.
type SyncResult struct {
	Accounts []AccountStatus `json:"accounts"`
}

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error string `json:"error"`
}
