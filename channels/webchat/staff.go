package webchat

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
)

// Notices written into the transcript when staff take over, hand back or
// close. They are turns like any other, so the resident sees them on
// their channel and they survive a reconnect.
const (
	noticeReturned = "You are back with the council's online assistant. Ask me anything, or ask for a person again at any time."
	noticeClosed   = "Our team has closed this conversation. Thank you for contacting the council. If you need anything else, send a message."
)

func noticeJoined(staff string) string {
	return "You are now talking to " + staff + " from the council's team."
}

// Outcomes recorded on hand-offs closed from the console.
const (
	OutcomeReturned = "returned to the assistant"
	OutcomeClosed   = "closed by staff"
)

// Claim gives hand-off id to staff and tells the resident someone has
// joined. From then on the resident's messages go to staff, not the
// assistant. Errors wrap assistant.ErrConflict when someone else holds
// it, assistant.ErrNotFound for an unknown id.
func (s *Server) Claim(ctx context.Context, id int64, staff string) (*assistant.QueuedHandoff, error) {
	if s.cfg.Handoffs == nil {
		return nil, fmt.Errorf("no hand-off queue: %w", assistant.ErrNotFound)
	}
	h, err := s.cfg.Handoffs.ClaimHandoff(ctx, id, staff)
	if err != nil {
		return nil, err
	}
	st := s.acquire(h.ConversationID)
	defer s.release(st)
	unlock, err := s.lockTurn(ctx, st)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Hand-off ids are not reused and a claim is only ever closed, so a
	// holder known for this id means its notice was written, by this
	// machine or another.
	already := st.staffLoaded && st.staff == staff && st.handoffID == h.ID
	st.staffLoaded, st.staff, st.handoffID = true, staff, h.ID
	if already {
		return h, nil
	}
	return h, s.appendTurn(ctx, st, assistant.RoleStaff, noticeJoined(staff), nil)
}

// StaffReply sends staff's text to the resident of conversation id over
// the conversation's channel and stores it as a staff turn. It returns
// an error wrapping ErrNotYours unless staff has claimed the
// conversation's hand-off.
func (s *Server) StaffReply(ctx context.Context, id, staff, text string) error {
	if len(text) > assistant.MaxMessageBytes {
		return fmt.Errorf("reply of %d bytes: %w", len(text), assistant.ErrTooLarge)
	}
	text, _ = channels.CleanText(text, channels.MaxTextRunes)
	if text == "" {
		return fmt.Errorf("empty reply: %w", ErrInvalid)
	}
	st := s.acquire(id)
	defer s.release(st)
	unlock, err := s.lockTurn(ctx, st)
	if err != nil {
		return err
	}
	defer unlock()
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, id)
	if err != nil {
		return err
	}
	holder, err := s.staffOf(ctx, st, conv)
	if err != nil {
		return err
	}
	if holder != staff {
		return fmt.Errorf("conversation %s is held by %q: %w", id, holder, ErrNotYours)
	}
	return s.appendTurn(ctx, st, assistant.RoleStaff, text, nil)
}

// HandBack closes hand-off id and returns the conversation to the
// assistant, telling the resident.
func (s *Server) HandBack(ctx context.Context, id int64, staff string) (*assistant.QueuedHandoff, error) {
	return s.endHandoff(ctx, id, staff, OutcomeReturned, assistant.RoleAssistant, noticeReturned)
}

// CloseHandoff closes hand-off id with staff's outcome and tells the resident.
// Later messages are answered by the assistant again.
func (s *Server) CloseHandoff(ctx context.Context, id int64, staff, outcome string) (*assistant.QueuedHandoff, error) {
	if outcome == "" {
		outcome = OutcomeClosed
	}
	return s.endHandoff(ctx, id, staff, outcome, assistant.RoleStaff, noticeClosed)
}

// endHandoff closes a hand-off, frees the conversation and writes the notice.
func (s *Server) endHandoff(ctx context.Context, id int64, staff, outcome string, role assistant.Role, notice string) (*assistant.QueuedHandoff, error) {
	if s.cfg.Handoffs == nil {
		return nil, fmt.Errorf("no hand-off queue: %w", assistant.ErrNotFound)
	}
	h, err := s.cfg.Handoffs.CloseHandoff(ctx, id, staff, outcome)
	if err != nil {
		return nil, err
	}
	st := s.acquire(h.ConversationID)
	defer s.release(st)
	unlock, err := s.lockTurn(ctx, st)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st.staffLoaded, st.staff, st.handoffID = true, "", 0
	err = s.appendTurn(ctx, st, role, notice, func(c *assistant.Conversation) {
		// The conversation may be handed off again later.
		c.HandedOff, c.Failures = false, 0
	})
	return h, err
}

// appendTurn adds a turn to st's conversation, saves it, and on SMS or
// WhatsApp then hands it to the channel's sender (typically the
// delivery queue), then publishes it. The transcript is written first so
// that a crash between the two cannot leave a message on its way to the
// resident that the transcript lacks; a sender that refuses the message
// is asked first when it can say (channels.Checker), and the turn is
// taken out again if the send fails. change, if set, edits the
// conversation too. The caller holds st's lock.
func (s *Server) appendTurn(ctx context.Context, st *convState, role assistant.Role, text string, change func(*assistant.Conversation)) error {
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, st.id)
	if err != nil {
		return err
	}
	var sender channels.Sender
	out := channels.Outbound{To: identityOf(conv.Resident), Text: text}
	if conv.Channel != assistant.ChannelWeb {
		if sender = s.cfg.Senders[conv.Channel]; sender == nil {
			return fmt.Errorf("no sender for %s: %w", conv.Channel, channels.ErrInvalid)
		}
		if c, ok := sender.(channels.Checker); ok {
			if err := c.CheckSend(ctx, out); err != nil {
				return fmt.Errorf("deliver to %s: %w", conv.Channel, err)
			}
		}
	}
	before := *conv
	before.Turns = slices.Clone(conv.Turns)
	now := s.now()
	conv.Turns = append(conv.Turns, assistant.Turn{Seq: nextSeq(conv), Role: role, Text: text, At: now})
	conv.Updated = now
	if change != nil {
		change(conv)
	}
	if err := s.cfg.Conversations.SaveConversation(ctx, conv); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	if sender != nil {
		if _, err := sender.Send(ctx, out); err != nil {
			err = fmt.Errorf("deliver to %s: %w", conv.Channel, err)
			// Not sent, so not said: the transcript goes back to how it was.
			if rerr := s.cfg.Conversations.SaveConversation(context.WithoutCancel(ctx), &before); rerr != nil {
				err = errors.Join(err, fmt.Errorf("take the unsent turn out of the transcript: %w", rerr))
			}
			return err
		}
	}
	s.publish(ctx, st, nil)
	return nil
}

// findHandoff returns hand-off id from the queue, looking at open ones
// first. The queue interface has no lookup by id.
func (s *Server) findHandoff(ctx context.Context, id int64) (*assistant.QueuedHandoff, error) {
	if s.cfg.Handoffs == nil {
		return nil, assistant.ErrNotFound
	}
	for _, st := range [][]assistant.HandoffStatus{{assistant.HandoffWaiting, assistant.HandoffClaimed}, {assistant.HandoffClosed}} {
		hs, err := s.cfg.Handoffs.ListHandoffs(ctx, assistant.HandoffFilter{Status: st})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if h.ID == id {
				return h, nil
			}
		}
	}
	return nil, fmt.Errorf("hand-off %d: %w", id, assistant.ErrNotFound)
}

// isConflict reports a queue conflict (someone else holds it, or closed).
func isConflict(err error) bool { return errors.Is(err, assistant.ErrConflict) }
