// Package sqlitedb opens the channels' embedded SQLite databases (the
// web chat's records, the SMS and WhatsApp queue) the one way they share:
// a single write connection in WAL mode whose transactions start
// IMMEDIATE, so writers queue rather than fail, a pool of query-only
// read connections, a busy timeout, and the embedded migrations applied
// before the read pool opens.
package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/townhall-civic/townhall/internal/sqlitemigrate"
)

// Options says how to open a database.
type Options struct {
	// Synchronous is SQLite's synchronous setting: "FULL" for a database
	// whose commits are promises to someone (each commit reaches the disk
	// before it returns), "NORMAL" where losing the last commits to a
	// power cut is acceptable.
	Synchronous string
	// BusyTimeout is how long a transaction waits for another process's
	// write lock.
	BusyTimeout time.Duration
	// Migrations and Pattern ("migrations/*.sql") are applied in name
	// order (internal/sqlitemigrate).
	Migrations fs.FS
	Pattern    string
	// ReadConns is the read pool's size.
	ReadConns int
}

// Open opens the database at path, creating it if needed, and brings
// its schema up to date. invalid is wrapped in the error for a path
// that cannot be used (empty, or carrying '?' or '#', which the driver
// would read as options).
func Open(ctx context.Context, path string, o Options, invalid error) (write, read *sql.DB, err error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, nil, fmt.Errorf("sqlite path %q: %w", path, invalid)
	}
	common := "?_pragma=busy_timeout(" + strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=synchronous(" + o.Synchronous + ")"
	write, err = sql.Open("sqlite", path+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := sqlitemigrate.Apply(ctx, write, o.Migrations, o.Pattern, path); err != nil {
		write.Close()
		return nil, nil, err
	}
	// The read pool opens after migration, so the file is already in WAL
	// mode (a persistent setting) and query_only cannot get in its way.
	read, err = sql.Open("sqlite", path+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(o.ReadConns)
	return write, read, nil
}
