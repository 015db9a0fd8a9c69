package webchat

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
)

// convState is what the server keeps in memory for a conversation that
// has subscribers or a message being handled.
type convState struct {
	id string
	// turn serialises changes to the conversation in this process, so
	// sequence numbers and client id checks cannot race; Server.lockTurn
	// adds the lock across machines when the store has one.
	turn chan struct{}

	// Guarded by turn.
	staffLoaded bool
	staff       string // who has claimed the hand-off, "" when nobody
	handoffID   int64

	// Guarded by Server.mu.
	refs int
	subs map[*client]struct{}
	// extra holds what the latest answer carries beyond its turn.
	extra struct {
		seq         int
		suggestions []string
		handoff     bool
		service     string
		retrieved   []string
	}
}

func (st *convState) lock(ctx context.Context) error {
	select {
	case st.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (st *convState) unlock() { <-st.turn }

// acquire returns the state for conversation id, creating it, and holds
// a reference until release.
func (s *Server) acquire(id string) *convState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.convs[id]
	if st == nil {
		st = &convState{id: id, turn: make(chan struct{}, 1), subs: map[*client]struct{}{}}
		s.convs[id] = st
	}
	st.refs++
	return st
}

func (s *Server) release(st *convState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.refs--
	if st.refs <= 0 && len(st.subs) == 0 && s.convs[st.id] == st {
		delete(s.convs, st.id)
	}
}

// Incoming is one message from a resident.
type Incoming struct {
	// ConversationID is required: the widget is given one at hello, the
	// chat page keeps one in a cookie.
	ConversationID string
	Channel        assistant.Channel
	// Resident is the channel identity key ("web:<session>").
	Resident string
	// ClientID, if set, makes sending idempotent: a second message with
	// the same id in the same conversation is not handled again.
	ClientID string
	Text     string
	Needs    *assistant.Needs
	// Location is a place the resident shared (WhatsApp); Text may then
	// be empty.
	Location *assistant.Location
}

// Receipt says what became of an Incoming.
type Receipt struct {
	// Seq is the resident's turn.
	Seq int
	// Duplicate is set when ClientID had already been handled; nothing
	// was done this time.
	Duplicate bool
	// Answer is the assistant's reply, nil when staff have the
	// conversation (they answer in their own time) or for a duplicate.
	Answer *assistant.Answer
	// Staffed is set when the message went to staff.
	Staffed bool
}

// Receive handles one resident message: it is answered by the assistant,
// or, when a member of staff has claimed the conversation, stored for
// them. Every subscriber of the conversation (the resident's tabs, the
// console) is sent the new turns. The work is detached from ctx's
// cancellation, so a resident who disconnects still has the answer
// stored for their return; it is bounded by Config.AnswerTimeout.
//
// Errors wrap assistant.ErrTooLarge, ErrInvalid or ErrUnavailable for the
// caller to show; others are internal.
func (s *Server) Receive(ctx context.Context, in Incoming) (*Receipt, error) {
	if len(in.Text) > assistant.MaxMessageBytes {
		return nil, fmt.Errorf("message of %d bytes: %w", len(in.Text), assistant.ErrTooLarge)
	}
	text, _ := channels.CleanText(in.Text, channels.MaxTextRunes)
	if text == "" && in.Location == nil {
		return nil, fmt.Errorf("empty message: %w", ErrInvalid)
	}
	if !validID(in.ConversationID) || (in.ClientID != "" && !validID(in.ClientID)) {
		return nil, fmt.Errorf("conversation %q, client id %q: %w", in.ConversationID, in.ClientID, ErrInvalid)
	}
	if err := s.beginAnswer(); err != nil {
		return nil, err
	}
	defer s.inflight.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.AnswerTimeout)
	defer cancel()

	st := s.acquire(in.ConversationID)
	defer s.release(st)
	unlock, err := s.lockTurn(ctx, st)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if in.ClientID != "" {
		seq, err := s.cfg.Messages.FindMessageSeq(ctx, in.ConversationID, in.ClientID)
		switch {
		case err == nil:
			return &Receipt{Seq: seq, Duplicate: true}, nil
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("find client id: %w", err)
		}
	}
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, in.ConversationID)
	switch {
	case errors.Is(err, assistant.ErrNotFound):
		conv = nil
	case err != nil:
		return nil, fmt.Errorf("find conversation: %w", err)
	case conv.Channel != in.Channel:
		return nil, fmt.Errorf("conversation %s is on %s, not %s: %w", conv.ID, conv.Channel, in.Channel, ErrInvalid)
	}
	seq := nextSeq(conv)
	rec := MessageRecord{ConversationID: in.ConversationID, ClientID: in.ClientID, Seq: seq,
		Resident: in.Resident, Channel: in.Channel, At: s.now()}

	if staff, err := s.staffOf(ctx, st, conv); err != nil {
		return nil, err
	} else if staff != "" {
		said := text
		if said == "" {
			said = locationText(in.Location)
		}
		conv.Turns = append(conv.Turns, assistant.Turn{Seq: seq, Role: assistant.RoleResident, Text: said, At: rec.At})
		conv.Updated = rec.At
		if err := s.cfg.Conversations.SaveConversation(ctx, conv); err != nil {
			return nil, fmt.Errorf("save conversation: %w", err)
		}
		if err := s.cfg.Messages.RecordMessage(ctx, rec); err != nil {
			return nil, fmt.Errorf("record message: %w", err)
		}
		s.publish(ctx, st, map[int]string{seq: in.ClientID})
		return &Receipt{Seq: seq, Staffed: true}, nil
	}

	s.broadcast(st, serverFrame{Type: FrameTyping, Role: assistant.RoleAssistant})
	select {
	case s.answering <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting to answer: %w", ctx.Err())
	}
	defer func() { <-s.answering }()
	req := assistant.Request{ConversationID: in.ConversationID, Channel: in.Channel, Resident: in.Resident, Needs: in.Needs, Text: text, Location: in.Location}
	var ans *assistant.Answer
	if sr, ok := s.cfg.Assistant.(StreamResponder); ok {
		ans, err = sr.RespondStream(ctx, req, func(partial string) {
			s.broadcast(st, serverFrame{Type: FramePartial, Seq: seq + 1, Text: partial})
		})
	} else {
		ans, err = s.cfg.Assistant.Respond(ctx, req)
	}
	if err != nil {
		return nil, fmt.Errorf("respond: %w", err)
	}
	if err := s.cfg.Messages.RecordMessage(ctx, rec); err != nil {
		return nil, fmt.Errorf("record message: %w", err)
	}
	s.mu.Lock()
	st.extra.seq, st.extra.suggestions, st.extra.handoff = seq+1, ans.Suggestions, ans.Handoff
	st.extra.service, st.extra.retrieved = ans.Service, ans.Retrieved
	s.mu.Unlock()
	s.publish(ctx, st, map[int]string{seq: in.ClientID})
	return &Receipt{Seq: seq, Answer: ans}, nil
}

// locationText describes a shared location for staff, who read the
// transcript of a conversation they hold.
func locationText(l *assistant.Location) string {
	link := fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f", l.Lat, l.Lon)
	if l.Address != "" {
		return "(shared a location: " + l.Address + " " + link + ")"
	}
	return "(shared a location: " + link + ")"
}

// nextSeq is the sequence number of the next turn of conv (nil: a new
// conversation).
func nextSeq(conv *assistant.Conversation) int {
	if conv == nil || len(conv.Turns) == 0 {
		return 1
	}
	return conv.Turns[len(conv.Turns)-1].Seq + 1
}

// staffOf returns who has claimed conv's hand-off. On one machine it is
// loaded from the queue the first time and then kept up to date by
// Claim, HandBack and CloseHandoff; when other machines share the queue
// it is read afresh for a handed-off conversation (see ClaimReader). The
// caller holds st's lock.
func (s *Server) staffOf(ctx context.Context, st *convState, conv *assistant.Conversation) (string, error) {
	if s.sharedClaims() {
		return s.readClaim(ctx, st, conv)
	}
	if st.staffLoaded {
		return st.staff, nil
	}
	if conv == nil || !conv.HandedOff || s.cfg.Handoffs == nil {
		st.staffLoaded = true
		return "", nil
	}
	return s.listClaim(ctx, st, conv)
}

// publish sends every subscriber the turns it has not seen. ids maps new
// resident turns to their client ids. Failures are logged: subscribers
// that miss a turn get it when they next reconnect.
func (s *Server) publish(ctx context.Context, st *convState, ids map[int]string) {
	subs := s.subscribers(st)
	if len(subs) == 0 {
		return
	}
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, st.id)
	if err != nil {
		s.cfg.Logger.Warn("webchat: publish: load conversation", "err", err)
		return
	}
	s.mu.Lock()
	extra := st.extra
	s.mu.Unlock()
	for _, c := range subs {
		c.sync(conv, func(seq int) turnExtra {
			if seq == extra.seq {
				return turnExtra{clientID: ids[seq], suggestions: extra.suggestions, handoff: extra.handoff, service: extra.service, retrieved: extra.retrieved}
			}
			return turnExtra{clientID: ids[seq]}
		})
	}
}

// broadcast sends f to every subscriber of st.
func (s *Server) broadcast(st *convState, f serverFrame) {
	for _, c := range s.subscribers(st) {
		c.send(f)
	}
}

// broadcastOthers sends f to st's subscribers other than from.
func (s *Server) broadcastOthers(st *convState, from *client, f serverFrame) {
	for _, c := range s.subscribers(st) {
		if c != from {
			c.send(f)
		}
	}
}

func (s *Server) subscribers(st *convState) []*client {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*client, 0, len(st.subs))
	for c := range st.subs {
		out = append(out, c)
	}
	return out
}

// subscribe adds c to conversation id's subscribers and returns its state.
func (s *Server) subscribe(id string, c *client) *convState {
	st := s.acquire(id)
	s.mu.Lock()
	st.subs[c] = struct{}{}
	s.mu.Unlock()
	s.release(st)
	return st
}

func (s *Server) unsubscribe(st *convState, c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(st.subs, c)
	if st.refs <= 0 && len(st.subs) == 0 && s.convs[st.id] == st {
		delete(s.convs, st.id)
	}
}

// saveFeedback stores a resident's verdict on answer seq of conversation
// id. It returns an error wrapping ErrInvalid when seq is not an answer.
func (s *Server) saveFeedback(ctx context.Context, id string, ch assistant.Channel, seq int, helpful bool) error {
	if s.cfg.Feedback == nil {
		return fmt.Errorf("feedback is not kept: %w", ErrInvalid)
	}
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, id)
	if errors.Is(err, assistant.ErrNotFound) {
		return fmt.Errorf("conversation %q: %w", id, ErrInvalid)
	} else if err != nil {
		return err
	}
	if conv.Channel != ch {
		return fmt.Errorf("conversation on another channel: %w", ErrInvalid)
	}
	f := Feedback{ConversationID: id, Seq: seq, Helpful: helpful, Channel: conv.Channel, At: s.now()}
	found := false
	for _, t := range conv.Turns {
		if t.Seq == seq {
			if t.Role != assistant.RoleAssistant {
				break
			}
			f.Answer, found = t.Text, true
			break
		}
		if t.Role == assistant.RoleResident {
			f.Question = t.Text
		}
	}
	if !found {
		return fmt.Errorf("turn %d is not an answer: %w", seq, ErrInvalid)
	}
	return s.cfg.Feedback.SaveFeedback(ctx, f)
}

// identityOf turns a resident key ("sms:+447700900123") into the
// channels' Identity.
func identityOf(resident string) channels.Identity {
	ch, addr, _ := strings.Cut(resident, ":")
	return channels.Identity{Channel: channels.Channel(ch), Address: addr}
}
