package pluginhost

import "time"

// Limits of the plugin host.
const (
	// MaxRegistryBytes bounds a plugins.hcl file.
	MaxRegistryBytes = 1 << 20
	// MaxPluginBinaryBytes bounds a plugin binary the host hashes.
	MaxPluginBinaryBytes = 1 << 30
	// HealthInterval is the period of Health calls (plugins.md section 2.8).
	HealthInterval = 30 * time.Second
	// HealthMisses in a row count as a crash.
	HealthMisses = 3
	// DeadlineMisses in a row (an RPC past its deadline) count as a crash.
	DeadlineMisses = 2
	// StopGrace is how long a plugin gets to exit after the host closes it.
	StopGrace = 2 * time.Second
)
