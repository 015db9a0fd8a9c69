package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

var (
	_ inbound.DeliveryStore = (*DB)(nil)
	_ inbound.Holder        = (*DB)(nil)
)

// recordSend notes that the provider accepted outbound job id's message
// as providerID. A report that arrived first (the provider can call back
// before the send's result is stored) is adopted with its status.
func recordSend(ctx context.Context, tx *sql.Tx, providerID string, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (provider_id, outbound_id, status, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (provider_id) DO UPDATE SET outbound_id = excluded.outbound_id`,
		providerID, id, string(channels.DeliveryAccepted), millis(now))
	return err
}

// RecordDelivery implements inbound.DeliveryStore. A report that the
// WhatsApp window is closed (d.Err wraps channels.ErrOutsideWindow) also
// forgets the resident's window, so the message, sent again, goes as the
// template.
func (db *DB) RecordDelivery(ctx context.Context, d channels.Delivery, decide func(attempts int) (inbound.Result, bool)) (bool, error) {
	if d.ProviderID == "" {
		return false, fmt.Errorf("delivery report without a message id: %w", channels.ErrInvalid)
	}
	found := false
	err := db.inWrite(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var status string
		var outboundID sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT status, outbound_id FROM deliveries WHERE provider_id = ?`, d.ProviderID).Scan(&status, &outboundID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The send is not recorded yet, or was never ours: keep the
			// report for the send to adopt; pruning removes strays.
			_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (provider_id, outbound_id, status, error_code, updated) VALUES (?, NULL, ?, ?, ?)`,
				d.ProviderID, string(d.State), d.ErrorCode, millis(now))
			return err
		case err != nil:
			return err
		}
		found = outboundID.Valid
		if d.State.Rank() < channels.DeliveryState(status).Rank() {
			return nil // a late report of an earlier state
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, error_code = ?, updated = ? WHERE provider_id = ?`,
			string(d.State), d.ErrorCode, millis(now), d.ProviderID); err != nil {
			return err
		}
		if !found || !d.State.Failed() || decide == nil {
			return nil
		}
		return db.afterFailure(ctx, tx, outboundID.Int64, d, decide, now)
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", d.ProviderID, err)
	}
	return found, nil
}

// afterFailure applies decide to outbound job id after its message
// d.ProviderID failed, if that was the job's latest send and the job is
// not already running again.
func (db *DB) afterFailure(ctx context.Context, tx *sql.Tx, id int64, d channels.Delivery, decide func(int) (inbound.Result, bool), now time.Time) error {
	var state, providerID, resident string
	var attempts int
	err := tx.QueryRowContext(ctx, `SELECT state, provider_id, attempts, resident FROM outbound WHERE id = ?`, id).Scan(&state, &providerID, &attempts, &resident)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // pruned
	} else if err != nil {
		return err
	}
	if providerID != d.ProviderID || (state != string(inbound.StateDone) && state != string(inbound.StateHeld)) {
		return nil
	}
	r, ok := decide(attempts)
	if !ok {
		return nil
	}
	switch r.State {
	case inbound.StateQueued, inbound.StateHeld, inbound.StateDropped, inbound.StateDead:
	default:
		return fmt.Errorf("after a failed delivery, state %q: %w", r.State, channels.ErrInvalid)
	}
	notBefore := now
	if r.State == inbound.StateQueued && r.NotBefore.After(now) {
		notBefore = r.NotBefore
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbound SET state = ?, not_before = ?, last_error = ?, updated = ? WHERE id = ?`,
		string(r.State), millis(notBefore), r.Error, millis(now), id); err != nil {
		return err
	}
	if errors.Is(d.Err, channels.ErrOutsideWindow) {
		_, err = tx.ExecContext(ctx, `DELETE FROM windows WHERE identity = ?`, resident)
	}
	return err
}

// HeldSince implements inbound.Holder: the time of the latest template
// sent for one of resident's messages that is still held, or the zero
// time. A message held without a template of its own has no provider id.
func (db *DB) HeldSince(ctx context.Context, resident string) (time.Time, error) {
	var ms sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT max(updated) FROM outbound WHERE resident = ? AND state = 'held' AND provider_id <> ''`, resident).Scan(&ms)
	if err != nil || !ms.Valid {
		return time.Time{}, err
	}
	return fromMillis(ms.Int64), nil
}

// FindDeliveries returns the reports on outbound job id's sends, oldest
// first.
func (db *DB) FindDeliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT provider_id, status, error_code, updated FROM deliveries WHERE outbound_id = ? ORDER BY updated, provider_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inbound.DeliveryRecord
	for rows.Next() {
		var d inbound.DeliveryRecord
		var status string
		var updated int64
		if err := rows.Scan(&d.ProviderID, &status, &d.ErrorCode, &updated); err != nil {
			return nil, err
		}
		d.Status, d.Updated = channels.DeliveryState(status), fromMillis(updated)
		out = append(out, d)
	}
	return out, rows.Err()
}
