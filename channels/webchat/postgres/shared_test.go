package postgres_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	apostgres "github.com/townhall-civic/townhall/assistant/postgres"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// The stores serve discovers as optional abilities.
var (
	_ webchat.TurnLocker  = (*postgres.DB)(nil)
	_ webchat.ClaimReader = (*apostgres.DB)(nil)
)

// wsFrame is a server frame as the widget reads it.
type wsFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Seq            int    `json:"seq"`
	Role           string `json:"role"`
	ClientID       string `json:"client_id"`
	Text           string `json:"text"`
	Code           string `json:"code"`
}

// widget is a resident's chat widget connected to one machine.
type widget struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialWidget(t *testing.T, m *machine) *widget {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(m.url, "http")+"/chat/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return &widget{t: t, ws: ws}
}

// hello binds the widget to conversation id ("" for a new one) and
// returns the welcome.
func (w *widget) hello(id string, lastSeq int) wsFrame {
	w.t.Helper()
	if err := w.ws.WriteJSON(map[string]any{"type": "hello", "conversation_id": id, "last_seq": lastSeq}); err != nil {
		w.t.Fatal(err)
	}
	f := w.until(func(f wsFrame) bool { return f.Type == "welcome" })
	return f[len(f)-1]
}

func (w *widget) send(clientID, text string) {
	w.t.Helper()
	if err := w.ws.WriteJSON(map[string]any{"type": "message", "client_id": clientID, "text": text}); err != nil {
		w.t.Fatal(err)
	}
}

// until reads frames until one satisfies done, and returns them all. An
// error frame fails the test.
func (w *widget) until(done func(wsFrame) bool) []wsFrame {
	w.t.Helper()
	w.ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	var out []wsFrame
	for {
		var f wsFrame
		if err := w.ws.ReadJSON(&f); err != nil {
			w.t.Fatalf("after %+v: %v", out, err)
		}
		if f.Type == "error" {
			w.t.Fatalf("error frame %+v after %+v", f, out)
		}
		out = append(out, f)
		if done(f) {
			return out
		}
	}
}

// turn matches the message frame of turn seq.
func turn(seq int) func(wsFrame) bool {
	return func(f wsFrame) bool { return f.Type == "message" && f.Seq == seq }
}

// TestTwoMachinesResendWhileAnswering resends a message to machine b
// while machine a is still answering it (the widget lost its connection
// to a mid-answer and reconnected through the balancer to b): b waits
// for a's answer instead of answering again, then acknowledges the
// message and replays a's answer.
func TestTwoMachinesResendWhileAnswering(t *testing.T) {
	dbURL := pgtest.URL(t)
	schema := pgtest.Schema(t, dbURL, "test_webchat_")
	a, b := startMachine(t, dbURL, schema), startMachine(t, dbURL, schema)

	wa := dialWidget(t, a)
	id := wa.hello("", 0).ConversationID
	wa.send("q1", "When is my bin day?")
	wa.until(turn(2))

	slow, finish := slowDown(t, a)
	wa.send("q2", "Is the tip open on Sunday?")
	select {
	case <-slow.started:
	case <-time.After(20 * time.Second):
		t.Fatal("machine a did not start answering")
	}

	wb := dialWidget(t, b)
	if w := wb.hello(id, 2); w.ConversationID != id {
		t.Fatalf("machine b welcomed the widget to %q, want conversation %q", w.ConversationID, id)
	}
	wb.send("q2", "Is the tip open on Sunday?")
	// Time for b to take the message and, without the lock across
	// machines, answer it.
	time.Sleep(500 * time.Millisecond)
	if n := b.echo.calls.Load(); n != 0 {
		t.Errorf("machine b answered the resent message while machine a was answering it (%d calls)", n)
	}
	finish()

	frames := wb.until(turn(4))
	var got []string
	for _, f := range frames {
		got = append(got, fmt.Sprintf("%s %d %s %s %q", f.Type, f.Seq, f.Role, f.ClientID, f.Text))
	}
	want := []string{
		`ack 3  q2 ""`,
		`message 3 resident q2 "Is the tip open on Sunday?"`,
		`message 4 assistant  "You asked: Is the tip open on Sunday?"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("machine b sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if na, nb := a.echo.calls.Load(), b.echo.calls.Load(); na != 2 || nb != 0 {
		t.Errorf("answers: machine a %d, machine b %d; want 2 and 0", na, nb)
	}
	conv, err := b.convs.FindConversationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Turns) != 4 {
		t.Errorf("conversation has %d turns, want 4: %+v", len(conv.Turns), conv.Turns)
	}
}

// TestTwoMachinesResendFirstMessage resends a new conversation's first
// message to machine b while machine a is still answering it: b keeps
// the conversation's id at hello (the conversation is not stored yet,
// but a holds its lock), waits for a's answer and replays it.
func TestTwoMachinesResendFirstMessage(t *testing.T) {
	dbURL := pgtest.URL(t)
	schema := pgtest.Schema(t, dbURL, "test_webchat_")
	a, b := startMachine(t, dbURL, schema), startMachine(t, dbURL, schema)

	slow, finish := slowDown(t, a)
	wa := dialWidget(t, a)
	id := wa.hello("", 0).ConversationID
	wa.send("q1", "When is my bin day?")
	select {
	case <-slow.started:
	case <-time.After(20 * time.Second):
		t.Fatal("machine a did not start answering")
	}

	wb := dialWidget(t, b)
	if w := wb.hello(id, 0); w.ConversationID != id || w.Seq != 0 {
		t.Fatalf("machine b's welcome %+v, want conversation %q (still being answered on machine a) at seq 0", w, id)
	}
	wb.send("q1", "When is my bin day?")
	time.Sleep(500 * time.Millisecond)
	finish()
	frames := wb.until(turn(2))
	if f := frames[0]; f.Type != "ack" || f.Seq != 1 || f.ClientID != "q1" {
		t.Errorf("machine b's first frame %+v, want ack of q1 as seq 1", f)
	}
	if f := frames[len(frames)-1]; f.Role != "assistant" || f.Text != "You asked: When is my bin day?" {
		t.Errorf("machine b's last frame %+v, want machine a's answer", f)
	}
	if na, nb := a.echo.calls.Load(), b.echo.calls.Load(); na != 1 || nb != 0 {
		t.Errorf("answers: machine a %d, machine b %d; want 1 and 0", na, nb)
	}

	// An id no machine is answering still starts a new conversation.
	wc := dialWidget(t, b)
	if w := wc.hello("d0d0d0d0d0d0d0d0d0d0d0d0", 0); w.ConversationID == "d0d0d0d0d0d0d0d0d0d0d0d0" {
		t.Errorf("machine b took an unknown conversation id that no machine is answering")
	}
}

// TestTwoMachinesClaimSeenElsewhere claims a hand-off on machine a's
// console while the resident stays connected to machine b: b stops
// letting the assistant answer them from their next message, which goes
// to staff (the resident is shown the staff's joining notice with it),
// and once staff hand the conversation back on a, b's assistant answers
// again.
func TestTwoMachinesClaimSeenElsewhere(t *testing.T) {
	dbURL := pgtest.URL(t)
	schema := pgtest.Schema(t, dbURL, "test_webchat_")
	a, b := startMachine(t, dbURL, schema), startMachine(t, dbURL, schema)
	ctx := context.Background()

	wb := dialWidget(t, b)
	id := wb.hello("", 0).ConversationID
	wb.send("m1", "Can I speak to a person about parking?")
	wb.until(turn(2))
	// Before anyone claims it, the assistant goes on answering; b has
	// now looked at the hand-off once.
	wb.send("m2", "It is about a resident's permit.")
	wb.until(turn(4))
	hs, err := a.convs.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 1 || hs[0].ConversationID != id {
		t.Fatalf("hand-offs %+v, %v; want one for %s", hs, err, id)
	}

	jar, _ := cookiejar.New(nil)
	staff := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	post(t, staff, a.url+"/staff/name", url.Values{"name": {"Sam"}}, http.StatusOK)
	action := fmt.Sprintf("%s/staff/handoffs/%d/", a.url, hs[0].ID)
	post(t, staff, action+"claim", nil, http.StatusOK)

	answered := b.echo.calls.Load()
	wb.send("m3", "Hello, is anyone there?")
	frames := wb.until(func(f wsFrame) bool { return f.Type == "message" && f.ClientID == "m3" })
	if n := b.echo.calls.Load(); n != answered {
		t.Errorf("machine b's assistant answered a message after staff claimed the conversation on machine a (%d answers, want %d)", n, answered)
	}
	var notice bool
	for _, f := range frames {
		notice = notice || f.Role == "staff" && strings.Contains(f.Text, "You are now talking to Sam")
	}
	if !notice {
		t.Errorf("machine b did not show the resident that Sam joined: %+v", frames)
	}
	held, err := b.convs.FindConversationByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if last := held.Turns[len(held.Turns)-1]; last.Role != assistant.RoleResident || last.Text != "Hello, is anyone there?" {
		t.Errorf("last turn %+v, want the resident's message kept for staff", last)
	}

	// Handed back on a: b's assistant answers again.
	post(t, staff, action+"return", nil, http.StatusOK)
	wb.send("m4", "When is my bin day?")
	wb.until(func(f wsFrame) bool {
		return f.Type == "message" && f.Role == "assistant" && f.Text == "You asked: When is my bin day?"
	})
	if n := b.echo.calls.Load(); n != answered+1 {
		t.Errorf("machine b answered %d messages after the hand-back, want 1", n-answered)
	}
}
