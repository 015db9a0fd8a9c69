// Package sqlitetest checks the SQLite settings Townhall's embedded
// stores rest their durability on. Only tests import it.
package sqlitetest

import (
	"database/sql"
	"testing"
)

// Pool is one of a store's connection pools, named for messages.
type Pool struct {
	Name string
	DB   *sql.DB
}

// CheckPragmas reports, as test errors, each PRAGMA in want whose value
// on a connection of each pool is not the one wanted (as SQLite prints
// it: "wal", "2" for synchronous=FULL, "1" for on). A PRAGMA that cannot
// be read fails the test at once.
func CheckPragmas(t testing.TB, want map[string]string, pools ...Pool) {
	t.Helper()
	for _, p := range pools {
		for pragma, w := range want {
			var got string
			if err := p.DB.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatalf("%s %s: %v", p.Name, pragma, err)
			}
			if got != w {
				t.Errorf("%s pool: PRAGMA %s = %s, want %s", p.Name, pragma, got, w)
			}
		}
	}
}
