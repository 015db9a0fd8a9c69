package webchat

import (
	"context"
	"errors"
	"time"

	"github.com/townhall-civic/townhall/assistant"
)

// ErrNotFound is returned by stores for an unknown key.
var ErrNotFound = errors.New("not found")

// MessageRecord is what webchat remembers about a stored resident
// message beyond the turn itself.
type MessageRecord struct {
	ConversationID string
	// ClientID is the id the client gave the message ("" if none); Seq is
	// the turn it was stored as.
	ClientID string
	Seq      int
	// Resident and Channel join the conversation to the resident's
	// others, for the staff console.
	Resident string
	Channel  assistant.Channel
	At       time.Time
}

// MessageLog records client message ids, so a message resent after a
// dropped connection is not handled twice, and which conversations belong
// to which resident. Each method is one transaction.
type MessageLog interface {
	// RecordMessage stores r. Recording the same client id twice keeps
	// the first. It returns an error wrapping ErrInvalid for an empty
	// ConversationID.
	RecordMessage(ctx context.Context, r MessageRecord) error
	// FindMessageSeq returns the seq stored for a client id, or an error
	// wrapping ErrNotFound.
	FindMessageSeq(ctx context.Context, conversationID, clientID string) (int, error)
	// ClientIDs returns the conversation's client ids by seq.
	ClientIDs(ctx context.Context, conversationID string) (map[int]string, error)
	// ResidentConversations returns the ids of the resident's
	// conversations, most recently started first, at most limit (0 means
	// no limit).
	ResidentConversations(ctx context.Context, resident string, limit int) ([]string, error)
}

// Feedback is a resident's verdict on one answer, kept for the evals.
type Feedback struct {
	ConversationID string
	Seq            int // the assistant turn judged
	Helpful        bool
	Channel        assistant.Channel
	// Question and Answer are the resident's turn before the answer and
	// the answer's text, copied so an eval export needs no join.
	Question string
	Answer   string
	At       time.Time
}

// FeedbackFilter selects feedback. Zero fields do not filter.
type FeedbackFilter struct {
	ConversationID string
	Since          time.Time
	Limit          int
}

// FeedbackStore keeps feedback. Each method is one transaction.
type FeedbackStore interface {
	// SaveFeedback stores f, replacing an earlier verdict on the same
	// answer (a resident may change their mind). It returns an error
	// wrapping ErrInvalid for an empty ConversationID or a Seq below 1.
	SaveFeedback(ctx context.Context, f Feedback) error
	// FindFeedback returns the feedback matching f, oldest first.
	FindFeedback(ctx context.Context, f FeedbackFilter) ([]Feedback, error)
}

// ErrInvalid reports unusable input: an empty message, a bad id.
var ErrInvalid = errors.New("invalid input")

// ErrNotYours reports a staff action on a hand-off someone else holds or
// nobody has claimed.
var ErrNotYours = errors.New("hand-off not claimed by you")

// ErrUnavailable reports a message that arrived while the server drains.
var ErrUnavailable = errors.New("shutting down")
