package approval

import (
	"fmt"
	"os"
)

// ResolveExecutable returns the executable of process pid as the kernel
// reports it (/proc/<pid>/exe on Linux), or "" when it cannot be read (no
// procfs, the process has gone, another user's process). The agent shows
// this next to the plugin's report, so a plugin cannot name another program
// without the prompt showing the difference (plugins.md section 2.3).
func ResolveExecutable(pid int32) string {
	if pid <= 0 {
		return ""
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return ""
	}
	return exe
}
