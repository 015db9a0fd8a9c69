package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

var _ inbound.Store = (*DB)(nil)
var _ inbound.Pruner = (*DB)(nil)

// EnqueueInbound implements inbound.Store. In the same transaction it
// picks the message's conversation (the resident's current one, or a new
// one after ConversationIdle of silence), records a WhatsApp sender's
// window and queues again the resident's held messages.
func (db *DB) EnqueueInbound(ctx context.Context, m channels.Inbound) (bool, error) {
	if m.ProviderID == "" || m.From.Channel == "" || m.From.Address == "" {
		return false, fmt.Errorf("inbound message needs a provider id and a sender: %w", channels.ErrInvalid)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("encode message: %w", err)
	}
	created := false
	err = db.inWrite(ctx, func(tx *sql.Tx) error {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM inbound WHERE provider_id = ?`, m.ProviderID).Scan(&one); {
		case err == nil:
			return nil // a replay
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		now := db.now()
		resident := m.From.Key()
		conv, err := db.conversation(ctx, tx, m.From, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbound (provider_id, resident, conversation_id, message, state, not_before, created, updated)
			VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`, m.ProviderID, resident, conv, string(body), millis(now), millis(now), millis(now)); err != nil {
			return err
		}
		if m.From.Channel == channels.WhatsApp {
			at := m.Received
			if at.IsZero() || at.After(now) {
				at = now
			}
			if err := touch(ctx, tx, m.From, at); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbound SET state = 'queued', not_before = ?, updated = ?
			WHERE resident = ? AND state = 'held'`, millis(now), millis(now), resident); err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.ProviderID, err)
	}
	return created, nil
}

// conversation returns id's current conversation, starting a new one
// after ConversationIdle of silence, and records this message's time.
func (db *DB) conversation(ctx context.Context, tx *sql.Tx, id channels.Identity, now time.Time) (string, error) {
	idle := db.ConversationIdle
	if idle <= 0 {
		idle = DefaultConversationIdle
	}
	var conv string
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT conversation_id, last_message FROM residents WHERE resident = ?`, id.Key()).Scan(&conv, &last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		conv = ""
	case err != nil:
		return "", err
	case now.Sub(fromMillis(last)) > idle:
		conv = ""
	}
	if conv == "" {
		conv = db.newConversationID(id.Channel)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO residents (resident, conversation_id, last_message) VALUES (?, ?, ?)
		ON CONFLICT (resident) DO UPDATE SET conversation_id = excluded.conversation_id, last_message = excluded.last_message`,
		id.Key(), conv, millis(now))
	return conv, err
}

func (db *DB) newConversationID(ch channels.Channel) string {
	if db.NewConversationID != nil {
		return db.NewConversationID(ch)
	}
	var b [10]byte
	_, _ = rand.Read(b[:])
	return string(ch) + "-" + hex.EncodeToString(b[:])
}

// EnqueueOutbound implements inbound.Store.
func (db *DB) EnqueueOutbound(ctx context.Context, r inbound.Reply) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error { return db.insertOutbound(ctx, tx, r, db.now()) })
}

func (db *DB) insertOutbound(ctx context.Context, tx *sql.Tx, r inbound.Reply, now time.Time) error {
	if r.Message.To.Channel == "" || r.Message.To.Address == "" {
		return fmt.Errorf("outbound message has no recipient: %w", channels.ErrInvalid)
	}
	body, err := json.Marshal(r.Message)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	src := r.Source
	if src == "" {
		src = inbound.SourceAnswer
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbound (resident, source, message, state, not_before, created, updated)
		VALUES (?, ?, ?, 'queued', ?, ?, ?)`, r.Message.To.Key(), string(src), string(body), millis(now), millis(now), millis(now))
	return err
}

// table names the table that holds jobs of kind.
func table(kind inbound.Kind) (string, error) {
	switch kind {
	case inbound.KindInbound:
		return "inbound", nil
	case inbound.KindOutbound:
		return "outbound", nil
	}
	return "", fmt.Errorf("job kind %q: %w", kind, channels.ErrInvalid)
}

// Claim implements inbound.Store. A job is due when it is queued and its
// backoff has passed, or leased and its lease has expired; of those, only
// the oldest pending job of each resident may be taken, which keeps each
// resident's messages in order and one at a time.
func (db *DB) Claim(ctx context.Context, kind inbound.Kind, now time.Time, lease time.Duration) (*inbound.Job, error) {
	t, err := table(kind)
	if err != nil {
		return nil, err
	}
	extra := "conversation_id, ''"
	if kind == inbound.KindOutbound {
		extra = "'', source"
	}
	var j *inbound.Job
	err = db.inWrite(ctx, func(tx *sql.Tx) error {
		var (
			id                  int64
			resident, conv, src string
			body                string
			attempts            int
			created             int64
		)
		err := tx.QueryRowContext(ctx, `SELECT id, resident, `+extra+`, message, attempts, created FROM `+t+` AS j
			WHERE state IN ('queued', 'leased') AND not_before <= ?
			  AND NOT EXISTS (SELECT 1 FROM `+t+` AS p
			                  WHERE p.resident = j.resident AND p.id < j.id AND p.state IN ('queued', 'leased'))
			ORDER BY id LIMIT 1`, millis(now)).Scan(&id, &resident, &conv, &src, &body, &attempts, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return inbound.ErrEmpty
		} else if err != nil {
			return err
		}
		attempts++
		if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET state = 'leased', attempts = ?, not_before = ?, updated = ? WHERE id = ?`,
			attempts, millis(now.Add(lease)), millis(now), id); err != nil {
			return err
		}
		j, err = inbound.NewJob(inbound.Lease{Kind: kind, ID: id, Attempt: attempts}, resident, conv, inbound.Source(src), []byte(body), fromMillis(created))
		return err
	})
	if err != nil {
		if errors.Is(err, inbound.ErrEmpty) {
			return nil, err
		}
		return nil, fmt.Errorf("claim %s: %w", kind, err)
	}
	return j, nil
}

// Finish implements inbound.Store. Finishing an inbound job as done
// queues its replies in the same transaction.
func (db *DB) Finish(ctx context.Context, l inbound.Lease, r inbound.Result) error {
	t, err := table(l.Kind)
	if err != nil {
		return err
	}
	if err := inbound.CheckFinish(l.Kind, r); err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		var state, resident string
		var attempts int
		var claimed int64
		err := tx.QueryRowContext(ctx, `SELECT state, attempts, resident, updated FROM `+t+` WHERE id = ?`, l.ID).Scan(&state, &attempts, &resident, &claimed)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s job %d: %w", l.Kind, l.ID, inbound.ErrLeaseLost)
		} else if err != nil {
			return err
		}
		if state != string(inbound.StateLeased) || attempts != l.Attempt {
			return fmt.Errorf("%s job %d attempt %d (now %s, attempt %d): %w", l.Kind, l.ID, l.Attempt, state, attempts, inbound.ErrLeaseLost)
		}
		if r.State == inbound.StateHeld {
			// The resident may have written while the template was on its
			// way: EnqueueInbound then found nothing held to release, so
			// the message goes now instead of waiting for another word.
			var wrote int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inbound WHERE resident = ? AND created >= ?`, resident, claimed).Scan(&wrote)
			if err != nil {
				return err
			}
			if wrote > 0 {
				r.State, r.NotBefore = inbound.StateQueued, time.Time{}
			}
		}
		now := db.now()
		notBefore := now
		if r.State == inbound.StateQueued && r.NotBefore.After(now) {
			notBefore = r.NotBefore
		}
		q := `UPDATE ` + t + ` SET state = ?, not_before = ?, last_error = ?, updated = ? WHERE id = ?`
		args := []any{string(r.State), millis(notBefore), r.Error, millis(now), l.ID}
		if l.Kind == inbound.KindOutbound {
			q = `UPDATE outbound SET state = ?, not_before = ?, last_error = ?, updated = ?, provider_id = ? WHERE id = ?`
			args = []any{string(r.State), millis(notBefore), r.Error, millis(now), r.ProviderID, l.ID}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		if l.Kind == inbound.KindOutbound && r.ProviderID != "" {
			if err := recordSend(ctx, tx, r.ProviderID, l.ID, now); err != nil {
				return err
			}
		}
		if l.Kind == inbound.KindInbound && r.State == inbound.StateDone {
			for _, rep := range r.Replies {
				if err := db.insertOutbound(ctx, tx, rep, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Prune implements inbound.Pruner: it deletes finished jobs, held
// messages, seen message ids, windows and conversation pointers last
// changed before before.
func (db *DB) Prune(ctx context.Context, before time.Time) error {
	b := millis(before)
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM inbound WHERE state NOT IN ('queued', 'leased') AND updated < ?`,
			`DELETE FROM outbound WHERE state NOT IN ('queued', 'leased') AND updated < ?`,
			`DELETE FROM seen WHERE at < ?`,
			`DELETE FROM windows WHERE last_inbound < ?`,
			`DELETE FROM residents WHERE last_message < ?`,
			`DELETE FROM deliveries WHERE updated < ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, b); err != nil {
				return err
			}
		}
		return nil
	})
}
