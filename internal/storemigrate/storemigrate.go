// Package storemigrate holds what the store packages share to copy a
// council's data from the embedded SQLite stores into PostgreSQL
// (`townhall store migrate`): a read-only way to open a SQLite file and
// the per-table count every import reports.
//
// The copying itself lives with each store: the SQLite packages read
// everything they keep (OpenReadOnly and the All... methods) and the
// PostgreSQL packages insert it as it was (Import), each store in one
// transaction, so the encodings stay with the code that owns them.
package storemigrate

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// Count is what an import did with one table's rows: how many it read
// from the SQLite file, how many it copied into PostgreSQL and how many
// were already there (by the table's key) and left as they were.
type Count struct {
	Table   string
	Read    int
	Copied  int
	Present int
	// Note says something the operator should know about the table,
	// such as a key that differs between the two stores.
	Note string
}

// Add counts one row read, copied or found present.
func (c *Count) Add(copied bool) {
	c.Read++
	if copied {
		c.Copied++
	} else {
		c.Present++
	}
}

// OpenSQLite opens the SQLite database at path read-only
// (mode=ro and query_only), without creating it or applying migrations:
// a missing file is an error, and nothing this handle does can change
// the file. The caller closes it.
func OpenSQLite(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite path %q: not a plain file path", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a SQLite file", path)
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: "mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(10000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}
