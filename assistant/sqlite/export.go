package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// OpenReadOnly opens an existing assistant database without changing
// it: no migration runs and every write fails. `townhall store migrate`
// reads a council's assistant.db this way to copy it into PostgreSQL. A
// file written by an older Townhall whose schema lacks a newer column
// fails on the first read that needs it; open it once with Open (any
// command that uses it) to bring it up to date.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	ro, err := storemigrate.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("assistant database: %w", err)
	}
	// Both pools are the read-only handle: Close closes it once per
	// field, which database/sql allows.
	return &DB{path: path, write: ro, read: ro, Now: time.Now, ReferencePrefix: "SR"}, nil
}

// ConversationIDs returns the ID of every stored conversation, oldest
// first, for reading them one by one with FindConversationByID.
func (db *DB) ConversationIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations ORDER BY created, id`)
		if err != nil {
			return mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return mapError(rows.Err())
	})
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return ids, nil
}

// AllServiceRequests returns every stored service request in the order
// they were logged, every field as FindServiceRequestByReference gives
// it.
func (db *DB) AllServiceRequests(ctx context.Context) ([]*assistant.ServiceRequest, error) {
	var out []*assistant.ServiceRequest
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT reference, service, address, postcode, lat, lon, description, answers,
			contact, channel, conversation_id, status, confirmed, created
			FROM service_requests ORDER BY id`)
		if err != nil {
			return mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			r := &assistant.ServiceRequest{}
			var answers, channel, created string
			var lat, lon sql.NullFloat64
			var confirmed int
			if err := rows.Scan(&r.Reference, &r.Service, &r.Location.Address, &r.Location.Postcode, &lat, &lon,
				&r.Description, &answers, &r.Contact, &channel, &r.ConversationID, &r.Status, &confirmed, &created); err != nil {
				return err
			}
			r.Location.Lat, r.Location.Lon = lat.Float64, lon.Float64
			r.Channel = assistant.Channel(channel)
			r.Confirmed = confirmed != 0
			if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
				return fmt.Errorf("service request %s: answers: %w", r.Reference, err)
			}
			if r.Created, err = parseTime(created); err != nil {
				return fmt.Errorf("service request %s: %w", r.Reference, err)
			}
			out = append(out, r)
		}
		return mapError(rows.Err())
	})
	if err != nil {
		return nil, fmt.Errorf("service requests: %w", err)
	}
	return out, nil
}

// ServiceRequestSequences returns the last reference number given in
// each year (the per-year sequences references are drawn from).
func (db *DB) ServiceRequestSequences(ctx context.Context) (map[int]int64, error) {
	out := map[int]int64{}
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT year, last FROM service_request_sequences ORDER BY year`)
		if err != nil {
			return mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var year int
			var last int64
			if err := rows.Scan(&year, &last); err != nil {
				return err
			}
			out[year] = last
		}
		return mapError(rows.Err())
	})
	if err != nil {
		return nil, fmt.Errorf("service request sequences: %w", err)
	}
	return out, nil
}
