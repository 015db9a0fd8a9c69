package evals_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/evals"
)

// feedbackList is an in-memory FeedbackSource.
type feedbackList []evals.Feedback

func (f feedbackList) UnhelpfulFeedback(_ context.Context, since time.Time) ([]evals.Feedback, error) {
	var out []evals.Feedback
	for _, fb := range f {
		if !fb.At.Before(since) {
			out = append(out, fb)
		}
	}
	return out, nil
}

func TestExportDrafts(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "assistant.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	turn := func(seq int, role assistant.Role, text string) assistant.Turn {
		return assistant.Turn{Seq: seq, Role: role, Text: text, At: at}
	}
	permits := &assistant.Conversation{
		ID: "web-1", Channel: assistant.ChannelWeb, Resident: "s1", Needs: assistant.Needs{PlainEnglish: true},
		Created: at, Updated: at,
		Turns: []assistant.Turn{
			turn(1, assistant.RoleResident, "tell me about parking permits"),
			{Seq: 2, Role: assistant.RoleAssistant, Text: "Permits cost £12 [1].", Intent: assistant.IntentAnswer, At: at,
				Citations: []assistant.Citation{{N: 1, DocID: "permits.html"}}},
			turn(3, assistant.RoleResident, "and for visitors? email me at jo@example.com"),
			{Seq: 4, Role: assistant.RoleAssistant, Text: "Sorry, I don't know.", Intent: assistant.IntentRefuse, At: at},
			turn(5, assistant.RoleResident, "thanks anyway"),
			{Seq: 6, Role: assistant.RoleAssistant, Text: "You're welcome.", Intent: assistant.IntentAnswer, At: at},
		},
	}
	if err := db.SaveConversation(ctx, permits); err != nil {
		t.Fatal(err)
	}
	person := &assistant.Conversation{ID: "sms-2", Channel: assistant.ChannelSMS, Resident: "+447700900000", Created: at, Updated: at,
		Turns: []assistant.Turn{turn(1, assistant.RoleResident, "my council tax is wrong"), turn(2, assistant.RoleAssistant, "Here is how bands work."),
			turn(3, assistant.RoleResident, "I want to speak to a person")}}
	if err := db.SaveConversation(ctx, person); err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueHandoff(ctx, assistant.NewHandoff(person, assistant.ReasonExplicit, false, at.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	fb := feedbackList{
		{ConversationID: "web-1", Seq: 4, Comment: "didn't\nanswer", At: at.Add(time.Minute)},
		{ConversationID: "web-1", Seq: 4, At: at.Add(2 * time.Minute)}, // rated twice: one draft
		{ConversationID: "deleted", Seq: 2, At: at.Add(3 * time.Minute)},
		{ConversationID: "expired", Seq: 2, At: at.Add(4 * time.Minute), Question: "when is the tip open?", Answer: "Sorry, I don't know."},
	}
	redact := func(s string) string { return strings.ReplaceAll(s, "jo@example.com", "[email removed]") }
	drafts, err := evals.ExportDrafts(ctx, evals.ExportOptions{Conversations: db, Feedback: fb, Handoffs: db, Redact: redact})
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 3 {
		t.Fatalf("got %d drafts, want 3: %+v", len(drafts), drafts)
	}
	want := []evals.Case{
		{ID: "draft-web-1-2", Turns: []string{"tell me about parking permits", "and for visitors? email me at [email removed]"},
			Channel: "web", Needs: []string{"plain_english"}, Tags: []string{"draft", "from-feedback"}},
		{ID: "draft-expired-1", Turns: []string{"when is the tip open?"}, Channel: "web", Tags: []string{"draft", "from-feedback"}},
		{ID: "draft-sms-2-2", Turns: []string{"my council tax is wrong", "I want to speak to a person"},
			Channel: "sms", Tags: []string{"draft", "from-handoff"}, Expect: evals.Expect{Intent: "handoff"}},
	}
	if diff := cmp.Diff(want, []evals.Case{drafts[0].Case, drafts[1].Case, drafts[2].Case}); diff != "" {
		t.Errorf("draft cases (-want +got):\n%s", diff)
	}
	if drafts[0].Reply != "Sorry, I don't know." || drafts[0].ReplyIntent != "refuse" || drafts[2].Origin != "handoff:explicit_request" {
		t.Errorf("drafts %+v, want the refusal as the reply and the hand-off's reason as origin", drafts)
	}

	// Since leaves out what came before.
	later, err := evals.ExportDrafts(ctx, evals.ExportOptions{Conversations: db, Feedback: fb, Handoffs: db, Since: at.Add(30 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 1 || later[0].Origin != "handoff:explicit_request" {
		t.Errorf("since: got %d drafts, want the hand-off alone", len(later))
	}
	drafts = drafts[:1]
	want = want[:1]

	// The written suite reads back, comments and all, with empty
	// expectations written out for staff to fill in.
	var buf bytes.Buffer
	if err := evals.WriteDrafts(&buf, drafts); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, s := range []string{`"sources":[]`, `"facts":[]`, "// feedback on 2026-03-02 10:01; resident said: didn't answer", "// replied (refuse): Sorry"} {
		if !strings.Contains(text, s) {
			t.Errorf("suite lacks %q:\n%s", s, text)
		}
	}
	back, err := evals.ReadSuite(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("suite read back (-want +got):\n%s", diff)
	}
}
