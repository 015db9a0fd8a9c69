package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
)

// CreateServiceRequest stores r and returns only once it is committed and
// synced to disk. When r.Reference is empty it assigns the next reference
// from the durable per-year sequence (the year of r.Created in UK time):
// ReferencePrefix-YYYY-NNNNNN, never repeated, even across processes. A
// zero Created is set to now and an empty Status to "open". r's
// Reference, Created and Status are set only after the commit, so a
// request that failed to save never looks logged.
//
// It returns an error wrapping assistant.ErrInvalid when r is nil or has
// no service, and assistant.ErrConflict when r.Reference is already used.
func (db *DB) CreateServiceRequest(ctx context.Context, r *assistant.ServiceRequest) error {
	if r == nil || r.Service == "" {
		return fmt.Errorf("service request without a service: %w", assistant.ErrInvalid)
	}
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	created, status, ref := r.Created, r.Status, r.Reference
	if created.IsZero() {
		created = db.now()
	}
	if status == "" {
		status = "open"
	}
	var lat, lon sql.NullFloat64
	if r.Location.Lat != 0 || r.Location.Lon != 0 {
		lat = sql.NullFloat64{Float64: r.Location.Lat, Valid: true}
		lon = sql.NullFloat64{Float64: r.Location.Lon, Valid: true}
	}
	err = db.inWrite(ctx, func(tx *sql.Tx) error {
		if ref == "" {
			year := assistant.UKTime(created).Year()
			var seq int64
			err := tx.QueryRowContext(ctx, `INSERT INTO service_request_sequences (year, last) VALUES (?, 1)
				ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`, year).Scan(&seq)
			if err != nil {
				return mapError(err)
			}
			ref = assistant.FormatServiceReference(db.prefix(), year, seq)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO service_requests
			(reference, service, address, postcode, lat, lon, description, answers, contact,
			 channel, conversation_id, status, confirmed, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ref, r.Service, r.Location.Address, r.Location.Postcode, lat, lon, r.Description, string(answers),
			r.Contact, string(r.Channel), r.ConversationID, status, boolInt(r.Confirmed), formatTime(created))
		return mapError(err)
	})
	if err != nil {
		return fmt.Errorf("create service request %q: %w", ref, err)
	}
	r.Reference, r.Created, r.Status = ref, created, status
	return nil
}

func (db *DB) prefix() string {
	if db.ReferencePrefix == "" {
		return "SR"
	}
	return db.ReferencePrefix
}

// FindServiceRequestByReference returns the request with the given
// reference (any case, surrounding spaces ignored), or an error wrapping
// assistant.ErrNotFound.
func (db *DB) FindServiceRequestByReference(ctx context.Context, ref string) (*assistant.ServiceRequest, error) {
	ref = strings.TrimSpace(ref)
	var r *assistant.ServiceRequest
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		r = &assistant.ServiceRequest{}
		var answers, channel, created string
		var lat, lon sql.NullFloat64
		var confirmed int
		err := tx.QueryRowContext(ctx, `SELECT reference, service, address, postcode, lat, lon, description, answers,
			contact, channel, conversation_id, status, confirmed, created
			FROM service_requests WHERE reference = ?`, ref).
			Scan(&r.Reference, &r.Service, &r.Location.Address, &r.Location.Postcode, &lat, &lon, &r.Description, &answers,
				&r.Contact, &channel, &r.ConversationID, &r.Status, &confirmed, &created)
		if err != nil {
			return mapError(err)
		}
		r.Location.Lat, r.Location.Lon = lat.Float64, lon.Float64
		r.Channel = assistant.Channel(channel)
		r.Confirmed = confirmed != 0
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		r.Created, err = parseTime(created)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("service request %q: %w", ref, err)
	}
	return r, nil
}
