package assistant

import (
	"context"
	"time"
)

// Intent is what a resident's turn asks of the council.
type Intent string

// The intents, as defined in shared/evals/FORMAT.md.
const (
	IntentAnswer         Intent = "answer"          // a grounded answer from council content
	IntentServiceRequest Intent = "service_request" // log a request (pothole, missed bin, ...)
	IntentFOIRequest     Intent = "foi_request"     // make a new FOI request
	IntentHandoff        Intent = "handoff"         // to a person
	IntentRefuse         Intent = "refuse"          // out of scope, unsafe, or not known: decline and signpost
	IntentEmergency      Intent = "emergency"       // danger to life: 999 first
)

// Channel is how the resident reaches us; answers are formatted for it.
type Channel string

// The channels.
const (
	ChannelWeb      Channel = "web"
	ChannelSMS      Channel = "sms"
	ChannelWhatsApp Channel = "whatsapp"
)

// Needs is what a resident has told us about themselves.
type Needs struct {
	ScreenReader bool
	PlainEnglish bool
	LowLiteracy  bool
	BSL          bool
	Language     string // ISO 639-1 code of another language, "" for English
}

// ParseNeeds reads the eval format's needs list: screen_reader,
// plain_english, low_literacy, bsl, other_language:<code>.
func ParseNeeds(list []string) Needs {
	var n Needs
	for _, s := range list {
		switch {
		case s == "screen_reader":
			n.ScreenReader = true
		case s == "plain_english":
			n.PlainEnglish = true
		case s == "low_literacy":
			n.LowLiteracy = true
		case s == "bsl":
			n.BSL = true
		case len(s) > len("other_language:") && s[:len("other_language:")] == "other_language:":
			n.Language = s[len("other_language:"):]
		}
	}
	return n
}

// Role says who spoke a turn.
type Role string

// The roles.
const (
	RoleResident  Role = "resident"
	RoleAssistant Role = "assistant"
	RoleStaff     Role = "staff"
)

// Turn is one message in a conversation.
type Turn struct {
	Seq       int // 1-based, increasing within a conversation
	Role      Role
	Text      string
	Intent    Intent     // assistant turns: the intent answered
	Citations []Citation // assistant turns
	At        time.Time
}

// Conversation is a resident's exchange with the council on one channel.
type Conversation struct {
	ID       string
	Channel  Channel
	Resident string // channel identity key (phone, WhatsApp id, web session)
	Needs    Needs
	Turns    []Turn
	// Pending is the service request being collected, if any.
	Pending *ServiceRequest
	// FOI is the FOI request being collected, if any (see FOIDraft).
	FOI *FOIDraft
	// Failures counts consecutive turns the assistant could not answer;
	// two in a row trigger a hand-off offer.
	Failures  int
	HandedOff bool
	Created   time.Time
	Updated   time.Time
}

// ResidentTurns returns the texts of the resident's turns, oldest first.
func (c *Conversation) ResidentTurns() []string {
	var out []string
	for _, t := range c.Turns {
		if t.Role == RoleResident {
			out = append(out, t.Text)
		}
	}
	return out
}

// ConversationStore keeps conversations. Implementations: assistant/sqlite
// (embedded default) and an in-memory one in assistant/assistanttest.
type ConversationStore interface {
	// FindConversationByID returns ErrNotFound for an unknown id.
	FindConversationByID(ctx context.Context, id string) (*Conversation, error)
	// SaveConversation creates or replaces a conversation, turns included.
	SaveConversation(ctx context.Context, c *Conversation) error
}
