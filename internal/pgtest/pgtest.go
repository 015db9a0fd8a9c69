// Package pgtest gives the PostgreSQL tests of Townhall's stores and of
// cmd/townhall their database: the URL in TEST_DATABASE_URL, and a
// throwaway schema per test, dropped with everything in it when the test
// ends, so tests (and test packages running at once) never see each
// other's tables. Only tests import it.
//
// Without TEST_DATABASE_URL a test skips, unless CI is set too: then it
// fails, so a CI run cannot pass without its PostgreSQL tests.
// `make pg` (scripts/pg-test.sh) starts a local PostgreSQL with pgvector.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns TEST_DATABASE_URL, skipping the test when it is unset, or
// failing it when CI is set too.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("TEST_DATABASE_URL is unset but CI is set: run `make pg` (scripts/pg-test.sh) and export its URL")
		}
		tb.Skip("TEST_DATABASE_URL is unset; `make pg` starts a local PostgreSQL with pgvector")
	}
	return url
}

// Schema returns a new schema name, prefix followed by random hex, and
// drops that schema with everything in it on url when the test ends. It
// does not create the schema: the stores' openers do. Call it before
// opening a store in the schema, so the store's own cleanup (registered
// later) closes it before the schema is dropped.
func Schema(tb testing.TB, url, prefix string) string {
	tb.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}
