package localapi

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// PeerCred reads SO_PEERCRED of a Unix socket connection.
func PeerCred(c *net.UnixConn) (Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", err)
	}
	var uc *unix.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		uc, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", err)
	}
	if serr != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", serr)
	}
	return Cred{PID: uc.Pid, UID: uc.Uid, GID: uc.Gid}, nil
}
