package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/foi"
)

const disclosureColumns = `id, reference, title, request_text, response_text, received, responded,
	status, law, department, topic, attachments, source_id, url, authority, sources`

// FindDisclosureByID implements foi.DisclosureStore.
func (s *Store) FindDisclosureByID(ctx context.Context, id string) (*foi.Disclosure, error) {
	var d *foi.Disclosure
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDisclosure(tx.QueryRowContext(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("disclosure %q: %w", id, foi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return loadExemptions(ctx, tx, []*foi.Disclosure{d})
	})
	return d, err
}

// FindDisclosures implements foi.DisclosureStore. A Query is matched in
// Go (foi.DisclosureFilter.Match) after the other filters, because
// SQLite's case folding is ASCII-only; the portal's full-text search
// goes to the search index instead.
func (s *Store) FindDisclosures(ctx context.Context, f foi.DisclosureFilter) ([]*foi.Disclosure, int, error) {
	where, args := disclosureWhere(f)
	query := strings.TrimSpace(f.Query) != ""
	var out []*foi.Disclosure
	var total int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + disclosureColumns + ` FROM disclosures` + where + ` ORDER BY received_us DESC, id`
		if !query {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM disclosures`+where, args...).Scan(&total); err != nil {
				return err
			}
			q += limitClause(f.Offset, f.Limit)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDisclosure(rows)
			if err != nil {
				return err
			}
			if query && !f.Match(d) {
				continue
			}
			out = append(out, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if query {
			total = len(out)
			out = page(out, f.Offset, f.Limit)
		}
		return loadExemptions(ctx, tx, out)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func page[T any](xs []T, offset, limit int) []T {
	offset = min(max(offset, 0), len(xs))
	xs = xs[offset:]
	if limit > 0 && limit < len(xs) {
		xs = xs[:limit]
	}
	return xs
}

// disclosureWhere translates every field of f but Query into SQL;
// foi.DisclosureFilter.Match is the specification.
func disclosureWhere(f foi.DisclosureFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.ID != "" {
		add(`id = ?`, f.ID)
	}
	if f.Reference != "" {
		add(`reference_key = ?`, fold(f.Reference))
	}
	if len(f.Status) > 0 {
		a := make([]any, len(f.Status))
		for i, st := range f.Status {
			a[i] = string(st)
		}
		add(`status IN (`+placeholders(len(a))+`)`, a...)
	}
	if f.Law != "" {
		add(`law = ?`, string(f.Law))
	}
	if f.Exemption != "" {
		add(`id IN (SELECT disclosure_id FROM disclosure_exemptions WHERE exemption_key = ?)`, f.Exemption)
	}
	if f.Department != "" {
		add(`department_key = ?`, fold(f.Department))
	}
	if f.Topic != "" {
		add(`topic_key = ?`, fold(f.Topic))
	}
	if !f.From.IsZero() {
		add(`received_us >= ?`, timeKey(f.From))
	}
	if !f.To.IsZero() {
		add(`received_us < ?`, timeKey(f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// PutDisclosures implements foi.DisclosureStore.
func (s *Store) PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error {
	if err := foi.CheckDisclosures(ds); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error { return putDisclosures(ctx, tx, ds) })
}

func putDisclosures(ctx context.Context, tx *sql.Tx, ds []*foi.Disclosure) error {
	del, err := tx.PrepareContext(ctx, `DELETE FROM disclosures WHERE id = ?`)
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO disclosures (id, reference, reference_key, title, request_text,
		response_text, received, received_us, responded, status, law, department, department_key, topic, topic_key,
		attachments, source_id, url, authority, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	insEx, err := tx.PrepareContext(ctx, `INSERT INTO disclosure_exemptions (disclosure_id, position, law, section,
		title, type, cited, exemption_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insEx.Close()
	for _, d := range ds {
		att := d.Attachments
		if att == nil {
			att = []foi.Attachment{}
		}
		attJSON, err := json.Marshal(att)
		if err != nil {
			return err
		}
		srcs := d.Sources
		if srcs == nil {
			srcs = []string{}
		}
		srcJSON, err := json.Marshal(srcs)
		if err != nil {
			return err
		}
		if _, err := del.ExecContext(ctx, d.ID); err != nil {
			return err
		}
		_, err = ins.ExecContext(ctx, d.ID, d.Reference, fold(d.Reference), d.Title, d.RequestText, d.ResponseText,
			timeText(d.Received), timeKey(d.Received), timeText(d.Responded), string(d.Status), string(d.Law),
			d.Department, fold(d.Department), d.Topic, fold(d.Topic), string(attJSON), d.SourceID, d.URL, d.Authority, string(srcJSON))
		if err != nil {
			return fmt.Errorf("disclosure %q: %w", d.ID, err)
		}
		for i, e := range d.Exemptions {
			if _, err := insEx.ExecContext(ctx, d.ID, i, string(e.Law), e.Section, e.Title, string(e.Type), e.Cited, e.Key()); err != nil {
				return fmt.Errorf("disclosure %q exemption %d: %w", d.ID, i, err)
			}
		}
	}
	return nil
}

func scanDisclosure(row scanner) (*foi.Disclosure, error) {
	var (
		d                        foi.Disclosure
		received, responded      sql.NullString
		status, law, attachments string
		sources                  string
	)
	err := row.Scan(&d.ID, &d.Reference, &d.Title, &d.RequestText, &d.ResponseText, &received, &responded,
		&status, &law, &d.Department, &d.Topic, &attachments, &d.SourceID, &d.URL, &d.Authority, &sources)
	if err != nil {
		return nil, err
	}
	d.Status, d.Law = foi.Status(status), foi.Law(law)
	var e1, e2 error
	d.Received, e1 = parseTime(received)
	d.Responded, e2 = parseTime(responded)
	if err := errors.Join(e1, e2); err != nil {
		return nil, fmt.Errorf("disclosure %q: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(attachments), &d.Attachments); err != nil {
		return nil, fmt.Errorf("disclosure %q: attachments: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(sources), &d.Sources); err != nil {
		return nil, fmt.Errorf("disclosure %q: sources: %w", d.ID, err)
	}
	return &d, nil
}

// loadExemptions fills in each disclosure's exemptions, in the order
// they were stored.
func loadExemptions(ctx context.Context, tx *sql.Tx, ds []*foi.Disclosure) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[string]*foi.Disclosure, len(ds))
	ids := make([]any, 0, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		rows, err := tx.QueryContext(ctx, `SELECT disclosure_id, law, section, title, type, cited
			FROM disclosure_exemptions WHERE disclosure_id IN (`+placeholders(len(part))+`) ORDER BY disclosure_id, position`, part...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, law, typ string
			var e foi.Exemption
			if err := rows.Scan(&id, &law, &e.Section, &e.Title, &typ, &e.Cited); err != nil {
				rows.Close()
				return err
			}
			e.Law, e.Type = foi.Law(law), foi.ExemptionType(typ)
			byID[id].Exemptions = append(byID[id].Exemptions, e)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
	}
	return nil
}

// CountDisclosures returns how many disclosures the log holds.
func (s *Store) CountDisclosures(ctx context.Context) (int, error) {
	var n int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM disclosures`).Scan(&n)
	})
	return n, err
}
