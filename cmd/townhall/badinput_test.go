package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestBadInput ingests a corpus of hostile files next to good ones:
// each bad file is named with a reason and everything else is indexed.
func TestIngestBadInput(t *testing.T) {
	root := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pages/good.html", []byte(`<html><head><title>Garden waste</title></head><body><main><h1>Garden waste</h1><p>Garden waste collections cost £48 a year.</p></main></body></html>`))
	write("pages/latin1.html", []byte("<html><head><title>Fees</title></head><body><main><p>Bulky waste costs \xa325 for three items.</p></main></body></html>"))
	write("pages/empty.html", nil)
	write("budget/corrupt.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf"))
	write("spending/truncated.csv", []byte("Supplier,Amount,Date\nACME LTD,\"1,234.56\",01/02/2024\nBETA LTD,\"99"))
	write("spending/huge.csv", bytes.Repeat([]byte("x"), 50<<20))
	outside := filepath.Join(t.TempDir(), "secret.html")
	if err := os.WriteFile(outside, []byte("<p>secret</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "pages", "escape.html")); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(root, "bad.yaml")
	write("bad.yaml", []byte(`council: Test Council
root: .
base_url: https://example.gov.uk/
sources:
  - path: pages
    kind: page
  - path: budget
    kind: budget
  - path: spending
    kind: spending
`))

	getenv, _ := testEnv(t)
	out, _, err := runCmd(t, getenv, "ingest", "-manifest", manifest)
	if exitCode(err) != 3 {
		t.Fatalf("ingest exit %d (%v), want 3 for failed files:\n%s", exitCode(err), err, out)
	}
	for file, reason := range map[string]string{
		"pages/empty.html":   "empty document",
		"budget/corrupt.pdf": "invalid input",
		"spending/huge.csv":  "file too large",
		"pages/escape.html":  "outside corpus root",
	} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			found = found || strings.Contains(line, file+":") && strings.Contains(line, reason)
		}
		if !found {
			t.Errorf("summary does not name %s with %q:\n%s", file, reason, out)
		}
	}
	if strings.Contains(out, "truncated.csv:") {
		t.Errorf("a truncated CSV's good rows should load, not fail the file:\n%s", out)
	}
	for _, q := range []string{"garden waste collections", "bulky waste three items", "ACME"} {
		out, _, err := runCmd(t, getenv, "search", "-manifest", manifest, "-n", "3", q)
		if err != nil || strings.HasPrefix(out, "0 documents") {
			t.Errorf("search %q after a bad ingest: %v\n%s", q, err, out)
		}
	}
	out, _, _ = runCmd(t, getenv, "search", "-manifest", manifest, "secret")
	if strings.Contains(out, "escape.html") {
		t.Errorf("a file outside the root was indexed:\n%s", out)
	}
	out, _, _ = runCmd(t, getenv, "search", "-manifest", manifest, "bulky waste")
	if !strings.Contains(out, "£25") {
		t.Errorf("Latin-1 text not decoded to £:\n%s", out)
	}
}
