package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/townhall-civic/townhall/foi"
)

// insertEvents appends events to request id's history, numbering them
// from first.
func insertEvents(ctx context.Context, tx *sql.Tx, id int64, first int, events []foi.Event) error {
	if len(events) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO request_events (request_id, seq, at, actor, from_status, to_status, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, e := range events {
		if _, err := stmt.ExecContext(ctx, id, first+i, timeText(e.At), e.Actor, string(e.From), string(e.To), e.Note); err != nil {
			return err
		}
	}
	return nil
}

// loadEvents fills in the history of each request.
func loadEvents(ctx context.Context, tx *sql.Tx, rs []*foi.Request) error {
	if len(rs) == 0 {
		return nil
	}
	byID := make(map[int64]*foi.Request, len(rs))
	ids := make([]any, 0, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	// SQLite allows 32766 bound parameters; stay well under it.
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		rows, err := tx.QueryContext(ctx, `SELECT request_id, at, actor, from_status, to_status, note
			FROM request_events WHERE request_id IN (`+placeholders(len(part))+`) ORDER BY request_id, seq`, part...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				id       int64
				at       sql.NullString
				e        foi.Event
				from, to string
			)
			if err := rows.Scan(&id, &at, &e.Actor, &from, &to, &e.Note); err != nil {
				rows.Close()
				return err
			}
			t, err := parseTime(at)
			if err != nil {
				rows.Close()
				return fmt.Errorf("request %d event: %w", id, err)
			}
			e.At, e.From, e.To = t, foi.Status(from), foi.Status(to)
			byID[id].Events = append(byID[id].Events, e)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
	}
	return nil
}
