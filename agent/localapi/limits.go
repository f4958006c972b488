package localapi

import "time"

// Limits of the local API.
const (
	// MaxRequestBytes bounds a request body; larger requests get 413.
	MaxRequestBytes = 64 << 10
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes = 8 << 10
	// MaxResponseBytes bounds what localclient reads from the agent.
	MaxResponseBytes = 4 << 20
	// MaxSocketPath is the longest socket path the kernel accepts (sun_path).
	MaxSocketPath = 107
	// ReadHeaderTimeout bounds a slow client sending headers.
	ReadHeaderTimeout = 5 * time.Second
	// IdleTimeout closes idle keep-alive connections.
	IdleTimeout = 60 * time.Second
)
