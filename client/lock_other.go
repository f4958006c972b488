//go:build !unix

package client

import "os"

// lockFile does nothing where flock(2) does not exist: on such systems only
// one meshman process at a time may use a data directory (docs/client.md §2).
func lockFile(f *os.File) error { return nil }
