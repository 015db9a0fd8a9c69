// Package webchattest provides an in-memory implementation of the web
// chat's stores for tests.
package webchattest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/townhall-civic/townhall/channels/webchat"
)

// Store is an in-memory webchat.MessageLog and webchat.FeedbackStore.
// The zero value is ready to use.
type Store struct {
	mu        sync.Mutex
	clientIDs map[string]map[string]int // conversation -> client id -> seq
	residents map[string][]webchat.MessageRecord
	feedback  []webchat.Feedback
}

var (
	_ webchat.MessageLog    = (*Store)(nil)
	_ webchat.FeedbackStore = (*Store)(nil)
)

// RecordMessage implements webchat.MessageLog.
func (s *Store) RecordMessage(_ context.Context, r webchat.MessageRecord) error {
	if r.ConversationID == "" {
		return fmt.Errorf("message without conversation: %w", webchat.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clientIDs == nil {
		s.clientIDs, s.residents = map[string]map[string]int{}, map[string][]webchat.MessageRecord{}
	}
	if r.ClientID != "" {
		ids := s.clientIDs[r.ConversationID]
		if ids == nil {
			ids = map[string]int{}
			s.clientIDs[r.ConversationID] = ids
		}
		if _, ok := ids[r.ClientID]; !ok {
			ids[r.ClientID] = r.Seq
		}
	}
	if r.Resident != "" && !slices.ContainsFunc(s.residents[r.Resident], func(x webchat.MessageRecord) bool { return x.ConversationID == r.ConversationID }) {
		s.residents[r.Resident] = append(s.residents[r.Resident], r)
	}
	return nil
}

// FindMessageSeq implements webchat.MessageLog.
func (s *Store) FindMessageSeq(_ context.Context, conversationID, clientID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq, ok := s.clientIDs[conversationID][clientID]
	if !ok {
		return 0, fmt.Errorf("client id %q: %w", clientID, webchat.ErrNotFound)
	}
	return seq, nil
}

// ClientIDs implements webchat.MessageLog.
func (s *Store) ClientIDs(_ context.Context, conversationID string) (map[int]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]string{}
	for id, seq := range s.clientIDs[conversationID] {
		out[seq] = id
	}
	return out, nil
}

// ResidentConversations implements webchat.MessageLog.
func (s *Store) ResidentConversations(_ context.Context, resident string, limit int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := slices.Clone(s.residents[resident])
	slices.SortStableFunc(rs, func(a, b webchat.MessageRecord) int { return b.At.Compare(a.At) })
	var out []string
	for _, r := range rs {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, r.ConversationID)
	}
	return out, nil
}

// SaveFeedback implements webchat.FeedbackStore.
func (s *Store) SaveFeedback(_ context.Context, f webchat.Feedback) error {
	if f.ConversationID == "" || f.Seq < 1 {
		return fmt.Errorf("feedback on %q turn %d: %w", f.ConversationID, f.Seq, webchat.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.feedback {
		if x.ConversationID == f.ConversationID && x.Seq == f.Seq {
			s.feedback[i].Helpful, s.feedback[i].At = f.Helpful, f.At
			return nil
		}
	}
	s.feedback = append(s.feedback, f)
	return nil
}

// FindFeedback implements webchat.FeedbackStore.
func (s *Store) FindFeedback(_ context.Context, f webchat.FeedbackFilter) ([]webchat.Feedback, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []webchat.Feedback
	for _, x := range s.feedback {
		if (f.ConversationID == "" || x.ConversationID == f.ConversationID) && (f.Since.IsZero() || !x.At.Before(f.Since)) {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b webchat.Feedback) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Record returns a MessageRecord for a web conversation.
func Record(conversationID, clientID string, seq int) webchat.MessageRecord {
	return webchat.MessageRecord{ConversationID: conversationID, ClientID: clientID, Seq: seq,
		Resident: "web:test", Channel: "web"}
}
