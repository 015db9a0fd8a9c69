package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

// FindJobs returns the jobs of kind, oldest first, in one of states (all
// states if none are given).
func (db *DB) FindJobs(ctx context.Context, kind inbound.Kind, states ...inbound.State) ([]inbound.JobInfo, error) {
	return db.FindJobsBy(ctx, kind, inbound.JobFilter{States: states})
}

// FindJobsBy returns the jobs of kind that f selects, oldest first.
func (db *DB) FindJobsBy(ctx context.Context, kind inbound.Kind, f inbound.JobFilter) ([]inbound.JobInfo, error) {
	if _, err := table(kind); err != nil {
		return nil, err
	}
	q := `SELECT j.id, j.resident, j.conversation_id, j.provider_id, '', j.state, j.attempts, j.last_error, j.message, j.created, j.updated, '', ''
		FROM messaging_inbound AS j`
	if kind == inbound.KindOutbound {
		q = `SELECT j.id, j.resident, '', j.provider_id, j.source, j.state, j.attempts, j.last_error, j.message, j.created, j.updated,
			coalesce(d.status, ''), coalesce(d.error_code, '')
		FROM messaging_outbound AS j LEFT JOIN messaging_deliveries AS d ON d.provider_id = j.provider_id AND j.provider_id <> ''`
	}
	var where []string
	var args []any
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, s := range f.States {
			states[i] = string(s)
		}
		args = append(args, states)
		where = append(where, fmt.Sprintf(`j.state = ANY($%d)`, len(args)))
	}
	if f.ID != 0 {
		args = append(args, f.ID)
		where = append(where, fmt.Sprintf(`j.id = $%d`, len(args)))
	}
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := db.pool.Query(ctx, q+` ORDER BY j.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inbound.JobInfo
	for rows.Next() {
		j := inbound.JobInfo{Kind: kind}
		var src, state, delivery string
		if err := rows.Scan(&j.ID, &j.Resident, &j.ConversationID, &j.ProviderID, &src, &state, &j.Attempts, &j.LastError, &j.Message,
			&j.Created, &j.Updated, &delivery, &j.DeliveryError); err != nil {
			return nil, err
		}
		j.Source, j.State, j.Created, j.Updated = inbound.Source(src), inbound.State(state), utc(j.Created), utc(j.Updated)
		j.Delivery = channels.DeliveryState(delivery)
		out = append(out, j)
	}
	return out, rows.Err()
}

// DeliveryCounts returns how many outbound jobs' latest sends are in
// each delivery state, by the providers' reports; "accepted" counts
// sends with no report yet.
func (db *DB) DeliveryCounts(ctx context.Context) (map[channels.DeliveryState]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT d.status, count(*) FROM messaging_outbound AS j
		JOIN messaging_deliveries AS d ON d.provider_id = j.provider_id
		WHERE j.provider_id <> '' GROUP BY d.status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[channels.DeliveryState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[channels.DeliveryState(s)] = n
	}
	return out, rows.Err()
}

// Counts returns how many jobs of each kind are in each state.
func (db *DB) Counts(ctx context.Context) (map[inbound.Kind]map[inbound.State]int, error) {
	out := map[inbound.Kind]map[inbound.State]int{}
	for _, kind := range []inbound.Kind{inbound.KindInbound, inbound.KindOutbound} {
		t, _ := table(kind)
		rows, err := db.pool.Query(ctx, `SELECT state, count(*) FROM `+t+` GROUP BY state`)
		if err != nil {
			return nil, err
		}
		out[kind] = map[inbound.State]int{}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[kind][inbound.State(s)] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Requeue gives a dead (or dropped) job a fresh set of attempts, for an
// operator who has fixed the cause. It returns an error wrapping
// channels.ErrInvalid for a job that is not dead or dropped.
func (db *DB) Requeue(ctx context.Context, kind inbound.Kind, id int64) error {
	t, err := table(kind)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.now()
		tag, err := tx.Exec(ctx, `UPDATE `+t+` SET state = 'queued', attempts = 0, not_before = $1, updated = $1
			WHERE id = $2 AND state IN ('dead', 'dropped')`, now, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%s job %d is not dead or dropped: %w", kind, id, channels.ErrInvalid)
		}
		return nil
	})
}
