package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

var dialer = websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 4096}

// dial connects, retrying briefly: a burst of connects can overflow the
// listen backlog for a moment.
func dial(ctx context.Context, url string) (*websocket.Conn, error) {
	var err error
	for i := 0; i < 5; i++ {
		var c *websocket.Conn
		c, _, err = dialer.DialContext(ctx, url, nil)
		if err == nil {
			return c, nil
		}
		time.Sleep(time.Duration(100*(i+1)) * time.Millisecond)
	}
	return nil, err
}

// frame is the part of a server frame the load reads.
type frame struct {
	Type string `json:"type"`
	Role string `json:"role"`
	Code string `json:"code"`
}

// hello starts a conversation and waits for the welcome.
func hello(c *websocket.Conn) error {
	if err := c.WriteJSON(map[string]any{"type": "hello"}); err != nil {
		return err
	}
	var f frame
	if err := c.ReadJSON(&f); err != nil {
		return err
	}
	if f.Type != "welcome" {
		return fmt.Errorf("got %q, want welcome", f.Type)
	}
	return nil
}

// recorder collects round trips in milliseconds.
type recorder struct {
	mu     sync.Mutex
	ms     []float64
	errors atomic.Int64
}

func (r *recorder) add(d time.Duration) {
	r.mu.Lock()
	r.ms = append(r.ms, float64(d.Microseconds())/1000)
	r.mu.Unlock()
}

// loadPhase holds f.conns conversations on url for f.duration. chat
// means the web chat protocol (hello, then message and wait for the
// assistant's answer); otherwise the frame is echoed back once.
func loadPhase(ctx context.Context, url string, pid int, f benchFlags, questions []string, chat bool) (Phase, error) {
	name := map[bool]string{true: "chat", false: "echo"}[chat]
	ph := Phase{ServerBaseMB: rssMB(pid)}
	rss := sampleRSS(pid)
	rec := &recorder{}
	var measuring atomic.Bool
	var connected atomic.Int64

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rampEvery := 2 * time.Millisecond // 2,000 connections in 4 s
	end := time.Now().Add(time.Duration(f.conns)*rampEvery + f.duration)
	var wg sync.WaitGroup
	for i := 0; i < f.conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := dial(ctx, url)
			if err != nil {
				rec.errors.Add(1)
				return
			}
			defer c.Close()
			if chat {
				if err := hello(c); err != nil {
					rec.errors.Add(1)
					return
				}
			}
			connected.Add(1)
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			// Spread the first messages over one think time.
			sleep(ctx, time.Duration(rng.Float64()*float64(f.think)))
			for n := 0; time.Now().Before(end) && ctx.Err() == nil; n++ {
				q := questions[(i+n)%len(questions)]
				msg, _ := json.Marshal(map[string]any{"type": "message", "client_id": "c" + strconv.Itoa(i) + "-" + strconv.Itoa(n), "text": q})
				c.SetReadDeadline(time.Now().Add(60 * time.Second))
				start := time.Now()
				if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
					rec.errors.Add(1)
					return
				}
				if err := awaitReply(c, chat); err != nil {
					rec.errors.Add(1)
					return
				}
				if measuring.Load() {
					rec.add(time.Since(start))
				}
				pause := time.Duration((0.5 + rng.Float64()) * float64(f.think))
				sleep(ctx, min(pause, time.Until(end)))
			}
			c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		}(i)
		time.Sleep(rampEvery)
	}
	logf("%s: %d of %d connected; measuring for %v", name, connected.Load(), f.conns, f.duration)
	measuring.Store(true)
	cpu0, elapsed0 := cpuSeconds(pid), time.Now()
	wg.Wait()
	elapsed := time.Since(elapsed0)
	ph.ServerCPUs = cpuSeconds(pid) - cpu0
	ph.ServerRSSMB = rss.peak()

	rec.mu.Lock()
	defer rec.mu.Unlock()
	sort.Float64s(rec.ms)
	ph.Messages, ph.Errors = len(rec.ms), int(rec.errors.Load())
	ph.PerSecond = float64(len(rec.ms)) / elapsed.Seconds()
	if len(rec.ms) > 0 {
		ph.CPUmsPerMsg = ph.ServerCPUs * 1000 / float64(len(rec.ms))
	}
	ph.P50ms, ph.P95ms, ph.P99ms = pct(rec.ms, 50), pct(rec.ms, 95), pct(rec.ms, 99)
	if len(rec.ms) > 0 {
		ph.MaxMs = rec.ms[len(rec.ms)-1]
	}
	logf("%s: %d round trips, %d errors, p50 %.1f ms, p95 %.1f ms, server RSS %.1f MB", name, ph.Messages, ph.Errors, ph.P50ms, ph.P95ms, ph.ServerRSSMB)
	if ph.Messages == 0 {
		return ph, fmt.Errorf("%s: no round trips completed (%d errors)", name, ph.Errors)
	}
	return ph, nil
}

// awaitReply reads until the reply to one message: the assistant's
// answer for the chat, the echoed frame otherwise.
func awaitReply(c *websocket.Conn, chat bool) error {
	for {
		_, r, err := c.NextReader()
		if err != nil {
			return err
		}
		if !chat {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		var f frame
		if err := json.NewDecoder(r).Decode(&f); err != nil {
			return err
		}
		switch {
		case f.Type == "error":
			return fmt.Errorf("error frame %s", f.Code)
		case f.Type == "message" && f.Role != "resident":
			return nil
		}
	}
}

// idlePhase opens n connections that say hello (for the chat) and stay
// silent, waits settle for the server's garbage from the handshakes to
// be collected, and measures the server's RSS growth per connection.
func idlePhase(ctx context.Context, url string, pid, n int, chat bool, settle time.Duration) (Idle, error) {
	name := map[bool]string{true: "chat", false: "echo"}[chat]
	id := Idle{BaseMB: rssMB(pid)}
	conns := make([]*websocket.Conn, 0, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	var failed atomic.Int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(ctx, url)
			if err != nil {
				failed.Add(1)
				return
			}
			if chat {
				c.SetReadDeadline(time.Now().Add(30 * time.Second))
				if err := hello(c); err != nil {
					failed.Add(1)
					c.Close()
					return
				}
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	id.Connected = len(conns)
	sleep(ctx, settle)
	id.LoadedMB = rssMB(pid)
	if id.Connected > 0 {
		id.KBPerConn = (id.LoadedMB - id.BaseMB) * 1024 / float64(id.Connected)
	}
	logf("idle %s: %d connected (%d failed), RSS %.1f MB -> %.1f MB, %.1f KB per connection", name, id.Connected, failed.Load(), id.BaseMB, id.LoadedMB, id.KBPerConn)
	if id.Connected < n*9/10 {
		return id, fmt.Errorf("idle %s: only %d of %d connected", name, id.Connected, n)
	}
	return id, nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// pct returns the p-th percentile of sorted xs (nearest rank).
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(float64(len(xs))*p/100+0.5) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}

func printReport(w io.Writer, r *Report) {
	fmt.Fprintf(w, "web chat under load (loopback, separate load process)\n")
	fmt.Fprintf(w, "  %d concurrent conversations, one message every %.0f s each on average, %.0f s measured\n", r.Conns, r.ThinkS, r.DurationS)
	row := func(name string, p Phase) {
		fmt.Fprintf(w, "  %-14s %6d msgs %6.1f/s  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  errors %d  server RSS %6.1f MB (base %.1f), CPU %.2f ms/msg\n",
			name, p.Messages, p.PerSecond, p.P50ms, p.P95ms, p.P99ms, p.Errors, p.ServerRSSMB, p.ServerBaseMB, p.CPUmsPerMsg)
	}
	row("townhall", r.Chat)
	row("gorilla echo", r.Echo)
	fmt.Fprintf(w, "  ratio to echo: p50 %.1fx, p95 %.1fx, RSS %.1fx\n", r.RatioP50, r.RatioP95, r.RatioRSS)
	if r.IdleConns > 0 {
		fmt.Fprintf(w, "  idle: %d connections, townhall %.1f -> %.1f MB = %.1f KB per connection; echo %.1f KB per connection\n",
			r.Idle.Connected, r.Idle.BaseMB, r.Idle.LoadedMB, r.Idle.KBPerConn, r.IdleEcho.KBPerConn)
	}
}
