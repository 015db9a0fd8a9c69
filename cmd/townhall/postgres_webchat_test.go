package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
	wpostgres "github.com/townhall-civic/townhall/channels/webchat/postgres"
	"github.com/townhall-civic/townhall/evals"
)

// TestPostgresServeTwoMachines serves the demo council from two servers
// with TOWNHALL_STORE=postgres on one schema, each with an index folder
// of its own, as two machines behind a load balancer. A conversation
// started on one is resumed on the other with its transcript and client
// ids, a resent message is acknowledged there rather than answered again,
// and a chat page form served by one is accepted by the other (the form
// key is the database's). A hand-off claimed on one machine's console
// stops the assistant answering the resident connected to the other from
// their next message. Neither index folder holds webchat.db or
// webchat.key.
func TestPostgresServeTwoMachines(t *testing.T) {
	vars := pgTestVars(t)
	vars["TOWNHALL_STAFF_CONSOLE"] = "1"
	var dirs [2]string
	var servers [2]*Server
	for i := range servers {
		machine := maps.Clone(vars)
		dirs[i] = t.TempDir()
		machine["TOWNHALL_DATA"] = dirs[i]
		servers[i] = startDemoServerAt(t, machine, officeHours())
		if _, ok := servers[i].web.records.(*wpostgres.DB); !ok {
			t.Fatalf("machine %d keeps the web chat log in %T, want PostgreSQL", i, servers[i].web.records)
		}
	}
	a, b := servers[0], servers[1]
	welcome, answer := askMissedBin(t, a.Addr())
	if welcome.ConversationID == "" || answer.Seq != 2 {
		t.Fatalf("machine a: welcome %+v, answer %+v; want a conversation answered at seq 2", welcome, answer)
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws://"+b.Addr()+"/chat/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	type frame struct {
		chatFrame
		ClientID string `json:"client_id"`
	}
	read := func() frame {
		t.Helper()
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	ws.WriteJSON(map[string]any{"type": "hello", "conversation_id": welcome.ConversationID})
	if f := read(); f.Type != "welcome" || f.ConversationID != welcome.ConversationID || f.Seq != 2 {
		t.Fatalf("machine b: got %+v, want welcome to conversation %s at seq 2", f, welcome.ConversationID)
	}
	if f := read(); f.Type != "message" || f.Seq != 1 || f.ClientID != "q1" {
		t.Errorf("machine b replay: got %+v, want the resident's turn 1 with client id q1", f)
	}
	if f := read(); f.Type != "message" || f.Seq != 2 || f.Text != answer.Text {
		t.Errorf("machine b replay: got %+v, want machine a's answer", f)
	}
	// The widget resends what it has not seen acknowledged: machine b
	// knows the client id from machine a and does not answer again.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "q1", "text": "the bin men missed our recycling yesterday, is it too late to tell you?"})
	if f := read(); f.Type != "ack" || f.Seq != 1 {
		t.Errorf("machine b, resent message: got %+v, want ack of seq 1", f)
	}

	// The resident, still on machine b, asks for a person; staff claim
	// the hand-off on machine a's console (the console is loopback only,
	// so staff use one machine's). The resident's next message on b goes
	// to staff, not to b's assistant, and b shows them the joining notice.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "q2", "text": "Can I speak to a person please?"})
	for f := read(); f.Type != "message" || f.Role != "assistant"; f = read() {
	}
	hs, err := a.web.assistant.ListHandoffs(context.Background(), assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffWaiting}})
	if err != nil || len(hs) != 1 || hs[0].ConversationID != welcome.ConversationID {
		t.Fatalf("machine a's queue: %+v, %v; want the hand-off machine b made", hs, err)
	}
	staffJar, _ := cookiejar.New(nil)
	staff := &http.Client{Jar: staffJar, Timeout: 30 * time.Second}
	for _, p := range []struct {
		path string
		form url.Values
	}{{"/staff/name", url.Values{"name": {"Sam"}}}, {fmt.Sprintf("/staff/handoffs/%d/claim", hs[0].ID), nil}} {
		resp, err := staff.PostForm("http://"+a.Addr()+p.path, p.form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("machine a's console, POST %s: status %d", p.path, resp.StatusCode)
		}
	}
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "q3", "text": "Hello, is anyone there?"})
	joined := false
	for f := read(); f.Type != "message" || f.ClientID != "q3"; f = read() {
		joined = joined || f.Role == "staff" && strings.Contains(f.Text, "You are now talking to Sam")
	}
	if !joined {
		t.Errorf("machine b did not show the resident that Sam, who claimed the hand-off on machine a, has joined")
	}
	conv, err := b.web.assistant.FindConversationByID(context.Background(), welcome.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if last := conv.Turns[len(conv.Turns)-1]; last.Role != assistant.RoleResident {
		t.Errorf("machine b's assistant answered after the claim on machine a: last turn %+v", last)
	}

	// A chat page form from machine a, posted to machine b.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get("http://" + a.Addr() + "/chat")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("machine a's chat page has no form token:\n%s", page)
	}
	resp, err = browser.PostForm("http://"+b.Addr()+"/chat", url.Values{"csrf": {string(m[1])}, "client_id": {"p1"}, "text": {"When is the tip open?"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("machine b refused machine a's form: status %d, want 303", resp.StatusCode)
	}

	for _, dir := range dirs {
		for _, name := range []string{"webchat.db", "webchat.key"} {
			if _, err := os.Stat(filepath.Join(dir, "demo", name)); err == nil {
				t.Errorf("%s is in the index folder %s with the postgres store", name, dir)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "demo", "records.db")); err != nil {
			t.Errorf("index folder %s/demo has no records.db: the check above looks in the wrong place (%v)", dir, err)
		}
	}
}

// TestWebFormKey checks where the chat page's form key comes from:
// TOWNHALL_WEBCHAT_KEY, else webchat.key in the index folder (made once),
// and refuses a short key as a usage error.
func TestWebFormKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := openWebchatDB(ctx, envConfig(func(string) string { return "" }), demoManifest, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, "webchat.key")
	first, err := webFormKey(ctx, "", db, path)
	if err != nil || len(first) != 32 {
		t.Fatalf("webFormKey from a new file = %x, %v; want 32 bytes", first, err)
	}
	if again, err := webFormKey(ctx, "", db, path); err != nil || !bytes.Equal(again, first) {
		t.Errorf("webFormKey again = %x, %v; want the file's %x", again, err, first)
	}
	env := strings.Repeat("k", 40)
	if got, err := webFormKey(ctx, env, db, path); err != nil || string(got) != env {
		t.Errorf("webFormKey with TOWNHALL_WEBCHAT_KEY = %q, %v; want the variable's value", got, err)
	}
	if _, err := webFormKey(ctx, "short", db, path); exitCode(err) != 2 || !strings.Contains(err.Error(), "TOWNHALL_WEBCHAT_KEY") {
		t.Errorf("webFormKey with a short key: got %v (exit %d), want a usage error naming TOWNHALL_WEBCHAT_KEY", err, exitCode(err))
	}
	if e := webEnvConfig(func(k string) string { return map[string]string{"TOWNHALL_WEBCHAT_KEY": " " + env + " "}[k] }); e.Key != env {
		t.Errorf("webEnvConfig Key = %q, want %q", e.Key, env)
	}
}

// TestPostgresWebFormKey checks that with the postgres store every
// machine gets the same key, from the database, and writes no file.
func TestPostgresWebFormKey(t *testing.T) {
	ctx := context.Background()
	vars := pgTestVars(t)
	env := envConfig(func(k string) string { return vars[k] })
	var keys [2][]byte
	for i := range keys {
		dir := t.TempDir()
		db, err := openWebchatDB(ctx, env, demoManifest, dir)
		if err != nil {
			t.Fatal(err)
		}
		keys[i], err = webFormKey(ctx, "", db, filepath.Join(dir, "webchat.key"))
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "webchat.key")); err == nil {
			t.Errorf("machine %d wrote webchat.key with the postgres store", i)
		}
	}
	if len(keys[0]) < 32 || !bytes.Equal(keys[0], keys[1]) {
		t.Errorf("form keys %x and %x, want one key of 32 bytes or more", keys[0], keys[1])
	}
}

// TestPostgresEvalExport exports drafts from the conversations and the
// feedback in PostgreSQL, and refuses SQLite files named with the
// postgres store.
func TestPostgresEvalExport(t *testing.T) {
	ctx := context.Background()
	vars := pgTestVars(t)
	vars["TOWNHALL_DATA"] = t.TempDir()
	getenv := func(k string) string { return vars[k] }
	env := envConfig(getenv)
	adb, err := openAssistantDB(ctx, env, demoManifest, "")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 3, 11, 0, 0, 0, time.UTC)
	rated := &assistant.Conversation{ID: "c1", Channel: assistant.ChannelWeb, Resident: "web:s1", Created: at, Updated: at, Turns: []assistant.Turn{
		{Seq: 1, Role: assistant.RoleResident, Text: "when is the recycling centre open? call me on 07700 900123", At: at},
		{Seq: 2, Role: assistant.RoleAssistant, Text: "Sorry, I could not find that.", Intent: assistant.IntentRefuse, At: at},
	}}
	handed := &assistant.Conversation{ID: "c2", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123", Created: at, Updated: at, Turns: []assistant.Turn{
		{Seq: 1, Role: assistant.RoleResident, Text: "get me a real person", At: at},
	}}
	for _, c := range []*assistant.Conversation{rated, handed} {
		if err := adb.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := adb.EnqueueHandoff(ctx, assistant.NewHandoff(handed, assistant.ReasonExplicit, false, at)); err != nil {
		t.Fatal(err)
	}
	adb.Close()
	wdb, err := openWebchatDB(ctx, env, demoManifest, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, fb := range []webchat.Feedback{
		{ConversationID: "c1", Seq: 2, Helpful: false, Channel: assistant.ChannelWeb, At: at},
		{ConversationID: "c2", Seq: 1, Helpful: true, Channel: assistant.ChannelSMS, At: at},
	} {
		if err := wdb.SaveFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
	}
	wdb.Close()

	out := filepath.Join(t.TempDir(), "drafts.jsonl")
	stdout, _, err := runCmd(t, getenv, "eval", "export", "-manifest", demoManifest, "-out", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "Wrote 2 draft case(s)") || !strings.Contains(stdout, "PostgreSQL") {
		t.Errorf("stdout %q, want 2 drafts from PostgreSQL", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := evals.ReadSuite(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]evals.Case{}
	for _, c := range cases {
		ids[c.ID] = c
	}
	if c, ok := ids["draft-c1-1"]; !ok || c.Channel != "web" || strings.Contains(c.Question(), "07700") {
		t.Errorf("drafts %+v: want c1's unhelpful answer, redacted", cases)
	}
	if c, ok := ids["draft-c2-1"]; !ok || c.Expect.Intent != "handoff" {
		t.Errorf("drafts %+v: want c2's hand-off", cases)
	}

	for _, args := range [][]string{
		{"-db", "assistant.db", "-manifest", demoManifest, "-out", out},
		{"-feedback-db", "webchat.db", "-manifest", demoManifest, "-out", out},
		{"-out", out},
	} {
		_, _, err := runCmd(t, getenv, append([]string{"eval", "export"}, args...)...)
		if exitCode(err) != 2 {
			t.Errorf("eval export %v with postgres: got %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
	// -store local overrides the environment: -db is then needed.
	if _, _, err := runCmd(t, getenv, "eval", "export", "-store", "local", "-manifest", demoManifest, "-out", out); exitCode(err) != 2 || !strings.Contains(err.Error(), "-db") {
		t.Errorf("eval export -store local without -db: got %v, want a usage error naming -db", err)
	}
}
