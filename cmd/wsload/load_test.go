package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestPct(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for p, want := range map[float64]float64{50: 5, 95: 10, 99: 10, 10: 1} {
		if got := pct(xs, p); got != want {
			t.Errorf("pct(1..10, %v) = %v, want %v", p, got, want)
		}
	}
	if got := pct(nil, 50); got != 0 {
		t.Errorf("pct(nil) = %v, want 0", got)
	}
}

// TestLoadPhaseEcho runs a short load phase and an idle phase against an
// in-process echo server and checks every round trip is counted.
func TestLoadPhaseEcho(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			c.WriteMessage(mt, data)
		}
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	f := benchFlags{conns: 5, duration: time.Second, think: 100 * time.Millisecond}
	ph, err := loadPhase(context.Background(), url, os.Getpid(), f, []string{"hello"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if ph.Errors != 0 || ph.Messages < 20 || ph.P50ms <= 0 || ph.P95ms < ph.P50ms {
		t.Errorf("phase = %+v, want about 50 round trips, no errors, p95 >= p50 > 0", ph)
	}
	id, err := idlePhase(context.Background(), url, os.Getpid(), 20, false, 0)
	if err != nil || id.Connected != 20 {
		t.Errorf("idle = %+v, %v; want 20 connected", id, err)
	}
}

func TestFreeAddr(t *testing.T) {
	a, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(a); host != "127.0.0.1" {
		t.Errorf("freeAddr() = %s, want loopback", a)
	}
}
