package webchat

import (
	"context"
	"errors"
	"fmt"

	"github.com/townhall-civic/townhall/assistant"
)

// TurnLocker is an optional ability of a Config.Messages store that
// several machines share (channels/webchat/postgres): a lock per
// conversation that holds across every machine using the store. The
// server takes it, after its own lock in memory, around every change to
// a conversation: the resend check, the answer and its record, a staff
// reply, a claim's or a hand-back's notice. A message resent to another
// machine while the first is still answering it so waits for that answer
// and is then acknowledged, not answered twice.
//
// Stores kept on one machine (the embedded SQLite) do not implement it:
// the lock in memory is enough there and costs nothing more.
type TurnLocker interface {
	// LockTurn waits until the caller holds conversation id's lock, or
	// ctx ends (an error wrapping ctx's), and returns the function that
	// releases it; calling it more than once is harmless. A lock whose
	// holder dies is freed by the store.
	LockTurn(ctx context.Context, conversationID string) (unlock func(), err error)
	// TurnBusy reports whether some machine holds conversation id's lock
	// at the moment. A hello for a conversation not yet stored asks it:
	// the conversation's first answer may be on its way on another
	// machine.
	TurnBusy(ctx context.Context, conversationID string) (bool, error)
}

// ClaimReader is an optional ability of a Config.Handoffs queue that
// other machines change too (assistant/postgres): who holds one
// conversation's hand-off, read from the queue at the moment. When the
// queue has it, or the message log is shared (a TurnLocker), the server
// reads the claim of a handed-off conversation before each of its
// resident's messages instead of caching it per connection, so a claim
// made on another machine's console takes effect on the next message.
// A conversation that is not handed off costs no read.
type ClaimReader interface {
	// HandoffClaim returns the id of conversation id's open (waiting or
	// claimed) hand-off and who has claimed it ("" while it waits), or an
	// error wrapping assistant.ErrNotFound when none is open.
	HandoffClaim(ctx context.Context, conversationID string) (handoffID int64, staff string, err error)
}

// lockTurn takes st's lock in this process and, when the message log is
// shared, across machines; the caller calls the returned function to
// release both.
func (s *Server) lockTurn(ctx context.Context, st *convState) (func(), error) {
	if err := st.lock(ctx); err != nil {
		return nil, err
	}
	if s.turns == nil {
		return st.unlock, nil
	}
	unlock, err := s.turns.LockTurn(ctx, st.id)
	if err != nil {
		st.unlock()
		return nil, fmt.Errorf("lock conversation %s across machines: %w", st.id, err)
	}
	return func() { unlock(); st.unlock() }, nil
}

// sharedClaims reports whether another machine may claim or hand back
// this server's conversations, so that the claim must be read afresh.
func (s *Server) sharedClaims() bool { return s.claims != nil || s.turns != nil }

// readClaim sets st's holder from the hand-off queue as it is now. The
// caller holds st's lock.
func (s *Server) readClaim(ctx context.Context, st *convState, conv *assistant.Conversation) (string, error) {
	st.staffLoaded, st.staff, st.handoffID = true, "", 0
	if conv == nil || !conv.HandedOff || s.cfg.Handoffs == nil {
		return "", nil
	}
	if s.claims != nil {
		id, staff, err := s.claims.HandoffClaim(ctx, conv.ID)
		switch {
		case errors.Is(err, assistant.ErrNotFound):
			return "", nil
		case err != nil:
			return "", fmt.Errorf("read hand-off claim: %w", err)
		}
		st.staff, st.handoffID = staff, id
		return staff, nil
	}
	return s.listClaim(ctx, st, conv)
}

// listClaim finds conv's claimed hand-off in the queue's list of claimed
// ones, for queues without ClaimReader. The caller holds st's lock.
func (s *Server) listClaim(ctx context.Context, st *convState, conv *assistant.Conversation) (string, error) {
	hs, err := s.cfg.Handoffs.ListHandoffs(ctx, assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffClaimed}})
	if err != nil {
		return "", fmt.Errorf("list hand-offs: %w", err)
	}
	st.staff, st.handoffID = "", 0
	for _, h := range hs {
		if h.ConversationID == conv.ID {
			st.staff, st.handoffID = h.ClaimedBy, h.ID
		}
	}
	st.staffLoaded = true
	return st.staff, nil
}
