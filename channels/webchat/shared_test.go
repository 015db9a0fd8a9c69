package webchat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/webchattest"
)

// sharedLog is a message log that two servers in this test share, as
// machines share PostgreSQL, with a lock per conversation across them
// (webchat.TurnLocker).
type sharedLog struct {
	*webchattest.Store
	mu    sync.Mutex
	locks map[string]chan struct{}
}

func (l *sharedLog) lockOf(id string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locks[id] == nil {
		l.locks[id] = make(chan struct{}, 1)
	}
	return l.locks[id]
}

func (l *sharedLog) LockTurn(ctx context.Context, id string) (func(), error) {
	ch := l.lockOf(id)
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-ch }) }, nil
}

func (l *sharedLog) TurnBusy(_ context.Context, id string) (bool, error) {
	return len(l.lockOf(id)) > 0, nil
}

// claimReader is assistant/sqlite's queue with webchat.ClaimReader, read
// by listing, as a queue other machines change would be.
type claimReader struct{ *asqlite.DB }

func (q claimReader) HandoffClaim(ctx context.Context, id string) (int64, string, error) {
	hs, err := q.ListHandoffs(ctx, assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffWaiting, assistant.HandoffClaimed}})
	if err != nil {
		return 0, "", err
	}
	for _, h := range hs {
		if h.ConversationID == id {
			return h.ID, h.ClaimedBy, nil
		}
	}
	return 0, "", assistant.ErrNotFound
}

// gatedAssistant is echoAssistant made to wait, once started, until
// release is closed.
type gatedAssistant struct {
	*echoAssistant
	started chan string
	release chan struct{}
	once    sync.Once
}

// open lets answers through.
func (g *gatedAssistant) open() { g.once.Do(func() { close(g.release) }) }

func (g *gatedAssistant) Respond(ctx context.Context, req assistant.Request) (*assistant.Answer, error) {
	g.started <- req.Text
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.respond(ctx, req, nil)
}

// twoServers starts two servers on the same stores, as two machines on
// one PostgreSQL schema: a's answers wait for its release.
func twoServers(t *testing.T) (a, b *webchat.Server, gate *gatedAssistant, echoB *echoAssistant, db *asqlite.DB) {
	t.Helper()
	db, err := asqlite.Open(context.Background(), filepath.Join(t.TempDir(), "assistant.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := &sharedLog{Store: &webchattest.Store{}, locks: map[string]chan struct{}{}}
	gate = &gatedAssistant{echoAssistant: &echoAssistant{convs: db}, started: make(chan string, 4), release: make(chan struct{})}
	echoB = &echoAssistant{convs: db}
	for i, r := range []webchat.Responder{gate, echoB} {
		srv, err := webchat.New(webchat.Config{Assistant: r, Conversations: db, Messages: log, Handoffs: claimReader{db}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			gate.open()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
		})
		if i == 0 {
			a = srv
		} else {
			b = srv
		}
	}
	return a, b, gate, echoB, db
}

// serveWS serves srv's websocket and returns its URL.
func serveWS(t *testing.T, srv *webchat.Server) string {
	mux := http.NewServeMux()
	srv.Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/chat/ws"
}

// TestSharedStoreResend has server b take a message server a is still
// answering: b waits for a's answer and reports the message a
// duplicate, where a lock in each process alone would answer it twice.
func TestSharedStoreResend(t *testing.T) {
	a, b, gate, echoB, db := twoServers(t)
	ctx := context.Background()
	in := webchat.Incoming{ConversationID: "conv1", Channel: assistant.ChannelWeb, Resident: "web:s1", ClientID: "m1", Text: "When is my bin day?"}
	fromA := make(chan *webchat.Receipt, 1)
	go func() {
		rc, err := a.Receive(ctx, in)
		if err != nil {
			t.Error(err)
		}
		fromA <- rc
	}()
	<-gate.started
	fromB := make(chan *webchat.Receipt, 1)
	go func() {
		rc, err := b.Receive(ctx, in)
		if err != nil {
			t.Error(err)
		}
		fromB <- rc
	}()
	select {
	case rc := <-fromB:
		t.Fatalf("server b handled the message while server a was answering it: %+v", rc)
	case <-time.After(300 * time.Millisecond):
	}
	gate.open()
	if rc := <-fromA; rc == nil || rc.Answer == nil || rc.Seq != 1 {
		t.Errorf("server a: %+v, want the answer to seq 1", rc)
	}
	if rc := <-fromB; rc == nil || !rc.Duplicate || rc.Seq != 1 {
		t.Errorf("server b: %+v, want a duplicate of seq 1", rc)
	}
	if n := echoB.calls.Load(); n != 0 {
		t.Errorf("server b answered %d times", n)
	}
	conv, err := db.FindConversationByID(ctx, "conv1")
	if err != nil || len(conv.Turns) != 2 {
		t.Errorf("conversation: %+v, %v; want 2 turns", conv, err)
	}
}

// TestSharedStoreClaim claims a hand-off through server a while the
// resident is connected to server b, which has seen the conversation
// handed off but unclaimed: b sends the next message to staff, and after
// a hands it back, to the assistant again.
func TestSharedStoreClaim(t *testing.T) {
	a, b, _, echoB, db := twoServers(t)
	ctx := context.Background()
	echoB.handoff = db
	msg := func(id, text string) *webchat.Receipt {
		t.Helper()
		rc, err := b.Receive(ctx, webchat.Incoming{ConversationID: "conv1", Channel: assistant.ChannelWeb, Resident: "web:s1", ClientID: id, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return rc
	}
	if rc := msg("m1", "a person please"); rc.Answer == nil || !rc.Answer.Handoff {
		t.Fatalf("first message: %+v, want a hand-off", rc)
	}
	echoB.handoff = nil
	// The resident is connected to b, which so keeps the conversation's
	// state in memory between messages.
	c, err := dialURL(t, serveWS(t, b), nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := c.hello("conv1", 2); w.ConversationID != "conv1" {
		t.Fatalf("welcome %+v, want conv1", w)
	}
	if rc := msg("m2", "still there?"); rc.Answer == nil {
		t.Fatalf("before the claim: %+v, want the assistant's answer", rc)
	}
	hs, err := db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 1 {
		t.Fatalf("hand-offs %v, %v", hs, err)
	}
	if _, err := a.Claim(ctx, hs[0].ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	if rc := msg("m3", "hello?"); !rc.Staffed || rc.Answer != nil {
		t.Errorf("after the claim on server a: %+v, want the message staffed", rc)
	}
	if err := b.StaffReply(ctx, "conv1", "Sam", "Hello, Sam here."); err != nil {
		t.Errorf("Sam's reply through server b: %v", err)
	}
	if err := b.StaffReply(ctx, "conv1", "Alex", "Hello"); !errors.Is(err, webchat.ErrNotYours) {
		t.Errorf("Alex's reply through server b: %v, want ErrNotYours", err)
	}
	if _, err := a.HandBack(ctx, hs[0].ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	if rc := msg("m4", "thanks"); rc.Answer == nil {
		t.Errorf("after the hand-back on server a: %+v, want the assistant's answer", rc)
	}
}
