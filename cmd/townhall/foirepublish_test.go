package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/foi/sqlite"
)

var republishedRe = regexp.MustCompile(`(Republished|Would republish) (\d+) of (\d+) disclosures with (\d+) censor rules`)

// republished runs townhall foi republish and reads its summary line.
func republished(t *testing.T, getenv func(string) string, args ...string) (verb string, n, of int) {
	t.Helper()
	out, errOut, err := runCmd(t, getenv, append([]string{"foi", "republish", "-manifest", demoManifest}, args...)...)
	if err != nil {
		t.Fatalf("foi republish %v: %v\n%s%s", args, err, out, errOut)
	}
	m := republishedRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("foi republish %v: no summary in %q", args, out)
	}
	n, _ = strconv.Atoi(m[2])
	of, _ = strconv.Atoi(m[3])
	return m[1], n, of
}

// TestFOIRepublish imports the demo council's disclosures, adds a censor
// rule for every disclosure ("Riverside", a place named in several of
// them) and runs townhall foi republish: a dry run changes nothing; the
// real run removes the word from every published disclosure and from the
// search index and audits each removal against the rule; a second run
// republishes nothing.
func TestFOIRepublish(t *testing.T) {
	ctx := context.Background()
	getenv := demoFOI(t, nil)
	env := envConfig(getenv)
	dbPath, indexPath := foiPaths(env, demoManifest, "", "")

	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	rule := foi.Rule{Pattern: "Riverside", Replacement: "[place removed]", Comment: "test rule for every disclosure", Author: "test"}
	if err := st.CreateRule(ctx, &rule); err != nil {
		t.Fatal(err)
	}
	st.Close()

	matches := func() (stored int, indexed int) {
		t.Helper()
		s, err := openFOI(ctx, foiLocation{DB: dbPath, Index: indexPath}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, stored, err = s.store.FindDisclosures(ctx, foi.DisclosureFilter{Query: "riverside"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.index.Search(ctx, search.Query{Text: "riverside"})
		if err != nil {
			t.Fatal(err)
		}
		return stored, res.Total
	}
	storedBefore, indexedBefore := matches()
	if storedBefore < 2 || indexedBefore < 2 {
		t.Fatalf("before: %d stored and %d indexed disclosures mention Riverside, want at least 2", storedBefore, indexedBefore)
	}

	verb, n, of := republished(t, getenv, "-dry-run")
	if verb != "Would republish" || n < storedBefore || of != 39 {
		t.Errorf("dry run: %s %d of %d, want 'Would republish' at least %d of 39", verb, n, of, storedBefore)
	}
	if s, i := matches(); s != storedBefore || i != indexedBefore {
		t.Errorf("after the dry run %d stored and %d indexed mention Riverside, want %d and %d", s, i, storedBefore, indexedBefore)
	}

	verb, n, _ = republished(t, getenv)
	if verb != "Republished" || n < storedBefore {
		t.Errorf("republish: %s %d, want Republished at least %d", verb, n, storedBefore)
	}
	if s, i := matches(); s != 0 || i != 0 {
		t.Errorf("after republishing %d stored and %d indexed disclosures mention Riverside, want none", s, i)
	}
	st, err = sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const id = "foi/requests/public_toilets_cleaning_cost.json"
	d, err := st.FindDisclosureByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.RequestText+d.ResponseText, "[place removed]") {
		t.Errorf("%s does not show the rule's replacement", id)
	}
	rs, err := st.FindRedactions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	byRule := 0
	for _, r := range rs {
		if r.Kind == foi.KindCustom && r.RuleID == rule.ID {
			byRule++
		}
	}
	if byRule == 0 {
		t.Errorf("%s: no audited removal by rule %d among %d entries", id, rule.ID, len(rs))
	}

	if verb, n, _ := republished(t, getenv); verb != "Republished" || n != 0 {
		t.Errorf("second run: %s %d, want Republished 0", verb, n)
	}
}

func TestFOIRepublishUsage(t *testing.T) {
	getenv, _ := testEnv(t)
	for _, args := range [][]string{
		{"foi", "republish"},
		{"foi", "republish", "-db", filepath.Join(t.TempDir(), "missing.db")},
		{"foi", "republish", "-manifest", demoManifest, "extra"},
		{"foi", "publish"},
	} {
		_, _, err := runCmd(t, getenv, args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%v: err %v, want a usage error (exit 2)", args, err)
		}
	}
}
