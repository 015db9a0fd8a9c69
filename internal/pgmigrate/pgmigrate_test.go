package pgmigrate_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/townhall-civic/townhall/internal/pgmigrate"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

func TestOpenPool(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_pgmigrate_")
	ctx := context.Background()
	v1 := fstest.MapFS{"m/0001_a.sql": {Data: []byte("CREATE TABLE a (x int); INSERT INTO a VALUES (1);")}}
	v2 := fstest.MapFS{
		"m/0001_a.sql": v1["m/0001_a.sql"],
		"m/0002_b.sql": {Data: []byte("INSERT INTO a VALUES (2);")},
	}
	open := func(fsys fstest.MapFS) error {
		pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{Schema: schema, Migrations: fsys, Pattern: "m/*.sql", Table: "test_migrations"})
		if err == nil {
			pool.Close()
		}
		return err
	}
	count := func() int {
		t.Helper()
		pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{Schema: schema, Migrations: fstest.MapFS{}, Pattern: "m/*.sql", Table: "other_migrations"})
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM a").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, step := range []struct {
		fsys fstest.MapFS
		rows int
	}{{v1, 1}, {v1, 1}, {v2, 2}, {v2, 2}} {
		if err := open(step.fsys); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if n := count(); n != step.rows {
			t.Errorf("step %d: %d rows, want %d (each migration runs once)", i, n, step.rows)
		}
	}
	// A program that knows only version 1 refuses the database.
	if err := open(v1); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("older program: got %v, want a refusal naming a newer version", err)
	}
	bad := fstest.MapFS{"m/first.sql": {Data: []byte("SELECT 1")}}
	if err := open(bad); err == nil {
		t.Error("a migration name without a number was accepted")
	}
}
