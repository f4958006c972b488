package localapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

// Cred is the kernel's account of the process at the other end of a socket.
type Cred struct {
	PID int32
	UID uint32
	GID uint32
}

// ErrForeignPeer reports a connection from another user.
var ErrForeignPeer = errors.New("localapi: connection from another user refused")

// CheckPeer accepts only the agent's own uid.
func CheckPeer(c Cred, uid int) error {
	if int64(c.UID) != int64(uid) {
		return fmt.Errorf("%w (uid %d, pid %d)", ErrForeignPeer, c.UID, c.PID)
	}
	return nil
}

// peerListener closes every connection whose peer fails check, before the
// HTTP server reads from it.
type peerListener struct {
	*net.UnixListener
	check  func(Cred) error
	reject func(Cred, error)
}

// credConn carries the peer credential of an accepted connection.
type credConn struct {
	*net.UnixConn
	cred Cred
}

func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return nil, err
		}
		cred, err := PeerCred(c)
		if err == nil {
			err = l.check(cred)
		}
		if err != nil {
			if l.reject != nil {
				l.reject(cred, err)
			}
			_ = c.Close()
			continue
		}
		return &credConn{UnixConn: c, cred: cred}, nil
	}
}

type credKey struct{}

// connContext stores the peer credential in each request's context.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*credConn); ok {
		return context.WithValue(ctx, credKey{}, cc.cred)
	}
	return ctx
}

// PeerFrom returns the peer credential of the request's connection.
func PeerFrom(ctx context.Context) (Cred, bool) {
	c, ok := ctx.Value(credKey{}).(Cred)
	return c, ok
}

// sameUser is the default peer check.
func sameUser(c Cred) error { return CheckPeer(c, os.Getuid()) }
