package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	fpostgres "github.com/townhall-civic/townhall/foi/postgres"
	"github.com/townhall-civic/townhall/foi/search"
)

// TestPostgresFOIPortal imports the demo council's FOI sources into
// PostgreSQL from one index folder and serves the portal from another (as
// a second machine would): its search index is built from PostgreSQL, the
// API finds a disclosure and its page opens. A republication with a
// censor rule made from the first folder reaches the running portal's
// search (TOWNHALL_FOI_FOLLOW). An officer's rule saved and published in
// the redaction preview is in PostgreSQL with its audit, and out of the
// search. A request submitted through the form is in PostgreSQL and on
// the officers' case list.
func TestPostgresFOIPortal(t *testing.T) {
	ctx := context.Background()
	vars := pgTestVars(t)
	importDir := t.TempDir()
	imp := maps.Clone(vars)
	imp["TOWNHALL_DATA"] = importDir
	getenv := func(k string) string { return imp[k] }

	out, _, err := runCmd(t, getenv, "foi", "import", "-manifest", demoManifest)
	if err != nil {
		t.Fatalf("foi import: %v\n%s", err, out)
	}
	schema := vars["TOWNHALL_DATABASE_SCHEMA"]
	if !strings.Contains(out, "Imported 39 disclosures") || !strings.Contains(out, "PostgreSQL schema "+schema) {
		t.Errorf("import report:\n%s", out)
	}
	entries, _ := os.ReadDir(filepath.Join(importDir, "demo"))
	if hasEntry(entries, "foi.db") || !hasEntry(entries, "foi.bleve") {
		t.Errorf("index folder holds %v, want foi.bleve and no foi.db", names(entries))
	}

	// Serve from a fresh index folder: the FOI search index is built
	// from PostgreSQL.
	serveDir := t.TempDir()
	vars["TOWNHALL_DATA"] = serveDir
	vars["TOWNHALL_FOI_OFFICERS"] = "1"
	vars["TOWNHALL_FOI_FOLLOW"] = "1s"
	s := startDemoServer(t, vars)
	base := "http://" + s.Addr()

	type results struct {
		Results []struct{ ID, Title, URL string }
		Total   int
	}
	apiSearch := func(q string) results {
		t.Helper()
		var r results
		if err := json.Unmarshal([]byte(getBody(t, base+"/api/foi/search?q="+url.QueryEscape(q))), &r); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return r
	}
	if r := apiSearch("mayor's car"); r.Total == 0 || r.Results[0].ID != "foi/requests/mayors_car_costs.json" {
		t.Errorf("API search for the mayor's car = %+v", r)
	}
	if r := apiSearch("riverside"); r.Total == 0 {
		t.Fatal("no disclosure says Riverside before the censor rule; the test needs some")
	}
	// A censor rule saved in PostgreSQL applies to foi republish.
	st, err := fpostgres.Open(ctx, vars["TOWNHALL_DATABASE_URL"], fpostgres.Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rule := foi.Rule{Pattern: "Riverside", Replacement: "[place removed]", Comment: "test rule", Author: "test"}
	if err := st.CreateRule(ctx, &rule); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, getenv, "foi", "republish", "-manifest", demoManifest)
	if m := regexp.MustCompile(`Republished (\d+) of 39 disclosures with 1 censor rules`).FindStringSubmatch(out); err != nil || m == nil || m[1] == "0" {
		t.Fatalf("foi republish: %v\n%s", err, out)
	}
	ds, _, err := st.FindDisclosures(ctx, foi.DisclosureFilter{Query: "riverside"})
	if err != nil || len(ds) != 0 {
		t.Errorf("after republishing, %d disclosures in PostgreSQL still say Riverside (%v)", len(ds), err)
	}
	ds, _, err = st.FindDisclosures(ctx, foi.DisclosureFilter{Query: "[place removed]"})
	if err != nil || len(ds) == 0 {
		t.Fatalf("no republished disclosure carries the rule's replacement (%v)", err)
	}
	reds, err := st.FindRedactions(ctx, ds[0].ID)
	byRule := 0
	for _, r := range reds {
		if r.RuleID == rule.ID {
			byRule++
		}
	}
	if err != nil || byRule == 0 {
		t.Errorf("audit trail of %s has no entry for rule %d (%d entries, %v)", ds[0].ID, rule.ID, len(reds), err)
	}

	deadline := time.Now().Add(15 * time.Second)
	for apiSearch("riverside").Total != 0 {
		if time.Now().After(deadline) {
			t.Fatal("15 s after republishing from another folder, the running portal still finds Riverside")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// An officer removes a word from one disclosure in the redaction
	// preview: the rule, the publication and its audit go to PostgreSQL.
	const mayors = "foi/requests/mayors_car_costs.json"
	if r := apiSearch("chauffeur"); r.Total == 0 {
		t.Fatal("no disclosure says chauffeur before the officer's rule; the test needs one")
	}
	for _, action := range []string{"save", "publish"} {
		res, err := http.PostForm(base+"/foi/cases/redaction", url.Values{"id": {mayors}, "action": {action},
			"pattern": {"chauffeur"}, "replacement": {"[removed]"}, "comment": {"test"}, "actor": {"ann"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
			t.Fatalf("redaction preview %s: status %d", action, res.StatusCode)
		}
	}
	rules, err := st.FindRules(ctx, foi.RuleFilter{DisclosureID: mayors})
	if err != nil || len(rules) != 2 || rules[1].Pattern != "chauffeur" || rules[1].DisclosureID != mayors {
		t.Fatalf("rules in PostgreSQL = %+v (%v), want the Riverside rule and the officer's", rules, err)
	}
	if d, err := st.FindDisclosureByID(ctx, mayors); err != nil || strings.Contains(d.RequestText+d.ResponseText, "chauffeur") {
		t.Errorf("published disclosure in PostgreSQL still says chauffeur (%v)", err)
	}
	trail, err := st.FindRedactions(ctx, mayors)
	byRule = 0
	for _, r := range trail {
		if r.RuleID == rules[1].ID {
			byRule++
		}
	}
	if err != nil || byRule == 0 {
		t.Errorf("audit trail of %s has no entry for the officer's rule (%d entries, %v)", mayors, len(trail), err)
	}
	if r := apiSearch("chauffeur"); r.Total != 0 {
		t.Errorf("the portal still finds chauffeur in %d disclosures after the officer published", r.Total)
	}

	page := getBody(t, base+"/foi/disclosures/foi/requests/mayors_car_costs.json")
	if !strings.Contains(strings.ToLower(page), "mayor") {
		t.Errorf("disclosure page does not show the disclosure:\n%.400s", page)
	}
	if entries, _ := os.ReadDir(filepath.Join(serveDir, "demo")); hasEntry(entries, "foi.db") || !hasEntry(entries, "foi.bleve") {
		t.Errorf("serving index folder holds %v, want foi.bleve and no foi.db", names(entries))
	}

	// A resident's request through the form.
	form := url.Values{"name": {"Ann Example"}, "email": {"ann@example.org"},
		"description": {"How many potholes were repaired on Mill Lane in 2025?"}, "law": {"foia"}, "step": {"confirm"}}
	res, err := http.PostForm(base+"/foi/request", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	ref := regexp.MustCompile(`FOI-\d{4}-\d{5}`).FindString(string(body))
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Request received") || ref == "" {
		t.Fatalf("POST /foi/request = %d, want the acknowledgement with a reference:\n%.600s", res.StatusCode, body)
	}
	rs, _, err := st.FindRequests(ctx, foi.RequestFilter{Reference: ref})
	if err != nil || len(rs) != 1 || rs[0].Email != "ann@example.org" {
		t.Errorf("request %s in PostgreSQL = %+v (%v)", ref, rs, err)
	}
	if cases := getBody(t, base+"/foi/cases"); !strings.Contains(cases, ref) {
		t.Errorf("case list does not list %s", ref)
	}
}

// TestFOILocate checks where the FOI data goes for each store: foi.db
// and foi.bleve in the index folder by default, the manifest's schema
// and foi.bleve with postgres, and a SQLite file named with postgres
// refused.
func TestFOILocate(t *testing.T) {
	env := envConfig(func(k string) string { return map[string]string{"TOWNHALL_DATA": "/data"}[k] })
	loc, err := foiLocate(env, "testdata/demo.yaml", "", "")
	if err != nil || loc.URL != "" || loc.DB != "/data/demo/foi.db" || loc.Index != "/data/demo/foi.bleve" {
		t.Errorf("local: %+v, %v", loc, err)
	}
	env.Store = storeEnv{Backend: "postgres", DatabaseURL: "postgres://u:secret@db/townhall"}
	loc, err = foiLocate(env, "testdata/demo.yaml", "", "")
	if err != nil || loc.DB != "" || loc.Schema != "townhall_demo" || loc.Index != "/data/demo/foi.bleve" {
		t.Errorf("postgres: %+v, %v", loc, err)
	}
	if s := loc.String(); strings.Contains(s, "secret") || !strings.Contains(s, "townhall_demo") {
		t.Errorf("String() = %q, want the schema and no password", s)
	}
	var ue *exitError
	if _, err := foiLocate(env, "testdata/demo.yaml", "", "/tmp/foi.db"); !errors.As(err, &ue) || ue.code != 2 {
		t.Errorf("postgres with -db: error %v, want a usage error", err)
	}
	if _, err := foiLocate(env, "", "", ""); !errors.As(err, &ue) || ue.code != 2 {
		t.Errorf("postgres without a manifest: error %v, want a usage error", err)
	}
	env.Store.DatabaseURL = ""
	if _, err := foiLocate(env, "testdata/demo.yaml", "", ""); !errors.As(err, &ue) || ue.code != 2 {
		t.Errorf("postgres without TOWNHALL_DATABASE_URL: error %v, want a usage error", err)
	}
}

// TestPostgresFOIIndexFollowsDatabase checks a machine's FOI search index
// catches up when the shared database changed elsewhere without changing
// the number of disclosures (a republication with a new censor rule), so
// removed text does not stay searchable there, by the changes alone; is
// left alone when nothing changed; and is rebuilt when deleted.
func TestPostgresFOIIndexFollowsDatabase(t *testing.T) {
	ctx := context.Background()
	vars := pgTestVars(t)
	vars["TOWNHALL_DATA"] = t.TempDir()
	getenv := func(k string) string { return vars[k] }
	if out, _, err := runCmd(t, getenv, "foi", "import", "-manifest", demoManifest); err != nil {
		t.Fatalf("foi import: %v\n%s", err, out)
	}
	loc, err := foiLocate(envConfig(getenv), demoManifest, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	open := func() (riverside int, updated bool) {
		t.Helper()
		logs.Reset()
		s, err := openFOI(ctx, loc, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		res, err := s.index.Search(ctx, search.Query{Text: "riverside"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total, strings.Contains(logs.String(), "FOI search index")
	}
	open() // in step with the database from here
	if n, updated := open(); n == 0 || updated {
		t.Fatalf("unchanged database: %d disclosures say Riverside, index touched %v; want some, and nothing done\n%s", n, updated, logs.String())
	}

	// Another machine republishes with a censor rule.
	st, err := fpostgres.Open(ctx, loc.URL, fpostgres.Options{Schema: loc.Schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before, _ := st.CountDisclosures(ctx)
	rep, err := foi.Republish(ctx, st, foi.RepublishOptions{Rules: []foi.Rule{{Pattern: "Riverside", Replacement: "[place removed]"}}})
	if err != nil || len(rep.Republished) == 0 {
		t.Fatalf("Republish: %v, %+v", err, rep)
	}
	if after, _ := st.CountDisclosures(ctx); after != before {
		t.Fatalf("republishing changed the count %d -> %d; the test needs it unchanged", before, after)
	}
	n, updated := open()
	if n != 0 || !updated {
		t.Errorf("after a republication elsewhere: %d disclosures say Riverside in the index, updated %v; want 0, updated", n, updated)
	}
	// Caught up with the changes alone, not rebuilt.
	if want := fmt.Sprintf("changed=%d removed=0", len(rep.Republished)); !strings.Contains(logs.String(), want) || strings.Contains(logs.String(), "rebuilding") {
		t.Errorf("log %q, want an update with %s and no rebuild", logs.String(), want)
	}
	if _, updated := open(); updated {
		t.Errorf("index touched again with nothing changed:\n%s", logs.String())
	}
	// An index deleted by hand, its version file left: rebuilt.
	if err := os.RemoveAll(loc.Index); err != nil {
		t.Fatal(err)
	}
	if _, updated := open(); !strings.Contains(logs.String(), "rebuilding") || !updated {
		t.Errorf("index deleted: log %q, want a rebuild", logs.String())
	}
}

// TestFOIFollowConfig checks TOWNHALL_FOI_FOLLOW: 30s by default, off or
// 0 turn following off, and anything else must be a duration of at least
// a second.
func TestFOIFollowConfig(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want time.Duration
		bad  bool
	}{
		{"", 30 * time.Second, false},
		{"off", 0, false},
		{"0", 0, false},
		{"5m", 5 * time.Minute, false},
		{"1s", time.Second, false},
		{"500ms", 0, true},
		{"soon", 0, true},
	} {
		e := foiEnvConfig(func(k string) string { return map[string]string{"TOWNHALL_FOI_FOLLOW": tt.v}[k] })
		if (e.FollowErr != nil) != tt.bad || (!tt.bad && e.Follow != tt.want) {
			t.Errorf("TOWNHALL_FOI_FOLLOW=%q: %v, %v; want %v (bad %v)", tt.v, e.Follow, e.FollowErr, tt.want, tt.bad)
		}
	}
}
