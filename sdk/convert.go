package sdk

import (
	"crypto"
	"fmt"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// This file converts between the Go surface and the generated messages. Each
// direction copies; nothing aliases a message the gRPC runtime may reuse.

func tsToProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func tsFromProto(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

func entryToProto(e Entry) *pluginv1.Entry {
	return &pluginv1.Entry{Catalog: e.Catalog, Type: e.Type, Key: e.Key, Generation: e.Generation, PublicJson: e.PublicJSON}
}

func entryFromProto(e *pluginv1.Entry) Entry {
	if e == nil {
		return Entry{}
	}
	return Entry{Catalog: e.Catalog, Type: e.Type, Key: e.Key, Generation: e.Generation, PublicJSON: e.PublicJson}
}

func entryRefToProto(e EntryRef) *pluginv1.EntryRef {
	return &pluginv1.EntryRef{Catalog: e.Catalog, Type: e.Type, Key: e.Key, Generation: e.Generation}
}

func entryRefFromProto(e *pluginv1.EntryRef) EntryRef {
	if e == nil {
		return EntryRef{}
	}
	return EntryRef{Catalog: e.Catalog, Type: e.Type, Key: e.Key, Generation: e.Generation}
}

func artifactsToProto(as []Artifact) []*pluginv1.Artifact {
	out := make([]*pluginv1.Artifact, len(as))
	for i, a := range as {
		out[i] = &pluginv1.Artifact{Kind: a.Kind, Locator: a.Locator, Sha256: a.SHA256, HoldsSecret: a.HoldsSecret}
	}
	return out
}

func artifactsFromProto(as []*pluginv1.Artifact) []Artifact {
	out := make([]Artifact, len(as))
	for i, a := range as {
		out[i] = Artifact{Kind: a.GetKind(), Locator: a.GetLocator(), SHA256: a.GetSha256(), HoldsSecret: a.GetHoldsSecret()}
	}
	return out
}

func diagnosticsToProto(ds []Diagnostic) []*pluginv1.Diagnostic {
	out := make([]*pluginv1.Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = &pluginv1.Diagnostic{Severity: d.Severity, Summary: d.Summary, Detail: d.Detail, Attribute: d.Attribute}
	}
	return out
}

func diagnosticsFromProto(ds []*pluginv1.Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = Diagnostic{Severity: d.GetSeverity(), Summary: d.GetSummary(), Detail: d.GetDetail(), Attribute: d.GetAttribute()}
	}
	return out
}

func constraintsToProto(c Constraints) *pluginv1.Constraints {
	return &pluginv1.Constraints{Confirm: c.Confirm, NotAfter: tsToProto(c.NotAfter), HostPatterns: c.HostPatterns}
}

func constraintsFromProto(c *pluginv1.Constraints) Constraints {
	if c == nil {
		return Constraints{}
	}
	return Constraints{Confirm: c.Confirm, NotAfter: tsFromProto(c.NotAfter), HostPatterns: c.HostPatterns}
}

func keyToProto(k KeyInfo) *pluginv1.KeyInfo {
	return &pluginv1.KeyInfo{
		Handle: k.Handle, Fingerprint: k.Fingerprint, Algorithm: k.Algorithm,
		Spki: k.SPKI, SshPublic: k.SSHPublic, Purposes: k.Purposes, EntryKey: k.EntryKey,
		X509Chain: k.X509Chain, SshCertificate: k.SSHCertificate, OpenpgpCertificate: k.OpenPGPCertificate,
		Constraints: constraintsToProto(k.Constraints), HostHints: k.HostHints, Comment: k.Comment,
	}
}

func keyFromProto(k *pluginv1.KeyInfo) KeyInfo {
	if k == nil {
		return KeyInfo{}
	}
	return KeyInfo{
		Handle: k.Handle, Fingerprint: k.Fingerprint, Algorithm: k.Algorithm,
		SPKI: k.Spki, SSHPublic: k.SshPublic, Purposes: k.Purposes, EntryKey: k.EntryKey,
		X509Chain: k.X509Chain, SSHCertificate: k.SshCertificate, OpenPGPCertificate: k.OpenpgpCertificate,
		Constraints: constraintsFromProto(k.Constraints), HostHints: k.HostHints, Comment: k.Comment,
	}
}

func keysToProto(ks []KeyInfo) []*pluginv1.KeyInfo {
	out := make([]*pluginv1.KeyInfo, len(ks))
	for i, k := range ks {
		out[i] = keyToProto(k)
	}
	return out
}

func keysFromProto(ks []*pluginv1.KeyInfo) []KeyInfo {
	out := make([]KeyInfo, len(ks))
	for i, k := range ks {
		out[i] = keyFromProto(k)
	}
	return out
}

func peerToProto(p Peer) *pluginv1.Peer {
	return &pluginv1.Peer{Pid: p.PID, Uid: p.UID, Executable: p.Executable}
}

func peerFromProto(p *pluginv1.Peer) Peer {
	if p == nil {
		return Peer{}
	}
	return Peer{PID: p.Pid, UID: p.Uid, Executable: p.Executable}
}

func contextToProto(c ClientContext) *pluginv1.ClientContext {
	return &pluginv1.ClientContext{
		SshHost: c.SSHHost, SshHostKey: c.SSHHostKey, SshSessionId: c.SSHSessionID,
		SshForwarded: c.SSHForwarded, Origin: c.Origin, GnupgHome: c.GnuPGHome,
	}
}

func contextFromProto(c *pluginv1.ClientContext) ClientContext {
	if c == nil {
		return ClientContext{}
	}
	return ClientContext{
		SSHHost: c.SshHost, SSHHostKey: c.SshHostKey, SSHSessionID: c.SshSessionId,
		SSHForwarded: c.SshForwarded, Origin: c.Origin, GnuPGHome: c.GnupgHome,
	}
}

func detailsToProto(ds [][2]string) []*pluginv1.Detail {
	out := make([]*pluginv1.Detail, len(ds))
	for i, d := range ds {
		out[i] = &pluginv1.Detail{Name: d[0], Value: d[1]}
	}
	return out
}

func detailsFromProto(ds []*pluginv1.Detail) [][2]string {
	out := make([][2]string, len(ds))
	for i, d := range ds {
		out[i] = [2]string{d.GetName(), d.GetValue()}
	}
	return out
}

func hashToProto(h crypto.Hash) (pluginv1.Hash, error) {
	switch h {
	case 0:
		return pluginv1.Hash_HASH_UNSPECIFIED, nil
	case crypto.SHA256:
		return pluginv1.Hash_HASH_SHA256, nil
	case crypto.SHA384:
		return pluginv1.Hash_HASH_SHA384, nil
	case crypto.SHA512:
		return pluginv1.Hash_HASH_SHA512, nil
	}
	return 0, NewError(ErrUnsupported, fmt.Sprintf("sdk: hash %v is not supported for signing", h))
}

func hashFromProto(h pluginv1.Hash) (crypto.Hash, error) {
	switch h {
	case pluginv1.Hash_HASH_UNSPECIFIED:
		return 0, nil
	case pluginv1.Hash_HASH_SHA256:
		return crypto.SHA256, nil
	case pluginv1.Hash_HASH_SHA384:
		return crypto.SHA384, nil
	case pluginv1.Hash_HASH_SHA512:
		return crypto.SHA512, nil
	}
	return 0, NewError(ErrUnsupported, fmt.Sprintf("sdk: hash %v is not supported for signing", h))
}

func descriptionToProto(d Description) *pluginv1.DescribeResponse {
	r := &pluginv1.DescribeResponse{
		Name: d.Name, PluginVersion: d.Version, ContractMinor: d.ContractMinor,
		EntryTypes: d.EntryTypes, PolicySections: d.PolicySections,
	}
	for _, s := range d.Scopes {
		r.Scopes = append(r.Scopes, &pluginv1.Scope{Catalog: s.Catalog, EntryTypes: s.EntryTypes, Access: s.Access})
	}
	for _, e := range d.Endpoints {
		r.Endpoints = append(r.Endpoints, &pluginv1.Endpoint{Name: e})
	}
	for _, a := range d.ConfigSchema {
		r.ConfigSchema = append(r.ConfigSchema, &pluginv1.ConfigAttribute{
			Name: a.Name, Type: a.Type, Required: a.Required, Description: a.Description})
	}
	return r
}

func descriptionFromProto(r *pluginv1.DescribeResponse) Description {
	d := Description{
		Name: r.GetName(), Version: r.GetPluginVersion(), ContractMinor: r.GetContractMinor(),
		EntryTypes: r.GetEntryTypes(), PolicySections: r.GetPolicySections(),
	}
	for _, s := range r.GetScopes() {
		d.Scopes = append(d.Scopes, Scope{Catalog: s.GetCatalog(), EntryTypes: s.GetEntryTypes(), Access: s.GetAccess()})
	}
	for _, e := range r.GetEndpoints() {
		d.Endpoints = append(d.Endpoints, e.GetName())
	}
	for _, a := range r.GetConfigSchema() {
		d.ConfigSchema = append(d.ConfigSchema, ConfigAttribute{
			Name: a.GetName(), Type: a.GetType(), Required: a.GetRequired(), Description: a.GetDescription()})
	}
	return d
}

func eventToProto(e Event) *pluginv1.WatchResponse {
	return &pluginv1.WatchResponse{Kind: e.Kind, Entry: entryToProto(e.Entry), PolicySerial: e.PolicySerial}
}

func eventFromProto(e *pluginv1.WatchResponse) Event {
	return Event{Kind: e.GetKind(), Entry: entryFromProto(e.GetEntry()), PolicySerial: e.GetPolicySerial()}
}
