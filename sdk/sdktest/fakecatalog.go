package sdktest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mathmesh/mesh/sdk"
)

func (a *FakeAgent) GetEntries(_ context.Context, q sdk.EntryQuery) ([]sdk.Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []sdk.Entry
	for _, e := range a.entries {
		if e.Catalog != q.Catalog || (q.Key != "" && e.Key != q.Key) || (len(q.Types) > 0 && !slices.Contains(q.Types, e.Type)) {
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(x, y sdk.Entry) int { return strings.Compare(x.Key, y.Key) })
	return out, nil
}

func (a *FakeAgent) Reveal(ctx context.Context, r sdk.RevealRequest) ([]byte, error) {
	d, err := a.ask(ctx, sdk.Prompt{Action: "reveal", Summary: fmt.Sprintf("reveal %s of %s for %s", r.Field, r.Key, r.Origin), EntryKey: r.Key})
	if err != nil {
		return nil, err
	}
	if !d.Allow {
		return nil, sdk.ErrDenied
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.secrets[r.Catalog+"\x00"+r.Key+"\x00"+r.Field]
	if !ok {
		return nil, sdk.NewError(sdk.ErrInvalid, fmt.Sprintf("sdktest: no field %s in %s", r.Field, r.Key))
	}
	return slices.Clone(v), nil
}

func (a *FakeAgent) PutEntry(_ context.Context, r sdk.PutRequest) (uint64, error) {
	a.mu.Lock()
	id := r.Catalog + "\x00" + r.Key
	old, exists := a.entries[id]
	switch {
	case r.ExpectedGeneration == 0 && exists, r.ExpectedGeneration != 0 && (!exists || old.Generation != r.ExpectedGeneration):
		a.mu.Unlock()
		return 0, sdk.NewError(sdk.ErrConflict, fmt.Sprintf("sdktest: %s changed since generation %d", r.Key, r.ExpectedGeneration))
	}
	var gen uint64 = 1
	for _, e := range a.entries {
		gen = max(gen, e.Generation+1)
	}
	e := sdk.Entry{Catalog: r.Catalog, Type: r.Type, Key: r.Key, Generation: gen, PublicJSON: slices.Clone(r.EntryJSON)}
	a.entries[id] = e
	a.mu.Unlock()
	kind := sdk.EventNew
	if exists {
		kind = sdk.EventUpdate
	}
	a.Publish(sdk.Event{Kind: kind, Entry: e})
	return gen, nil
}

func (a *FakeAgent) Watch(ctx context.Context, _ sdk.WatchRequest, send func(sdk.Event) error) error {
	ch := make(chan sdk.Event, 64)
	a.mu.Lock()
	a.watchers = append(a.watchers, ch)
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.watchers = slices.DeleteFunc(a.watchers, func(c chan sdk.Event) bool { return c == ch })
		a.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-ch:
			if err := send(e); err != nil {
				return nil
			}
		}
	}
}

func (a *FakeAgent) Confirm(ctx context.Context, p sdk.Prompt) (sdk.Decision, error) {
	return a.ask(ctx, p)
}

func (a *FakeAgent) Audit(_ context.Context, ev sdk.AuditEvent) error {
	a.mu.Lock()
	a.audits = append(a.audits, ev)
	a.mu.Unlock()
	return nil
}
