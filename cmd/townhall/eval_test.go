package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/llm"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	wsqlite "github.com/townhall-civic/townhall/channels/webchat/sqlite"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/evals/htmlreport"
)

var update = flag.Bool("update", false, "rewrite evals/testdata/demo-golden.json from this run")

const (
	demoSuite  = "../../testdata/demo/suite.jsonl"
	goldenPath = "../../evals/testdata/demo-golden.json"
)

// goldenStats is what the golden file pins for each configuration: the
// summary metrics (latencies left out: they vary from run to run), the
// rank of the first expected source for every case with sources, and the
// cases that fail.
type goldenStats struct {
	Suite    string                   `json:"suite"`
	Embedder string                   `json:"embedder"`
	Configs  map[string]*goldenConfig `json:"configs"`
}

type goldenConfig struct {
	Summary map[string]float64 `json:"summary"`
	Ranks   map[string]int     `json:"ranks"`
	Failing []string           `json:"failing"`
}

func goldenOf(m *evals.Matrix) *goldenStats {
	g := &goldenStats{Suite: "testdata/demo/suite.jsonl", Configs: map[string]*goldenConfig{}}
	for _, r := range m.Reports() {
		g.Embedder = r.Config["embedder"]
		c := &goldenConfig{Summary: map[string]float64{}, Ranks: map[string]int{}, Failing: []string{}}
		for k, v := range r.Summary {
			if !strings.HasPrefix(k, "latency_") {
				c.Summary[k] = v
			}
		}
		for _, cr := range r.Cases {
			if len(cr.ExpectedSources) > 0 {
				c.Ranks[cr.ID] = cr.Rank
			}
			if !cr.Pass {
				c.Failing = append(c.Failing, cr.ID)
			}
		}
		g.Configs[r.Name] = c
	}
	return g
}

// demoMatrix runs the demo suite over the ingested demo corpus with the
// three retrievers and the extractive composer, writing the matrix report
// to report, and returns its golden stats.
func demoMatrix(t *testing.T, getenv func(string) string, report string) *goldenStats {
	t.Helper()
	out, errOut, err := runCmd(t, getenv, "eval", "-suite", demoSuite, "-manifest", demoManifest, "-json", report,
		"-matrix", "retriever=hybrid,bm25,vector", "composer=extractive")
	if err != nil {
		t.Fatalf("eval: %v\n%s\n%s", err, out, errOut)
	}
	m, err := evals.ReadMatrixFile(report)
	if err != nil {
		t.Fatal(err)
	}
	return goldenOf(m)
}

// TestDemoGolden runs the demo suite over the demo corpus with the three
// retrievers and the extractive composer and compares the stats with the
// committed golden file, exactly: a change in ranking or answers shows up
// as a diff in review. The index is built with the hashing embedder,
// which needs no download, so the file does not depend on the machine.
// Regenerate with: go test ./cmd/townhall -run TestDemoGolden -update
func TestDemoGolden(t *testing.T) {
	getenv, dir := testEnv(t)
	report := filepath.Join(dir, "demo.json")
	got := demoMatrix(t, getenv, report)
	if got.Embedder != "hashing-256" {
		t.Fatalf("embedder %q, want hashing-256", got.Embedder)
	}
	if *update {
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenPath)
		return
	}
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var want goldenStats
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("demo eval stats differ from %s (-want +got); if the change is intended, rerun with -update and commit the diff:\n%s", goldenPath, diff)
	}
}

// TestEvalCompareAndGate runs the demo suite twice, the second time with
// one case's expected source changed to a page that is never retrieved: a
// known regression. The comparison must name that case, and a thresholds
// file set at the first run's recall must pass the first run and fail the
// second with exit status 4.
func TestEvalCompareAndGate(t *testing.T) {
	getenv, dir := testEnv(t)
	suite, err := os.ReadFile(demoSuite)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := evals.ReadSuite(bytes.NewReader(suite))
	if err != nil {
		t.Fatal(err)
	}
	victim := cases[0].ID
	changed := strings.Replace(string(suite), `"sources": ["`+cases[0].Expect.Sources[0]+`"]`, `"sources": ["pages/no-such-page.html"]`, 1)
	if changed == string(suite) {
		t.Fatalf("could not change the first case's source")
	}
	changedSuite := filepath.Join(dir, "changed.jsonl")
	if err := os.WriteFile(changedSuite, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	oldReport, newReport := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	html := filepath.Join(dir, "new.html")
	if out, errOut, err := runCmd(t, getenv, "eval", "-suite", demoSuite, "-manifest", demoManifest, "-json", oldReport, "-retriever", "bm25", "-composer", "none"); err != nil {
		t.Fatalf("first run: %v\n%s%s", err, out, errOut)
	}
	old, err := evals.ReadMatrixFile(oldReport)
	if err != nil {
		t.Fatal(err)
	}
	if old.Case(victim).Rank == 0 || !old.Case(victim).Pass {
		t.Fatalf("the first run does not find %s's source; pick another case", victim)
	}
	gate := filepath.Join(dir, "gate.yaml")
	floor := old.Summary["recall_at_10"]
	if err := os.WriteFile(gate, []byte("# release gate\nrecall_at_10: "+formatFloat(floor)+"\nlatency_ms_p95: 10000\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The gate passes the run it was set from.
	out, _, err := runCmd(t, getenv, "eval", "-suite", demoSuite, "-manifest", demoManifest, "-json", filepath.Join(dir, "again.json"),
		"-retriever", "bm25", "-composer", "none", "-thresholds", gate)
	if err != nil || !strings.Contains(out, "Gate passed") {
		t.Errorf("gate on the same run: exit %d (%v), want 0 and a pass:\n%s", exitCode(err), err, out)
	}

	// The changed suite regresses one case and fails the gate.
	out, _, err = runCmd(t, getenv, "eval", "-suite", changedSuite, "-manifest", demoManifest, "-json", newReport, "-html", html,
		"-retriever", "bm25", "-composer", "none", "-compare", oldReport, "-thresholds", gate)
	if exitCode(err) != exitGate {
		t.Errorf("gate on the regressed run: exit %d (%v), want %d", exitCode(err), err, exitGate)
	}
	regressed := out[strings.Index(out, "Regressed"):]
	if !strings.Contains(regressed, victim) || !strings.Contains(out, "Gate FAILED") || !strings.Contains(out, "recall_at_10 = ") {
		t.Errorf("output does not list %s as regressed and the failed gate:\n%s", victim, out)
	}
	if strings.Contains(out, "Improved") {
		t.Errorf("output lists improvements where there are none:\n%s", out)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("Release gate: failed.")) || !bytes.Contains(page, []byte(`<span class="change regressed">Regressed</span>`)) {
		t.Error("the HTML report does not show the failed gate and the regression")
	}
	// The JSON is written even when the gate fails, for CI to keep.
	if _, err := evals.ReadMatrixFile(newReport); err != nil {
		t.Errorf("report of the failed run: %v", err)
	}
}

func formatFloat(f float64) string {
	data, _ := json.Marshal(f)
	return string(data)
}

func TestEvalConfigs(t *testing.T) {
	base := evalFlags{retriever: "hybrid", composer: "extractive"}
	tests := []struct {
		name     string
		matrix   []string
		configs  []string
		baseline string
		want     []string // names
		wantBase string
	}{
		{"single", nil, nil, "", []string{"hybrid"}, "hybrid"},
		{"retrievers", []string{"retriever=hybrid,bm25,vector", "composer=extractive"}, nil, "bm25", []string{"hybrid", "bm25", "vector"}, "bm25"},
		{"two dimensions", []string{"retriever=bm25,vector", "composer=extractive,none"}, nil, "bm25/none",
			[]string{"bm25/extractive", "bm25/none", "vector/extractive", "vector/none"}, "bm25/none"},
		{"explicit configs", nil, []string{"retriever=bm25,composer=none", "retriever=vector,composer=none"}, "vector", []string{"bm25", "vector"}, "vector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			f.matrix, f.configs = tt.matrix, tt.configs
			cfgs, err := evalConfigs(f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cfgs {
				names = append(names, c.Name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			b, err := resolveBaseline(cfgs, tt.baseline)
			if err != nil || b != tt.wantBase {
				t.Errorf("baseline = %q, %v; want %q", b, err, tt.wantBase)
			}
		})
	}
	for name, f := range map[string]evalFlags{
		"unknown key":   {retriever: "hybrid", composer: "extractive", matrix: []string{"reranker=on"}},
		"unknown value": {retriever: "hybrid", composer: "extractive", matrix: []string{"retriever=grep"}},
		"bad config":    {retriever: "hybrid", composer: "extractive", configs: []string{"bm25"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := evalConfigs(f); exitCode(err) != 2 {
				t.Errorf("err = %v, want a usage error", err)
			}
		})
	}
	cfgs, _ := evalConfigs(evalFlags{retriever: "hybrid", composer: "extractive", matrix: []string{"retriever=bm25,vector", "composer=extractive,none"}})
	if _, err := resolveBaseline(cfgs, "bm25"); exitCode(err) != 2 {
		t.Errorf("an ambiguous baseline: err = %v, want a usage error", err)
	}
}

// TestDevSuiteFloors runs the development suite over the shared corpus in
// the three-retriever matrix and gates it with evals/testdata/dev-floors.yaml.
// It skips when the corpus is absent, unless CI is set. The index is built
// with the hashing embedder in a cache folder kept between runs
// (TOWNHALL_TEST_INDEX, default <user cache>/townhall/test-shared-hashing):
// the first run ingests the corpus (about a minute), later ones only check
// it for changes.
func TestDevSuiteFloors(t *testing.T) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the shared corpus is absent: %v", err)
		}
		t.Skip("shared corpus absent")
	}
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("-short")
	}
	index := sharedTestIndex()
	getenv, dir := testEnv(t)
	report := filepath.Join(dir, "dev.json")
	out, errOut, err := runCmd(t, getenv, "eval", "-suite", devSuite, "-manifest", sharedManifest, "-data", index, "-json", report,
		"-matrix", "retriever=hybrid,bm25,vector", "composer=extractive", "-thresholds", "../../evals/testdata/dev-floors.yaml", "-slices", "none")
	if err != nil {
		if exitCode(err) == exitGate {
			t.Fatalf("the dev suite fell below its floors:\n%s", out)
		}
		t.Fatalf("eval: %v\n%s\n%s", err, out, lastLines(errOut, 20))
	}
	t.Logf("\n%s", out)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestEvalExport writes a draft suite from an assistant database with a
// hand-off and a web chat database with an unhelpful answer, redacting
// the residents' personal data.
func TestEvalExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	adb, err := asqlite.Open(ctx, filepath.Join(dir, "assistant.db"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 3, 11, 0, 0, 0, time.UTC)
	conv := &assistant.Conversation{ID: "c1", Channel: assistant.ChannelWeb, Resident: "r1", Created: at, Updated: at, Turns: []assistant.Turn{
		{Seq: 1, Role: assistant.RoleResident, Text: "when is the recycling centre open? call me on 07700 900123", At: at},
		{Seq: 2, Role: assistant.RoleAssistant, Text: "Sorry, I could not find that.", Intent: assistant.IntentRefuse, At: at},
	}}
	handed := &assistant.Conversation{ID: "c2", Channel: assistant.ChannelSMS, Resident: "r2", Created: at, Updated: at, Turns: []assistant.Turn{
		{Seq: 1, Role: assistant.RoleResident, Text: "this is useless, get me a real person", At: at},
	}}
	for _, c := range []*assistant.Conversation{conv, handed} {
		if err := adb.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := adb.EnqueueHandoff(ctx, assistant.NewHandoff(handed, assistant.ReasonExplicit, false, at)); err != nil {
		t.Fatal(err)
	}
	adb.Close()
	wdb, err := wsqlite.Open(ctx, filepath.Join(dir, "webchat.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fb := range []webchat.Feedback{
		{ConversationID: "c1", Seq: 2, Helpful: false, Channel: assistant.ChannelWeb, At: at},
		{ConversationID: "c2", Seq: 1, Helpful: true, Channel: assistant.ChannelSMS, At: at},
	} {
		if err := wdb.SaveFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
	}
	wdb.Close()

	getenv, _ := testEnv(t)
	out := filepath.Join(dir, "drafts.jsonl")
	stdout, _, err := runCmd(t, getenv, "eval", "export", "-db", filepath.Join(dir, "assistant.db"), "-out", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "Wrote 2 draft case(s)") {
		t.Errorf("stdout %q, want 2 drafts", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := evals.ReadSuite(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]evals.Case{}
	for _, c := range cases {
		byID[c.ID] = c
	}
	rated, handoff := byID["draft-c1-1"], byID["draft-c2-1"]
	if len(cases) != 2 || handoff.Expect.Intent != "handoff" || rated.Channel != "web" {
		t.Fatalf("drafts %+v, want the unhelpful answer and the hand-off", cases)
	}
	if q := rated.Question(); strings.Contains(q, "07700") || !strings.Contains(q, "[phone number removed]") {
		t.Errorf("turn %q: the phone number was not redacted", q)
	}
	if _, _, err := runCmd(t, getenv, "eval", "export", "-db", filepath.Join(dir, "assistant.db")); exitCode(err) != 2 {
		t.Errorf("export without -out: exit %d, want 2", exitCode(err))
	}
}

// sharedTestIndex is the folder of the hashing-embedder index of the
// shared corpus that tests and benchmarks keep between runs.
func sharedTestIndex() string {
	if dir := os.Getenv("TOWNHALL_TEST_INDEX"); dir != "" {
		return dir
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "townhall", "test-shared-hashing")
}

// BenchmarkEvalOverhead measures what the harness adds to the assistant's
// own time on the dev suite (hybrid retrieval, extractive composer):
// everything in Run outside Target.Run, plus writing the terminal table,
// the JSON and the HTML report. overhead_% is that time over the time
// spent in the assistant; the issue asks for under 5%.
func BenchmarkEvalOverhead(b *testing.B) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		b.Skip("shared corpus absent")
	}
	ctx := context.Background()
	env := envConfig(func(k string) string {
		return map[string]string{"TOWNHALL_DATA": b.TempDir(), "TOWNHALL_EMBEDDER": "hashing"}[k]
	})
	is, err := openIndex(ctx, sharedManifest, sharedTestIndex(), env)
	if err != nil {
		b.Fatal(err)
	}
	defer is.Close()
	if _, err := is.ingest(ctx, env, false, nil); err != nil {
		b.Fatal(err)
	}
	if err := is.records.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	cases, err := evals.ReadSuiteFile(devSuite)
	if err != nil {
		b.Fatal(err)
	}
	cfg := map[string]string{"retriever": "hybrid", "composer": "extractive"}
	var target, harness float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := evalTarget(is, cfg, llm.Config{}, false)
		if err != nil {
			b.Fatal(err)
		}
		m, err := evals.RunMatrix(ctx, cases, []evals.Configuration{{Name: "hybrid", Config: cfg, Target: t}}, "", evals.RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := evals.WriteTable(io.Discard, m); err != nil {
			b.Fatal(err)
		}
		if err := evals.WriteSlices(io.Discard, m, "pass_rate", "recall_at_5"); err != nil {
			b.Fatal(err)
		}
		if err := m.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
		if err := htmlreport.Write(io.Discard, m, htmlreport.Options{Generated: time.Now()}); err != nil {
			b.Fatal(err)
		}
		writing := float64(time.Since(start)) / float64(time.Millisecond)
		target += m.Timing.TargetMS
		harness += m.Timing.HarnessMS + writing
	}
	b.ReportMetric(target/float64(b.N), "assistant_ms/run")
	b.ReportMetric(harness/float64(b.N), "harness_ms/run")
	b.ReportMetric(harness/target*100, "overhead_%")
}
