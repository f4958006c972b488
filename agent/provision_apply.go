package agent

import (
	"context"
	"crypto/sha256"
	"errors"
	"sort"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/sdk"
)

// job is one Provision or Deprovision call for a plugin.
type job struct {
	plugin string
	epoch  int
	prov   *sdk.ProvisionRequest
	deprov *sdk.DeprovisionRequest
}

// apply brings the key store, the plugins and the watchers to the current
// views. Key store changes come first, so a deleted key stops signing
// before anyone is told; plugin calls run outside the lock.
func (r *reconciler) apply(ctx context.Context) {
	r.mu.Lock()
	want := r.desired()
	revokedAll := r.allRevoked()
	var jobs []job
	for name, s := range r.plugins {
		if !handlesSSH(s.desc) {
			continue
		}
		r.installKeys(name)
		jobs = append(jobs, r.plan(name, s, want, revokedAll)...)
	}
	events := r.changes(want, revokedAll)
	r.mu.Unlock()

	for _, ev := range events {
		r.hub.publish(ev)
	}
	for _, j := range jobs {
		r.run(ctx, j)
	}
}

// allRevoked reports whether every account's device is revoked (and there
// is at least one): then the plugins stop serving keys for good. r.mu is held.
func (r *reconciler) allRevoked() bool {
	if len(r.accounts) == 0 {
		return false
	}
	for _, v := range r.accounts {
		if !v.revoked {
			return false
		}
	}
	return true
}

// plan lists the calls that bring plugin s to want. r.mu is held.
func (r *reconciler) plan(name string, s *pluginSlot, want map[string]*sshApp, revoked bool) []job {
	reason := sdk.ReasonChanged
	if s.doneEpoch != s.epoch {
		reason = sdk.ReasonStart
	}
	var out []job
	for _, k := range sortedKeys(want) {
		a := want[k]
		if p := s.provisioned[k]; p != nil && p.ref.Generation == a.entry.Generation {
			continue
		}
		req := &sdk.ProvisionRequest{Entry: a.entry, Reason: reason,
			Keys: r.keys.List(name, sdk.KeyQuery{Purpose: PurposeSSHAuth, EntryKey: k})}
		out = append(out, job{plugin: name, epoch: s.epoch, prov: req})
	}
	why := sdk.ReasonDeleted
	if revoked {
		why = sdk.ReasonRevoked
	}
	for k, p := range s.provisioned {
		if want[k] == nil {
			out = append(out, job{plugin: name, epoch: s.epoch,
				deprov: &sdk.DeprovisionRequest{Entry: p.ref, Installed: p.artifacts, Reason: why}})
		}
	}
	if len(out) == 0 {
		s.doneEpoch = s.epoch
	}
	return out
}

// run performs one job and records its outcome; a plugin that is not
// running (restarting, failed) is provisioned at its next start.
func (r *reconciler) run(ctx context.Context, j job) {
	var err error
	var res sdk.ProvisionResult
	if j.prov != nil {
		res, err = r.host.Provision(ctx, j.plugin, *j.prov)
	} else {
		_, err = r.host.Deprovision(ctx, j.plugin, *j.deprov)
	}
	if err != nil {
		if !errors.Is(err, sdk.ErrUnavailable) && ctx.Err() == nil {
			r.log.Warn("provisioning failed", "plugin", j.plugin, "err", err)
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.plugins[j.plugin]
	if s == nil || s.epoch != j.epoch {
		return // the process changed meanwhile; its successor starts over
	}
	if j.prov != nil {
		s.provisioned[j.prov.Entry.Key] = &provisioned{ref: j.prov.Entry.Ref(), artifacts: res.Artifacts}
	} else {
		delete(s.provisioned, j.deprov.Entry.Key)
	}
}

// changes returns the events the watchers have not heard yet. r.mu is held.
func (r *reconciler) changes(want map[string]*sshApp, revoked bool) []sdk.Event {
	var out []sdk.Event
	for _, k := range sortedKeys(want) {
		a := want[k]
		gen, seen := r.announced[k]
		switch {
		case !seen:
			out = append(out, sdk.Event{Kind: sdk.EventNew, Entry: a.entry})
		case gen != a.entry.Generation:
			out = append(out, sdk.Event{Kind: sdk.EventUpdate, Entry: a.entry})
		default:
			continue
		}
		r.announced[k] = a.entry.Generation
	}
	for k, gen := range r.announced {
		if want[k] == nil {
			out = append(out, sdk.Event{Kind: sdk.EventDelete, Entry: sdk.Entry{
				Catalog: profile.StoreApplication, Type: catalog.TagApplicationSsh, Key: k, Generation: gen}})
			delete(r.announced, k)
		}
	}
	if sig := r.credentialSignature(); sig != r.credSig {
		r.credSig = sig
		out = append(out, sdk.Event{Kind: sdk.EventUpdate, Entry: sdk.Entry{
			Catalog: profile.StoreCredential, Type: catalog.TagCredential}})
	}
	if revoked && !r.revoked {
		r.revoked = true
		out = append(out, sdk.Event{Kind: sdk.EventDeviceRevoked})
	}
	return out
}

// credentialSignature digests the credential views of every account; it is
// empty when there are none (as before the first read).
func (r *reconciler) credentialSignature() string {
	h, n := sha256.New(), 0
	for _, udf := range sortedKeys(r.accounts) {
		for _, e := range r.accounts[udf].creds {
			n++
			h.Write([]byte(e.Key))
			h.Write([]byte{0})
			h.Write(e.PublicJSON)
			h.Write([]byte{0})
		}
	}
	if n == 0 {
		return ""
	}
	return string(h.Sum(nil))
}

// entries returns the public views of label, filtered by types and key.
func (r *reconciler) entries(q sdk.EntryQuery) []sdk.Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []sdk.Entry
	switch q.Catalog {
	case profile.StoreApplication:
		want := r.desired()
		for _, k := range sortedKeys(want) {
			all = append(all, want[k].entry)
		}
	case profile.StoreCredential:
		for _, udf := range sortedKeys(r.accounts) {
			if !r.accounts[udf].revoked {
				all = append(all, r.accounts[udf].creds...)
			}
		}
	}
	var out []sdk.Entry
	for _, e := range all {
		if (q.Key == "" || q.Key == e.Key) && (len(q.Types) == 0 || contains(q.Types, e.Type)) {
			out = append(out, e)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
