package records

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// FileHashes returns the content hash of every file ingested, including
// files that held no records, so unchanged files are not read again.
func (s *Store) FileHashes(ctx context.Context) (map[string]string, error) {
	if s.isClosed() {
		return nil, ErrClosed
	}
	rows, err := s.db.QueryContext(ctx, "SELECT file_id, hash FROM files")
	if err != nil {
		return nil, fmt.Errorf("records: file hashes: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, fmt.Errorf("records: file hashes: %w", err)
		}
		out[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: file hashes: %w", err)
	}
	return out, nil
}

// batchRows is how many records one INSERT statement writes: fewer,
// larger statements cost the driver much less per row.
const batchRows = 64

// recordColumns is the number of columns insertSQL sets per record.
const recordColumns = 16

// insertSQL returns an INSERT of n records. A doc_id seen twice keeps the
// later record.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO records (doc_id, file_id, kind, council, supplier, supplier_norm,
	amount_pence, date, end_date, department, category, description, reference, status, title, url) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(` ON CONFLICT (doc_id) DO UPDATE SET file_id = excluded.file_id, kind = excluded.kind,
	council = excluded.council, supplier = excluded.supplier, supplier_norm = excluded.supplier_norm,
	amount_pence = excluded.amount_pence, date = excluded.date, end_date = excluded.end_date,
	department = excluded.department, category = excluded.category, description = excluded.description,
	reference = excluded.reference, status = excluded.status, title = excluded.title, url = excluded.url`)
	return b.String()
}

// PutFile replaces the records from fileID with those of docs that carry a
// Record, in one transaction. Documents without a Record are ignored, but
// the file's hash is kept either way.
func (s *Store) PutFile(ctx context.Context, fileID, hash string, docs []corpus.Document) error {
	if s.isClosed() {
		return ErrClosed
	}
	defer s.invalidate()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("records: put %s: %w", fileID, err)
	}
	defer tx.Rollback()
	if err := deleteFile(ctx, tx, fileID); err != nil {
		return fmt.Errorf("records: put %s: %w", fileID, err)
	}
	var batch *sql.Stmt // prepared once per file, for full batches
	args := make([]any, 0, batchRows*recordColumns)
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		var err error
		if n == batchRows {
			if batch == nil {
				if batch, err = tx.PrepareContext(ctx, insertSQL(batchRows)); err != nil {
					return err
				}
			}
			_, err = batch.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(n), args...)
		}
		args, n = args[:0], 0
		return err
	}
	norms := map[string]string{} // a file names the same suppliers many times
	for i := range docs {
		d := &docs[i]
		r := d.Record
		if r == nil {
			continue
		}
		if corpus.FileID(d.ID) != fileID {
			return fmt.Errorf("records: put %s: document %q is outside the file: %w", fileID, d.ID, corpus.ErrInvalid)
		}
		norm, ok := norms[r.Supplier]
		if !ok {
			norm = Normalize(r.Supplier)
			norms[r.Supplier] = norm
		}
		date := r.Date
		if date.IsZero() {
			date = d.Date
		}
		args = append(args, d.ID, fileID, string(d.Kind), d.Council, r.Supplier, norm,
			r.AmountPence, isoDate(date), isoDate(r.EndDate), r.Department, r.Category, r.Description,
			r.Reference, r.Status, d.Title, d.URL)
		if n++; n == batchRows {
			if err := flush(); err != nil {
				return fmt.Errorf("records: put %s: %w", fileID, err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("records: put %s: %w", fileID, err)
	}
	if batch != nil {
		batch.Close()
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO records_fts (rowid, body) SELECT rowid, "+ftsBody+" FROM records WHERE file_id = ?", fileID); err != nil {
		return fmt.Errorf("records: put %s: text index: %w", fileID, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO files (file_id, hash) VALUES (?, ?) ON CONFLICT (file_id) DO UPDATE SET hash = excluded.hash", fileID, hash); err != nil {
		return fmt.Errorf("records: put %s: %w", fileID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("records: put %s: %w", fileID, err)
	}
	return nil
}

// DeleteFiles removes the given files' records and hashes.
func (s *Store) DeleteFiles(ctx context.Context, fileIDs []string) error {
	if len(fileIDs) == 0 {
		return nil
	}
	if s.isClosed() {
		return ErrClosed
	}
	defer s.invalidate()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("records: delete files: %w", err)
	}
	defer tx.Rollback()
	for _, id := range fileIDs {
		if err := deleteFile(ctx, tx, id); err != nil {
			return fmt.Errorf("records: delete %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM files WHERE file_id = ?", id); err != nil {
			return fmt.Errorf("records: delete %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("records: delete files: %w", err)
	}
	return nil
}

// ftsBody is the text indexed for a record: a contract's title,
// description, category and supplier; a payment's description, category
// and department (its title only repeats the supplier and amount).
const ftsBody = `CASE WHEN kind = 'spending'
	THEN description || ' ' || category || ' ' || department
	ELSE title || ' ' || description || ' ' || category || ' ' || supplier END`

// deleteFile removes a file's records and their text index entries.
func deleteFile(ctx context.Context, tx *sql.Tx, fileID string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM records_fts WHERE rowid IN (SELECT rowid FROM records WHERE file_id = ?)", fileID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM records WHERE file_id = ?", fileID)
	return err
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Tee returns a sink that feeds both primary (the retrieval index) and
// rec. File hashes come from primary, except that a file rec lacks or
// holds at another hash is reported as changed, so adding a record index
// beside an existing retrieval index fills it on the next ingest. Such a
// file, when primary already holds it at the same hash, is put to rec
// alone: the retrieval index is not rebuilt for rec's sake. Files are
// deleted from both.
func Tee(primary corpus.Sink, rec *Store) corpus.Sink {
	return &tee{primary: primary, rec: rec}
}

type tee struct {
	primary corpus.Sink
	rec     *Store
	// current maps files primary holds but rec does not (at that hash) to
	// primary's hash, from the last FileHashes call.
	current map[string]string
}

func (t *tee) FileHashes(ctx context.Context) (map[string]string, error) {
	p, err := t.primary.FileHashes(ctx)
	if err != nil {
		return nil, err
	}
	r, err := t.rec.FileHashes(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(p))
	t.current = map[string]string{}
	for id, h := range p {
		out[id] = h
		if r[id] != h {
			out[id] = "" // changed as far as rec is concerned
			t.current[id] = h
		}
	}
	for id := range r {
		if _, ok := p[id]; !ok {
			out[id] = "" // deleted from both if gone, reloaded into both if not
		}
	}
	return out, nil
}

func (t *tee) PutFile(ctx context.Context, fileID, hash string, docs []corpus.Document) error {
	if h, ok := t.current[fileID]; !ok || h != hash {
		if err := t.primary.PutFile(ctx, fileID, hash, docs); err != nil {
			return err
		}
	}
	delete(t.current, fileID)
	return t.rec.PutFile(ctx, fileID, hash, docs)
}

func (t *tee) DeleteFiles(ctx context.Context, fileIDs []string) error {
	if err := t.primary.DeleteFiles(ctx, fileIDs); err != nil {
		return err
	}
	return t.rec.DeleteFiles(ctx, fileIDs)
}
