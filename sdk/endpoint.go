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
// times, and the first Listener call consumes the descriptor, so each plugin
// server keeps the listener of each fd it has made. The cache belongs to one
// plugin server (one plugin process, or one sdktest harness): descriptor
// numbers are reused across harnesses in one test process, so a process-wide
// cache would hand a new plugin the closed listener of an old one.
type endpointCache struct {
	mu sync.Mutex
	m  map[int]net.Listener
}

// Listener returns the listener of the named endpoint. The plugin serves
// client connections on it; it must not close it while it runs, because the
// same socket serves the next Configure. The socket path belongs to the agent.
// A Config not built by the SDK has no cache: each call takes the descriptor.
func (c Config) Listener(name string) (net.Listener, error) {
	fd, ok := c.Endpoints[name]
	if !ok {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: no endpoint %q in the configuration", name))
	}
	if fd < 3 {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q has file descriptor %d, want 3 or more", name, fd))
	}
	cache := c.listeners
	if cache == nil {
		cache = &endpointCache{}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if l, ok := cache.m[fd]; ok {
		return l, nil
	}
	l, err := fileListener(name, fd)
	if err != nil {
		return nil, err
	}
	if cache.m == nil {
		cache.m = map[int]net.Listener{}
	}
	cache.m[fd] = l
	return l, nil
}

// fileListener makes a listener of an inherited descriptor and closes the
// descriptor (net.FileListener works on a duplicate).
func fileListener(name string, fd int) (net.Listener, error) {
	f := os.NewFile(uintptr(fd), "endpoint-"+name)
	if f == nil {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q: file descriptor %d is not open", name, fd))
	}
	l, err := net.FileListener(f)
	_ = f.Close()
	if err != nil {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: endpoint %q: file descriptor %d is not a listening socket", name, fd)).WithCause(err)
	}
	if ul, ok := l.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false) // the agent owns the path
	}
	return l, nil
}
