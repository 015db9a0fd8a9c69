package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	apostgres "github.com/townhall-civic/townhall/assistant/postgres"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// echoAssistant answers every message by repeating it and stores both
// turns, as assistant.Assistant does. A message asking for "a person"
// hands the conversation to staff.
type echoAssistant struct {
	db    *apostgres.DB
	calls atomic.Int32
	// slow, when set, makes an answer wait: it is sent the request's
	// text once the answer has started and waits for the channel to be
	// closed (or ctx to end) before storing it.
	slow atomic.Pointer[slowAnswers]
}

type slowAnswers struct {
	started chan string
	release chan struct{}
	once    sync.Once
}

// slowDown makes m's answers wait until finish is called, which the
// test's end also does (before the machine shuts down, so a failed test
// does not wait out the answer timeout).
func slowDown(t *testing.T, m *machine) (s *slowAnswers, finish func()) {
	s = &slowAnswers{started: make(chan string, 1), release: make(chan struct{})}
	m.echo.slow.Store(s)
	finish = func() { s.once.Do(func() { close(s.release) }) }
	t.Cleanup(finish)
	return s, finish
}

func (e *echoAssistant) Respond(ctx context.Context, req assistant.Request) (*assistant.Answer, error) {
	e.calls.Add(1)
	if slow := e.slow.Load(); slow != nil {
		slow.started <- req.Text
		select {
		case <-slow.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	conv, err := e.db.FindConversationByID(ctx, req.ConversationID)
	if errors.Is(err, assistant.ErrNotFound) {
		conv = &assistant.Conversation{ID: req.ConversationID, Channel: req.Channel, Resident: req.Resident, Created: time.Now()}
	} else if err != nil {
		return nil, err
	}
	ans := &assistant.Answer{ConversationID: conv.ID, Intent: assistant.IntentAnswer, Text: "You asked: " + req.Text}
	n := len(conv.Turns)
	conv.Turns = append(conv.Turns,
		assistant.Turn{Seq: n + 1, Role: assistant.RoleResident, Text: req.Text, At: time.Now()},
		assistant.Turn{Seq: n + 2, Role: assistant.RoleAssistant, Text: ans.Text, At: time.Now()})
	if strings.Contains(req.Text, "a person") {
		conv.HandedOff, ans.Handoff = true, true
		if err := e.db.EnqueueHandoff(ctx, assistant.NewHandoff(conv, assistant.ReasonExplicit, false, time.Now())); err != nil {
			return nil, err
		}
	}
	conv.Updated = time.Now()
	return ans, e.db.SaveConversation(ctx, conv)
}

// machine is one Townhall process serving the web chat: its own pools on
// the shared schema, its own webchat.Server and HTTP listener.
type machine struct {
	url   string
	echo  *echoAssistant
	convs *apostgres.DB
	log   *postgres.DB
	srv   *webchat.Server
}

// startMachine starts a machine on schema, as serve does with
// TOWNHALL_STORE=postgres: the form key comes from the database.
func startMachine(t *testing.T, dbURL, schema string) *machine {
	t.Helper()
	ctx := context.Background()
	adb, err := apostgres.Open(ctx, dbURL, apostgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adb.Close() })
	wdb := MustOpenDB(t, dbURL, schema)
	key, err := wdb.FormKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &machine{echo: &echoAssistant{db: adb}, convs: adb, log: wdb}
	srv, err := webchat.New(webchat.Config{Assistant: m.echo, Conversations: adb, Messages: wdb, Feedback: wdb, Handoffs: adb,
		StaffConsole: true, Council: "Thornbury Vale", Secret: key, Limits: webchat.Limits{MaxConnsPerIP: -1, IPMessageRate: -1, MessageRate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})
	m.url, m.srv = hs.URL, srv
	return m
}

var (
	csrfInput     = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	clientIDInput = regexp.MustCompile(`name="client_id" value="([^"]+)"`)
)

// get fetches u and returns its body, failing the test unless the status
// is want.
func get(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", u, resp.StatusCode, want, body)
	}
	return html.UnescapeString(string(body))
}

// post posts form to u, following the redirect back to the page, and
// returns the page.
func post(t *testing.T, c *http.Client, u string, form url.Values, want int) string {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d\n%s", u, resp.StatusCode, want, body)
	}
	return html.UnescapeString(string(body))
}

func submatch(t *testing.T, re *regexp.Regexp, page string) string {
	t.Helper()
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page has no %s:\n%s", re, page)
	}
	return m[1]
}

// TestTwoMachinesServe runs two web chat servers on one database, as two
// machines behind a load balancer, with one resident's browser talking to
// both (cookies are per host name, not per port, as behind a balancer):
// a conversation started on one is resumed on the other with its
// transcript, a form from one is accepted by the other, a message resent
// to the other is not answered twice, feedback given on one shows on the
// other, and each machine's staff console sees the hand-off and the
// resident's earlier conversation from the other.
func TestTwoMachinesServe(t *testing.T) {
	dbURL := pgtest.URL(t)
	schema := pgtest.Schema(t, dbURL, "test_webchat_")
	a, b := startMachine(t, dbURL, schema), startMachine(t, dbURL, schema)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}

	// Machine a: the resident opens the chat page and asks.
	page := get(t, browser, a.url+"/chat", http.StatusOK)
	csrf, clientID := submatch(t, csrfInput, page), submatch(t, clientIDInput, page)
	page = post(t, browser, a.url+"/chat", url.Values{"csrf": {csrf}, "client_id": {clientID}, "text": {"When is my bin day?"}}, http.StatusOK)
	if !strings.Contains(page, "You asked: When is my bin day?") {
		t.Fatalf("machine a did not answer:\n%s", page)
	}

	// Machine b: the same browser finds the conversation.
	page = get(t, browser, b.url+"/chat", http.StatusOK)
	if !strings.Contains(page, "When is my bin day?") || !strings.Contains(page, "You asked: When is my bin day?") {
		t.Fatalf("machine b does not show the conversation started on machine a:\n%s", page)
	}
	// The form served by a, resent to b (the connection dropped before
	// the resident saw the answer), is accepted and not answered again.
	post(t, browser, b.url+"/chat", url.Values{"csrf": {csrf}, "client_id": {clientID}, "text": {"When is my bin day?"}}, http.StatusOK)
	if n := b.echo.calls.Load(); n != 0 {
		t.Errorf("machine b answered a message machine a had answered (%d calls)", n)
	}
	var convID string
	for _, c := range jar.Cookies(mustParse(t, b.url)) {
		if c.Name == "th_conv" {
			convID = c.Value
		}
	}
	conv, err := b.convs.FindConversationByID(context.Background(), convID)
	if err != nil || len(conv.Turns) != 2 {
		t.Fatalf("conversation %q after the resend: %+v, %v; want its 2 turns", convID, conv, err)
	}

	// Feedback given on b shows on a.
	post(t, browser, b.url+"/chat/feedback", url.Values{"csrf": {csrf}, "seq": {"2"}, "helpful": {"no"}}, http.StatusOK)
	if page = get(t, browser, a.url+"/chat", http.StatusOK); !strings.Contains(page, "not helpful") {
		t.Errorf("machine a does not show the feedback given on machine b:\n%s", page)
	}

	// The widget resumes on b: hello with the conversation replays both
	// turns, the resident's with the client id machine a recorded.
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(b.url, "http")+"/chat/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteJSON(map[string]any{"type": "hello", "conversation_id": convID, "last_seq": 0}); err != nil {
		t.Fatal(err)
	}
	var frames []map[string]any
	for len(frames) < 3 {
		var f map[string]any
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("after %d frames: %v", len(frames), err)
		}
		frames = append(frames, f)
	}
	got := fmt.Sprint(frames[0]["type"], frames[0]["conversation_id"], frames[0]["seq"], " ",
		frames[1]["seq"], frames[1]["role"], frames[1]["client_id"], " ", frames[2]["seq"], frames[2]["role"])
	want := fmt.Sprint("welcome", convID, 2, " ", 1, "resident", clientID, " ", 2, "assistant")
	if got != want {
		t.Errorf("machine b's replay: got %s, want %s\n%v", got, want, frames)
	}

	// A second conversation, on b, asks for a person.
	post(t, browser, b.url+"/chat/new", url.Values{"csrf": {csrf}}, http.StatusOK)
	page = get(t, browser, b.url+"/chat", http.StatusOK)
	post(t, browser, b.url+"/chat", url.Values{"csrf": {csrf}, "client_id": {submatch(t, clientIDInput, page)}, "text": {"Can I speak to a person about parking?"}}, http.StatusOK)
	hs, err := a.convs.ListHandoffs(context.Background(), assistant.HandoffFilter{})
	if err != nil || len(hs) != 1 {
		t.Fatalf("hand-offs: %v, %v; want the one made on machine b", hs, err)
	}
	staff := &http.Client{Timeout: 30 * time.Second}
	for name, m := range map[string]*machine{"a": a, "b": b} {
		queue := get(t, staff, m.url+"/staff/", http.StatusOK)
		if !strings.Contains(queue, fmt.Sprintf("/staff/handoffs/%d/claim", hs[0].ID)) || !strings.Contains(queue, "Can I speak to a person about parking?") {
			t.Errorf("machine %s's console queue lacks the hand-off made on machine b:\n%s", name, queue)
		}
		handoff := get(t, staff, fmt.Sprintf("%s/staff/handoffs/%d", m.url, hs[0].ID), http.StatusOK)
		if !strings.Contains(handoff, "Can I speak to a person about parking?") || !strings.Contains(handoff, "You asked: When is my bin day?") {
			t.Errorf("machine %s's console does not show the hand-off with the resident's earlier conversation from machine a:\n%s", name, handoff)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
