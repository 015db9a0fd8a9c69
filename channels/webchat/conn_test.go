package webchat_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/channels/webchat"
)

func TestProtocolRoundTrip(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	w := c.hello("", 0)
	if w.ConversationID == "" || w.Seq != 0 {
		t.Fatalf("welcome = %+v, want a new conversation id and seq 0", w)
	}
	c.sendJSON(map[string]any{"type": "message", "client_id": "m1", "text": "When are bins collected?"})
	got := c.until(isAnswer)
	msgs := messages(got)
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2: %+v", len(msgs), got)
	}
	you, ans := msgs[0], msgs[1]
	if you.Seq != 1 || you.Role != "resident" || you.ClientID != "m1" || you.Text != "When are bins collected?" {
		t.Errorf("resident message = %+v", you)
	}
	if ans.Seq != 2 || !strings.Contains(ans.HTML, `href="https://example.gov.uk/bins"`) {
		t.Errorf("answer = %+v, want seq 2 with a link to its source", ans)
	}
	wantCites := []struct {
		N     int    `json:"n"`
		Title string `json:"title"`
		URL   string `json:"url"`
	}{{1, "Bin days", "https://example.gov.uk/bins"}}
	if diff := cmp.Diff(wantCites, ans.Citations); diff != "" {
		t.Errorf("citations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Report a missed bin"}, ans.Suggestions); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
	if got[0].Type != "typing" || got[0].Role != "assistant" {
		t.Errorf("first frame = %+v, want typing from the assistant", got[0])
	}

	c.sendJSON(map[string]any{"type": "feedback", "seq": 2, "helpful": false})
	fb := c.until(isType("feedback"))
	if last := fb[len(fb)-1]; last.Seq != 2 || last.Helpful == nil || *last.Helpful {
		t.Errorf("feedback ack = %+v, want seq 2 helpful false", last)
	}
	stored, err := h.store.FindFeedback(context.Background(), webchat.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Helpful || stored[0].Question != "When are bins collected?" || !strings.HasPrefix(stored[0].Answer, "You asked:") {
		t.Errorf("stored feedback = %+v", stored)
	}
	c.sendJSON(map[string]any{"type": "feedback", "seq": 1, "helpful": true})
	if f := c.next(); f.Type != "error" || f.Code != webchat.CodeInvalid {
		t.Errorf("feedback on a resident turn: got %+v, want an invalid error", f)
	}

	// A second connection to the same conversation is replayed everything.
	c2 := h.dial(nil)
	w2 := c2.hello(w.ConversationID, 0)
	if w2.ConversationID != w.ConversationID || w2.Seq != 2 {
		t.Errorf("resume welcome = %+v, want %s seq 2", w2, w.ConversationID)
	}
	replay := []frame{c2.next(), c2.next()}
	if diff := cmp.Diff([]int{1, 2}, seqs(replay)); diff != "" {
		t.Errorf("replayed seqs (-want +got):\n%s", diff)
	}
	if replay[0].ClientID != "m1" {
		t.Errorf("replayed resident turn has client id %q, want m1", replay[0].ClientID)
	}
}

func TestHelloUnknownConversationStartsAfresh(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	w := c.hello("not-a-real-conversation", 7)
	if w.ConversationID == "not-a-real-conversation" || w.Seq != 0 {
		t.Errorf("welcome = %+v, want a fresh id (a client cannot choose one)", w)
	}
}

func TestMessageBeforeHello(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	c.sendJSON(map[string]any{"type": "message", "client_id": "x", "text": "hi"})
	if f := c.next(); f.Code != webchat.CodeHelloRequired {
		t.Errorf("got %+v, want hello_required", f)
	}
}

// TestReconnectMidStream drops the connection in the middle of a streamed
// answer, reconnects and resends as the widget does, and checks that
// every turn arrives exactly once and the message was answered once.
func TestReconnectMidStream(t *testing.T) {
	sa := &streamAssistant{gate: make(chan struct{}), streaming: make(chan struct{})}
	h := newHarness(t, func(c *webchat.Config) { c.Assistant = sa })
	c := h.dial(nil)
	id := c.hello("", 0).ConversationID
	c.sendJSON(map[string]any{"type": "message", "client_id": "m1", "text": "Where do I take old paint?"})
	<-sa.streaming
	got := c.until(isType("partial"))
	if p := got[len(got)-1]; p.Seq != 2 || p.Text == "" {
		t.Errorf("partial = %+v, want seq 2 with text", p)
	}
	c.conn.UnderlyingConn().Close() // drop without a close frame

	// The resident reconnects while the answer is still being written,
	// saying it has seen nothing, and resends its unconfirmed message.
	c2 := h.dial(nil)
	if w := c2.hello(id, 0); w.ConversationID != id {
		t.Fatalf("resumed %s, want %s", w.ConversationID, id)
	}
	c2.sendJSON(map[string]any{"type": "message", "client_id": "m1", "text": "Where do I take old paint?"})
	close(sa.gate)

	frames := c2.until(isType("ack"))
	if diff := cmp.Diff([]int{1, 2}, seqs(frames)); diff != "" {
		t.Errorf("message seqs after reconnect (-want +got):\n%s", diff)
	}
	if ack := frames[len(frames)-1]; ack.ClientID != "m1" || ack.Seq != 1 {
		t.Errorf("ack = %+v, want client m1 seq 1", ack)
	}
	if f, ok := c2.quiet(300 * time.Millisecond); !ok && f.Type == "message" {
		t.Errorf("duplicate message after ack: %+v", f)
	}
	if n := h.echo.calls.Load(); n != 1 {
		t.Errorf("assistant called %d times, want 1", n)
	}
	conv, err := h.convs.FindConversationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Turns) != 2 {
		t.Errorf("stored %d turns, want 2", len(conv.Turns))
	}
	msgs := messages(frames)
	if len(msgs) == 2 && msgs[1].Text != conv.Turns[1].Text {
		t.Errorf("answer after reconnect %q, want the stored %q", msgs[1].Text, conv.Turns[1].Text)
	}

	// Reconnecting again after the answer, having seen seq 1 only,
	// replays exactly seq 2.
	c3 := h.dial(nil)
	if w := c3.hello(id, 1); w.Seq != 2 {
		t.Errorf("welcome seq = %d, want 2", w.Seq)
	}
	if f := c3.next(); f.Type != "message" || f.Seq != 2 {
		t.Errorf("replay = %+v, want seq 2", f)
	}
	if f, ok := c3.quiet(200 * time.Millisecond); !ok {
		t.Errorf("unexpected frame after replay: %+v", f)
	}
}

func TestOrigin(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) { c.AllowedOrigins = []string{"https://www.testshire.gov.uk"} })
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a browser
		{h.http.URL, true},
		{"https://www.testshire.gov.uk", true},
		{"https://evil.example", false},
		{"null", false},
		{"https://www.testshire.gov.uk.evil.example", false},
	}
	for _, tt := range tests {
		hdr := http.Header{}
		if tt.origin != "" {
			hdr.Set("Origin", tt.origin)
		}
		_, err := h.dialErr(hdr)
		var de *dialError
		switch {
		case tt.ok && err != nil:
			t.Errorf("origin %q refused: %v", tt.origin, err)
		case !tt.ok && (err == nil || !errors.As(err, &de) || de.status != http.StatusForbidden):
			t.Errorf("origin %q: got %v, want 403", tt.origin, err)
		}
	}
}

func TestBadFrames(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	c.hello("", 0)
	tests := []struct {
		name string
		mt   int
		data []byte
		code string
	}{
		{"invalid JSON", websocket.TextMessage, []byte(`{"type": "message", `), webchat.CodeBadJSON},
		{"JSON without type", websocket.TextMessage, []byte(`{"text": "hi"}`), webchat.CodeBadJSON},
		{"JSON array", websocket.TextMessage, []byte(`[1, 2]`), webchat.CodeBadJSON},
		{"invalid UTF-8", websocket.TextMessage, []byte("{\"type\":\"message\",\"text\":\"\xff\xfe\"}"), webchat.CodeBadUTF8},
		{"binary frame", websocket.BinaryMessage, []byte{1, 2, 3}, webchat.CodeUnsupported},
		{"unknown type", websocket.TextMessage, []byte(`{"type": "subscribe"}`), webchat.CodeUnsupported},
		{"oversized frame", websocket.TextMessage, []byte(`{"type":"message","text":"` + strings.Repeat("a", 20<<10) + `"}`), webchat.CodeTooLarge},
		{"message text over the limit", websocket.TextMessage, []byte(`{"type":"message","client_id":"big","text":"` + strings.Repeat("a", 5000) + `"}`), webchat.CodeTooLarge},
		{"empty message", websocket.TextMessage, []byte(`{"type":"message","client_id":"e","text":"  "}`), webchat.CodeInvalid},
		{"bad client id", websocket.TextMessage, []byte(`{"type":"message","client_id":"<x>","text":"hi"}`), webchat.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.sendRaw(tt.mt, tt.data)
			f := c.next()
			if f.Type != "error" || f.Code != tt.code || f.Message == "" {
				t.Errorf("got %+v, want error %s with a message", f, tt.code)
			}
		})
	}
	// The connection and the server are still fine.
	c.t = t
	c.sendJSON(map[string]any{"type": "message", "client_id": "ok", "text": "still there?"})
	if fs := c.until(isAnswer); len(messages(fs)) != 2 {
		t.Errorf("after bad frames got %+v, want the message answered", fs)
	}
}

func TestHardFrameLimitCloses(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	c.hello("", 0)
	// The server may close before the whole frame is written.
	_ = c.conn.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 2<<20)))
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("connection not closed after a 2 MiB frame")
	}
	c.closeMu.Lock()
	code := c.closeCode
	c.closeMu.Unlock()
	if code != websocket.CloseMessageTooBig {
		t.Errorf("close code %d, want %d (message too big)", code, websocket.CloseMessageTooBig)
	}
	// Others are unaffected.
	c2 := h.dial(nil)
	c2.hello("", 0)
}

// TestFloodIsolated floods from one client and checks it is rate limited
// while a client at another address is answered as normal.
func TestFloodIsolated(t *testing.T) {
	h := newHarness(t)
	flood := h.dial(http.Header{"X-Test-Ip": {"198.51.100.7"}})
	flood.hello("", 0)
	calm := h.dial(http.Header{"X-Test-Ip": {"203.0.113.9"}})
	calm.hello("", 0)

	for i := range 60 {
		flood.sendJSON(map[string]any{"type": "message", "client_id": "f" + itoa(i), "text": "spam"})
	}
	start := time.Now()
	calm.sendJSON(map[string]any{"type": "message", "client_id": "c1", "text": "When is my bin day?"})
	calm.until(isAnswer)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("calm client answered after %v during the flood", d)
	}

	answered, limited := 0, 0
	for {
		f, quiet := flood.quiet(500 * time.Millisecond)
		if quiet {
			break
		}
		switch {
		case isAnswer(f):
			answered++
		case f.Type == "error" && f.Code == webchat.CodeRateLimited:
			limited++
		}
	}
	// Some frames are refused by the frame limit before they are read
	// as messages; those get one error a second, not one each.
	burst := webchat.DefaultLimits().MessageBurst
	if answered == 0 || answered > burst || limited < 30 {
		t.Errorf("flood of 60: %d answered, %d rate-limit errors; want 1 to %d answered and at least 30 errors", answered, limited, burst)
	}
}

// TestIPLimitSharedAcrossConnections checks one address cannot escape
// the per-address limit by opening more connections.
func TestIPLimitSharedAcrossConnections(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) {
		c.Limits = webchat.Limits{IPMessageRate: 0.001, IPMessageBurst: 3, MaxConnsPerIP: 3}
	})
	ip := http.Header{"X-Test-Ip": {"198.51.100.20"}}
	var cs []*wsClient
	for range 3 {
		c := h.dial(ip)
		c.hello("", 0)
		cs = append(cs, c)
	}
	if _, err := h.dialErr(ip); err == nil {
		t.Error("fourth connection from one address accepted, want 429")
	} else if de := new(dialError); !errors.As(err, &de) || de.status != http.StatusTooManyRequests {
		t.Errorf("fourth connection: %v, want 429", err)
	}
	limited := 0
	for i, c := range cs {
		for j := range 2 {
			c.sendJSON(map[string]any{"type": "message", "client_id": "m" + itoa(i*2+j), "text": "hello"})
		}
	}
	for _, c := range cs {
		for {
			f, quiet := c.quiet(300 * time.Millisecond)
			if quiet {
				break
			}
			if f.Code == webchat.CodeRateLimited {
				limited++
			}
		}
	}
	if limited != 3 {
		t.Errorf("%d of 6 messages rate limited, want 3 (burst 3 per address)", limited)
	}
}

func TestSustainedFloodDisconnects(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) { c.Limits = webchat.Limits{FrameRate: 1, FrameBurst: 1, MaxDropped: 20} })
	c := h.dial(nil)
	c.hello("", 0)
	for range 40 {
		if err := c.conn.WriteJSON(map[string]any{"type": "typing"}); err != nil {
			break
		}
	}
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("flooding connection not closed")
	}
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closeCode != websocket.ClosePolicyViolation {
		t.Errorf("close code %d, want %d", c.closeCode, websocket.ClosePolicyViolation)
	}
}

func TestScriptInert(t *testing.T) {
	h := newHarness(t)
	c := h.dial(nil)
	id := c.hello("", 0).ConversationID
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	c.sendJSON(map[string]any{"type": "message", "client_id": "x1", "text": payload})
	for _, f := range messages(c.until(isAnswer)) {
		if strings.Contains(f.HTML, "<script") || strings.Contains(f.HTML, "<img") {
			t.Errorf("message %d html has live markup: %s", f.Seq, f.HTML)
		}
		if !strings.Contains(f.HTML, "&lt;script&gt;") {
			t.Errorf("message %d html lost the text: %s", f.Seq, f.HTML)
		}
	}
	conv, err := h.convs.FindConversationByID(context.Background(), id)
	if err != nil || conv.Turns[0].Text != payload {
		t.Errorf("stored text = %v, %v; want the payload kept as text", conv, err)
	}
}

func TestPingKeepsAlive(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) { c.PingInterval = 50 * time.Millisecond; c.PongWait = 200 * time.Millisecond })
	c := h.dial(nil)
	pings := make(chan struct{}, 16)
	c.conn.SetPingHandler(func(data string) error {
		pings <- struct{}{}
		return c.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	c.hello("", 0)
	for range 3 {
		select {
		case <-pings:
		case <-time.After(2 * time.Second):
			t.Fatal("no ping")
		}
	}
	// Answering pings keeps the connection open past PongWait.
	select {
	case <-c.done:
		t.Fatal("connection closed although pongs were sent")
	default:
	}
	if n := h.srv.Connections(); n != 1 {
		t.Errorf("Connections() = %d, want 1", n)
	}
}

func TestSilentPeerDropped(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) { c.PingInterval = 50 * time.Millisecond; c.PongWait = 150 * time.Millisecond })
	c := h.dial(nil)
	c.conn.SetPingHandler(func(string) error { return nil }) // never answer
	c.hello("", 0)
	deadline := time.Now().Add(3 * time.Second)
	for h.srv.Connections() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("silent connection not dropped")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestShutdownDrains checks an answer in flight at shutdown is finished
// and delivered before the connection is closed with 1001.
func TestShutdownDrains(t *testing.T) {
	sa := &streamAssistant{gate: make(chan struct{}), streaming: make(chan struct{})}
	h := newHarness(t, func(c *webchat.Config) { c.Assistant = sa })
	c := h.dial(nil)
	c.hello("", 0)
	c.sendJSON(map[string]any{"type": "message", "client_id": "m1", "text": "Is the tip open on Sunday?"})
	<-sa.streaming
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- h.srv.Shutdown(ctx)
	}()
	time.Sleep(50 * time.Millisecond)
	// New connections are refused while draining.
	if _, err := h.dialErr(nil); err == nil {
		t.Error("connection accepted while draining")
	}
	close(sa.gate)
	c.until(isAnswer)
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("connection not closed by shutdown")
	}
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closeCode != websocket.CloseGoingAway {
		t.Errorf("close code %d, want %d", c.closeCode, websocket.CloseGoingAway)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
