package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

var (
	_ inbound.Store  = (*DB)(nil)
	_ inbound.Pruner = (*DB)(nil)
)

// errReplay rolls back an EnqueueInbound that found its message stored.
var errReplay = errors.New("message already stored")

// EnqueueInbound implements inbound.Store. In the same transaction it
// picks the message's conversation (the resident's current one, or a new
// one after ConversationIdle of silence), records a WhatsApp sender's
// window and queues again the resident's held messages. Two machines
// storing the same message at once store it once: the other gets
// created false.
func (db *DB) EnqueueInbound(ctx context.Context, m channels.Inbound) (bool, error) {
	if m.ProviderID == "" || m.From.Channel == "" || m.From.Address == "" {
		return false, fmt.Errorf("inbound message needs a provider id and a sender: %w", channels.ErrInvalid)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("encode message: %w", err)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var one int
		switch err := tx.QueryRow(ctx, `SELECT 1 FROM messaging_inbound WHERE provider_id = $1`, m.ProviderID).Scan(&one); {
		case err == nil:
			return errReplay
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		resident := m.From.Key()
		if err := lockResident(ctx, tx, resident); err != nil {
			return err
		}
		now := db.now()
		conv, err := db.conversation(ctx, tx, m.From, now)
		if err != nil {
			return err
		}
		// A copy stored by another machine since the check above makes
		// this one a replay too.
		tag, err := tx.Exec(ctx, `INSERT INTO messaging_inbound (provider_id, resident, conversation_id, message, state, not_before, created, updated)
			VALUES ($1, $2, $3, $4, 'queued', $5, $5, $5) ON CONFLICT (provider_id) DO NOTHING`, m.ProviderID, resident, conv, string(body), now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errReplay
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
		_, err = tx.Exec(ctx, `UPDATE messaging_outbound SET state = 'queued', not_before = $1, updated = $1
			WHERE resident = $2 AND state = 'held'`, now, resident)
		return err
	})
	switch {
	case errors.Is(err, errReplay):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("enqueue %s: %w", m.ProviderID, err)
	}
	return true, nil
}

// conversation returns id's current conversation, starting a new one
// after ConversationIdle of silence, and records this message's time.
// The caller holds the resident's lock.
func (db *DB) conversation(ctx context.Context, tx pgx.Tx, id channels.Identity, now time.Time) (string, error) {
	idle := db.ConversationIdle
	if idle <= 0 {
		idle = DefaultConversationIdle
	}
	var conv string
	var last time.Time
	err := tx.QueryRow(ctx, `SELECT conversation_id, last_message FROM messaging_residents WHERE resident = $1`, id.Key()).Scan(&conv, &last)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		conv = ""
	case err != nil:
		return "", err
	case now.Sub(last) > idle:
		conv = ""
	}
	if conv == "" {
		conv = db.newConversationID(id.Channel)
	}
	_, err = tx.Exec(ctx, `INSERT INTO messaging_residents (resident, conversation_id, last_message) VALUES ($1, $2, $3)
		ON CONFLICT (resident) DO UPDATE SET conversation_id = excluded.conversation_id, last_message = excluded.last_message`,
		id.Key(), conv, now)
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
	if err := checkReply(r); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockResident(ctx, tx, r.Message.To.Key()); err != nil {
			return err
		}
		return insertOutbound(ctx, tx, r, db.now())
	})
	if err != nil {
		return fmt.Errorf("enqueue outbound: %w", err)
	}
	return nil
}

func checkReply(r inbound.Reply) error {
	if r.Message.To.Channel == "" || r.Message.To.Address == "" {
		return fmt.Errorf("outbound message has no recipient: %w", channels.ErrInvalid)
	}
	return nil
}

// insertOutbound queues r; the caller holds the resident's lock.
func insertOutbound(ctx context.Context, tx pgx.Tx, r inbound.Reply, now time.Time) error {
	if err := checkReply(r); err != nil {
		return err
	}
	body, err := json.Marshal(r.Message)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	src := r.Source
	if src == "" {
		src = inbound.SourceAnswer
	}
	_, err = tx.Exec(ctx, `INSERT INTO messaging_outbound (resident, source, message, state, not_before, created, updated)
		VALUES ($1, $2, $3, 'queued', $4, $4, $4)`, r.Message.To.Key(), string(src), string(body), now)
	return err
}

// table names the table that holds jobs of kind.
func table(kind inbound.Kind) (string, error) {
	switch kind {
	case inbound.KindInbound:
		return "messaging_inbound", nil
	case inbound.KindOutbound:
		return "messaging_outbound", nil
	}
	return "", fmt.Errorf("job kind %q: %w", kind, channels.ErrInvalid)
}

// Claim implements inbound.Store. A job is due when it is queued and its
// backoff has passed, or leased and its lease has expired; of those, only
// the oldest pending job of each resident may be taken, which keeps each
// resident's messages in order and one at a time. Jobs another
// transaction is claiming are skipped, not waited for.
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
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var (
			id                  int64
			resident, conv, src string
			body                string
			attempts            int
			created             time.Time
		)
		err := tx.QueryRow(ctx, `SELECT id, resident, `+extra+`, message, attempts, created FROM `+t+` AS j
			WHERE state IN ('queued', 'leased') AND not_before <= $1
			  AND NOT EXISTS (SELECT 1 FROM `+t+` AS p
			                  WHERE p.resident = j.resident AND p.id < j.id AND p.state IN ('queued', 'leased'))
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, now).Scan(&id, &resident, &conv, &src, &body, &attempts, &created)
		if errors.Is(err, pgx.ErrNoRows) {
			return inbound.ErrEmpty
		} else if err != nil {
			return err
		}
		attempts++
		if _, err := tx.Exec(ctx, `UPDATE `+t+` SET state = 'leased', attempts = $1, not_before = $2, updated = $3 WHERE id = $4`,
			attempts, now.Add(lease), now, id); err != nil {
			return err
		}
		j, err = inbound.NewJob(inbound.Lease{Kind: kind, ID: id, Attempt: attempts}, resident, conv, inbound.Source(src), []byte(body), utc(created))
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
	for _, rep := range r.Replies {
		if err := checkReply(rep); err != nil {
			return err
		}
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var resident string
		err := tx.QueryRow(ctx, `SELECT resident FROM `+t+` WHERE id = $1`, l.ID).Scan(&resident)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%s job %d: %w", l.Kind, l.ID, inbound.ErrLeaseLost)
		} else if err != nil {
			return err
		}
		// The resident's lock before the job's row, as EnqueueInbound
		// takes them.
		if err := lockResident(ctx, tx, resident); err != nil {
			return err
		}
		var state string
		var attempts int
		var claimed time.Time
		err = tx.QueryRow(ctx, `SELECT state, attempts, updated FROM `+t+` WHERE id = $1 FOR UPDATE`, l.ID).Scan(&state, &attempts, &claimed)
		if errors.Is(err, pgx.ErrNoRows) {
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
			var wrote bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messaging_inbound WHERE resident = $1 AND created >= $2)`, resident, claimed).Scan(&wrote)
			if err != nil {
				return err
			}
			if wrote {
				r.State, r.NotBefore = inbound.StateQueued, time.Time{}
			}
		}
		now := db.now()
		notBefore := now
		if r.State == inbound.StateQueued && r.NotBefore.After(now) {
			notBefore = r.NotBefore
		}
		if l.Kind == inbound.KindOutbound {
			_, err = tx.Exec(ctx, `UPDATE messaging_outbound SET state = $1, not_before = $2, last_error = $3, updated = $4, provider_id = $5 WHERE id = $6`,
				string(r.State), notBefore, r.Error, now, r.ProviderID, l.ID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE messaging_inbound SET state = $1, not_before = $2, last_error = $3, updated = $4 WHERE id = $5`,
				string(r.State), notBefore, r.Error, now, l.ID)
		}
		if err != nil {
			return err
		}
		if l.Kind == inbound.KindOutbound && r.ProviderID != "" {
			if err := recordSend(ctx, tx, r.ProviderID, l.ID, now); err != nil {
				return err
			}
		}
		if l.Kind == inbound.KindInbound && r.State == inbound.StateDone {
			for _, rep := range r.Replies {
				// Replies go to the resident who wrote, whose lock is
				// held; lock any other recipient too.
				if k := rep.Message.To.Key(); k != resident {
					if err := lockResident(ctx, tx, k); err != nil {
						return err
					}
				}
				if err := insertOutbound(ctx, tx, rep, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("finish %s job %d: %w", l.Kind, l.ID, err)
	}
	return nil
}

// Prune implements inbound.Pruner: it deletes finished jobs, held
// messages, seen message ids, windows, conversation pointers and
// delivery reports last changed before before.
func (db *DB) Prune(ctx context.Context, before time.Time) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM messaging_inbound WHERE state NOT IN ('queued', 'leased') AND updated < $1`,
			`DELETE FROM messaging_outbound WHERE state NOT IN ('queued', 'leased') AND updated < $1`,
			`DELETE FROM messaging_seen WHERE at < $1`,
			`DELETE FROM messaging_windows WHERE last_inbound < $1`,
			`DELETE FROM messaging_residents WHERE last_message < $1`,
			`DELETE FROM messaging_deliveries WHERE updated < $1`,
		} {
			if _, err := tx.Exec(ctx, q, before); err != nil {
				return err
			}
		}
		return nil
	})
}
