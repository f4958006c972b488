package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// maxKeyOpDeadline caps the deadline a plugin may ask for on one operation.
const maxKeyOpDeadline = 2 * time.Minute

// Open serves one key channel (plugins.md section 2.4): the first message must
// be ChannelOpen (id 0) and is answered with id 0; later operations run
// concurrently, each under the deadline it carries, and are answered by id.
func (s *hostServer) Open(stream pluginv1.KeysService_OpenServer) error {
	first, err := stream.Recv()
	if err != nil {
		return ToStatus(NewError(ErrInvalid, "sdk: key channel closed before ChannelOpen"))
	}
	o := first.GetOpen()
	if o == nil || first.Id != 0 {
		return ToStatus(NewError(ErrInvalid, "sdk: key channel must start with ChannelOpen id 0"))
	}
	ctx := stream.Context()
	ops, err := s.b.OpenChannel(ctx, ChannelOpen{
		Peer: peerFromProto(o.Peer), Endpoint: o.Endpoint, Context: contextFromProto(o.Context),
	})
	if err != nil {
		return stream.Send(&pluginv1.OpenResponse{Id: 0, Error: errorDetail(err)})
	}
	defer ops.Close()
	if err := stream.Send(&pluginv1.OpenResponse{Id: 0}); err != nil {
		return err
	}
	return s.serveChannel(ctx, stream, ops)
}

func (s *hostServer) serveChannel(ctx context.Context, stream pluginv1.KeysService_OpenServer, ops KeyOps) error {
	var (
		sendMu sync.Mutex
		wg     sync.WaitGroup
		sem    = make(chan struct{}, MaxKeyChannelPending)
	)
	defer wg.Wait()
	send := func(r *pluginv1.OpenResponse) {
		sendMu.Lock()
		defer sendMu.Unlock()
		_ = stream.Send(r) // a failed send means the plugin left; Recv ends the loop
	}
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if m.Id == 0 {
			return ToStatus(NewError(ErrInvalid, "sdk: key channel operation id 0 is reserved"))
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, err := runKeyOp(ctx, ops, m)
			r := &pluginv1.OpenResponse{Id: m.Id, Output: out}
			if err != nil {
				r.Output, r.Error = nil, errorDetail(err)
			}
			send(r)
		}()
	}
}

// opContext applies the operation's deadline, capped by maxKeyOpDeadline.
func opContext(ctx context.Context, deadlineMS int64) (context.Context, context.CancelFunc) {
	limit := time.Now().Add(maxKeyOpDeadline)
	d := time.UnixMilli(deadlineMS)
	if deadlineMS <= 0 || d.After(limit) {
		d = limit
	}
	return context.WithDeadline(ctx, d)
}

// runKeyOp checks one operation's fields and runs it.
func runKeyOp(ctx context.Context, ops KeyOps, m *pluginv1.OpenRequest) ([]byte, error) {
	ctx, cancel := opContext(ctx, m.DeadlineUnixMs)
	defer cancel()
	switch op := m.Op.(type) {
	case *pluginv1.OpenRequest_Sign:
		r := op.Sign
		if err := firstErr(checkLen("sign input", r.Input, MaxKeyInputBytes), checkField("handle", r.Handle)); err != nil {
			return nil, err
		}
		h, err := hashFromProto(r.Hash)
		if err != nil {
			return nil, err
		}
		return ops.Sign(ctx, SignRequest{Handle: r.Handle, Input: r.Input, InputKind: r.InputKind, Hash: h, Scheme: r.Scheme, Purpose: r.Purpose})
	case *pluginv1.OpenRequest_Decrypt:
		r := op.Decrypt
		if err := firstErr(checkLen("ciphertext", r.Ciphertext, MaxKeyInputBytes), checkField("handle", r.Handle)); err != nil {
			return nil, err
		}
		return ops.Decrypt(ctx, DecryptRequest{Handle: r.Handle, Ciphertext: r.Ciphertext, Padding: r.Padding, Purpose: r.Purpose})
	case *pluginv1.OpenRequest_Agree:
		r := op.Agree
		if err := firstErr(checkLen("peer public key", r.PeerPublic, MaxKeyInputBytes), checkField("handle", r.Handle)); err != nil {
			return nil, err
		}
		return ops.Agree(ctx, AgreeRequest{Handle: r.Handle, PeerPublic: r.PeerPublic, Purpose: r.Purpose})
	case *pluginv1.OpenRequest_Update:
		return nil, ops.UpdateContext(ctx, contextFromProto(op.Update))
	case *pluginv1.OpenRequest_Open:
		return nil, NewError(ErrInvalid, "sdk: ChannelOpen sent twice on one key channel")
	}
	return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: key channel operation %d has no known op", m.Id))
}
