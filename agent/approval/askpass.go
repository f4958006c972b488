package approval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// DefaultAskpass is the program used when neither --askpass nor SSH_ASKPASS
// names one, as in OpenSSH.
const DefaultAskpass = "/usr/bin/ssh-askpass"

// Askpass confirms by running an askpass program the way OpenSSH's
// ssh-agent confirms keys added with `ssh-add -c`: the prompt text is its
// only argument, SSH_ASKPASS_PROMPT=confirm is in its environment, and exit
// status 0 approves. Anything else denies: another status, no program, no
// display for a program that needs one, or no answer within Timeout.
type Askpass struct {
	// Program is the askpass program; empty: prompting is disabled.
	Program string
	// NeedsDisplay refuses to run the program without DISPLAY or
	// WAYLAND_DISPLAY (a graphical askpass; OpenSSH's rule unless
	// SSH_ASKPASS_REQUIRE=force).
	NeedsDisplay bool
	// Timeout bounds one prompt; zero means DefaultTimeout.
	Timeout time.Duration
	// Getenv reads DISPLAY and WAYLAND_DISPLAY; nil means os.Getenv.
	Getenv func(string) string
	// Environ is the environment passed on to the program (with
	// SSH_ASKPASS_PROMPT=confirm added); nil means os.Environ.
	Environ func() []string
}

var _ Approver = (*Askpass)(nil)

// NewAskpass chooses the program as OpenSSH does, with an explicit program
// (mesh-agent --askpass) first: program, else $SSH_ASKPASS, else
// DefaultAskpass. SSH_ASKPASS_REQUIRE=never disables prompting (every use
// of a confirm key is denied); =force runs the program without a display.
// An explicitly named program is trusted to need no display.
func NewAskpass(program string, getenv func(string) string) *Askpass {
	if getenv == nil {
		getenv = os.Getenv
	}
	a := &Askpass{Program: program, Getenv: getenv}
	switch {
	case getenv("SSH_ASKPASS_REQUIRE") == "never":
		a.Program = ""
	case program != "":
	case getenv("SSH_ASKPASS") != "":
		a.Program = getenv("SSH_ASKPASS")
		a.NeedsDisplay = true
	default:
		a.Program = DefaultAskpass
		a.NeedsDisplay = true
	}
	if getenv("SSH_ASKPASS_REQUIRE") == "force" {
		a.NeedsDisplay = false
	}
	return a
}

// Confirm runs the program with p.Text() and reports whether it exited 0.
func (a *Askpass) Confirm(ctx context.Context, p Prompt) (bool, error) {
	getenv, environ := a.Getenv, a.Environ
	if getenv == nil {
		getenv = os.Getenv
	}
	if environ == nil {
		environ = os.Environ
	}
	if a.Program == "" {
		return false, errors.New("approval: no askpass program (SSH_ASKPASS_REQUIRE=never)")
	}
	if a.NeedsDisplay && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return false, fmt.Errorf("approval: askpass %s needs a display and neither DISPLAY nor WAYLAND_DISPLAY is set (SSH_ASKPASS_REQUIRE=force runs it anyway)", a.Program)
	}
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.Program, p.Text())
	cmd.Env = askpassEnv(environ())
	// Own process group, so a timeout kills whatever the program started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = killGrace
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case ctx.Err() != nil:
		return false, fmt.Errorf("approval: askpass %s gave no answer: %w", a.Program, ctx.Err())
	case errors.As(err, &exit) && exit.Exited():
		return false, nil // the user said no
	}
	return false, fmt.Errorf("approval: askpass %s: %w", a.Program, err)
}

// askpassEnv is env with SSH_ASKPASS_PROMPT=confirm in place of any value
// it had.
func askpassEnv(env []string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "SSH_ASKPASS_PROMPT=") {
			out = append(out, kv)
		}
	}
	return append(out, "SSH_ASKPASS_PROMPT=confirm")
}
