package agent

import (
	"context"
	"errors"
	"sync"

	"github.com/mathmesh/mesh/agent/approval"
	"github.com/mathmesh/mesh/sdk"
)

// keyOps serves one key channel of a plugin from the key store. It keeps
// the channel's peer and client context for prompts: a key with the
// confirm constraint (ssh-add -c) is used only after the approver says yes,
// asked again for every use as OpenSSH's ssh-agent does (plugins.md section
// 2.3, "Key-use confirmation lives in the agent"; section 3 item 4).
type keyOps struct {
	b    *pluginBackend
	peer sdk.Peer

	mu sync.Mutex
	cc sdk.ClientContext // replaced by UpdateContext (session-bind)
}

func (o *keyOps) context() sdk.ClientContext {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.cc
}

// confirm asks the approver when the key of handle requires confirmation.
// An unknown handle, a wrong purpose or an ended lifetime is left to the
// key store, which refuses the operation without a prompt.
func (o *keyOps) confirm(ctx context.Context, op, handle, purpose string) error {
	info, ok := o.b.keys.Info(o.b.name, handle, purpose)
	if !ok || !info.Constraints.Confirm {
		return nil
	}
	p := approval.Prompt{Plugin: o.b.name, Operation: op, Key: info, Peer: o.peer,
		Executable: approval.ResolveExecutable(o.peer.PID), Context: o.context()}
	allowed, err := o.b.approver.Confirm(ctx, p)
	switch {
	case err != nil:
		o.b.log.Warn("key use denied: the user could not be asked", "plugin", o.b.name, "key", p.KeyFingerprint(), "err", err)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return sdk.NewError(sdk.ErrDenied, "agent: the key requires confirmation and no answer came in time").WithCause(err)
		}
		return sdk.NewError(sdk.ErrDenied, "agent: the key requires confirmation and the user could not be asked").WithCause(err)
	case !allowed:
		o.b.log.Info("key use refused by the user", "plugin", o.b.name, "key", p.KeyFingerprint())
		return sdk.NewError(sdk.ErrDenied, "agent: the user refused the use of the key")
	}
	o.b.log.Info("key use approved by the user", "plugin", o.b.name, "key", p.KeyFingerprint())
	return nil
}

func (o *keyOps) Sign(ctx context.Context, r sdk.SignRequest) ([]byte, error) {
	if err := o.confirm(ctx, "sign", r.Handle, r.Purpose); err != nil {
		return nil, err
	}
	return o.b.keys.Sign(o.b.name, r)
}

func (o *keyOps) Decrypt(ctx context.Context, r sdk.DecryptRequest) ([]byte, error) {
	if err := o.confirm(ctx, "decrypt", r.Handle, r.Purpose); err != nil {
		return nil, err
	}
	return o.b.keys.Decrypt(o.b.name, r)
}

func (o *keyOps) Agree(ctx context.Context, r sdk.AgreeRequest) ([]byte, error) {
	if err := o.confirm(ctx, "agree", r.Handle, r.Purpose); err != nil {
		return nil, err
	}
	return o.b.keys.Agree(o.b.name, r)
}

// UpdateContext records new client context (session-bind@openssh.com); the
// plugin has checked the binding's signature and refuses rebinding.
func (o *keyOps) UpdateContext(_ context.Context, c sdk.ClientContext) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cc = c
	return nil
}

func (o *keyOps) Close() error { return nil }
