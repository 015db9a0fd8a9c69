package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

var (
	_ channels.Deduper   = (*DB)(nil)
	_ channels.Forgetter = (*DB)(nil)
	_ channels.Committer = (*DB)(nil)
	_ channels.OptOuts   = (*DB)(nil)
	_ whatsapp.Window    = (*DB)(nil)
)

// Seen implements channels.Deduper. The first call for a key claims it
// and returns false. Later calls return true while the key is committed
// (its message was stored) or the claim is younger than ClaimTTL; a
// claim that was never committed (the process died while handling it)
// lapses, and a redelivery is then handled again rather than lost. The
// claim is one statement, so of two machines given the same message at
// once exactly one claims it.
func (db *DB) Seen(ctx context.Context, key string) (bool, error) {
	ttl := db.ClaimTTL
	if ttl <= 0 {
		ttl = DefaultClaimTTL
	}
	now := db.now()
	claimed := false
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `INSERT INTO messaging_seen AS s (key, committed, at) VALUES ($1, false, $2)
			ON CONFLICT (key) DO UPDATE SET committed = false, at = excluded.at
			WHERE NOT s.committed AND s.at <= $3
			RETURNING 1`, key, now, now.Add(-ttl)).Scan(&one)
		switch {
		case err == nil:
			claimed = true
		case errors.Is(err, pgx.ErrNoRows):
		default:
			return err
		}
		return nil
	})
	return !claimed, err
}

// Commit implements channels.Committer.
func (db *DB) Commit(ctx context.Context, key string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO messaging_seen (key, committed, at) VALUES ($1, true, $2)
			ON CONFLICT (key) DO UPDATE SET committed = true, at = excluded.at`, key, db.now())
		return err
	})
}

// Forget implements channels.Forgetter.
func (db *DB) Forget(ctx context.Context, key string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM messaging_seen WHERE key = $1`, key)
		return err
	})
}

// SetOptedOut implements channels.OptOuts.
func (db *DB) SetOptedOut(ctx context.Context, id channels.Identity, out bool) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out {
			_, err = tx.Exec(ctx, `INSERT INTO messaging_opt_outs (identity, at) VALUES ($1, $2)
				ON CONFLICT (identity) DO NOTHING`, id.Key(), db.now())
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM messaging_opt_outs WHERE identity = $1`, id.Key())
		}
		return err
	})
}

// OptedOut implements channels.OptOuts.
func (db *DB) OptedOut(ctx context.Context, id channels.Identity) (bool, error) {
	var out bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messaging_opt_outs WHERE identity = $1)`, id.Key()).Scan(&out)
	return out, mapErr(err)
}

// Touch implements whatsapp.Window. EnqueueInbound already records the
// window of every WhatsApp message it stores.
func (db *DB) Touch(ctx context.Context, id channels.Identity, t time.Time) error {
	return db.inTx(ctx, func(tx pgx.Tx) error { return touch(ctx, tx, id, t) })
}

func touch(ctx context.Context, tx pgx.Tx, id channels.Identity, t time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO messaging_windows AS w (identity, last_inbound) VALUES ($1, $2)
		ON CONFLICT (identity) DO UPDATE SET last_inbound = greatest(w.last_inbound, excluded.last_inbound)`, id.Key(), t)
	return err
}

// LastInbound implements whatsapp.Window.
func (db *DB) LastInbound(ctx context.Context, id channels.Identity) (time.Time, error) {
	var t time.Time
	err := db.pool.QueryRow(ctx, `SELECT last_inbound FROM messaging_windows WHERE identity = $1`, id.Key()).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, mapErr(err)
	}
	return utc(t), nil
}
