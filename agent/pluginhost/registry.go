package pluginhost

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// Registry is the parsed plugins.hcl: the only plugins this machine may run
// (plugins.md section 2.7).
type Registry struct {
	Plugins []Entry
}

// Entry is one plugin of the registry with the defaults applied.
type Entry struct {
	Name      string
	Command   string
	SHA256    []byte
	Endpoints []string
	Enabled   bool
	Restart   RestartPolicy
	Timeouts  Timeouts
	Config    hcl.Body // the config block, decoded against the plugin's schema after Describe
	Source    hcl.Range
}

// RestartPolicy is the restart block.
type RestartPolicy struct {
	MaxRestarts int
	Window      time.Duration
	BackoffMin  time.Duration
	BackoffMax  time.Duration
}

// Timeouts is the timeouts block (plugins.md section 2.8).
type Timeouts struct {
	Start, Describe, Provision, Deprovision, Health time.Duration
}

// DefaultRestart and DefaultTimeouts are used where plugins.hcl says nothing.
var (
	DefaultRestart  = RestartPolicy{MaxRestarts: 5, Window: 60 * time.Second, BackoffMin: 200 * time.Millisecond, BackoffMax: 30 * time.Second}
	DefaultTimeouts = Timeouts{Start: 5 * time.Second, Describe: 5 * time.Second, Provision: 120 * time.Second,
		Deprovision: 60 * time.Second, Health: 2 * time.Second}
)

type fileRestart struct {
	MaxRestarts *int    `hcl:"max_restarts,optional"`
	Window      *string `hcl:"window,optional"`
	BackoffMin  *string `hcl:"backoff_min,optional"`
	BackoffMax  *string `hcl:"backoff_max,optional"`
}

type fileTimeouts struct {
	Start       *string `hcl:"start,optional"`
	Describe    *string `hcl:"describe,optional"`
	Provision   *string `hcl:"provision,optional"`
	Deprovision *string `hcl:"deprovision,optional"`
	Health      *string `hcl:"health,optional"`
}

type fileDefaults struct {
	Versions []int         `hcl:"versions,optional"`
	Restart  *fileRestart  `hcl:"restart,block"`
	Timeouts *fileTimeouts `hcl:"timeouts,block"`
}

type fileConfig struct {
	Body hcl.Body `hcl:",remain"`
}

type filePlugin struct {
	Name      string        `hcl:"name,label"`
	Command   string        `hcl:"command"`
	SHA256    string        `hcl:"sha256"`
	Endpoints []string      `hcl:"endpoints,optional"`
	Enabled   *bool         `hcl:"enabled,optional"`
	Restart   *fileRestart  `hcl:"restart,block"`
	Timeouts  *fileTimeouts `hcl:"timeouts,block"`
	Config    *fileConfig   `hcl:"config,block"`
	DeclRange hcl.Range     `hcl:",def_range"`
}

type file struct {
	Defaults *fileDefaults `hcl:"defaults,block"`
	Plugins  []filePlugin  `hcl:"plugin,block"`
}

// LoadRegistry reads the registry files in order (the system file, then the
// user's); a later file's plugin replaces an earlier one of the same name.
// Missing files are skipped. Errors carry file:line:column positions.
func LoadRegistry(paths ...string) (*Registry, error) {
	parser := hclparse.NewParser()
	byName := map[string]int{}
	reg := &Registry{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pluginhost: %w", err)
		}
		if len(src) > MaxRegistryBytes {
			return nil, fmt.Errorf("pluginhost: %s is %d bytes, limit %d", p, len(src), MaxRegistryBytes)
		}
		entries, err := parseRegistry(parser, filepath.Clean(p), src)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if i, ok := byName[e.Name]; ok {
				reg.Plugins[i] = e
				continue
			}
			byName[e.Name] = len(reg.Plugins)
			reg.Plugins = append(reg.Plugins, e)
		}
	}
	return reg, nil
}

// ParseRegistry parses one registry file's source.
func ParseRegistry(name string, src []byte) (*Registry, error) {
	entries, err := parseRegistry(hclparse.NewParser(), name, src)
	if err != nil {
		return nil, err
	}
	return &Registry{Plugins: entries}, nil
}

func parseRegistry(parser *hclparse.Parser, name string, src []byte) ([]Entry, error) {
	f, diags := parser.ParseHCL(src, name)
	if diags.HasErrors() {
		return nil, fmt.Errorf("pluginhost: %s", diags.Error())
	}
	var raw file
	if diags := gohcl.DecodeBody(f.Body, nil, &raw); diags.HasErrors() {
		return nil, fmt.Errorf("pluginhost: %s", diags.Error())
	}
	restart, timeouts := DefaultRestart, DefaultTimeouts
	if d := raw.Defaults; d != nil {
		for _, v := range d.Versions {
			if v != 1 {
				return nil, fmt.Errorf("pluginhost: %s: defaults.versions: contract major %d is not supported (this agent serves 1)", name, v)
			}
		}
		var err error
		if restart, err = applyRestart(name, restart, d.Restart); err != nil {
			return nil, err
		}
		if timeouts, err = applyTimeouts(name, timeouts, d.Timeouts); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []Entry
	for _, p := range raw.Plugins {
		e, err := entryOf(name, p, restart, timeouts)
		if err != nil {
			return nil, err
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("pluginhost: %s: plugin %q defined twice", p.DeclRange, e.Name)
		}
		seen[e.Name] = true
		out = append(out, e)
	}
	return out, nil
}

func entryOf(file string, p filePlugin, restart RestartPolicy, timeouts Timeouts) (Entry, error) {
	at := p.DeclRange.String()
	if !filepath.IsAbs(p.Command) {
		return Entry{}, fmt.Errorf("pluginhost: %s: plugin %q: command %q is not an absolute path", at, p.Name, p.Command)
	}
	sum, err := hex.DecodeString(p.SHA256)
	if err != nil || len(sum) != 32 {
		return Entry{}, fmt.Errorf("pluginhost: %s: plugin %q: sha256 must be 64 hex digits", at, p.Name)
	}
	e := Entry{Name: p.Name, Command: p.Command, SHA256: sum, Endpoints: p.Endpoints, Enabled: true, Source: p.DeclRange}
	if p.Enabled != nil {
		e.Enabled = *p.Enabled
	}
	if e.Restart, err = applyRestart(at, restart, p.Restart); err != nil {
		return Entry{}, err
	}
	if e.Timeouts, err = applyTimeouts(at, timeouts, p.Timeouts); err != nil {
		return Entry{}, err
	}
	if p.Config != nil {
		e.Config = p.Config.Body
	}
	return e, nil
}

func duration(at, field string, s *string, into *time.Duration) error {
	if s == nil {
		return nil
	}
	d, err := time.ParseDuration(*s)
	if err != nil || d <= 0 {
		return fmt.Errorf("pluginhost: %s: %s: %q is not a positive duration", at, field, *s)
	}
	*into = d
	return nil
}

func applyRestart(at string, r RestartPolicy, f *fileRestart) (RestartPolicy, error) {
	if f == nil {
		return r, nil
	}
	if f.MaxRestarts != nil {
		if *f.MaxRestarts < 0 {
			return r, fmt.Errorf("pluginhost: %s: restart.max_restarts must not be negative", at)
		}
		r.MaxRestarts = *f.MaxRestarts
	}
	err := firstErr(duration(at, "restart.window", f.Window, &r.Window),
		duration(at, "restart.backoff_min", f.BackoffMin, &r.BackoffMin),
		duration(at, "restart.backoff_max", f.BackoffMax, &r.BackoffMax))
	if err == nil && r.BackoffMax < r.BackoffMin {
		err = fmt.Errorf("pluginhost: %s: restart.backoff_max is below backoff_min", at)
	}
	return r, err
}

func applyTimeouts(at string, t Timeouts, f *fileTimeouts) (Timeouts, error) {
	if f == nil {
		return t, nil
	}
	return t, firstErr(duration(at, "timeouts.start", f.Start, &t.Start),
		duration(at, "timeouts.describe", f.Describe, &t.Describe),
		duration(at, "timeouts.provision", f.Provision, &t.Provision),
		duration(at, "timeouts.deprovision", f.Deprovision, &t.Deprovision),
		duration(at, "timeouts.health", f.Health, &t.Health))
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
