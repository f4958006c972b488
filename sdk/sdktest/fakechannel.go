package sdktest

import (
	"context"

	"github.com/mathmesh/mesh/sdk"
)

// OpenChannel records the channel and serves its operations from the fake keys.
func (a *FakeAgent) OpenChannel(_ context.Context, o sdk.ChannelOpen) (sdk.KeyOps, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.locked {
		return nil, sdk.ErrLocked
	}
	a.channels = append(a.channels, ChannelRecord{Open: o})
	return &fakeOps{a: a, index: len(a.channels) - 1, open: o}, nil
}

type fakeOps struct {
	a     *FakeAgent
	index int
	open  sdk.ChannelOpen
}

// confirm asks the approver when the key requires confirmation.
func (o *fakeOps) confirm(ctx context.Context, k *fakeKey, what string) error {
	if !k.info.Constraints.Confirm {
		return nil
	}
	d, err := o.a.ask(ctx, sdk.Prompt{Action: what, Summary: what + " with " + k.info.Fingerprint,
		EntryKey: k.info.EntryKey, Context: o.open.Context, Peer: o.open.Peer})
	if err != nil {
		return err
	}
	if !d.Allow {
		return sdk.ErrDenied
	}
	return nil
}

func (o *fakeOps) Sign(ctx context.Context, r sdk.SignRequest) ([]byte, error) {
	k, err := o.a.key(r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	if err := o.confirm(ctx, k, "sign"); err != nil {
		return nil, err
	}
	return k.sign(r)
}

func (o *fakeOps) Decrypt(ctx context.Context, r sdk.DecryptRequest) ([]byte, error) {
	k, err := o.a.key(r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	if err := o.confirm(ctx, k, "decrypt"); err != nil {
		return nil, err
	}
	return k.decrypt(r)
}

func (o *fakeOps) Agree(ctx context.Context, r sdk.AgreeRequest) ([]byte, error) {
	k, err := o.a.key(r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	if err := o.confirm(ctx, k, "agree"); err != nil {
		return nil, err
	}
	return k.agree(r)
}

func (o *fakeOps) UpdateContext(_ context.Context, c sdk.ClientContext) error {
	o.a.mu.Lock()
	defer o.a.mu.Unlock()
	o.open.Context = c
	o.a.channels[o.index].Updates = append(o.a.channels[o.index].Updates, c)
	return nil
}

func (o *fakeOps) Close() error { return nil }
