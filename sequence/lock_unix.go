//go:build unix

package sequence

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an advisory lock on f: exclusive for a writer, shared for a
// reader, so that two processes never append to one sequence at once. The
// kernel releases it when the process exits, even when it is killed.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("sequence: %s is in use by another process: %w", f.Name(), err)
	}
	return nil
}
