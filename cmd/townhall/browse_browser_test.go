package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBrowseBrowser ingests the demo council, serves it and runs
// tests/browser/ledger.spec.mjs in Chromium over the spending, contracts
// and budgets browser: axe-core at WCAG 2.2 AA (target-size on) finds no
// violation on any page, every page reflows at 320 px, and a total's link
// lists the rows it adds up. Screenshots go to out/ledger-*.png.
func TestBrowseBrowser(t *testing.T) {
	node, chromium, modules, root := browserPrereqs(t)
	extra := map[string]string{"TOWNHALL_FOI_DB": filepath.Join(t.TempDir(), "foi.db")}
	if assets := filepath.Join(root, ".cache", "npm", "node_modules", "govuk-frontend", "dist", "govuk"); fileExists(filepath.Join(assets, "govuk-frontend.min.css")) {
		extra["TOWNHALL_FOI_ASSETS"] = assets
	} else if os.Getenv("CI") != "" {
		t.Fatalf("govuk-frontend missing at %s (run make test-deps)", assets)
	}
	s := startDemoServer(t, extra)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "tests", "browser", "ledger.spec.mjs"))
	cmd.Env = append(os.Environ(),
		"TOWNHALL_URL=http://"+s.Addr(),
		"CHROMIUM="+chromium,
		"NODE_MODULES="+modules,
		"OUT_DIR="+filepath.Join(root, "out"),
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("ledger.spec.mjs:\n%s", stdout.String())
	if err != nil {
		t.Fatalf("ledger.spec.mjs failed: %v\n%s", err, stderr.String())
	}
}
