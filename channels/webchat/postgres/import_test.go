package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

func TestImportFeedback(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db := MustOpenDB(t, url, pgtest.Schema(t, url, "test_webchat_"))
	at := time.Date(2026, 6, 1, 9, 0, 0, 123456000, time.UTC)
	newer := webchat.Feedback{ConversationID: "web-1", Seq: 2, Helpful: false, Channel: assistant.ChannelWeb,
		Question: "q", Answer: "a", At: at.Add(time.Hour)}
	if err := db.SaveFeedback(ctx, newer); err != nil {
		t.Fatal(err)
	}
	older := newer
	older.Helpful, older.At = true, at
	other := webchat.Feedback{ConversationID: "web-2", Seq: 4, Helpful: true, Channel: assistant.ChannelWeb,
		Question: "bins\x00?", Answer: "Tuesday", At: at}
	in := postgres.Import{
		Feedback:              []webchat.Feedback{older, other},
		ClientMessages:        []webchat.MessageRecord{{ConversationID: "web-2", ClientID: "c-9", Seq: 3, At: at}},
		ResidentConversations: []webchat.MessageRecord{{Resident: "web:s1", ConversationID: "web-2", Channel: assistant.ChannelWeb, At: at}},
	}
	if counts, err := db.Import(ctx, in, postgres.ImportOptions{DryRun: true}); err != nil || counts[2].Copied != 1 || counts[2].Present != 1 {
		t.Fatalf("dry run = %+v, %v; want one feedback to copy and one present", counts, err)
	}
	if got, err := db.FindFeedback(ctx, webchat.FeedbackFilter{}); err != nil || len(got) != 1 {
		t.Fatalf("after a dry run: %d feedback, %v; want 1", len(got), err)
	}
	if _, err := db.Import(ctx, in, postgres.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindFeedback(ctx, webchat.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	other.Question = "bins?" // PostgreSQL text holds no NUL
	if diff := cmp.Diff([]webchat.Feedback{other, newer}, got); diff != "" {
		t.Errorf("feedback (-want +got):\n%s", diff)
	}
	if seq, err := db.FindMessageSeq(ctx, "web-2", "c-9"); err != nil || seq != 3 {
		t.Errorf("FindMessageSeq = %d, %v; want 3", seq, err)
	}
	if convs, err := db.ResidentConversations(ctx, "web:s1", 0); err != nil || !cmp.Equal(convs, []string{"web-2"}) {
		t.Errorf("ResidentConversations = %q, %v; want [web-2]", convs, err)
	}
}
