//go:build unix

package client

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, waiting for another
// meshman process to finish with the data directory. The kernel releases it
// when the process exits, even when it is killed.
func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("client: locking %s: %w", f.Name(), err)
	}
	return nil
}
