//go:build !unix

package sequence

import "os"

// lockFile does nothing where flock(2) does not exist: on such systems the
// caller must ensure a single writer per sequence (docs/sequence.md §4).
func lockFile(f *os.File, exclusive bool) error { return nil }
