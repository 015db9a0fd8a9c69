package main

import (
	"path/filepath"
	"testing"
)

// TestBrowseBrowser ingests the demo council, serves it and runs
// tests/browser/ledger.spec.mjs in Chromium over the spending, contracts
// and budgets browser: axe-core at WCAG 2.2 AA (target-size on) finds no
// violation on any page, every page reflows at 320 px, and a total's link
// lists the rows it adds up. Screenshots go to out/ledger-*.png.
func TestBrowseBrowser(t *testing.T) {
	_, _, _, root := browserPrereqs(t)
	extra := map[string]string{"TOWNHALL_FOI_DB": filepath.Join(t.TempDir(), "foi.db")}
	useGovukAssets(t, root, extra)
	s := startDemoServer(t, extra)
	runBrowserSpec(t, "ledger.spec.mjs", s.Addr())
}
