package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestPragmas checks the settings durability rests on are in force on the
// write connection and the read pool.
func TestPragmas(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"}
	for _, p := range []struct {
		name string
		q    func(string) (string, error)
	}{
		{"write", func(pragma string) (s string, err error) {
			err = db.write.QueryRow("PRAGMA " + pragma).Scan(&s)
			return
		}},
		{"read", func(pragma string) (s string, err error) {
			err = db.read.QueryRow("PRAGMA " + pragma).Scan(&s)
			return
		}},
	} {
		for pragma, w := range want {
			got, err := p.q(pragma)
			if err != nil {
				t.Fatalf("%s %s: %v", p.name, pragma, err)
			}
			if got != w {
				t.Errorf("%s pool: PRAGMA %s = %s, want %s", p.name, pragma, got, w)
			}
		}
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var v int
	if err := db.read.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(names) {
		t.Errorf("user_version: got %d, %v; want %d (one per migration)", v, err, len(names))
	}
}
