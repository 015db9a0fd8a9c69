package whatsapp

import (
	"context"
	"fmt"
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

// route applies the 24-hour window to m: a template goes as it is at any
// time, free text as it is while the window is open (or when win is
// nil); outside the window the fallback template goes instead
// (fallback true), or with no fallback the message fails with
// channels.ErrOutsideWindow.
func route(ctx context.Context, win Window, fallback *channels.Template, now time.Time, m channels.Outbound) (_ channels.Outbound, usedFallback bool, _ error) {
	if m.Template != nil || win == nil {
		return m, false, nil
	}
	last, err := win.LastInbound(ctx, m.To)
	if err != nil {
		return m, false, fmt.Errorf("whatsapp: window: %w", err)
	}
	if Open(last, now) {
		return m, false, nil
	}
	if fallback == nil {
		return m, false, fmt.Errorf("whatsapp: %s: %w", m.To.Key(), channels.ErrOutsideWindow)
	}
	return channels.Outbound{To: m.To, Template: fallback}, true, nil
}

// Windowed sends WhatsApp messages through another provider's Sender
// (Twilio's Client, which carries WhatsApp when Meta's Cloud API is not
// configured) under the same window rule as Client: free text inside the
// 24-hour window, the Fallback template outside it, reported by
// SendMessage as Result.Fallback so the caller can hold the message until
// the user writes again. Fallback is in the inner Sender's terms: for
// Twilio, Name is a Content template's ContentSid and Params become its
// ContentVariables.
type Windowed struct {
	Sender   channels.Sender
	Window   Window
	Fallback *channels.Template
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ channels.Sender = (*Windowed)(nil)

// Send implements channels.Sender and returns the inner Sender's id.
func (w *Windowed) Send(ctx context.Context, m channels.Outbound) (string, error) {
	r, err := w.SendMessage(ctx, m)
	return r.ID, err
}

// SendMessage sends m, or the Fallback template outside the window. It
// returns an error wrapping channels.ErrInvalid for a recipient that is
// not on WhatsApp, channels.ErrOutsideWindow as Client does, or the inner
// Sender's error.
func (w *Windowed) SendMessage(ctx context.Context, m channels.Outbound) (Result, error) {
	if m.To.Channel != channels.WhatsApp {
		return Result{}, fmt.Errorf("%w: cannot send WhatsApp to %s", channels.ErrInvalid, m.To.Key())
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	m, fallback, err := route(ctx, w.Window, w.Fallback, now, m)
	if err != nil {
		return Result{}, err
	}
	id, err := w.Sender.Send(ctx, m)
	if err != nil {
		return Result{}, err
	}
	return Result{ID: id, Fallback: fallback}, nil
}
