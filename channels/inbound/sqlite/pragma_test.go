package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000"}
	for _, p := range []struct {
		name string
		db   *sql.DB
	}{{"write", db.write}, {"read", db.read}} {
		for pragma, w := range want {
			var got string
			if err := p.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatalf("%s %s: %v", p.name, pragma, err)
			}
			if got != w {
				t.Errorf("%s pool: PRAGMA %s = %s, want %s", p.name, pragma, got, w)
			}
		}
	}
}
