package remote

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/evals"
)

func TestEndpoints(t *testing.T) {
	tests := []struct {
		base, ws, origin string
		ok               bool
	}{
		{"http://127.0.0.1:8080", "ws://127.0.0.1:8080/chat/ws", "http://127.0.0.1:8080", true},
		{"ws://127.0.0.1:8080/", "ws://127.0.0.1:8080/chat/ws", "http://127.0.0.1:8080", true},
		{"https://chat.example.gov.uk/chat/ws", "wss://chat.example.gov.uk/chat/ws", "https://chat.example.gov.uk", true},
		{"wss://host/townhall", "wss://host/townhall/chat/ws", "https://host", true},
		{"ftp://host", "", "", false},
		{"127.0.0.1:8080", "", "", false},
	}
	for _, tt := range tests {
		ws, origin, err := endpoints(tt.base)
		if (err == nil) != tt.ok {
			t.Errorf("endpoints(%q): got error %v, want ok %v", tt.base, err, tt.ok)
			continue
		}
		if ws != tt.ws || origin != tt.origin {
			t.Errorf("endpoints(%q) = %q, %q, want %q, %q", tt.base, ws, origin, tt.ws, tt.origin)
		}
	}
}

// fakeServer speaks just enough of the protocol: it checks the Origin,
// welcomes, echoes each message as a resident turn and then, after a
// typing and a partial frame, answers with reply (or, when reply is nil,
// an error frame).
func fakeServer(t *testing.T, reply map[string]any) *httptest.Server {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/chat/ws" || r.Header.Get("Origin") != "http://"+r.Host {
			http.Error(w, "bad path or origin", http.StatusForbidden)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var hello map[string]any
		if c.ReadJSON(&hello) != nil || hello["type"] != "hello" {
			return
		}
		c.WriteJSON(map[string]any{"type": "welcome", "conversation_id": "c1", "seq": 0})
		seq := 0
		for {
			var m map[string]any
			if c.ReadJSON(&m) != nil {
				return
			}
			seq++
			c.WriteJSON(map[string]any{"type": "message", "seq": seq, "role": "resident", "client_id": m["client_id"], "text": m["text"]})
			if reply == nil {
				c.WriteJSON(map[string]any{"type": "error", "code": "internal", "message": "sorry", "client_id": m["client_id"]})
				continue
			}
			seq++
			c.WriteJSON(map[string]any{"type": "typing", "role": "assistant"})
			c.WriteJSON(map[string]any{"type": "partial", "seq": seq, "text": "half"})
			f := map[string]any{"type": "message", "seq": seq, "role": "assistant"}
			for k, v := range reply {
				f[k] = v
			}
			c.WriteJSON(f)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTargetRun(t *testing.T) {
	srv := fakeServer(t, map[string]any{
		"text":      "It costs £25 [1].",
		"intent":    "answer",
		"service":   "",
		"retrieved": []string{"a", "b"},
		"citations": []map[string]any{{"n": 1, "title": "Bulky waste", "url": "https://x/b", "doc_id": "a"}},
	})
	tg := &Target{Base: srv.URL}
	o, err := tg.Run(context.Background(), evals.Case{ID: "x", Turns: []string{"hi", "how much?"}, Needs: []string{"plain_english"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Answer != "It costs £25 [1]." || o.Intent != "answer" || !o.Answered {
		t.Errorf("got answer %q intent %q answered %v, want the final message", o.Answer, o.Intent, o.Answered)
	}
	if len(o.Citations) != 1 || o.Citations[0] != "a" || len(o.Retrieved) != 2 {
		t.Errorf("got citations %v retrieved %v, want [a] and [a b]", o.Citations, o.Retrieved)
	}
	if o.Latency <= 0 || o.Grade == 0 {
		t.Errorf("got latency %v grade %v, want both set", o.Latency, o.Grade)
	}
}

func TestTargetRunErrors(t *testing.T) {
	srv := fakeServer(t, nil)
	_, err := (&Target{Base: srv.URL}).Run(context.Background(), evals.Case{Turns: []string{"hi"}})
	if !errors.Is(err, ErrServer) {
		t.Errorf("error frame: got %v, want ErrServer", err)
	}

	// A server that never answers: ctx ends the wait.
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer silent.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = (&Target{Base: silent.URL}).Run(ctx, evals.Case{Turns: []string{"hi"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent server: got %v, want context.DeadlineExceeded", err)
	}
}
