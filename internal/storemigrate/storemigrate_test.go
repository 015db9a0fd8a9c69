package storemigrate_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/townhall-civic/townhall/internal/storemigrate"
)

func TestOpenSQLiteIsReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	rw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Exec(`CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	ro, err := storemigrate.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if err := ro.QueryRowContext(ctx, `SELECT v FROM t`).Scan(&v); err != nil || v != "kept" {
		t.Errorf("read = %q, %v; want kept", v, err)
	}
	if _, err := ro.ExecContext(ctx, `INSERT INTO t VALUES ('new')`); err == nil {
		t.Error("a write through the read-only handle succeeded")
	}
	ro.Close()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("the file changed")
	}

	for _, bad := range []string{filepath.Join(dir, "missing.db"), dir, "", path + "?mode=rw"} {
		if db, err := storemigrate.OpenSQLite(ctx, bad); err == nil {
			db.Close()
			t.Errorf("OpenSQLite(%q) succeeded, want an error", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Errorf("opening a missing file created it (stat error %v)", err)
	}
}
