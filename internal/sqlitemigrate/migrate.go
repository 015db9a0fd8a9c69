// Package sqlitemigrate applies a program's embedded SQL migrations to a
// SQLite database. The number of migrations applied is kept in PRAGMA
// user_version, so each runs once, in name order, and a database written
// by a newer program (more migrations than this one knows) is refused
// rather than touched.
package sqlitemigrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
)

// Apply runs the migrations matching pattern in fsys (e.g.
// "migrations/*.sql") that db has not seen, all in one transaction. name
// identifies the database in errors.
func Apply(ctx context.Context, db *sql.DB, fsys fs.FS, pattern, name string) error {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if version > len(names) {
		return fmt.Errorf("database %s has schema version %d, newer than this program's %d", name, version, len(names))
	}
	for i := version; i < len(names); i++ {
		body, err := fs.ReadFile(fsys, names[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", names[i], err)
		}
	}
	if version < len(names) {
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(names))); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return tx.Commit()
}
