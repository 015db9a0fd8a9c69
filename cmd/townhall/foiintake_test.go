package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/assistant/llm"
	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/foitest"
)

// demoFOI ingests the demo council and imports its FOI sources into a
// fresh data folder.
func demoFOI(t *testing.T, extra map[string]string) (getenv func(string) string) {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"TOWNHALL_DATA": dir, "TOWNHALL_EMBEDDER": "hashing"}
	for k, v := range extra {
		vars[k] = v
	}
	getenv = func(k string) string { return vars[k] }
	if out, _, err := runCmd(t, getenv, "ingest", "-manifest", demoManifest); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	if out, _, err := runCmd(t, getenv, "foi", "import", "-manifest", demoManifest); err != nil {
		t.Fatalf("foi import: %v\n%s", err, out)
	}
	return getenv
}

// TestAssistantFOIRequestDemo makes an FOI request in a conversation with
// the assistant built as serve builds it, over the demo council, and
// finds the case logged by the FOI desk with the statutory due day. The
// clock is pinned to Thursday 12 March 2026: 20 working days on is
// Tuesday 14 April, skipping Good Friday (3 April), Easter Monday (6
// April) and St Patrick's Day (17 March), a Northern Ireland bank holiday
// that FOIA s.10(6) excludes for a council in England too.
func TestAssistantFOIRequestDemo(t *testing.T) {
	ctx := context.Background()
	env := envConfig(demoFOI(t, nil))
	is, err := openIndex(ctx, demoManifest, "", env)
	if err != nil {
		t.Fatal(err)
	}
	defer is.Close()
	dbPath, indexPath := foiPaths(env, demoManifest, "", "")
	st, err := openFOI(ctx, foiLocation{DB: dbPath, Index: indexPath}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	searcher, err := is.searcher("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 3, 12, 10, 30, 0, 0, time.UTC)
	svc, err := newFOIService(st.store, env, func() time.Time { return received })
	if err != nil {
		t.Fatal(err)
	}
	intake := &foiIntake{svc: svc, disclosures: st.index, datasets: searcher}
	a, err := newAssistant(is, searcher, assistantStores{
		Conversations: assistanttest.NewConversations(),
		Requests:      assistanttest.NewServiceRequests(),
		Handoffs:      &assistanttest.Handoffs{},
		FOI:           intake,
	}, llm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return received }

	turns := []string{
		"I'd like to make a freedom of information request about spending on agency staff",
		"yes please",
		"Sam Jones",
		"sam.jones@example.org",
		"yes",
	}
	var as []*assistant.Answer
	id := ""
	for _, text := range turns {
		ans, err := a.Respond(ctx, assistant.Request{ConversationID: id, Channel: assistant.ChannelWeb, Text: text})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		t.Logf("> %s\n%s", text, ans.Text)
		id = ans.ConversationID
		as = append(as, ans)
	}
	for i, ans := range as {
		if ans.Intent != assistant.IntentFOIRequest {
			t.Errorf("turn %d: intent %s, want foi_request", i+1, ans.Intent)
		}
	}
	// The earlier response on agency staff is shown first, linked.
	if len(as[0].Citations) == 0 || as[0].Citations[0].DocID != "foi/requests/agency_staff_spend_2023_24.json" || as[0].Citations[0].URL == "" {
		t.Errorf("first reply cites %+v, want the earlier agency staff disclosure first", as[0].Citations)
	}
	ack := as[len(as)-1]
	if ack.Reference == "" || !strings.Contains(ack.Text, ack.Reference) || !strings.Contains(ack.Text, "by Tuesday 14 April 2026") {
		t.Fatalf("acknowledgement %q (reference %q), want the reference and Tuesday 14 April 2026", ack.Text, ack.Reference)
	}

	rs, n, err := svc.Store.FindRequests(ctx, foi.RequestFilter{})
	if err != nil || n != 1 {
		t.Fatalf("FOI requests: %d (%v), want 1", n, err)
	}
	r := rs[0]
	if r.Reference != ack.Reference || r.Name != "Sam Jones" || r.Email != "sam.jones@example.org" ||
		r.Status != foi.StatusWaitingResponse || r.Law != foi.LawFOIA ||
		!strings.Contains(r.Description, "spending on agency staff") {
		t.Errorf("logged %+v", r)
	}
	if want := time.Date(2026, 4, 14, 0, 0, 0, 0, time.UTC); !r.Due.Equal(want) {
		t.Errorf("due %s, want %s", r.Due.Format(time.DateOnly), want.Format(time.DateOnly))
	}
}

// TestServeFOIRequestOverWebChat makes an FOI request through the web
// chat of a running server and finds it in the officers' case list.
func TestServeFOIRequestOverWebChat(t *testing.T) {
	getenv := demoFOI(t, map[string]string{"TOWNHALL_FOI_OFFICERS": "1"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest}, envConfig(getenv))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		<-done
		s.Close()
	}()

	ws, _, err := websocket.DefaultDialer.Dial("ws://"+s.Addr()+"/chat/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	type frame struct {
		Type, Role, Text string
	}
	ws.WriteJSON(map[string]any{"type": "hello"})
	var last frame
	sent := 0
	say := func(text string) frame {
		t.Helper()
		sent++
		ws.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprintf("m%d", sent), "text": text})
		for {
			var f frame
			if err := ws.ReadJSON(&f); err != nil {
				t.Fatalf("after %q: %v", text, err)
			}
			if f.Type == "error" {
				t.Fatalf("after %q: %+v", text, f)
			}
			if f.Type == "message" && f.Role == "assistant" {
				t.Logf("> %s\n%s", text, f.Text)
				last = f
				return f
			}
		}
	}
	for _, text := range []string{
		"I want to make an FOI request: how many e-scooters were seized in 2025?",
		"yes",
		"my name is Priya Patel and my email is priya@example.org",
	} {
		say(text)
	}
	if !strings.Contains(last.Text, "Is this right?") {
		t.Fatalf("got %q, want the summary to confirm", last.Text)
	}
	ack := say("yes, send it")
	ref := ""
	for _, w := range strings.Fields(ack.Text) {
		if strings.HasPrefix(w, "FOI-") {
			ref = strings.TrimRight(w, ".")
		}
	}
	if ref == "" || !strings.Contains(ack.Text, "We will reply by") {
		t.Fatalf("acknowledgement %q, want a reference and the due day", ack.Text)
	}

	res, err := http.Get("http://" + s.Addr() + "/foi/cases")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), ref) {
		t.Errorf("case list = %d, want %s listed", res.StatusCode, ref)
	}
}

// TestFOIIntakeSubmitLaw checks the assistant's requests are logged under
// the law the portal's form would choose: environmental information under
// the EIR (the EISR in Scotland), with an EIR reference, the rest under
// FOIA or FOISA.
func TestFOIIntakeSubmitLaw(t *testing.T) {
	received := time.Date(2026, 3, 12, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name        string
		nation      foi.Nation
		description string
		wantLaw     foi.Law
		wantPrefix  string
	}{
		{"environmental", foi.NationEnglandWales, "Air quality readings near the waste depot in 2025", foi.LawEIR, "EIR-2026-"},
		{"environmental in Scotland", foi.NationScotland, "Noise complaints about the quarry", foi.LawEISR, "EIR-2026-"},
		{"information", foi.NationEnglandWales, "Spending on agency staff in 2025", foi.LawFOIA, "FOI-2026-"},
		{"street is not tree", foi.NationEnglandWales, "Street lighting repairs on Mill Lane", foi.LawFOIA, "FOI-2026-"},
		{"information in Scotland", foi.NationScotland, "Number of social workers", foi.LawFOISA, "FOI-2026-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			svc := foi.NewService(foitest.NewMemoryStore(), tt.nation, func() time.Time { return received })
			in := &foiIntake{svc: svc}
			rec, err := in.Submit(ctx, assistant.FOIRequest{Name: "Sam Jones", Email: "sam@example.org", Description: tt.description})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Law != tt.wantLaw.Title() || !strings.HasPrefix(rec.Reference, tt.wantPrefix) {
				t.Errorf("receipt law %q reference %q, want %q and %s...", rec.Law, rec.Reference, tt.wantLaw.Title(), tt.wantPrefix)
			}
			rs, _, err := svc.Store.FindRequests(ctx, foi.RequestFilter{})
			if err != nil || len(rs) != 1 {
				t.Fatalf("logged %d requests (%v), want 1", len(rs), err)
			}
			if rs[0].Law != tt.wantLaw || rs[0].Reference != rec.Reference {
				t.Errorf("logged law %s reference %s, want %s %s", rs[0].Law, rs[0].Reference, tt.wantLaw, rec.Reference)
			}
		})
	}
}
