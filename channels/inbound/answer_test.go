package inbound_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/webchat"
)

// recordingReceiver plays the web chat server: it records what it is
// given and answers from a script.
type recordingReceiver struct {
	got     []webchat.Incoming
	receipt webchat.Receipt
}

func (r *recordingReceiver) Receive(_ context.Context, in webchat.Incoming) (*webchat.Receipt, error) {
	r.got = append(r.got, in)
	rc := r.receipt
	return &rc, nil
}

func TestChatAnswererMapsMessages(t *testing.T) {
	from := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	answer := &assistant.Answer{Text: "Where is the pothole?", Suggestions: []string{"Send my location"}}
	tests := []struct {
		name string
		in   channels.Inbound
		want webchat.Incoming
	}{
		{"text", channels.Inbound{ProviderID: "wamid.A==", From: from, Kind: channels.KindText, Text: "pothole on Mill Lane"},
			webchat.Incoming{Text: "pothole on Mill Lane"}},
		{"button", channels.Inbound{ProviderID: "wamid.B==", From: from, Kind: channels.KindReply, Text: "Report a pothole or…",
			Reply: &channels.Reply{ID: "Report a pothole or broken pavement", Title: "Report a pothole or…"}},
			webchat.Incoming{Text: "Report a pothole or broken pavement"}},
		{"location", channels.Inbound{ProviderID: "wamid.C==", From: from, Kind: channels.KindLocation,
			Location: &channels.Location{Lat: 51.5, Lon: -2.5, Name: "Mill Lane", Address: "Mill Lane, Aldermoor"}},
			webchat.Incoming{Location: &assistant.Location{Lat: 51.5, Lon: -2.5, Address: "Mill Lane, Aldermoor"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recordingReceiver{receipt: webchat.Receipt{Seq: 1, Answer: answer}}
			a := inbound.ChatAnswerer{Chat: r}
			out, err := a.Answer(context.Background(), &inbound.Job{ConversationID: "whatsapp-1", Inbound: &tt.in})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ConversationID, want.Channel, want.Resident = "whatsapp-1", assistant.ChannelWhatsApp, "whatsapp:+447700900001"
			want.ClientID = inbound.ClientID(tt.in.ProviderID)
			if diff := cmp.Diff([]webchat.Incoming{want}, r.got); diff != "" {
				t.Errorf("incoming (-want +got):\n%s", diff)
			}
			wantOut := []channels.Outbound{{To: from, Text: answer.Text, QuickReplies: answer.Suggestions}}
			if diff := cmp.Diff(wantOut, out); diff != "" {
				t.Errorf("replies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChatAnswererResendsStoredAnswer covers a job run again after a
// crash: the web chat reports the message as a duplicate, and the
// answer stored for it is sent instead of nothing.
func TestChatAnswererResendsStoredAnswer(t *testing.T) {
	ctx := context.Background()
	convs := assistanttest.NewConversations()
	now := time.Now()
	if err := convs.SaveConversation(ctx, &assistant.Conversation{ID: "sms-1", Channel: assistant.ChannelSMS, Resident: "sms:+447700900001",
		Created: now, Updated: now, Turns: []assistant.Turn{
			{Seq: 1, Role: assistant.RoleResident, Text: "bin day?", At: now},
			{Seq: 2, Role: assistant.RoleAssistant, Text: "Your bins are collected on Tuesdays.", At: now},
		}}); err != nil {
		t.Fatal(err)
	}
	from := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	a := inbound.ChatAnswerer{Chat: &recordingReceiver{receipt: webchat.Receipt{Seq: 1, Duplicate: true}}, Conversations: convs}
	out, err := a.Answer(ctx, &inbound.Job{ConversationID: "sms-1", Inbound: &channels.Inbound{ProviderID: "SM1", From: from, Kind: channels.KindText, Text: "bin day?"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []channels.Outbound{{To: from, Text: "Your bins are collected on Tuesdays."}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	// Staff held the conversation: nothing to send.
	a.Chat = &recordingReceiver{receipt: webchat.Receipt{Seq: 3, Staffed: true}}
	if out, err := a.Answer(ctx, &inbound.Job{ConversationID: "sms-1", Inbound: &channels.Inbound{ProviderID: "SM2", From: from, Kind: channels.KindText, Text: "hello?"}}); err != nil || len(out) != 0 {
		t.Errorf("staffed: got %v, %v; want no replies", out, err)
	}
}

func TestClientIDValid(t *testing.T) {
	for _, id := range []string{"SM1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5", "wamid.HBgLNDQ3NzAwOTAwNDU2FQIAEhgUM0EwMQ==", ""} {
		c := inbound.ClientID(id)
		if len(c) > 64 || len(c) == 0 {
			t.Errorf("ClientID(%q) = %q: length %d", id, c, len(c))
		}
		for _, r := range c {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Errorf("ClientID(%q) = %q has %q", id, c, r)
			}
		}
	}
	if inbound.ClientID("a") == inbound.ClientID("b") {
		t.Error("different ids give the same client id")
	}
}
