package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// Import is what a web chat store keeps, as read from another store
// (channels/webchat/sqlite's AllClientMessages, AllResidentConversations
// and FindFeedback), to be copied as it is by DB.Import. The form key is
// not part of it: each store makes its own, and a form signed with the
// old key only asks the resident to send their message again.
type Import struct {
	// ClientMessages have ConversationID, ClientID, Seq and At set.
	ClientMessages []webchat.MessageRecord
	// ResidentConversations have Resident, ConversationID, Channel and At
	// set.
	ResidentConversations []webchat.MessageRecord
	Feedback              []webchat.Feedback
}

// ImportOptions changes what Import does.
type ImportOptions struct {
	// DryRun counts what would be copied and rolls the transaction back.
	DryRun bool
}

var errDryRun = errors.New("dry run")

// Import copies in into the schema in one transaction: all of it or, on
// an error, nothing. A row whose key (conversation and client id;
// resident and conversation; conversation and turn for feedback) is
// present is left as it is, so running it again copies nothing twice
// and a verdict given since the switch is kept. Times keep their
// microseconds. It returns one Count per table.
func (db *DB) Import(ctx context.Context, in Import, opt ImportOptions) ([]storemigrate.Count, error) {
	msgs := storemigrate.Count{Table: "webchat_client_messages"}
	convs := storemigrate.Count{Table: "webchat_resident_conversations"}
	fbs := storemigrate.Count{Table: "webchat_feedback"}
	us := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, r := range in.ClientMessages {
			tag, err := tx.Exec(ctx, `INSERT INTO webchat_client_messages (conversation_id, client_id, seq, at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, clean(r.ConversationID), clean(r.ClientID), r.Seq, us(r.At))
			if err != nil {
				return fmt.Errorf("webchat_client_messages: %q %q: %w", r.ConversationID, r.ClientID, mapError(err))
			}
			msgs.Add(tag.RowsAffected() > 0)
		}
		for _, r := range in.ResidentConversations {
			tag, err := tx.Exec(ctx, `INSERT INTO webchat_resident_conversations (resident, conversation_id, channel, started)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, clean(r.Resident), clean(r.ConversationID), string(r.Channel), us(r.At))
			if err != nil {
				return fmt.Errorf("webchat_resident_conversations: %q %q: %w", r.Resident, r.ConversationID, mapError(err))
			}
			convs.Add(tag.RowsAffected() > 0)
		}
		for _, f := range in.Feedback {
			tag, err := tx.Exec(ctx, `INSERT INTO webchat_feedback (conversation_id, seq, helpful, channel, question, answer, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
				clean(f.ConversationID), f.Seq, f.Helpful, string(f.Channel), clean(f.Question), clean(f.Answer), us(f.At))
			if err != nil {
				return fmt.Errorf("webchat_feedback: %q turn %d: %w", f.ConversationID, f.Seq, mapError(err))
			}
			fbs.Add(tag.RowsAffected() > 0)
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import into the web chat tables: %w", err)
	}
	return []storemigrate.Count{msgs, convs, fbs}, nil
}
