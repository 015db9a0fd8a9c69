package webchattest

import (
	"context"
	"errors"
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
	})

	t.Run("feedback", func(t *testing.T) {
		s := open(t)
		f := webchat.Feedback{ConversationID: "c1", Seq: 2, Helpful: true, Channel: assistant.ChannelWeb, Question: "q", Answer: "a", At: t0}
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
	})
}
