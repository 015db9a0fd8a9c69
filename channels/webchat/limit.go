package webchat

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound what one client can cost. The zero value of a field means
// its default (DefaultLimits); a negative value switches that limit off.
type Limits struct {
	// MaxFrameBytes is the largest frame read and answered: a bigger one
	// (up to MaxFrameHardBytes) is discarded with a too_large error and
	// the connection stays open. Default 16 KiB.
	MaxFrameBytes int64
	// MaxFrameHardBytes is where the connection is closed with status
	// 1009 (message too big) instead of reading on. Default 1 MiB.
	MaxFrameHardBytes int64
	// FrameRate and FrameBurst limit frames of any kind per connection.
	// Default 10 a second, burst 40.
	FrameRate  float64
	FrameBurst int
	// MessageRate and MessageBurst limit resident messages per
	// connection. Default 1 every 2 seconds, burst 5.
	MessageRate  float64
	MessageBurst int
	// IPMessageRate and IPMessageBurst limit resident messages from one
	// IP address across its connections and the chat page. Council
	// offices and mobile networks share addresses, so this is looser.
	// Default 5 a second, burst 30.
	IPMessageRate  float64
	IPMessageBurst int
	// MaxConnsPerIP caps simultaneous websocket connections from one IP
	// address; more are refused with 429. Default 64.
	MaxConnsPerIP int
	// MaxDropped is how many rate-limited frames a connection may send
	// before it is closed with status 1008 (policy violation). Default 200.
	MaxDropped int
}

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{
		MaxFrameBytes:     16 << 10,
		MaxFrameHardBytes: 1 << 20,
		FrameRate:         10,
		FrameBurst:        40,
		MessageRate:       0.5,
		MessageBurst:      5,
		IPMessageRate:     5,
		IPMessageBurst:    30,
		MaxConnsPerIP:     64,
		MaxDropped:        200,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFrameBytes == 0 {
		l.MaxFrameBytes = d.MaxFrameBytes
	}
	if l.MaxFrameHardBytes == 0 {
		l.MaxFrameHardBytes = d.MaxFrameHardBytes
	}
	if l.MaxFrameHardBytes > 0 && l.MaxFrameHardBytes < l.MaxFrameBytes {
		l.MaxFrameHardBytes = l.MaxFrameBytes
	}
	if l.FrameRate == 0 {
		l.FrameRate = d.FrameRate
	}
	if l.FrameBurst == 0 {
		l.FrameBurst = d.FrameBurst
	}
	if l.MessageRate == 0 {
		l.MessageRate = d.MessageRate
	}
	if l.MessageBurst == 0 {
		l.MessageBurst = d.MessageBurst
	}
	if l.IPMessageRate == 0 {
		l.IPMessageRate = d.IPMessageRate
	}
	if l.IPMessageBurst == 0 {
		l.IPMessageBurst = d.IPMessageBurst
	}
	if l.MaxConnsPerIP == 0 {
		l.MaxConnsPerIP = d.MaxConnsPerIP
	}
	if l.MaxDropped == 0 {
		l.MaxDropped = d.MaxDropped
	}
	return l
}

// newLimiter returns a token bucket, or nil (no limit) for a negative rate.
func newLimiter(r float64, burst int) *rate.Limiter {
	if r < 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(r), max(burst, 1))
}

// allow reports whether l (nil: no limit) has a token now.
func allow(l *rate.Limiter) bool { return l == nil || l.Allow() }

// ipLimits tracks per-IP message buckets and connection counts. Buckets
// idle for longer than ipIdle are forgotten, so the map stays bounded by
// the addresses active recently.
type ipLimits struct {
	limits Limits
	mu     sync.Mutex
	ips    map[string]*ipEntry
	swept  time.Time
}

type ipEntry struct {
	msgs  *rate.Limiter
	conns int
	seen  time.Time
}

const ipIdle = 10 * time.Minute

func newIPLimits(l Limits) *ipLimits {
	return &ipLimits{limits: l, ips: map[string]*ipEntry{}}
}

func (t *ipLimits) entry(ip string, now time.Time) *ipEntry {
	if now.Sub(t.swept) > time.Minute {
		for k, e := range t.ips {
			if e.conns == 0 && now.Sub(e.seen) > ipIdle {
				delete(t.ips, k)
			}
		}
		t.swept = now
	}
	e := t.ips[ip]
	if e == nil {
		e = &ipEntry{msgs: newLimiter(t.limits.IPMessageRate, t.limits.IPMessageBurst)}
		t.ips[ip] = e
	}
	e.seen = now
	return e
}

// allowMessage takes a message token from ip's bucket.
func (t *ipLimits) allowMessage(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return allow(t.entry(ip, time.Now()).msgs)
}

// connect counts a new connection from ip, or reports false when ip is at
// its cap.
func (t *ipLimits) connect(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(ip, time.Now())
	if t.limits.MaxConnsPerIP > 0 && e.conns >= t.limits.MaxConnsPerIP {
		return false
	}
	e.conns++
	return true
}

// disconnect uncounts a connection from ip.
func (t *ipLimits) disconnect(ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.ips[ip]; e != nil && e.conns > 0 {
		e.conns--
		e.seen = time.Now()
	}
}

// clientIP is the address a request came from: RemoteAddr's host.
// Forwarding headers are not trusted: a proxy in front must be configured
// to connect from distinct addresses or the limits apply to it as one
// client.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
