package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/channels/webchat"
)

var _ webchat.TurnLocker = (*DB)(nil)

// DefaultTurnLockConns is how many conversations one machine may hold
// locked at once when DB.TurnLockConns is 0.
const DefaultTurnLockConns = 32

// lockGrace is how long past the caller's deadline PostgreSQL keeps a
// lock whose holder has stopped talking to it (a machine cut off
// mid-answer) before it ends the session and frees the lock.
const lockGrace = 30 * time.Second

// turnLocks is the connection pool that holds conversations' locks. It
// is apart from the store's pool so that a turn holding a lock never
// waits for a connection its own lock holds: with one pool, as many
// turns as connections would each hold one and wait for another to
// record their message.
type turnLocks struct {
	mu     sync.Mutex
	pool   *pgxpool.Pool
	closed bool
}

// LockTurn implements webchat.TurnLocker with a transaction-scoped
// advisory lock on a hash of the schema and the conversation id
// (pg_advisory_xact_lock), held on a connection of its own until unlock
// ends the transaction. Every machine on the schema waits for it, and
// PostgreSQL wakes the next waiter as soon as it is released. A machine
// that dies holding it loses the connection, and with it the lock; one
// that stops answering is cut off by idle_in_transaction_session_timeout,
// set for the transaction to 30 seconds past ctx's deadline. A hash
// collision between two conversations only makes them take turns.
//
// Each lock held uses a connection of a pool apart from the store's, of
// at most TurnLockConns; beyond that, turns wait for a connection to
// free up, within ctx.
func (db *DB) LockTurn(ctx context.Context, conversationID string) (func(), error) {
	if conversationID == "" {
		return nil, fmt.Errorf("lock a conversation without id: %w", webchat.ErrInvalid)
	}
	pool, err := db.lockPool(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock conversation: connection: %w", err)
	}
	idle := "0" // no deadline: no timeout, as without the lock
	if d, ok := ctx.Deadline(); ok {
		idle = fmt.Sprintf("%dms", max(time.Until(d)+lockGrace, lockGrace).Milliseconds())
	}
	tx, err := conn.Begin(ctx)
	if err == nil {
		// statement_timeout is lifted for the wait, which ctx bounds.
		_, err = tx.Exec(ctx, `SELECT set_config('idle_in_transaction_session_timeout', $1, true),
			set_config('statement_timeout', '0', true)`, idle)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+turnKey+`)`, conversationID)
	}
	if err != nil {
		// Released mid-transaction (or broken), the connection is closed
		// by the pool rather than reused, and any lock goes with it.
		conn.Release()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("lock conversation: %w", ctx.Err())
		}
		return nil, fmt.Errorf("lock conversation: %w", mapError(err))
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := tx.Rollback(ctx); err != nil {
				// The session may still hold the lock: end it.
				conn.Conn().Close(ctx)
			}
			conn.Release()
		})
	}, nil
}

// TurnBusy implements webchat.TurnLocker: it tries the conversation's
// lock without waiting, in a transaction of the store's pool that ends
// at once, and reports whether someone else held it.
func (db *DB) TurnBusy(ctx context.Context, conversationID string) (bool, error) {
	var free bool
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(`+turnKey+`)`, conversationID).Scan(&free)
	})
	if err != nil {
		return false, fmt.Errorf("is conversation locked: %w", err)
	}
	return !free, nil
}

// turnKey is the SQL for a conversation's lock key, the conversation id
// being $1: a hash of the schema and the id, so that schemas sharing a
// database do not share locks.
const turnKey = `hashtextextended(current_schema() || ' webchat turn ' || $1, 0)`

// lockPool returns the pool that holds locks, opening it on first use
// with the store's connection settings (the same schema).
func (db *DB) lockPool(ctx context.Context) (*pgxpool.Pool, error) {
	l := &db.turns
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("lock conversation: store closed")
	}
	if l.pool != nil {
		return l.pool, nil
	}
	cfg := db.pool.Config()
	cfg.MinConns = 0
	cfg.MaxConns = DefaultTurnLockConns
	if db.TurnLockConns > 0 {
		cfg.MaxConns = db.TurnLockConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("lock conversation: %w", err)
	}
	l.pool = pool
	return pool, nil
}

// close closes the lock pool, waiting for locks held to be released.
func (l *turnLocks) close() {
	l.mu.Lock()
	pool := l.pool
	l.closed, l.pool = true, nil
	l.mu.Unlock()
	if pool != nil {
		pool.Close()
	}
}
