package localapi

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// PeerCred reads LOCAL_PEERCRED (uid, gid) and LOCAL_PEERPID of a Unix socket.
func PeerCred(c *net.UnixConn) (Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", err)
	}
	var xc *unix.Xucred
	var pid int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		xc, serr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
		if serr == nil {
			pid, serr = unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID)
		}
	}); err != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", err)
	}
	if serr != nil {
		return Cred{}, fmt.Errorf("localapi: peer credentials: %w", serr)
	}
	c0 := Cred{PID: int32(pid), UID: xc.Uid}
	if xc.Ngroups > 0 {
		c0.GID = xc.Groups[0]
	}
	return c0, nil
}
