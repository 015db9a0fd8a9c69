package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const demoManifest = "../../testdata/demo/demo.yaml"

// testEnv returns a getenv for an isolated data folder. It uses the hashing
// embedder so the test needs no word-vector file.
func testEnv(t *testing.T) (func(string) string, string) {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"TOWNHALL_DATA": dir, "TOWNHALL_EMBEDDER": "hashing"}
	return func(k string) string { return vars[k] }, dir
}

func runCmd(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestIngestSearchEval(t *testing.T) {
	getenv, dir := testEnv(t)
	out, _, err := runCmd(t, getenv, "ingest", "-manifest", demoManifest)
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Ingested") || !strings.Contains(out, "page") {
		t.Errorf("ingest summary missing counts:\n%s", out)
	}

	out, _, err = runCmd(t, getenv, "ingest", "-manifest", demoManifest)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Ingested 0 of") {
		t.Errorf("second ingest re-read unchanged files:\n%s", out)
	}

	out, _, err = runCmd(t, getenv, "search", "-manifest", demoManifest, "-n", "3", "report a missed bin collection")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pages/bins-missed-collection.html") {
		t.Errorf("search did not find the missed bin page:\n%s", out)
	}

	report := filepath.Join(dir, "report.json")
	out, _, err = runCmd(t, getenv, "eval", "-suite", "../../testdata/demo/suite.jsonl", "-manifest", demoManifest, "-json", report, "-retriever", "bm25")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, out)
	}
	var rep struct {
		Summary map[string]float64 `json:"summary"`
		Cases   []json.RawMessage  `json:"cases"`
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10", "ndcg_at_10"} {
		if _, ok := rep.Summary[k]; !ok {
			t.Errorf("report lacks %s", k)
		}
	}
	if int(rep.Summary["cases"]) != len(rep.Cases) || len(rep.Cases) == 0 {
		t.Errorf("report has %v cases in summary and %d listed", rep.Summary["cases"], len(rep.Cases))
	}
}

func TestUsageErrors(t *testing.T) {
	getenv, _ := testEnv(t)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"ingest"},
		{"search", "-manifest", demoManifest},
		{"eval", "-suite", "x.jsonl"},
		{"search", "-manifest", demoManifest, "-kind", "gossip", "bins"},
	} {
		_, _, err := runCmd(t, getenv, args...)
		if exitCode(err) != 2 {
			t.Errorf("townhall %v: exit %d (%v), want 2", args, exitCode(err), err)
		}
	}
}

func TestServeHealth(t *testing.T) {
	getenv, _ := testEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest}, envConfig(getenv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	resp, err := http.Get("http://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || body["status"] != "ok" {
		t.Errorf("healthz = %d %v, want 200 ok", resp.StatusCode, body)
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
