package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/webchat"
)

// Receiver takes a resident's message into a conversation.
// *webchat.Server implements it: it answers through the assistant, or
// passes the message to the member of staff who holds the conversation,
// and shows it in the staff console either way.
type Receiver interface {
	Receive(ctx context.Context, in webchat.Incoming) (*webchat.Receipt, error)
}

// Longest answers sent, in characters: Twilio refuses SMS bodies over
// 1,600 and WhatsApp text over 4,096. The assistant keeps SMS answers to
// two segments, so this only guards against a runaway answer.
const (
	maxSMSRunes      = 1600
	maxWhatsAppRunes = 4096
)

// ChatAnswerer is the Answerer that goes through the web chat server, so
// SMS and WhatsApp conversations share its hand-off to staff and appear
// in the console beside web ones.
type ChatAnswerer struct {
	Chat Receiver
	// Conversations is the assistant's store, read to resend an answer
	// that was computed before a crash but not yet queued for sending.
	Conversations assistant.ConversationStore
}

var _ Answerer = ChatAnswerer{}

// Answer implements Answerer. The message's provider id becomes the web
// chat's client id, which makes answering idempotent: a job run again
// after a crash finds its answer stored and sends that.
func (a ChatAnswerer) Answer(ctx context.Context, j *Job) ([]channels.Outbound, error) {
	m := j.Inbound
	in := webchat.Incoming{
		ConversationID: j.ConversationID,
		Channel:        assistant.Channel(m.From.Channel),
		Resident:       m.From.Key(),
		ClientID:       ClientID(m.ProviderID),
		Text:           m.Text,
	}
	switch m.Kind {
	case channels.KindReply:
		// A button's id is the whole suggestion; its title may be cut.
		if m.Reply != nil && m.Reply.ID != "" {
			in.Text = m.Reply.ID
		}
	case channels.KindLocation:
		if l := m.Location; l != nil {
			in.Location = &assistant.Location{Lat: l.Lat, Lon: l.Lon, Address: placeText(l)}
		}
	}
	rc, err := a.Chat.Receive(ctx, in)
	if err != nil {
		return nil, err
	}
	var text string
	var suggestions []string
	switch {
	case rc.Duplicate:
		if text, err = a.storedAnswer(ctx, j.ConversationID, rc.Seq); err != nil {
			return nil, err
		}
	case rc.Answer != nil:
		text, suggestions = rc.Answer.Text, rc.Answer.Suggestions
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	out := channels.Outbound{To: m.From, Text: text}
	switch m.From.Channel {
	case channels.WhatsApp:
		out.Text, _ = channels.CleanText(out.Text, maxWhatsAppRunes)
		out.QuickReplies = suggestions
	default:
		// Quick replies would add a "Reply with:" line to an SMS the
		// assistant has already cut to fit two segments.
		out.Text, _ = channels.CleanText(out.Text, maxSMSRunes)
	}
	return []channels.Outbound{out}, nil
}

// storedAnswer returns the assistant's turn that answered resident turn
// seq, or "" if there is none (staff held the conversation).
func (a ChatAnswerer) storedAnswer(ctx context.Context, conversationID string, seq int) (string, error) {
	if a.Conversations == nil {
		return "", nil
	}
	conv, err := a.Conversations.FindConversationByID(ctx, conversationID)
	if errors.Is(err, assistant.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("find conversation: %w", err)
	}
	for _, t := range conv.Turns {
		if t.Seq == seq+1 && t.Role == assistant.RoleAssistant {
			return t.Text, nil
		}
	}
	return "", nil
}

// ClientID turns a provider's message id into a web chat client id
// (letters and digits, at most 64): WhatsApp's wamids are long and
// carry '=' and '.'.
func ClientID(providerID string) string {
	sum := sha256.Sum256([]byte(providerID))
	return "p" + hex.EncodeToString(sum[:20])
}

// placeText is a shared place's name and address, the name left out when
// the address already says it ("Victoria Road" in "Victoria Road,
// Aldermoor").
func placeText(l *channels.Location) string {
	name, addr := strings.TrimSpace(l.Name), strings.TrimSpace(l.Address)
	switch {
	case name == "" || strings.Contains(strings.ToLower(addr), strings.ToLower(name)):
		return addr
	case addr == "":
		return name
	}
	return name + ", " + addr
}
