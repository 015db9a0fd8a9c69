package whatsapp

import (
	"context"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// ServiceWindow is how long after a user's last message a business may
// send free-form messages; after it, only approved templates.
const ServiceWindow = 24 * time.Hour

// Window remembers when each user last wrote, to tell whether the
// customer service window is open.
type Window interface {
	// Touch records that id sent a message at t. An earlier t than the
	// one recorded is ignored.
	Touch(ctx context.Context, id channels.Identity, t time.Time) error
	// LastInbound returns the time of id's latest message, or the zero
	// time if none is known.
	LastInbound(ctx context.Context, id channels.Identity) (time.Time, error)
}

// Open reports whether a window that started at last is still open at now.
func Open(last, now time.Time) bool {
	return !last.IsZero() && !now.Before(last.Add(-time.Minute)) && now.Sub(last) < ServiceWindow
}

// MemWindow is an in-memory Window for one process, safe for concurrent
// use. It drops entries once their window has closed, so it holds at most
// a day of users.
type MemWindow struct {
	// Now is the clock used to drop closed windows; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	last    map[string]time.Time
	touches int
}

var _ Window = (*MemWindow)(nil)

// Touch implements Window.
func (w *MemWindow) Touch(_ context.Context, id channels.Identity, t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last == nil {
		w.last = map[string]time.Time{}
	}
	if t.After(w.last[id.Key()]) {
		w.last[id.Key()] = t
	}
	w.touches++
	if w.touches%1024 == 0 {
		now := w.now()
		for k, v := range w.last {
			if !Open(v, now) {
				delete(w.last, k)
			}
		}
	}
	return nil
}

// LastInbound implements Window.
func (w *MemWindow) LastInbound(_ context.Context, id channels.Identity) (time.Time, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last[id.Key()], nil
}

func (w *MemWindow) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}
