package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/assistant"
)

// CreateServiceRequest stores r and returns only once it is committed and
// its commit record flushed to disk (synchronous_commit=on for this
// transaction). When r.Reference is empty it assigns the next reference
// from the durable per-year sequence (the year of r.Created in UK time):
// ReferencePrefix-YYYY-NNNNNN, never repeated, even across processes. A
// zero Created is set to now and an empty Status to "open". r's
// Reference, Created and Status are set only after the commit, so a
// request that failed to save never looks logged.
//
// It returns an error wrapping assistant.ErrInvalid when r is nil or has
// no service, and assistant.ErrConflict when r.Reference is already used
// (in any case).
func (db *DB) CreateServiceRequest(ctx context.Context, r *assistant.ServiceRequest) error {
	if r == nil || r.Service == "" {
		return fmt.Errorf("service request without a service: %w", assistant.ErrInvalid)
	}
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	created, status, ref := r.Created, r.Status, clean(r.Reference)
	if created.IsZero() {
		created = db.now()
	}
	// Kept as stored: PostgreSQL keeps microseconds.
	created = created.Truncate(time.Microsecond)
	if status == "" {
		status = "open"
	}
	var lat, lon *float64
	if r.Location.Lat != 0 || r.Location.Lon != 0 {
		lat, lon = &r.Location.Lat, &r.Location.Lon
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// The acknowledgement promises the request is kept: wait for the
		// commit to reach disk even where the server trades that away.
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		if ref == "" {
			year := assistant.UKTime(created).Year()
			var seq int64
			err := tx.QueryRow(ctx, `INSERT INTO service_request_sequences (year, last) VALUES ($1, 1)
				ON CONFLICT (year) DO UPDATE SET last = service_request_sequences.last + 1 RETURNING last`, year).Scan(&seq)
			if err != nil {
				return err
			}
			ref = assistant.FormatServiceReference(db.prefix(), year, seq)
		}
		_, err := tx.Exec(ctx, `INSERT INTO service_requests
			(reference, service, address, postcode, lat, lon, description, answers, contact,
			 channel, conversation_id, status, confirmed, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			ref, clean(r.Service), clean(r.Location.Address), clean(r.Location.Postcode), lat, lon, clean(r.Description),
			string(answers), clean(r.Contact), clean(string(r.Channel)), clean(r.ConversationID), clean(status), r.Confirmed, created)
		return err
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
	err := db.inRead(ctx, func(tx pgx.Tx) error {
		r = &assistant.ServiceRequest{}
		var answers []byte
		var channel string
		var lat, lon *float64
		var created time.Time
		err := tx.QueryRow(ctx, `SELECT reference, service, address, postcode, lat, lon, description, answers,
			contact, channel, conversation_id, status, confirmed, created
			FROM service_requests WHERE lower(reference) = lower($1)`, clean(ref)).
			Scan(&r.Reference, &r.Service, &r.Location.Address, &r.Location.Postcode, &lat, &lon, &r.Description, &answers,
				&r.Contact, &channel, &r.ConversationID, &r.Status, &r.Confirmed, &created)
		if err != nil {
			return err
		}
		if lat != nil && lon != nil {
			r.Location.Lat, r.Location.Lon = *lat, *lon
		}
		r.Channel, r.Created = assistant.Channel(channel), created.UTC()
		if err := json.Unmarshal(answers, &r.Answers); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("service request %q: %w", ref, err)
	}
	return r, nil
}
