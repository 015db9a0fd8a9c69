package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/internal/sqlitetest"
)

// TestPragmas checks the settings durability rests on are in force on the
// write connection and the read pool.
func TestPragmas(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlitetest.CheckPragmas(t, map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"},
		sqlitetest.Pool{Name: "write", DB: db.write}, sqlitetest.Pool{Name: "read", DB: db.read})
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var v int
	if err := db.read.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(names) {
		t.Errorf("user_version: got %d, %v; want %d (one per migration)", v, err, len(names))
	}
}
