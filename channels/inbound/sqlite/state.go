package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

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
// lapses, and a redelivery is then handled again rather than lost.
func (db *DB) Seen(ctx context.Context, key string) (bool, error) {
	ttl := db.ClaimTTL
	if ttl <= 0 {
		ttl = DefaultClaimTTL
	}
	seen := false
	err := db.inWrite(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var committed int
		var at int64
		err := tx.QueryRowContext(ctx, `SELECT committed, at FROM seen WHERE key = ?`, key).Scan(&committed, &at)
		switch {
		case err == nil && (committed == 1 || now.Sub(fromMillis(at)) < ttl):
			seen = true
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO seen (key, committed, at) VALUES (?, 0, ?)
			ON CONFLICT (key) DO UPDATE SET committed = 0, at = excluded.at`, key, millis(now))
		return err
	})
	return seen, err
}

// Commit implements channels.Committer.
func (db *DB) Commit(ctx context.Context, key string) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO seen (key, committed, at) VALUES (?, 1, ?)
			ON CONFLICT (key) DO UPDATE SET committed = 1, at = excluded.at`, key, millis(db.now()))
		return err
	})
}

// Forget implements channels.Forgetter.
func (db *DB) Forget(ctx context.Context, key string) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM seen WHERE key = ?`, key)
		return err
	})
}

// SetOptedOut implements channels.OptOuts.
func (db *DB) SetOptedOut(ctx context.Context, id channels.Identity, out bool) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		if out {
			_, err = tx.ExecContext(ctx, `INSERT INTO opt_outs (identity, at) VALUES (?, ?)
				ON CONFLICT (identity) DO NOTHING`, id.Key(), millis(db.now()))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM opt_outs WHERE identity = ?`, id.Key())
		}
		return err
	})
}

// OptedOut implements channels.OptOuts.
func (db *DB) OptedOut(ctx context.Context, id channels.Identity) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM opt_outs WHERE identity = ?`, id.Key()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Touch implements whatsapp.Window. EnqueueInbound already records the
// window of every WhatsApp message it stores.
func (db *DB) Touch(ctx context.Context, id channels.Identity, t time.Time) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error { return touch(ctx, tx, id, t) })
}

func touch(ctx context.Context, tx *sql.Tx, id channels.Identity, t time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO windows (identity, last_inbound) VALUES (?, ?)
		ON CONFLICT (identity) DO UPDATE SET last_inbound = max(last_inbound, excluded.last_inbound)`, id.Key(), millis(t))
	return err
}

// LastInbound implements whatsapp.Window.
func (db *DB) LastInbound(ctx context.Context, id channels.Identity) (time.Time, error) {
	var ms int64
	err := db.read.QueryRowContext(ctx, `SELECT last_inbound FROM windows WHERE identity = ?`, id.Key()).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return fromMillis(ms), nil
}
