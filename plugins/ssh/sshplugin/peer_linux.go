package sshplugin

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// peerCredentials identifies the process behind a Unix connection with
// SO_PEERCRED and refuses a peer of another uid (plugins.md §1, as
// OpenSSH's ssh-agent does). The executable is read from /proc for
// prompts and audit; a process that exited meanwhile leaves it empty.
func peerCredentials(c net.Conn) (Peer, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return Peer{}, fmt.Errorf("sshplugin: a %T is not a Unix socket connection", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("sshplugin: peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("sshplugin: peer credentials: %w", err)
	}
	if cerr != nil {
		return Peer{}, fmt.Errorf("sshplugin: SO_PEERCRED: %w", cerr)
	}
	if me := os.Getuid(); cred.Uid != uint32(me) {
		return Peer{}, fmt.Errorf("sshplugin: connection from uid %d (pid %d) refused: the agent serves uid %d only", cred.Uid, cred.Pid, me)
	}
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(int(cred.Pid)) + "/exe")
	return Peer{PID: cred.Pid, UID: cred.Uid, Executable: exe}, nil
}
