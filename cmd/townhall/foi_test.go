package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/sqlite"
)

// TestFOIImportAndPortal imports the demo council's FOI sources and
// checks the portal serves them from the same folder.
func TestFOIImportAndPortal(t *testing.T) {
	getenv, dir := testEnv(t)
	out, _, err := runCmd(t, getenv, "foi", "import", "-manifest", demoManifest)
	if err != nil {
		t.Fatalf("foi import: %v\n%s", err, out)
	}
	for _, w := range []string{"foi/requests", "foi/disclosure-log.csv", "Imported 39 disclosures (32 documents merged by reference"} {
		if !strings.Contains(out, w) {
			t.Errorf("import report lacks %q:\n%s", w, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", "foi.db")); err != nil {
		t.Errorf("FOI database not in the index folder: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest}, envConfig(getenv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	base := "http://" + s.Addr()

	res, err := http.Get(base + "/api/foi/search?q=mayor%27s+car")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Results []struct{ ID, Title, Kind, URL string }
		Total   int
	}
	err = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || body.Total == 0 || body.Results[0].ID != "foi/requests/mayors_car_costs.json" {
		t.Fatalf("API search = %d %+v (%v)", res.StatusCode, body, err)
	}
	for _, path := range []string{"/foi/", "/foi/disclosures/foi/requests/mayors_car_costs.json", "/foi/request", "/foi/feed.atom"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, res.StatusCode)
		}
	}
	// Redaction removes the requester but keeps the council's own
	// mailbox and postal address, which the demo manifest's contact
	// block and base URL declare.
	page := getBody(t, base+"/foi/disclosures/foi/requests/councillor_allowances_and_expenses.json")
	for _, keep := range []string{"foi@thornburyvale.gov.uk", "TV1 2AA", "Fenwick Road"} {
		if !strings.Contains(page, keep) {
			t.Errorf("published page lost the council's own %q", keep)
		}
	}
	if strings.Contains(page, "Ashworth") {
		t.Error("published page names the requester")
	}
	res, err = http.Get(base + "/foi/cases")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("case list without TOWNHALL_FOI_OFFICERS = %d, want 404", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
}

// TestFOIImportBadFile refuses a manifest with a malformed thread, says
// which file, and leaves the log as it was.
func TestFOIImportBadFile(t *testing.T) {
	getenv, dir := testEnv(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "requests"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "requests", "broken.json"), []byte(`{"title": "x", "url_title": "x", "events": [`), 0o644)
	mf := filepath.Join(root, "bad.yaml")
	os.WriteFile(mf, []byte("council: Test\nroot: .\nsources:\n  - path: requests\n    kind: foi\n    format: wdtk\n"), 0o644)
	out, _, err := runCmd(t, getenv, "foi", "import", "-manifest", mf)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 3 || !strings.Contains(err.Error(), "requests/broken.json") ||
		!strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("import of a bad file: err = %v, out:\n%s", err, out)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "bad", "foi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountDisclosures(context.Background()); err != nil || n != 0 {
		t.Errorf("after a refused import the log holds %d disclosures (%v), want 0", n, err)
	}
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d (%v)", url, res.StatusCode, err)
	}
	return string(b)
}

func TestFOIDetectKeepsCouncilContacts(t *testing.T) {
	m := &corpus.Manifest{
		BaseURL: "https://www.example.gov.uk/",
		Contact: corpus.Contact{Phone: "01632 960000", Email: "contact@example-council.org.uk", Address: "Town Hall, High Street, EX1 1AA"},
		Sources: []corpus.Source{{Path: "foi", BaseURL: "https://www.whatdotheyknow.com/request/"}, {Path: "scot", BaseURL: "https://www.city.gov.scot/foi"}},
	}
	o := foiEnv{KeepEmailDomains: []string{"partner.org"}, Keep: []string{"0300 123 4567"}}.detect(m)
	for _, d := range []string{"partner.org", "example-council.org.uk", "example.gov.uk", "city.gov.scot"} {
		if !slices.Contains(o.KeepEmailDomains, d) {
			t.Errorf("KeepEmailDomains %v lacks %s", o.KeepEmailDomains, d)
		}
	}
	if slices.Contains(o.KeepEmailDomains, "whatdotheyknow.com") {
		t.Errorf("KeepEmailDomains %v keeps the requesters' WhatDoTheyKnow addresses", o.KeepEmailDomains)
	}
	for _, k := range []string{"0300 123 4567", "01632 960000", "EX1 1AA", "High Street"} {
		if !slices.Contains(o.Keep, k) {
			t.Errorf("Keep %v lacks %q", o.Keep, k)
		}
	}
	if o := (foiEnv{}).detect(nil); len(o.Keep)+len(o.KeepEmailDomains) != 0 {
		t.Errorf("detect(nil) with an empty environment = %+v", o)
	}
}
