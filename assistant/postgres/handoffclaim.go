package postgres

import (
	"context"
	"fmt"
)

// HandoffClaim returns the id of conversation id's open (waiting or
// claimed) hand-off and who has claimed it ("" while it waits), or an
// error wrapping assistant.ErrNotFound when none is open. It reads one
// row by the index that keeps a conversation in the queue once, without
// the transcript, so the web chat can check a handed-off conversation's
// holder before each message (webchat.ClaimReader): staff on any machine
// may have claimed or closed it since.
func (db *DB) HandoffClaim(ctx context.Context, conversationID string) (int64, string, error) {
	var id int64
	var status, staff string
	err := db.pool.QueryRow(ctx, `SELECT id, status, claimed_by FROM handoffs
		WHERE conversation_id = $1 AND status <> 'closed'`, clean(conversationID)).Scan(&id, &status, &staff)
	if err != nil {
		return 0, "", fmt.Errorf("hand-off claim of %q: %w", conversationID, mapError(err))
	}
	if status != "claimed" {
		staff = ""
	}
	return id, staff, nil
}
