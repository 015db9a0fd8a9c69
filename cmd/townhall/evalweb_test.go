package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeEvalWeb mounts the staff evaluation page, starts the demo suite
// against the live index and waits for its report.
func TestServeEvalWeb(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{
		"TOWNHALL_DATA": dir, "TOWNHALL_EMBEDDER": "hashing",
		"TOWNHALL_STAFF_EVALS": "1", "TOWNHALL_EVAL_SUITES": "../../testdata/demo",
	}
	getenv := func(k string) string { return vars[k] }
	if _, _, err := runCmd(t, getenv, "ingest", "-manifest", demoManifest); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := envConfig(getenv)
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest}, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Mounted on a mux of its own, so the test does not depend on which
	// other pages serve.go mounts.
	mux := http.NewServeMux()
	s.mountEvalWeb(mux, evalWebEnvConfig(getenv), env)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL + "/staff/evals"

	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "<option>suite</option>") || !strings.Contains(string(page), "<option>heldout</option>") {
		t.Fatalf("GET /staff/evals/ = %d, want the demo suites listed:\n%s", resp.StatusCode, page)
	}
	resp, err = http.PostForm(base+"/runs", url.Values{"suite": {"heldout"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runURL := resp.Request.URL.String() // the redirect was followed to the run page
	var v struct {
		State string
		Done  int
		Total int
		JSON  string
	}
	deadline := time.Now().Add(30 * time.Second)
	for v.State != "finished" && v.State != "failed" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		resp, err := http.Get(runURL + "?format=json")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
	}
	if v.State != "finished" || v.Done != v.Total || v.Total == 0 {
		t.Fatalf("run ended %+v, want finished", v)
	}
	if found, _ := filepath.Glob(filepath.Join(dir, "demo", "eval-reports", v.JSON)); len(found) != 1 || v.JSON == "" {
		t.Errorf("report %q not in the index folder's eval-reports", v.JSON)
	}
}

func TestEvalWebOffByDefault(t *testing.T) {
	getenv, _ := testEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest}, envConfig(getenv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go s.Run(ctx)
	resp, err := http.Get("http://" + s.Addr() + "/staff/evals/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /staff/evals/ = %d with the page off, want 404", resp.StatusCode)
	}
}
