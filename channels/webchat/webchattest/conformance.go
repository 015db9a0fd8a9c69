package webchattest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
)

// Stores is what a web chat store implements.
type Stores interface {
	webchat.MessageLog
	webchat.FeedbackStore
}

// TestStores is the conformance suite for web chat stores. open returns
// a new, empty store.
func TestStores(t *testing.T, open func(t *testing.T) Stores) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	t.Run("client ids", func(t *testing.T) {
		s := open(t)
		if _, err := s.FindMessageSeq(ctx, "c1", "m1"); !errors.Is(err, webchat.ErrNotFound) {
			t.Errorf("FindMessageSeq before recording: got %v, want ErrNotFound", err)
		}
		for _, r := range []webchat.MessageRecord{
			{ConversationID: "c1", ClientID: "m1", Seq: 1, Resident: "web:s1", Channel: assistant.ChannelWeb, At: t0},
			{ConversationID: "c1", ClientID: "m1", Seq: 9, Resident: "web:s1", Channel: assistant.ChannelWeb, At: t0}, // repeat keeps the first
			{ConversationID: "c1", ClientID: "m2", Seq: 3, Resident: "web:s1", Channel: assistant.ChannelWeb, At: t0},
			{ConversationID: "c2", ClientID: "m1", Seq: 1, At: t0},
		} {
			if err := s.RecordMessage(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if seq, err := s.FindMessageSeq(ctx, "c1", "m1"); err != nil || seq != 1 {
			t.Errorf("FindMessageSeq(c1, m1) = %d, %v; want 1", seq, err)
		}
		got, err := s.ClientIDs(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[int]string{1: "m1", 3: "m2"}, got); diff != "" {
			t.Errorf("ClientIDs (-want +got):\n%s", diff)
		}
		if err := s.RecordMessage(ctx, webchat.MessageRecord{ClientID: "x"}); !errors.Is(err, webchat.ErrInvalid) {
			t.Errorf("RecordMessage without conversation: got %v, want ErrInvalid", err)
		}
		if got, err := s.ClientIDs(ctx, "unknown"); err != nil || len(got) != 0 {
			t.Errorf("ClientIDs(unknown) = %v, %v; want none, nil", got, err)
		}
		// A message without a time is stamped by the store.
		if err := s.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "c3", ClientID: "m1", Seq: 1, Resident: "web:s3", Channel: assistant.ChannelWeb}); err != nil {
			t.Fatalf("RecordMessage without a time: %v", err)
		}
		if got, err := s.ResidentConversations(ctx, "web:s3", 0); err != nil || !slices.Equal(got, []string{"c3"}) {
			t.Errorf("ResidentConversations(web:s3) = %v, %v; want [c3]", got, err)
		}
	})

	t.Run("resident conversations", func(t *testing.T) {
		s := open(t)
		for i, id := range []string{"old", "mid", "new"} {
			r := webchat.MessageRecord{ConversationID: id, Seq: 1, Resident: "sms:+447700900123", Channel: assistant.ChannelSMS, At: t0.Add(time.Duration(i) * time.Hour)}
			if err := s.RecordMessage(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		// A later message in an old conversation does not move it.
		s.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "old", Seq: 3, Resident: "sms:+447700900123", At: t0.Add(5 * time.Hour)})
		got, err := s.ResidentConversations(ctx, "sms:+447700900123", 2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"new", "mid"}, got); diff != "" {
			t.Errorf("ResidentConversations (-want +got):\n%s", diff)
		}
		if got, _ := s.ResidentConversations(ctx, "web:nobody", 0); len(got) != 0 {
			t.Errorf("unknown resident has %v", got)
		}
		all, err := s.ResidentConversations(ctx, "sms:+447700900123", 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"new", "mid", "old"}, all); diff != "" {
			t.Errorf("ResidentConversations without a limit (-want +got):\n%s", diff)
		}
	})

	t.Run("feedback", func(t *testing.T) {
		s := open(t)
		f := webchat.Feedback{ConversationID: "c1", Seq: 2, Helpful: true, Channel: assistant.ChannelWeb, Question: "When’s my bin day? 🗑\n'quoted' \"too\"", Answer: "Tuesdays [1]\n\nSources:\n[1] Bins: https://example.gov.uk/bins?a=1&b=2", At: t0}
		if err := s.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		f2 := webchat.Feedback{ConversationID: "c2", Seq: 4, Helpful: false, Channel: assistant.ChannelWeb, Question: "q2", Answer: "a2", At: t0.Add(time.Minute)}
		if err := s.SaveFeedback(ctx, f2); err != nil {
			t.Fatal(err)
		}
		// Changing one's mind replaces the verdict.
		f.Helpful, f.At = false, t0.Add(2*time.Minute)
		if err := s.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindFeedback(ctx, webchat.FeedbackFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]webchat.Feedback{f2, f}, got); diff != "" {
			t.Errorf("FindFeedback (-want +got):\n%s", diff)
		}
		if got, _ := s.FindFeedback(ctx, webchat.FeedbackFilter{ConversationID: "c2"}); len(got) != 1 || got[0].Seq != 4 {
			t.Errorf("FindFeedback(c2) = %+v", got)
		}
		if err := s.SaveFeedback(ctx, webchat.Feedback{ConversationID: "c1"}); !errors.Is(err, webchat.ErrInvalid) {
			t.Errorf("SaveFeedback seq 0: got %v, want ErrInvalid", err)
		}
		if err := s.SaveFeedback(ctx, webchat.Feedback{Seq: 2, Helpful: true}); !errors.Is(err, webchat.ErrInvalid) {
			t.Errorf("SaveFeedback without conversation: got %v, want ErrInvalid", err)
		}
		// Since is inclusive; Limit keeps the oldest.
		if got, err := s.FindFeedback(ctx, webchat.FeedbackFilter{Since: t0.Add(time.Minute)}); err != nil || len(got) != 2 || got[0].Seq != 4 || got[1].Seq != 2 {
			t.Errorf("FindFeedback(since t0+1m) = %+v, %v; want c2/4 then c1/2", got, err)
		}
		if got, err := s.FindFeedback(ctx, webchat.FeedbackFilter{Since: t0.Add(90 * time.Second)}); err != nil || len(got) != 1 || got[0].ConversationID != "c1" {
			t.Errorf("FindFeedback(since t0+90s) = %+v, %v; want c1 alone", got, err)
		}
		if got, err := s.FindFeedback(ctx, webchat.FeedbackFilter{Limit: 1}); err != nil || len(got) != 1 || got[0].ConversationID != "c2" {
			t.Errorf("FindFeedback(limit 1) = %+v, %v; want c2 alone", got, err)
		}
	})
}
