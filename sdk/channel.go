package sdk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// channel is the plugin side of a key channel (plugins.md section 2.4): one
// gRPC stream, operations multiplexed by id, a reader goroutine dispatching
// results to waiting callers.
type channel struct {
	stream pluginv1.KeysService_OpenClient
	ctx    context.Context // lives as long as the channel
	cancel context.CancelFunc

	sendMu sync.Mutex

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan *pluginv1.OpenResponse
	err     error // why the channel ended; set once
	done    chan struct{}
}

var _ Channel = (*channel)(nil)

// errChannelClosed is the cause when the plugin closed the channel itself.
var errChannelClosed = NewError(ErrUnavailable, "sdk: key channel closed")

func openChannel(ctx context.Context, keys pluginv1.KeysServiceClient, o ChannelOpen) (Channel, error) {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stream, err := keys.Open(sctx)
	if err != nil {
		cancel()
		return nil, FromStatus(err)
	}
	c := &channel{stream: stream, ctx: sctx, cancel: cancel,
		pending: make(map[uint64]chan *pluginv1.OpenResponse), done: make(chan struct{})}
	ack := make(chan *pluginv1.OpenResponse, 1)
	c.pending[0] = ack
	err = stream.Send(&pluginv1.OpenRequest{Id: 0, Op: &pluginv1.OpenRequest_Open{Open: &pluginv1.ChannelOpen{
		Peer: peerToProto(o.Peer), Endpoint: o.Endpoint, Context: contextToProto(o.Context)}}})
	if err != nil {
		cancel()
		return nil, FromStatus(err)
	}
	go c.readLoop()
	wait, stop := bounded(ctx, DefaultChannelOpenTimeout)
	defer stop()
	select {
	case r := <-ack:
		if r.Error != nil {
			cancel()
			return nil, errorFromDetail(r.Error)
		}
		return c, nil
	case <-c.done:
		cancel()
		return nil, c.err
	case <-wait.Done():
		cancel()
		return nil, ctxError(wait.Err(), "sdk: key channel open")
	}
}

// readLoop dispatches results until the stream ends, then fails every waiter.
func (c *channel) readLoop() {
	for {
		r, err := c.stream.Recv()
		if err != nil {
			c.finish(err)
			return
		}
		c.mu.Lock()
		ch, ok := c.pending[r.Id]
		delete(c.pending, r.Id)
		c.mu.Unlock()
		if ok {
			ch <- r // buffered; the waiter may have left
		}
	}
}

func (c *channel) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if c.ctx.Err() != nil {
		c.err = errChannelClosed
	} else {
		c.err = FromStatus(err)
		if !errors.Is(c.err, ErrUnavailable) && !errors.Is(c.err, ErrInvalid) {
			c.err = NewError(ErrUnavailable, "sdk: key channel ended: "+c.err.Error()).WithCause(c.err)
		}
	}
	c.pending = nil
	close(c.done)
}

// ctxError turns a context error into the SDK error of the same meaning.
func ctxError(err error, what string) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return NewError(ErrTimeout, what+": deadline exceeded").WithCause(err)
	}
	return (&Error{Code: CodeCanceled, Message: what + ": canceled"}).WithCause(err)
}

// do sends one operation and waits for its result.
func (c *channel) do(ctx context.Context, m *pluginv1.OpenRequest) ([]byte, error) {
	ctx, cancel := bounded(ctx, DefaultKeyOpTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	m.DeadlineUnixMs = deadline.UnixMilli()

	ch := make(chan *pluginv1.OpenResponse, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	if len(c.pending) >= MaxKeyChannelPending {
		c.mu.Unlock()
		return nil, NewError(ErrUnavailable, fmt.Sprintf("sdk: key channel has %d operations pending", MaxKeyChannelPending))
	}
	c.nextID++
	m.Id = c.nextID
	c.pending[m.Id] = ch
	c.mu.Unlock()

	c.sendMu.Lock()
	err := c.stream.Send(m)
	c.sendMu.Unlock()
	if err != nil {
		c.forget(m.Id)
		<-c.done // Send fails only once the stream is over; readLoop sets c.err
		return nil, c.err
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return nil, errorFromDetail(r.Error)
		}
		return r.Output, nil
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		c.forget(m.Id)
		return nil, ctxError(ctx.Err(), "sdk: key operation")
	}
}

func (c *channel) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *channel) Sign(ctx context.Context, r SignRequest) ([]byte, error) {
	if len(r.Input) > MaxKeyInputBytes {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: sign input is %d bytes, limit %d", len(r.Input), MaxKeyInputBytes))
	}
	h, err := hashToProto(r.Hash)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, &pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Sign{Sign: &pluginv1.SignOp{
		Handle: r.Handle, Input: r.Input, InputKind: r.InputKind, Hash: h, Scheme: r.Scheme, Purpose: r.Purpose}}})
}

func (c *channel) Decrypt(ctx context.Context, r DecryptRequest) ([]byte, error) {
	if len(r.Ciphertext) > MaxKeyInputBytes {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: ciphertext is %d bytes, limit %d", len(r.Ciphertext), MaxKeyInputBytes))
	}
	return c.do(ctx, &pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Decrypt{Decrypt: &pluginv1.DecryptOp{
		Handle: r.Handle, Ciphertext: r.Ciphertext, Padding: r.Padding, Purpose: r.Purpose}}})
}

func (c *channel) Agree(ctx context.Context, r AgreeRequest) ([]byte, error) {
	if len(r.PeerPublic) > MaxKeyInputBytes {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: peer public key is %d bytes, limit %d", len(r.PeerPublic), MaxKeyInputBytes))
	}
	return c.do(ctx, &pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Agree{Agree: &pluginv1.AgreeOp{
		Handle: r.Handle, PeerPublic: r.PeerPublic, Purpose: r.Purpose}}})
}

func (c *channel) Update(ctx context.Context, cc ClientContext) error {
	_, err := c.do(ctx, &pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Update{Update: contextToProto(cc)}})
	return err
}

// Close ends the channel; operations still waiting fail with ErrUnavailable.
func (c *channel) Close() error {
	c.sendMu.Lock()
	_ = c.stream.CloseSend()
	c.sendMu.Unlock()
	c.cancel()
	select {
	case <-c.done:
	case <-time.After(time.Second):
	}
	return nil
}
