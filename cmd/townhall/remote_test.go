package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/evals"
)

// TestEvalRemote plays three web cases of the demo suite against a
// running demo server over its web chat websocket (-remote) and against
// the assistant in process, and checks that the remote run sees the same
// answers' citations, retrieved documents, intents and verdicts.
func TestEvalRemote(t *testing.T) {
	raw, err := os.ReadFile(demoSuite)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(raw), "\n") {
		var c struct {
			Channel string `json:"channel"`
			Turns   []string
		}
		if json.Unmarshal([]byte(line), &c) == nil && c.Channel == "web" && len(lines) < 3 {
			lines = append(lines, line)
		}
	}
	if len(lines) < 3 {
		t.Fatalf("got %d web cases in %s, want 3", len(lines), demoSuite)
	}
	getenv, dir := testEnv(t)
	suite := filepath.Join(dir, "small.jsonl")
	if err := os.WriteFile(suite, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	s := startDemoServer(t, nil)
	remoteJSON := filepath.Join(dir, "remote.json")
	if out, errOut, err := runCmd(t, getenv, "eval", "-suite", suite, "-manifest", demoManifest, "-json", remoteJSON,
		"-remote", "http://"+s.Addr()); err != nil {
		t.Fatalf("eval -remote: %v\n%s\n%s", err, out, errOut)
	}
	localJSON := filepath.Join(dir, "local.json")
	if out, errOut, err := runCmd(t, getenv, "eval", "-suite", suite, "-manifest", demoManifest, "-json", localJSON); err != nil {
		t.Fatalf("eval in process: %v\n%s\n%s", err, out, errOut)
	}

	remote, local := readOnlyReport(t, remoteJSON), readOnlyReport(t, localJSON)
	if remote.Name != "remote" {
		t.Errorf("got configuration %q, want remote", remote.Name)
	}
	if len(remote.Cases) != len(lines) || len(local.Cases) != len(lines) {
		t.Fatalf("got %d remote and %d local cases, want %d", len(remote.Cases), len(local.Cases), len(lines))
	}
	for i, rc := range remote.Cases {
		lc := local.Cases[i]
		if rc.Error != "" {
			t.Errorf("%s: remote error %s", rc.ID, rc.Error)
		}
		if rc.Answer == "" {
			t.Errorf("%s: remote answer is empty", rc.ID)
		}
		if rc.Intent == "" || rc.Intent != lc.Intent {
			t.Errorf("%s: got remote intent %q, want %q (in process)", rc.ID, rc.Intent, lc.Intent)
		}
		if len(lc.Citations) == 0 {
			t.Errorf("%s: the in-process answer cites nothing; pick cases that cite", rc.ID)
		}
		if diff := cmp.Diff(lc.Citations, rc.Citations); diff != "" {
			t.Errorf("%s: citations (-in process +remote):\n%s", rc.ID, diff)
		}
		if diff := cmp.Diff(lc.Retrieved, rc.Retrieved); diff != "" {
			t.Errorf("%s: retrieved (-in process +remote):\n%s", rc.ID, diff)
		}
		if rc.Pass != lc.Pass {
			t.Errorf("%s: got remote pass %v, want %v (in process); remote failures %q", rc.ID, rc.Pass, lc.Pass, rc.Failures)
		}
		if rc.LatencyMS <= 0 {
			t.Errorf("%s: got latency %v ms, want > 0", rc.ID, rc.LatencyMS)
		}
	}
}

// readOnlyReport reads a one-configuration eval report.
func readOnlyReport(t *testing.T, path string) *evals.Report {
	t.Helper()
	m, err := evals.ReadMatrixFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reps := m.Reports()
	if len(reps) != 1 {
		t.Fatalf("%s: got %d reports, want 1", path, len(reps))
	}
	return reps[0]
}

// TestEvalRemoteUsage refuses settings a remote run cannot honour: the
// server answers as it is configured.
func TestEvalRemoteUsage(t *testing.T) {
	getenv, dir := testEnv(t)
	_, _, err := runCmd(t, getenv, "eval", "-suite", demoSuite, "-manifest", demoManifest, "-json", filepath.Join(dir, "r.json"),
		"-remote", "http://127.0.0.1:1", "-matrix", "retriever=bm25,hybrid")
	if err == nil || !strings.Contains(err.Error(), "-remote") {
		t.Errorf("got %v, want a usage error naming -remote", err)
	}
}
