package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// Import is everything a FOI store keeps, as read from another store
// (foi/sqlite's AllRequests, ReferenceSequences, FindDisclosures,
// AllDrafts, FindRules, AuditKey and AllRedactions), to be copied as it
// is by Store.Import.
type Import struct {
	// Requests keep their references, deadlines, events and
	// clarifications.
	Requests []*foi.Request
	// ReferenceSequences is the last number given per series
	// ("FOI-2026").
	ReferenceSequences map[string]int64
	Disclosures        []*foi.Disclosure
	Drafts             []*foi.Disclosure
	Rules              []foi.Rule
	// AuditKey is the key Audit's digests were made with (nil for none).
	AuditKey []byte
	Audit    []foi.Redaction
}

// ImportOptions changes what Import does.
type ImportOptions struct {
	// DryRun counts what would be copied and rolls the transaction back.
	DryRun bool
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// Import copies in into the schema in one transaction: all of it or, on
// an error, nothing. It never overwrites nor deletes a row already
// there, so running it again copies nothing twice:
//
//   - a request whose reference is present (in any case) is left; a
//     copied one keeps its id when free (officers' links use it), else
//     takes a new one, and the id sequence is advanced past copied ids;
//   - each reference series is advanced to the copied one's last number
//     when it is behind;
//   - a disclosure or draft whose ID is present, or that PostgreSQL
//     records as merged away, is left; copied disclosures are stamped
//     with one new log version, so every machine's foi.bleve takes them;
//   - a censor rule is the same when its pattern, kind, replacement,
//     disclosure and creation time are; an audit entry when its
//     disclosure, publication time, field, span and digest are;
//   - the audit key is copied when the schema has none. When it has a
//     different one (an import or publication ran there first), the
//     copied entries keep the digests foi.db made and the Count says
//     so: they can be confirmed only with foi.db's key.
//
// The result would pass foi.MaxRules: more censor rules in all is an
// error wrapping foi.ErrConflict. It returns one Count per table.
func (s *Store) Import(ctx context.Context, in Import, opt ImportOptions) ([]storemigrate.Count, error) {
	reqs := storemigrate.Count{Table: "foi_requests"}
	seqs := storemigrate.Count{Table: "foi_reference_seq"}
	discs := storemigrate.Count{Table: "foi_disclosures"}
	drafts := storemigrate.Count{Table: "foi_disclosure_drafts"}
	rules := storemigrate.Count{Table: "foi_censor_rules"}
	keyc := storemigrate.Count{Table: "foi_audit_key"}
	audit := storemigrate.Count{Table: "foi_redactions"}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, r := range in.Requests {
			copied, err := importRequest(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("foi_requests: %s: %w", r.Reference, mapErr(err))
			}
			reqs.Add(copied)
		}
		for series, last := range in.ReferenceSequences {
			tag, err := tx.Exec(ctx, `INSERT INTO foi_reference_seq (series, last) VALUES ($1, $2)
				ON CONFLICT (series) DO UPDATE SET last = EXCLUDED.last WHERE foi_reference_seq.last < EXCLUDED.last`,
				series, last)
			if err != nil {
				return fmt.Errorf("foi_reference_seq: %s: %w", series, mapErr(err))
			}
			seqs.Add(tag.RowsAffected() > 0)
		}
		if err := importDisclosures(ctx, tx, in.Disclosures, &discs); err != nil {
			return err
		}
		for _, d := range in.Drafts {
			doc, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("foi_disclosure_drafts: %q: %w", d.ID, err)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO foi_disclosure_drafts (id, doc) SELECT $1::text, $2::json
				WHERE NOT EXISTS (SELECT 1 FROM foi_disclosure_removals WHERE id = $1)
				ON CONFLICT (id) DO NOTHING`, d.ID, string(doc))
			if err != nil {
				return fmt.Errorf("foi_disclosure_drafts: %q: %w", d.ID, mapErr(err))
			}
			drafts.Add(tag.RowsAffected() > 0)
		}
		if err := importRules(ctx, tx, in.Rules, &rules); err != nil {
			return err
		}
		if in.AuditKey != nil {
			tag, err := tx.Exec(ctx, `INSERT INTO foi_audit_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, in.AuditKey)
			if err != nil {
				return fmt.Errorf("foi_audit_key: %w", mapErr(err))
			}
			keyc.Add(tag.RowsAffected() > 0)
			var key []byte
			if err := tx.QueryRow(ctx, `SELECT key FROM foi_audit_key WHERE id = 1`).Scan(&key); err != nil {
				return fmt.Errorf("foi_audit_key: %w", mapErr(err))
			}
			if !bytes.Equal(key, in.AuditKey) {
				keyc.Note = "the schema already had another audit key: copied entries keep foi.db's digests, confirm them with foi.db's key"
			}
		}
		for _, r := range in.Audit {
			copied, err := importRedaction(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("foi_redactions: %q: %w", r.DisclosureID, mapErr(err))
			}
			audit.Add(copied)
		}
		if opt.DryRun {
			return errDryRun
		}
		// setval is not undone by a rollback; it runs last.
		for _, table := range []string{"foi_requests", "foi_censor_rules", "foi_redactions"} {
			if err := advanceIdentity(ctx, tx, table); err != nil {
				return fmt.Errorf("%s: advance the id sequence: %w", table, mapErr(err))
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import into the FOI tables: %w", err)
	}
	return []storemigrate.Count{reqs, seqs, discs, drafts, rules, keyc, audit}, nil
}

func importRequest(ctx context.Context, tx pgx.Tx, r *foi.Request) (bool, error) {
	if r == nil || r.Reference == "" {
		return false, fmt.Errorf("request without a reference: %w", foi.ErrInvalid)
	}
	var present, idTaken bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM foi_requests WHERE reference_key = $1),
		EXISTS (SELECT 1 FROM foi_requests WHERE id = $2)`, fold(r.Reference), r.ID).Scan(&present, &idTaken)
	if err != nil || present {
		return false, err
	}
	stored := r.Clone()
	stored.ID = 0
	doc, err := json.Marshal(stored)
	if err != nil {
		return false, err
	}
	args := []any{r.Reference, fold(r.Reference), fold(r.Email), string(r.Law), string(r.Status), r.Assignee,
		r.Received, optTime(r.Due), string(doc)}
	cols, vals, override := "", "", ""
	if !idTaken && r.ID > 0 {
		cols, vals, override = "id, ", "$10, ", " OVERRIDING SYSTEM VALUE"
		args = append(args, r.ID)
	}
	_, err = tx.Exec(ctx, `INSERT INTO foi_requests (`+cols+`reference, reference_key, email_key, law, status, assignee,
		received, due, doc)`+override+` VALUES (`+vals+`$1, $2, $3, $4, $5, $6, $7, $8, $9)`, args...)
	return err == nil, err
}

func importDisclosures(ctx context.Context, tx pgx.Tx, ds []*foi.Disclosure, c *storemigrate.Count) error {
	if len(ds) == 0 {
		return nil
	}
	var fresh []*foi.Disclosure
	for _, d := range ds {
		var present bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM foi_disclosures WHERE id = $1)
			OR EXISTS (SELECT 1 FROM foi_disclosure_removals WHERE id = $1)`, d.ID).Scan(&present)
		if err != nil {
			return fmt.Errorf("foi_disclosures: %q: %w", d.ID, mapErr(err))
		}
		c.Add(!present)
		if !present {
			fresh = append(fresh, d)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	if err := foi.CheckDisclosures(fresh); err != nil {
		return fmt.Errorf("foi_disclosures: %w", err)
	}
	if err := putDisclosures(ctx, tx, fresh); err != nil {
		return fmt.Errorf("foi_disclosures: %w", mapErr(err))
	}
	return nil
}

func importRules(ctx context.Context, tx pgx.Tx, rs []foi.Rule, c *storemigrate.Count) error {
	if len(rs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE foi_censor_rules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("foi_censor_rules: %w", mapErr(err))
	}
	for _, r := range rs {
		created := r.Created.Truncate(time.Microsecond)
		var present, idTaken bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM foi_censor_rules WHERE pattern = $1 AND is_regexp = $2
				AND replacement = $3 AND disclosure_id = $4 AND created = $5),
			EXISTS (SELECT 1 FROM foi_censor_rules WHERE id = $6)`,
			r.Pattern, r.Regexp, r.Replacement, r.DisclosureID, created, r.ID).Scan(&present, &idTaken)
		if err != nil {
			return fmt.Errorf("foi_censor_rules: %d: %w", r.ID, mapErr(err))
		}
		c.Add(!present)
		if present {
			continue
		}
		args := []any{r.Pattern, r.Regexp, r.Replacement, r.DisclosureID, r.Comment, r.Author, created}
		cols, vals, override := "", "", ""
		if !idTaken && r.ID > 0 {
			cols, vals, override = "id, ", "$8, ", " OVERRIDING SYSTEM VALUE"
			args = append(args, r.ID)
		}
		_, err = tx.Exec(ctx, `INSERT INTO foi_censor_rules (`+cols+`pattern, is_regexp, replacement, disclosure_id,
			comment, author, created)`+override+` VALUES (`+vals+`$1, $2, $3, $4, $5, $6, $7)`, args...)
		if err != nil {
			return fmt.Errorf("foi_censor_rules: %d: %w", r.ID, mapErr(err))
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM foi_censor_rules`).Scan(&n); err != nil {
		return fmt.Errorf("foi_censor_rules: %w", mapErr(err))
	}
	if n > foi.MaxRules {
		return fmt.Errorf("foi_censor_rules: %d rules in all, more than %d: %w", n, foi.MaxRules, foi.ErrConflict)
	}
	return nil
}

func importRedaction(ctx context.Context, tx pgx.Tx, r foi.Redaction) (bool, error) {
	at := r.PublishedAt.Truncate(time.Microsecond)
	var present bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM foi_redactions WHERE disclosure_id = $1 AND published_at = $2
		AND field = $3 AND start_byte = $4 AND end_byte = $5 AND digest = $6)`,
		r.DisclosureID, at, r.Field, r.Start, r.End, r.Digest).Scan(&present)
	if err != nil || present {
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO foi_redactions (disclosure_id, published_at, field, kind, start_byte, end_byte,
		replacement, digest, rule_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.DisclosureID, at, r.Field, string(r.Kind), r.Start, r.End, r.Replacement, r.Digest, r.RuleID)
	return err == nil, err
}

// advanceIdentity moves table's id sequence past its largest id, so rows
// copied with their own ids are not given again.
func advanceIdentity(ctx context.Context, tx pgx.Tx, table string) error {
	_, err := tx.Exec(ctx, `SELECT setval(s, m) FROM
		(SELECT pg_get_serial_sequence($1, 'id')::regclass AS s, (SELECT max(id) FROM `+pgx.Identifier{table}.Sanitize()+`) AS m) x
		WHERE m IS NOT NULL AND m > COALESCE(pg_sequence_last_value(s), 0)`, table)
	return err
}
