package channels

import (
	"context"
	"sync"
)

// OptOuts records which addresses have asked to receive no more messages
// (by texting STOP, for example). Senders consult it before every send.
type OptOuts interface {
	// SetOptedOut records that id has opted out (out true) or back in.
	SetOptedOut(ctx context.Context, id Identity, out bool) error
	// OptedOut reports whether id has opted out.
	OptedOut(ctx context.Context, id Identity) (bool, error)
}

// MemOptOuts is an in-memory OptOuts for tests and single-process use. It
// is safe for concurrent use. A real deployment needs a durable store:
// forgetting an opt-out on restart breaks the law on unsolicited messages.
type MemOptOuts struct {
	mu  sync.Mutex
	out map[string]bool
}

var _ OptOuts = (*MemOptOuts)(nil)

// NewMemOptOuts returns an empty MemOptOuts.
func NewMemOptOuts() *MemOptOuts { return &MemOptOuts{out: map[string]bool{}} }

// SetOptedOut implements OptOuts.
func (o *MemOptOuts) SetOptedOut(_ context.Context, id Identity, out bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if out {
		o.out[id.Key()] = true
	} else {
		delete(o.out, id.Key())
	}
	return nil
}

// OptedOut implements OptOuts.
func (o *MemOptOuts) OptedOut(_ context.Context, id Identity) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.out[id.Key()], nil
}
