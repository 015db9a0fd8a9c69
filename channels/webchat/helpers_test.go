package webchat_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/webchattest"
)

// echoAssistant answers every message with a fixed, cited reply built
// from it, and stores both turns as assistant.Assistant does.
type echoAssistant struct {
	convs assistant.ConversationStore
	calls atomic.Int32
	// handoff, when set, makes every answer a hand-off into this queue.
	handoff assistant.HandoffQueue
}

func (e *echoAssistant) Respond(ctx context.Context, req assistant.Request) (*assistant.Answer, error) {
	return e.respond(ctx, req, nil)
}

func answerText(q string) string {
	return "You asked: " + q + " [1]\n\nSources:\n[1] Bin days: https://example.gov.uk/bins"
}

func (e *echoAssistant) respond(ctx context.Context, req assistant.Request, emit func(string)) (*assistant.Answer, error) {
	e.calls.Add(1)
	text := assistant.CleanMessage(req.Text)
	if text == "" {
		return nil, assistant.ErrInvalid
	}
	conv, err := e.convs.FindConversationByID(ctx, req.ConversationID)
	if errors.Is(err, assistant.ErrNotFound) {
		conv = &assistant.Conversation{ID: req.ConversationID, Channel: req.Channel, Resident: req.Resident, Created: time.Now()}
	} else if err != nil {
		return nil, err
	}
	ans := &assistant.Answer{
		ConversationID: conv.ID,
		Intent:         assistant.IntentAnswer,
		Text:           answerText(text),
		Citations:      []assistant.Citation{{N: 1, DocID: "bins", Title: "Bin days", URL: "https://example.gov.uk/bins"}},
		Suggestions:    []string{"Report a missed bin"},
	}
	if emit != nil {
		words := strings.Fields(ans.Text)
		for i := range words {
			emit(strings.Join(words[:i+1], " "))
		}
	}
	n := len(conv.Turns)
	conv.Turns = append(conv.Turns,
		assistant.Turn{Seq: n + 1, Role: assistant.RoleResident, Text: text, At: time.Now()},
		assistant.Turn{Seq: n + 2, Role: assistant.RoleAssistant, Text: ans.Text, Citations: ans.Citations, At: time.Now()})
	if e.handoff != nil {
		conv.HandedOff = true
		ans.Handoff = true
		if err := e.handoff.EnqueueHandoff(ctx, assistant.NewHandoff(conv, assistant.ReasonExplicit, false, time.Now())); err != nil {
			return nil, err
		}
	}
	if err := e.convs.SaveConversation(ctx, conv); err != nil {
		return nil, err
	}
	return ans, nil
}

// streamAssistant streams its answer word by word. After the first
// partial it waits for gate to close, so a test can act mid-stream.
type streamAssistant struct {
	*echoAssistant
	gate      chan struct{}
	streaming chan struct{} // closed at the first partial
	once      sync.Once
}

func (s *streamAssistant) RespondStream(ctx context.Context, req assistant.Request, emit func(string)) (*assistant.Answer, error) {
	return s.respond(ctx, req, func(p string) {
		emit(p)
		s.once.Do(func() {
			close(s.streaming)
			<-s.gate
		})
	})
}

// harness is a webchat server on httptest with in-memory stores.
type harness struct {
	t      *testing.T
	srv    *webchat.Server
	http   *httptest.Server
	convs  assistant.ConversationStore
	store  *webchattest.Store
	db     *asqlite.DB // set by newSQLiteHarness
	echo   *echoAssistant
	wsURL  string
	closed bool
}

type harnessOption func(*webchat.Config)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	convs := assistanttest.NewConversations()
	return startHarness(t, convs, nil, opts...)
}

// newSQLiteHarness uses assistant/sqlite, which also provides the
// hand-off console.
func newSQLiteHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	db, err := asqlite.Open(context.Background(), filepath.Join(t.TempDir(), "assistant.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := startHarness(t, db, db, opts...)
	h.db = db
	return h
}

func startHarness(t *testing.T, convs assistant.ConversationStore, handoffs assistant.HandoffConsole, opts ...harnessOption) *harness {
	t.Helper()
	echo := &echoAssistant{convs: convs}
	store := &webchattest.Store{}
	cfg := webchat.Config{
		Assistant:     echo,
		Conversations: convs,
		Messages:      store,
		Feedback:      store,
		Handoffs:      handoffs,
		Council:       "Testshire Council",
	}
	for _, o := range opts {
		o(&cfg)
	}
	if sa, ok := cfg.Assistant.(*streamAssistant); ok {
		sa.echoAssistant = echo
	}
	srv, err := webchat.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	// Tests choose the client address with X-Test-Ip, to stand for
	// clients on different machines.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := r.Header.Get("X-Test-Ip"); ip != "" {
			r.RemoteAddr = net.JoinHostPort(ip, "40000")
			r.Header.Del("X-Test-Ip")
		}
		mux.ServeHTTP(w, r)
	}))
	h := &harness{t: t, srv: srv, http: hs, convs: convs, store: store, echo: echo, wsURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/chat/ws"}
	t.Cleanup(h.close)
	return h
}

func (h *harness) close() {
	if h.closed {
		return
	}
	h.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h.srv.Shutdown(ctx)
	h.http.Close()
}

// wsClient is a test client that collects frames.
type wsClient struct {
	t         *testing.T
	conn      *websocket.Conn
	frames    chan frame
	done      chan struct{}
	closeMu   sync.Mutex
	closeCode int
	closeText string
}

// frame is a server frame as a client decodes it.
type frame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Seq            int    `json:"seq"`
	Role           string `json:"role"`
	ClientID       string `json:"client_id"`
	Text           string `json:"text"`
	HTML           string `json:"html"`
	Citations      []struct {
		N     int    `json:"n"`
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"citations"`
	Suggestions []string `json:"suggestions"`
	Helpful     *bool    `json:"helpful"`
	Code        string   `json:"code"`
	Message     string   `json:"message"`
}

func (h *harness) dial(hdr http.Header) *wsClient {
	h.t.Helper()
	c, err := h.dialErr(hdr)
	if err != nil {
		h.t.Fatalf("dial: %v", err)
	}
	return c
}

func (h *harness) dialErr(hdr http.Header) (*wsClient, error) {
	return dialURL(h.t, h.wsURL, hdr)
}

func dialURL(t *testing.T, url string, hdr http.Header) (*wsClient, error) {
	conn, resp, err := websocket.DefaultDialer.Dial(url, hdr)
	if err != nil {
		if resp != nil {
			return nil, &dialError{status: resp.StatusCode, err: err}
		}
		return nil, err
	}
	c := &wsClient{t: t, conn: conn, frames: make(chan frame, 1024), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				var ce *websocket.CloseError
				if errors.As(err, &ce) {
					c.closeMu.Lock()
					c.closeCode, c.closeText = ce.Code, ce.Text
					c.closeMu.Unlock()
				}
				return
			}
			var f frame
			if err := json.Unmarshal(data, &f); err != nil {
				t.Errorf("server sent invalid JSON %q: %v", data, err)
				continue
			}
			c.frames <- f
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return c, nil
}

type dialError struct {
	status int
	err    error
}

func (e *dialError) Error() string { return e.err.Error() }

func (c *wsClient) sendJSON(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *wsClient) sendRaw(mt int, data []byte) {
	c.t.Helper()
	if err := c.conn.WriteMessage(mt, data); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next returns the next frame, failing after a timeout.
func (c *wsClient) next() frame {
	c.t.Helper()
	select {
	case f := <-c.frames:
		return f
	case <-time.After(5 * time.Second):
		c.t.Fatal("timed out waiting for a frame")
	}
	return frame{}
}

// until returns frames up to and including the first that matches.
func (c *wsClient) until(match func(frame) bool) []frame {
	c.t.Helper()
	var got []frame
	for {
		f := c.next()
		got = append(got, f)
		if match(f) {
			return got
		}
	}
}

// quiet reports whether no frame arrives within d.
func (c *wsClient) quiet(d time.Duration) (frame, bool) {
	select {
	case f := <-c.frames:
		return f, false
	case <-time.After(d):
		return frame{}, true
	}
}

func (c *wsClient) hello(conversationID string, lastSeq int) frame {
	c.t.Helper()
	c.sendJSON(map[string]any{"type": "hello", "conversation_id": conversationID, "last_seq": lastSeq})
	f := c.next()
	if f.Type != "welcome" {
		c.t.Fatalf("after hello got %+v, want welcome", f)
	}
	return f
}

func isType(t string) func(frame) bool { return func(f frame) bool { return f.Type == t } }

func isAnswer(f frame) bool { return f.Type == "message" && f.Role == "assistant" }

// messages keeps the message frames of fs.
func messages(fs []frame) []frame {
	var out []frame
	for _, f := range fs {
		if f.Type == "message" {
			out = append(out, f)
		}
	}
	return out
}

func seqs(fs []frame) []int {
	var out []int
	for _, f := range messages(fs) {
		out = append(out, f.Seq)
	}
	return out
}
