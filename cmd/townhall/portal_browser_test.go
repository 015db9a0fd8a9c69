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

// browserPrereqs finds node, /usr/bin/chromium and the npm modules
// `make test-deps` installs into .cache/npm-browser. It skips the test
// when any is missing, and fails it when CI is set.
func browserPrereqs(t *testing.T) (node, chromium, modules, root string) {
	t.Helper()
	chromium = "/usr/bin/chromium"
	root, _ = filepath.Abs("../..")
	modules = filepath.Join(root, ".cache", "npm-browser", "node_modules")
	node, nodeErr := exec.LookPath("node")
	var missing []string
	if nodeErr != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium)
	}
	for _, m := range []string{"playwright-core", "@axe-core/playwright"} {
		if _, err := os.Stat(filepath.Join(modules, m)); err != nil {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser test prerequisites missing: %v (run make test-deps)", missing)
		}
		t.Skipf("browser test prerequisites missing: %v (run make test-deps)", missing)
	}
	return node, chromium, modules, root
}

// TestPortalBrowser imports the demo council's FOI sources, serves the
// portal and runs tests/browser/portal.spec.mjs over it in Chromium: the
// search page with results, a disclosure page, the officers' redaction
// preview of it (before and after previewing a rule) and the request
// form with its errors, each checked by axe-core at WCAG 2.2 AA (target-size on)
// and for reflow at 320 px. Screenshots go to out/portal-*.png.
func TestPortalBrowser(t *testing.T) {
	_, _, _, root := browserPrereqs(t)

	db := filepath.Join(t.TempDir(), "foi.db")
	vars := map[string]string{"TOWNHALL_DATA": t.TempDir(), "TOWNHALL_EMBEDDER": "hashing", "TOWNHALL_FOI_DB": db}
	if out, _, err := runCmd(t, func(k string) string { return vars[k] }, "foi", "import", "-manifest", demoManifest); err != nil {
		t.Fatalf("foi import: %v\n%s", err, out)
	}
	// Officers' pages answer loopback clients, which the browser is: the
	// redaction preview is checked too.
	extra := map[string]string{"TOWNHALL_FOI_DB": db, "TOWNHALL_FOI_OFFICERS": "1"}
	useGovukAssets(t, root, extra)
	s := startDemoServer(t, extra)
	runBrowserSpec(t, "portal.spec.mjs", s.Addr(), "OFFICERS=1")
}

// useGovukAssets points the FOI pages at govuk-frontend (make test-deps),
// which sits under the repository root while the test runs in
// cmd/townhall. Without it the pages use the portal's fallback
// stylesheet, which the browser tests check just the same; in CI it must
// be there.
func useGovukAssets(t *testing.T, root string, extra map[string]string) {
	t.Helper()
	if assets := filepath.Join(root, ".cache", "npm", "node_modules", "govuk-frontend", "dist", "govuk"); fileExists(filepath.Join(assets, "govuk-frontend.min.css")) {
		extra["TOWNHALL_FOI_ASSETS"] = assets
	} else if os.Getenv("CI") != "" {
		t.Fatalf("govuk-frontend missing at %s (run make test-deps)", assets)
	}
}

// runBrowserSpec runs tests/browser/<spec> in node against the server at
// addr, with env added to its environment (screenshots go to out/), logs
// what it printed and fails the test when it fails.
func runBrowserSpec(t *testing.T, spec, addr string, env ...string) {
	t.Helper()
	node, chromium, modules, root := browserPrereqs(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "tests", "browser", spec))
	cmd.Env = append(os.Environ(),
		"TOWNHALL_URL=http://"+addr,
		"CHROMIUM="+chromium,
		"NODE_MODULES="+modules,
		"OUT_DIR="+filepath.Join(root, "out"),
	)
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("%s:\n%s", spec, stdout.String())
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", spec, err, stderr.String())
	}
}
