package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/internal/sqlitetest"
)

// TestPragmas checks the settings durability rests on are in force on the
// write connection and the read pool: an acknowledged message must
// survive a power cut, which takes WAL with synchronous=FULL.
func TestPragmas(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlitetest.CheckPragmas(t, map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000"},
		sqlitetest.Pool{Name: "write", DB: db.write}, sqlitetest.Pool{Name: "read", DB: db.read})
}
