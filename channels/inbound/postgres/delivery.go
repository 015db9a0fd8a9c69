package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
func recordSend(ctx context.Context, tx pgx.Tx, providerID string, id int64, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO messaging_deliveries (provider_id, outbound_id, status, updated) VALUES ($1, $2, $3, $4)
		ON CONFLICT (provider_id) DO UPDATE SET outbound_id = excluded.outbound_id`,
		providerID, id, string(channels.DeliveryAccepted), now)
	return err
}

// RecordDelivery implements inbound.DeliveryStore. A report that the
// WhatsApp window is closed (d.Err wraps channels.ErrOutsideWindow) also
// forgets the resident's window, so the message, sent again, goes as the
// template. Reports on one message are applied one at a time (the
// report's row is locked), whichever machine receives them.
func (db *DB) RecordDelivery(ctx context.Context, d channels.Delivery, decide func(attempts int) (inbound.Result, bool)) (bool, error) {
	if d.ProviderID == "" {
		return false, fmt.Errorf("delivery report without a message id: %w", channels.ErrInvalid)
	}
	found := false
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.now()
		// The send is not recorded yet, or was never ours: keep the
		// report for the send to adopt; pruning removes strays.
		tag, err := tx.Exec(ctx, `INSERT INTO messaging_deliveries (provider_id, outbound_id, status, error_code, updated)
			VALUES ($1, NULL, $2, $3, $4) ON CONFLICT (provider_id) DO NOTHING`, d.ProviderID, string(d.State), d.ErrorCode, now)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var status string
		var outboundID *int64
		err = tx.QueryRow(ctx, `SELECT status, outbound_id FROM messaging_deliveries WHERE provider_id = $1 FOR UPDATE`, d.ProviderID).Scan(&status, &outboundID)
		if err != nil {
			return err
		}
		found = outboundID != nil
		if d.State.Rank() < channels.DeliveryState(status).Rank() {
			return nil // a late report of an earlier state
		}
		if _, err := tx.Exec(ctx, `UPDATE messaging_deliveries SET status = $1, error_code = $2, updated = $3 WHERE provider_id = $4`,
			string(d.State), d.ErrorCode, now, d.ProviderID); err != nil {
			return err
		}
		if !found || !d.State.Failed() || decide == nil {
			return nil
		}
		return afterFailure(ctx, tx, *outboundID, d, decide, now)
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", d.ProviderID, err)
	}
	return found, nil
}

// afterFailure applies decide to outbound job id after its message
// d.ProviderID failed, if that was the job's latest send and the job is
// not already running again.
func afterFailure(ctx context.Context, tx pgx.Tx, id int64, d channels.Delivery, decide func(int) (inbound.Result, bool), now time.Time) error {
	var state, providerID, resident string
	var attempts int
	err := tx.QueryRow(ctx, `SELECT state, provider_id, attempts, resident FROM messaging_outbound WHERE id = $1 FOR UPDATE`, id).
		Scan(&state, &providerID, &attempts, &resident)
	if errors.Is(err, pgx.ErrNoRows) {
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
	if _, err := tx.Exec(ctx, `UPDATE messaging_outbound SET state = $1, not_before = $2, last_error = $3, updated = $4 WHERE id = $5`,
		string(r.State), notBefore, r.Error, now, id); err != nil {
		return err
	}
	if errors.Is(d.Err, channels.ErrOutsideWindow) {
		_, err = tx.Exec(ctx, `DELETE FROM messaging_windows WHERE identity = $1`, resident)
	}
	return err
}

// HeldSince implements inbound.Holder: the time of the latest template
// sent for one of resident's messages that is still held, or the zero
// time. A message held without a template of its own has no provider id.
func (db *DB) HeldSince(ctx context.Context, resident string) (time.Time, error) {
	var t *time.Time
	err := db.pool.QueryRow(ctx, `SELECT max(updated) FROM messaging_outbound WHERE resident = $1 AND state = 'held' AND provider_id <> ''`, resident).Scan(&t)
	if err != nil || t == nil {
		return time.Time{}, mapErr(err)
	}
	return utc(*t), nil
}

// FindDeliveries returns the reports on outbound job id's sends, oldest
// first.
func (db *DB) FindDeliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error) {
	rows, err := db.pool.Query(ctx, `SELECT provider_id, status, error_code, updated FROM messaging_deliveries
		WHERE outbound_id = $1 ORDER BY updated, provider_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inbound.DeliveryRecord
	for rows.Next() {
		var d inbound.DeliveryRecord
		var status string
		if err := rows.Scan(&d.ProviderID, &status, &d.ErrorCode, &d.Updated); err != nil {
			return nil, err
		}
		d.Status, d.Updated = channels.DeliveryState(status), utc(d.Updated)
		out = append(out, d)
	}
	return out, rows.Err()
}
