package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// Import is what the queue keeps about residents outside its jobs, as
// read from another store (channels/inbound/sqlite's AllResidentState),
// by identity key (channels.Identity.Key), to be copied by DB.Import.
// Jobs are not part of it: a queue is drained before it is moved.
type Import struct {
	// OptOuts is when each opted-out resident texted STOP.
	OptOuts map[string]time.Time
	// Windows is each WhatsApp resident's last message.
	Windows map[string]time.Time
	// Conversations is each resident's current conversation.
	Conversations map[string]ResidentConversation
}

// ResidentConversation is a resident's current conversation and their
// last message.
type ResidentConversation struct {
	ConversationID string
	LastMessage    time.Time
}

// ImportOptions changes what Import does.
type ImportOptions struct {
	// DryRun counts what would be copied and rolls the transaction back.
	DryRun bool
}

var errDryRun = errors.New("dry run")

// Import copies in into the schema in one transaction (with
// synchronous_commit=on, as an opt-out is): all of it or, on an error,
// nothing. An opt-out already recorded keeps its time; a WhatsApp window
// is moved only forward (to the later of the two last messages); a
// resident's current conversation already recorded is kept (it is the
// newer). So running it again copies nothing twice. A resident who
// texted START in PostgreSQL after the switch but whose STOP is still in
// the copied file is opted out again: the conservative side.
func (db *DB) Import(ctx context.Context, in Import, opt ImportOptions) ([]storemigrate.Count, error) {
	outs := storemigrate.Count{Table: "messaging_opt_outs"}
	wins := storemigrate.Count{Table: "messaging_windows"}
	res := storemigrate.Count{Table: "messaging_residents"}
	us := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		for _, k := range sortedKeys(in.OptOuts) {
			tag, err := tx.Exec(ctx, `INSERT INTO messaging_opt_outs (identity, at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
				k, us(in.OptOuts[k]))
			if err != nil {
				return fmt.Errorf("messaging_opt_outs: %q: %w", k, mapErr(err))
			}
			outs.Add(tag.RowsAffected() > 0)
		}
		for _, k := range sortedKeys(in.Windows) {
			tag, err := tx.Exec(ctx, `INSERT INTO messaging_windows (identity, last_inbound) VALUES ($1, $2)
				ON CONFLICT (identity) DO UPDATE SET last_inbound = EXCLUDED.last_inbound
				WHERE messaging_windows.last_inbound < EXCLUDED.last_inbound`, k, us(in.Windows[k]))
			if err != nil {
				return fmt.Errorf("messaging_windows: %q: %w", k, mapErr(err))
			}
			wins.Add(tag.RowsAffected() > 0)
		}
		for _, k := range sortedKeys(in.Conversations) {
			c := in.Conversations[k]
			tag, err := tx.Exec(ctx, `INSERT INTO messaging_residents (resident, conversation_id, last_message)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, k, c.ConversationID, us(c.LastMessage))
			if err != nil {
				return fmt.Errorf("messaging_residents: %q: %w", k, mapErr(err))
			}
			res.Add(tag.RowsAffected() > 0)
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import into the messaging tables: %w", err)
	}
	return []storemigrate.Count{outs, wins, res}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
