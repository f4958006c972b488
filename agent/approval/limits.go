package approval

import "time"

// Limits of prompts and of the askpass program.
const (
	// MaxFieldBytes bounds each plugin-supplied field shown in a prompt (key
	// comment, executable path, host name); longer values are cut and marked.
	MaxFieldBytes = 256
	// DefaultTimeout is how long the askpass program may take to answer
	// before the use is denied.
	DefaultTimeout = 30 * time.Second
	// killGrace is how long Wait waits for the program's output pipes after
	// its process group was killed.
	killGrace = 2 * time.Second
)
