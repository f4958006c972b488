package sdk

import (
	"fmt"
	"net"
	"os"
	"sync"
)

// The agent creates each endpoint's listening socket and passes it to the
// plugin process as an inherited file descriptor (plugins.md section 1);
// Configure says which fd serves which endpoint. Configure may come several
// times, so the listener of each fd is made once and reused.
var (
	listenersMu sync.Mutex
	listeners   = map[int]net.Listener{}
)

// Listener returns the listener of the named endpoint. The plugin serves
// client connections on it; it must not close it while it runs, because the
// same socket serves the next Configure. The socket path belongs to the agent.
func (c Config) Listener(name string) (net.Listener, error) {
	fd, ok := c.Endpoints[name]
	if !ok {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: no endpoint %q in the configuration", name))
	}
	if fd < 3 {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q has file descriptor %d, want 3 or more", name, fd))
	}
	listenersMu.Lock()
	defer listenersMu.Unlock()
	if l, ok := listeners[fd]; ok {
		return l, nil
	}
	f := os.NewFile(uintptr(fd), "endpoint-"+name)
	if f == nil {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q: file descriptor %d is not open", name, fd))
	}
	l, err := net.FileListener(f) // duplicates the descriptor
	_ = f.Close()
	if err != nil {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q: file descriptor %d is not a listening socket", name, fd)).WithCause(err)
	}
	if ul, ok := l.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false) // the agent owns the path
	}
	listeners[fd] = l
	return l, nil
}
