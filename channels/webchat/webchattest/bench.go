package webchattest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
)

// BenchmarkStores measures what the web chat asks of its store per
// resident message: recording the message (RecordMessage) and the
// resend check (FindMessageSeq), plus a reconnection's ClientIDs and a
// feedback write. open returns a new, empty store.
func BenchmarkStores(b *testing.B, open func(b *testing.B) Stores) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	b.Run("RecordMessage", func(b *testing.B) {
		s := open(b)
		i := 0
		for b.Loop() {
			r := webchat.MessageRecord{ConversationID: fmt.Sprintf("c%d", i/10), ClientID: fmt.Sprintf("m%d", i), Seq: 2*(i%10) + 1,
				Resident: fmt.Sprintf("web:s%d", i/50), Channel: assistant.ChannelWeb, At: t0.Add(time.Duration(i) * time.Second)}
			if err := s.RecordMessage(ctx, r); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("FindMessageSeq", func(b *testing.B) {
		s := open(b)
		for i := range 1000 {
			if err := s.RecordMessage(ctx, webchat.MessageRecord{ConversationID: fmt.Sprintf("c%d", i/10), ClientID: fmt.Sprintf("m%d", i), Seq: i%10 + 1, At: t0}); err != nil {
				b.Fatal(err)
			}
		}
		i := 0
		for b.Loop() {
			// Half found (a resend), half not (a new message).
			j := i % 2000
			_, err := s.FindMessageSeq(ctx, fmt.Sprintf("c%d", j/10), fmt.Sprintf("m%d", j))
			if (j < 1000) != (err == nil) {
				b.Fatalf("FindMessageSeq(c%d, m%d): %v", j/10, j, err)
			}
			i++
		}
	})
	b.Run("ClientIDs", func(b *testing.B) {
		s := open(b)
		for i := range 20 {
			if err := s.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "c", ClientID: fmt.Sprintf("m%d", i), Seq: 2*i + 1, At: t0}); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			if ids, err := s.ClientIDs(ctx, "c"); err != nil || len(ids) != 20 {
				b.Fatalf("ClientIDs = %d ids, %v; want 20", len(ids), err)
			}
		}
	})
	b.Run("SaveFeedback", func(b *testing.B) {
		s := open(b)
		i := 0
		for b.Loop() {
			f := webchat.Feedback{ConversationID: fmt.Sprintf("c%d", i), Seq: 2, Helpful: i%3 != 0, Channel: assistant.ChannelWeb,
				Question: "When is my bin day?", Answer: "Your bins are collected on Tuesdays.", At: t0}
			if err := s.SaveFeedback(ctx, f); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
