package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// Import is everything an assistant store keeps, as read from another
// store (assistant/sqlite's ConversationIDs, FindConversationByID,
// AllServiceRequests, ServiceRequestSequences and ListHandoffs), to be
// copied as it is by DB.Import.
type Import struct {
	Conversations   []*assistant.Conversation
	ServiceRequests []*assistant.ServiceRequest
	// Sequences is the last reference number given per year.
	Sequences map[int]int64
	Handoffs  []*assistant.QueuedHandoff
}

// ImportOptions changes what Import does.
type ImportOptions struct {
	// DryRun counts what would be copied and rolls the transaction back.
	DryRun bool
}

// Import copies in into the schema in one transaction: all of it or,
// on an error, nothing. It never overwrites nor deletes a row already
// there, so running it again copies nothing twice:
//
//   - a conversation whose ID is present is left as it is, turns
//     included (the one in PostgreSQL is the newer);
//   - a service request whose reference is present (in any case) is
//     left; references are copied unchanged, since residents hold them;
//   - each year's reference sequence is advanced to the copied one's
//     last number when it is behind, so new references never repeat one;
//   - a hand-off is the same when its conversation and queueing time
//     are; it keeps its id when the id is free (staff may have written
//     it down) and takes a new one otherwise, and an open hand-off of a
//     conversation already waiting in PostgreSQL is left there. The
//     id sequence is then advanced past the copied ids.
//
// The copy commits with synchronous_commit=on, as a service request
// does. It returns one Count per table.
func (db *DB) Import(ctx context.Context, in Import, opt ImportOptions) ([]storemigrate.Count, error) {
	convs := storemigrate.Count{Table: "conversations"}
	turns := storemigrate.Count{Table: "turns"}
	srs := storemigrate.Count{Table: "service_requests"}
	seqs := storemigrate.Count{Table: "service_request_sequences"}
	hos := storemigrate.Count{Table: "handoffs"}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		for _, c := range in.Conversations {
			copied, err := importConversation(ctx, tx, c)
			if err != nil {
				return fmt.Errorf("conversations: %q: %w", c.ID, mapError(err))
			}
			convs.Add(copied)
			for range c.Turns {
				turns.Add(copied)
			}
		}
		for _, r := range in.ServiceRequests {
			copied, err := importServiceRequest(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("service_requests: %s: %w", r.Reference, mapError(err))
			}
			srs.Add(copied)
		}
		for year, last := range in.Sequences {
			tag, err := tx.Exec(ctx, `INSERT INTO service_request_sequences (year, last) VALUES ($1, $2)
				ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last WHERE service_request_sequences.last < EXCLUDED.last`,
				year, last)
			if err != nil {
				return fmt.Errorf("service_request_sequences: %d: %w", year, mapError(err))
			}
			seqs.Add(tag.RowsAffected() > 0)
		}
		for _, h := range in.Handoffs {
			copied, err := importHandoff(ctx, tx, h)
			if err != nil {
				return fmt.Errorf("handoffs: %d: %w", h.ID, mapError(err))
			}
			hos.Add(copied)
		}
		if opt.DryRun {
			return errDryRun
		}
		// setval is not undone by a rollback; it runs last, so only a
		// failed commit could leave the sequence advanced (harmlessly).
		return advanceIdentity(ctx, tx, "handoffs")
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import into the assistant tables: %w", err)
	}
	return []storemigrate.Count{convs, turns, srs, seqs, hos}, nil
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

func importConversation(ctx context.Context, tx pgx.Tx, c *assistant.Conversation) (bool, error) {
	if c == nil || c.ID == "" {
		return false, fmt.Errorf("conversation without id: %w", assistant.ErrInvalid)
	}
	head := *c
	head.Turns = nil
	state, err := json.Marshal(&head)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO conversations (id, channel, resident, created, updated, state)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		clean(c.ID), clean(string(c.Channel)), clean(c.Resident), optTime(c.Created), optTime(c.Updated), string(state))
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	b := &pgx.Batch{}
	for i, t := range c.Turns {
		var cites []byte
		if len(t.Citations) > 0 {
			if cites, err = json.Marshal(t.Citations); err != nil {
				return false, err
			}
		}
		b.Queue(`INSERT INTO turns (conversation_id, pos, seq, role, text, intent, citations, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			clean(c.ID), i, t.Seq, clean(string(t.Role)), clean(t.Text), clean(string(t.Intent)), optJSON(cites), optTime(t.At))
	}
	return true, tx.SendBatch(ctx, b).Close()
}

func importServiceRequest(ctx context.Context, tx pgx.Tx, r *assistant.ServiceRequest) (bool, error) {
	if r == nil || r.Reference == "" || r.Service == "" {
		return false, fmt.Errorf("service request without a reference or service: %w", assistant.ErrInvalid)
	}
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return false, err
	}
	var lat, lon *float64
	if r.Location.Lat != 0 || r.Location.Lon != 0 {
		lat, lon = &r.Location.Lat, &r.Location.Lon
	}
	status := r.Status
	if status == "" {
		status = "open"
	}
	// ON CONFLICT without a target covers the unique index on
	// lower(reference): a reference present in any case is left alone.
	tag, err := tx.Exec(ctx, `INSERT INTO service_requests
		(reference, service, address, postcode, lat, lon, description, answers, contact,
		 channel, conversation_id, status, confirmed, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
		clean(r.Reference), clean(r.Service), clean(r.Location.Address), clean(r.Location.Postcode), lat, lon,
		clean(r.Description), string(answers), clean(r.Contact), clean(string(r.Channel)), clean(r.ConversationID),
		clean(status), r.Confirmed, r.Created.Truncate(time.Microsecond))
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

func importHandoff(ctx context.Context, tx pgx.Tx, h *assistant.QueuedHandoff) (bool, error) {
	if h == nil || h.ConversationID == "" {
		return false, fmt.Errorf("hand-off without conversation: %w", assistant.ErrInvalid)
	}
	at := optTime(h.At.Truncate(time.Microsecond))
	var present bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE conversation_id = $1 AND at IS NOT DISTINCT FROM $2)`,
		clean(h.ConversationID), at).Scan(&present)
	if err != nil || present {
		return false, err
	}
	var idTaken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE id = $1)`, h.ID).Scan(&idTaken); err != nil {
		return false, err
	}
	transcript, err := json.Marshal(h.Transcript)
	if err != nil {
		return false, err
	}
	args := []any{clean(h.ConversationID), clean(string(h.Channel)), clean(h.Resident), clean(h.Reason), string(transcript),
		h.OutOfHours, at, string(h.Status), clean(h.ClaimedBy), optTime(h.ClaimedAt), optTime(h.ClosedAt), clean(h.Outcome)}
	cols, vals, override := "", "", ""
	if !idTaken && h.ID > 0 {
		cols, vals, override = "id, ", "$13, ", " OVERRIDING SYSTEM VALUE"
		args = append(args, h.ID)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO handoffs (`+cols+`conversation_id, channel, resident, reason, transcript,
		out_of_hours, at, status, claimed_by, claimed_at, closed_at, outcome)`+override+`
		VALUES (`+vals+`$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (conversation_id) WHERE status <> 'closed' DO NOTHING`, args...)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

// advanceIdentity moves table's id sequence past its largest id, so rows
// copied with their own ids are not given again.
func advanceIdentity(ctx context.Context, tx pgx.Tx, table string) error {
	_, err := tx.Exec(ctx, `SELECT setval(s, m) FROM
		(SELECT pg_get_serial_sequence($1, 'id')::regclass AS s, (SELECT max(id) FROM `+pgx.Identifier{table}.Sanitize()+`) AS m) x
		WHERE m IS NOT NULL AND m > COALESCE(pg_sequence_last_value(s), 0)`, table)
	return err
}
