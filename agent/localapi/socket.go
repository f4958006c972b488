package localapi

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ErrAgentRunning reports that another agent already serves the socket.
var ErrAgentRunning = errors.New("localapi: another agent is already listening")

// PrivateDir creates dir (and parents) with mode 0700 and checks that it is a
// directory owned by this user that no other user can read or write.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("localapi: create %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("localapi: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("localapi: %s is not a directory", dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Getuid() {
		return fmt.Errorf("localapi: %s is not owned by uid %d", dir, os.Getuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("localapi: %s has mode %04o and cannot be made private: %w", dir, fi.Mode().Perm(), err)
		}
	}
	return nil
}

// Listen creates the listening socket at path: the directory is made private,
// a stale socket (nobody answers) is removed, a live one gives
// ErrAgentRunning, and the socket gets mode 0600. The listener does not
// unlink the path when closed unless unlink is set.
func Listen(path string, unlink bool) (*net.UnixListener, error) {
	if len(path) > MaxSocketPath {
		return nil, fmt.Errorf("localapi: socket path %s is %d bytes, limit %d", path, len(path), MaxSocketPath)
	}
	if err := PrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("localapi: listen on %s: %w", path, err)
	}
	l.SetUnlinkOnClose(unlink)
	if err := os.Chmod(path, 0o600); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("localapi: chmod %s: %w", path, err)
	}
	return l, nil
}

// removeStale removes a socket file nobody listens on.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("localapi: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("localapi: %s exists and is not a socket", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("%w on %s", ErrAgentRunning, path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("localapi: remove stale socket %s: %w", path, err)
	}
	return nil
}

// RuntimeDir is the directory of the agent's sockets: $XDG_RUNTIME_DIR/mesh,
// or without XDG_RUNTIME_DIR a directory named after the uid in the system
// temporary directory (plugins.md section 1).
func RuntimeDir(getenv func(string) string) string {
	if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mesh")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("mesh-%d", os.Getuid()))
}

// SocketPath is the agent's local API socket in RuntimeDir.
func SocketPath(getenv func(string) string) string {
	return filepath.Join(RuntimeDir(getenv), "agent.sock")
}
