// Package assistanttest provides real, in-memory implementations of the
// assistant's storage interfaces and a fake composer for tests. The stores
// copy on the way in and out, as a database would, so code under test
// cannot pass by sharing pointers with the store.
package assistanttest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/townhall-civic/townhall/assistant"
)

// Conversations is an in-memory assistant.ConversationStore.
type Conversations struct {
	mu    sync.Mutex
	convs map[string]*assistant.Conversation
}

var _ assistant.ConversationStore = (*Conversations)(nil)

// NewConversations returns an empty store.
func NewConversations() *Conversations {
	return &Conversations{convs: map[string]*assistant.Conversation{}}
}

// FindConversationByID implements assistant.ConversationStore.
func (s *Conversations) FindConversationByID(_ context.Context, id string) (*assistant.Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[id]
	if !ok {
		return nil, fmt.Errorf("conversation %q: %w", id, assistant.ErrNotFound)
	}
	return CloneConversation(c), nil
}

// SaveConversation implements assistant.ConversationStore.
func (s *Conversations) SaveConversation(_ context.Context, c *assistant.Conversation) error {
	if c == nil || c.ID == "" {
		return fmt.Errorf("conversation without id: %w", assistant.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convs[c.ID] = CloneConversation(c)
	return nil
}

// Len returns the number of conversations stored.
func (s *Conversations) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.convs)
}

// CloneConversation returns a deep copy of c.
func CloneConversation(c *assistant.Conversation) *assistant.Conversation {
	if c == nil {
		return nil
	}
	out := *c
	out.Turns = slices.Clone(c.Turns)
	for i := range out.Turns {
		out.Turns[i].Citations = slices.Clone(c.Turns[i].Citations)
	}
	out.Pending = cloneRequest(c.Pending)
	if c.FOI != nil {
		foi := *c.FOI
		out.FOI = &foi
	}
	return &out
}

func cloneRequest(r *assistant.ServiceRequest) *assistant.ServiceRequest {
	if r == nil {
		return nil
	}
	out := *r
	out.Answers = maps.Clone(r.Answers)
	return &out
}

// ServiceRequests is an in-memory assistant.ServiceRequests. It assigns a
// reference when a request has none.
type ServiceRequests struct {
	mu    sync.Mutex
	byRef map[string]*assistant.ServiceRequest
	order []string
	// Err, if set, is returned by CreateServiceRequest, to test that a
	// failed write is never acknowledged.
	Err error
}

var _ assistant.ServiceRequests = (*ServiceRequests)(nil)

// NewServiceRequests returns an empty store.
func NewServiceRequests() *ServiceRequests {
	return &ServiceRequests{byRef: map[string]*assistant.ServiceRequest{}}
}

// CreateServiceRequest implements assistant.ServiceRequests.
func (s *ServiceRequests) CreateServiceRequest(_ context.Context, r *assistant.ServiceRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if r.Reference == "" {
		r.Reference = fmt.Sprintf("TEST-%06d", len(s.order)+1)
	}
	if _, ok := s.byRef[r.Reference]; ok {
		return fmt.Errorf("reference %q: %w", r.Reference, assistant.ErrConflict)
	}
	s.byRef[r.Reference] = cloneRequest(r)
	s.order = append(s.order, r.Reference)
	return nil
}

// FindServiceRequestByReference implements assistant.ServiceRequests.
func (s *ServiceRequests) FindServiceRequestByReference(_ context.Context, ref string) (*assistant.ServiceRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byRef[ref]
	if !ok {
		return nil, fmt.Errorf("service request %q: %w", ref, assistant.ErrNotFound)
	}
	return cloneRequest(r), nil
}

// All returns every stored request in the order created.
func (s *ServiceRequests) All() []*assistant.ServiceRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*assistant.ServiceRequest, len(s.order))
	for i, ref := range s.order {
		out[i] = cloneRequest(s.byRef[ref])
	}
	return out
}

// Handoffs is an in-memory assistant.HandoffQueue.
type Handoffs struct {
	mu sync.Mutex
	q  []assistant.Handoff
}

var _ assistant.HandoffQueue = (*Handoffs)(nil)

// EnqueueHandoff implements assistant.HandoffQueue.
func (h *Handoffs) EnqueueHandoff(_ context.Context, x assistant.Handoff) error {
	if x.ConversationID == "" {
		return fmt.Errorf("hand-off without conversation: %w", assistant.ErrInvalid)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	x.Transcript = slices.Clone(x.Transcript)
	h.q = append(h.q, x)
	return nil
}

// All returns the queued hand-offs, oldest first.
func (h *Handoffs) All() []assistant.Handoff {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.q)
}
