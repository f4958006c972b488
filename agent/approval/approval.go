// Package approval asks the user whether mesh-agent may use a key that
// requires confirmation: keys added with `ssh-add -c`, and keys whose
// constraints say confirm (design: ../shared/spec/plugins.md section 2.3,
// "Key-use confirmation lives in the agent, not in plugins", and section 3
// item 4). The prompt names the key, the requesting program (as the plugin
// reported it and as the agent resolved it from the peer's pid), and, for a
// connection bound with session-bind@openssh.com, the destination host key
// and whether the hop is forwarded. The default Approver runs the askpass
// program as OpenSSH's ssh-agent does (askpass.go); Serialize makes sure the
// user sees one prompt at a time.
package approval

import (
	"context"
	"errors"
	"fmt"
)

// Approver asks whether one use of a key is allowed. A false answer with a
// nil error is the user's refusal; an error means nobody could be asked
// (no program, no display, timeout), which the agent also treats as a
// refusal.
type Approver interface {
	Confirm(ctx context.Context, p Prompt) (bool, error)
}

// Func adapts a function to Approver (tests, scripted approvers).
type Func func(ctx context.Context, p Prompt) (bool, error)

// Confirm calls f.
func (f Func) Confirm(ctx context.Context, p Prompt) (bool, error) { return f(ctx, p) }

// ErrBusy is returned when the context ended while another prompt was shown.
var ErrBusy = errors.New("approval: another prompt is open")

// serial lets one prompt run at a time.
type serial struct {
	a   Approver
	sem chan struct{}
}

// Serialize returns an Approver that runs a's prompts one at a time; a
// caller waits for the open prompt to be answered, or for its own context
// to end (then ErrBusy).
func Serialize(a Approver) Approver {
	return &serial{a: a, sem: make(chan struct{}, 1)}
}

func (s *serial) Confirm(ctx context.Context, p Prompt) (bool, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	defer func() { <-s.sem }()
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("approval: %w", err)
	}
	return s.a.Confirm(ctx, p)
}
