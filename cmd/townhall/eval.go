package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/assistant/llm"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/evals/htmlreport"
	"github.com/townhall-civic/townhall/evals/llmjudge"
	"github.com/townhall-civic/townhall/evals/remote"
)

// exitGate is the exit status of an eval whose metrics miss the
// thresholds file: CI can tell a failed gate (4) from a broken run (1) or
// a usage error (2).
const exitGate = 4

const evalUsage = `Usage:
  townhall eval -suite FILE -manifest FILE -json OUT [flags] [KEY=V1,V2 ...]
  townhall eval export -db PATH -out FILE [-since DATE]
  townhall eval export -store postgres -manifest FILE -out FILE [-since DATE]

Runs an eval suite (shared/evals/FORMAT.md) in process against one
configuration or a matrix of them (or, with -remote URL, against a running
server over its web chat websocket), and writes a JSON report (and an HTML one
with -html). KEY=V1,V2 arguments after the flags add matrix dimensions, as
-matrix does; the keys are retriever (hybrid, bm25, keyword, vector) and
composer (extractive, none, llm).

Examples:
  townhall eval -suite dev.jsonl -manifest m.yaml -json out/dev.json \
      -matrix retriever=hybrid,bm25,vector composer=extractive -baseline bm25 -html out/dev.html
  townhall eval ... -compare out/last.json -thresholds evals/gate.yaml

Exit status: 0 when the run completed (and met the thresholds), 1 on an
error, 2 on a usage error, 4 when a metric misses its threshold.

Flags:
`

// evalFlags are the parsed flags of townhall eval.
type evalFlags struct {
	suite, manifest, jsonOut, htmlOut, data string
	retriever, composer                     string
	matrix, configs                         []string
	baseline, compare, thresholds, slices   string
	llmProvider, llmURL, llmModel           string
	judge                                   bool
	remote                                  string
}

func runEval(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "export" {
		return runEvalExport(ctx, args[1:], env, stdout, stderr)
	}
	var f evalFlags
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), evalUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.suite, "suite", "", "eval suite (JSON Lines, shared/evals/FORMAT.md)")
	fs.StringVar(&f.manifest, "manifest", "", "sources manifest (YAML)")
	fs.StringVar(&f.jsonOut, "json", "", "write the JSON report here")
	fs.StringVar(&f.htmlOut, "html", "", "also write a self-contained HTML report here")
	fs.StringVar(&f.data, "data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	fs.StringVar(&f.retriever, "retriever", "hybrid", "hybrid, bm25, keyword or vector")
	fs.StringVar(&f.composer, "composer", "extractive", "extractive (the assistant in process, offline), none (retrieval only) or llm (needs -llm)")
	fs.Func("matrix", "a matrix dimension KEY=V1,V2,... (repeatable): every combination is run, e.g. retriever=hybrid,bm25,vector", func(s string) error {
		f.matrix = append(f.matrix, strings.Fields(s)...)
		return nil
	})
	fs.Func("config", "one configuration KEY=V,KEY=V (repeatable), e.g. retriever=bm25,composer=none", func(s string) error {
		f.configs = append(f.configs, s)
		return nil
	})
	fs.StringVar(&f.baseline, "baseline", "", "configuration the ratios are taken against, by name or by a value such as bm25 (default the first)")
	fs.StringVar(&f.compare, "compare", "", "an older JSON report: list the cases that regressed or improved, and the metric deltas")
	fs.StringVar(&f.thresholds, "thresholds", "", "YAML or JSON file of metric floors (ceilings for latency, grades and not_violations); exit status 4 when one is missed")
	fs.StringVar(&f.slices, "slices", "pass_rate,recall_at_5", "metrics to print by tag, intent and channel, comma-separated, or none")
	fs.StringVar(&f.llmProvider, "llm", "", "chat model provider for composer=llm and -judge: openai or ollama")
	fs.StringVar(&f.llmURL, "llm-url", "", "the provider's API root (OpenAI-compatible /v1 root, or the Ollama server)")
	fs.StringVar(&f.llmModel, "llm-model", "", "the chat model")
	fs.StringVar(&f.remote, "remote", "", "play the suite against a running server's web chat at this address (http://HOST:PORT or ws://HOST:PORT) instead of in process; the configuration is named remote")
	fs.StringVar(&f.remote, "target", "", "the same as -remote")
	fs.BoolVar(&f.judge, "judge", false, "judge every answer's faithfulness and relevance with the -llm model")
	storeFlag(fs, &env)
	// KEY=V1,V2 arguments may sit between flags ("-matrix retriever=a,b
	// composer=x -baseline b"): take them and parse the flags after them.
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		rest = fs.Args()
		for len(rest) > 0 && (!strings.HasPrefix(rest[0], "-") || rest[0] == "-") {
			if !strings.Contains(rest[0], "=") {
				return usageError("eval: unexpected argument %q (matrix dimensions are KEY=V1,V2)", rest[0])
			}
			f.matrix = append(f.matrix, rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 {
			break
		}
	}
	if f.suite == "" || f.manifest == "" || f.jsonOut == "" {
		return usageError("eval: -suite, -manifest and -json are required")
	}
	if (f.judge || f.llmProvider != "") && (f.llmProvider == "" || f.llmModel == "") {
		return usageError("eval: -judge and composer=llm need -llm and -llm-model")
	}
	if f.remote != "" && (len(f.matrix) > 0 || len(f.configs) > 0 || f.llmProvider != "") {
		return usageError("eval: -remote measures the server as it is: no -matrix, -config, -llm or -judge")
	}
	var (
		configs []evals.Configuration
		err     error
	)
	if f.remote != "" {
		configs = []evals.Configuration{{Name: "remote", Config: map[string]string{"remote": f.remote}, Target: &remote.Target{Base: f.remote}}}
	} else if configs, err = evalConfigs(f); err != nil {
		return err
	}
	baseline, err := resolveBaseline(configs, f.baseline)
	if err != nil {
		return err
	}
	var gate *evals.Thresholds
	if f.thresholds != "" {
		if gate, err = readThresholds(f.thresholds); err != nil {
			return err
		}
	}
	var old *evals.Matrix
	if f.compare != "" {
		if old, err = evals.ReadMatrixFile(f.compare); err != nil {
			return err
		}
	}
	cases, err := evals.ReadSuiteFile(f.suite)
	if err != nil {
		return err
	}

	if f.remote != "" {
		// The server answers from its own index: nothing to open or ingest
		// here. The manifest is still named in the report.
		configs[0].Config["suite"], configs[0].Config["manifest"] = f.suite, f.manifest
		return runEvalMatrix(ctx, cases, configs, baseline, evals.RunOptions{}, f, old, gate, stdout, stderr)
	}
	is, err := openIndex(ctx, f.manifest, f.data, env)
	if err != nil {
		return err
	}
	defer is.Close()
	sum, err := ingestWithProgress(ctx, is, env, false, stderr)
	if err != nil {
		return err
	}
	// Load the supplier list now, so the first records question is not
	// timed with it.
	if err := is.records.Warm(ctx); err != nil {
		return err
	}
	if sum.Ingested > 0 || sum.Deleted > 0 || len(sum.Failures) > 0 {
		printSummary(stderr, sum, is.embedder)
	}
	llmCfg := llm.Config{
		Provider: f.llmProvider,
		OpenAI:   llm.OpenAIConfig{BaseURL: f.llmURL, APIKey: env.OpenAIAPIKey, Model: f.llmModel},
		Ollama:   llm.OllamaConfig{ServerURL: f.llmURL, Model: f.llmModel},
	}
	var opt evals.RunOptions
	if f.judge {
		model, err := llm.New(llmCfg)
		if err != nil {
			return usageError("eval: -judge: %v", err)
		}
		opt.Judge = llmjudge.New(model, llmjudge.Options{})
	}
	for i := range configs {
		c := &configs[i]
		c.Target, err = evalTarget(is, c.Config, llmCfg, f.judge)
		if err != nil {
			return err
		}
		c.Config["embedder"], c.Config["suite"], c.Config["manifest"] = is.embedder, f.suite, f.manifest
	}

	return runEvalMatrix(ctx, cases, configs, baseline, opt, f, old, gate, stdout, stderr)
}

// runEvalMatrix runs the configurations with a progress bar and writes
// the reports.
func runEvalMatrix(ctx context.Context, cases []evals.Case, configs []evals.Configuration, baseline string, opt evals.RunOptions, f evalFlags, old *evals.Matrix, gate *evals.Thresholds, stdout, stderr io.Writer) error {
	bar := newProgress(stderr, "eval")
	opt.Progress = func(p evals.Progress) {
		detail := p.Case
		if len(configs) > 1 {
			detail = p.Config + " " + p.Case
		}
		bar.update(p.Done, p.Total, detail)
	}
	m, err := evals.RunMatrix(ctx, cases, configs, baseline, opt)
	if err != nil {
		return err
	}
	return writeEvalReports(m, f, old, gate, stdout, stderr)
}

// writeEvalReports prints the tables, comparison and gate, writes the
// report files, and returns the gate's verdict as the error.
func writeEvalReports(m *evals.Matrix, f evalFlags, old *evals.Matrix, gate *evals.Thresholds, stdout, stderr io.Writer) error {
	start := time.Now()
	base := m.BaselineReport()
	fmt.Fprintf(stdout, "%v cases, %d configuration(s)", base.Summary["cases"], len(m.Reports()))
	if len(m.Reports()) > 1 {
		fmt.Fprintf(stdout, ", ratios against %s", m.Baseline)
	}
	fmt.Fprintf(stdout, "; embedder %s\n\n", base.Config["embedder"])
	if err := evals.WriteTable(stdout, m); err != nil {
		return err
	}
	if f.slices != "none" && f.slices != "" {
		if err := evals.WriteSlices(stdout, m, strings.Split(f.slices, ",")...); err != nil {
			return err
		}
	}
	var cmps []*evals.Comparison
	if old != nil {
		var missing []string
		cmps, missing = evals.CompareMatrix(old, m)
		for _, c := range cmps {
			fmt.Fprintln(stdout)
			if err := evals.WriteComparison(stdout, c); err != nil {
				return err
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(stdout, "\nNot in the old report: %s\n", strings.Join(missing, ", "))
		}
	}
	var breaches []evals.Breach
	if gate != nil {
		breaches = gate.Check(m)
		fmt.Fprintln(stdout)
		if len(breaches) == 0 {
			fmt.Fprintf(stdout, "Gate passed: every metric meets %s.\n", f.thresholds)
		} else {
			fmt.Fprintf(stdout, "Gate FAILED: %d threshold(s) of %s missed:\n", len(breaches), f.thresholds)
			for _, b := range breaches {
				fmt.Fprintf(stdout, "  %s\n", b)
			}
		}
	}
	if f.htmlOut != "" {
		var buf bytes.Buffer
		err := htmlreport.Write(&buf, m, htmlreport.Options{
			Title: "Townhall evaluation: " + filepath.Base(f.suite), Generated: time.Now(),
			Comparisons: cmps, Breaches: breaches, Gated: gate != nil,
		})
		if err != nil {
			return err
		}
		if err := writeFile(f.htmlOut, buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := m.WriteJSON(&buf); err != nil {
		return err
	}
	if err := writeFile(f.jsonOut, buf.Bytes()); err != nil {
		return err
	}
	var target, harness float64
	for _, r := range m.Reports() {
		if r.Timing != nil {
			target += r.Timing.TargetMS
			harness += r.Timing.HarnessMS
		}
	}
	harness += float64(time.Since(start)) / float64(time.Millisecond)
	if target > 0 {
		fmt.Fprintf(stderr, "harness overhead: %.1f ms beyond %.0f ms in the assistant (%.2f%%)\n", harness, target, harness/target*100)
	}
	if len(breaches) > 0 {
		return &exitError{code: exitGate, err: fmt.Errorf("eval: %d threshold(s) missed", len(breaches))}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// configKeys are the settings a configuration may vary, with the values
// each may take.
var configKeys = map[string][]string{
	"retriever": {"hybrid", "bm25", "keyword", "vector"},
	"composer":  {"extractive", "none", "llm"},
}

// evalConfigs expands the flags into configurations: the -matrix
// dimensions' cartesian product, then each -config, over the defaults
// -retriever and -composer. Configurations are named by the settings that
// differ between them ("bm25", or "bm25/none" when both vary).
func evalConfigs(f evalFlags) ([]evals.Configuration, error) {
	defaults := map[string]string{"retriever": f.retriever, "composer": f.composer}
	check := func(k, v string) error {
		allowed, ok := configKeys[k]
		if !ok {
			return usageError("eval: unknown setting %q (want retriever or composer)", k)
		}
		for _, a := range allowed {
			if a == v {
				return nil
			}
		}
		return usageError("eval: %s=%q: want one of %s", k, v, strings.Join(allowed, ", "))
	}
	for k, v := range defaults {
		if err := check(k, v); err != nil {
			return nil, err
		}
	}
	var settings []map[string]string
	if len(f.matrix) > 0 {
		settings = []map[string]string{clone(defaults)}
		for _, dim := range f.matrix {
			k, vs, ok := strings.Cut(dim, "=")
			if !ok || vs == "" {
				return nil, usageError("eval: matrix dimension %q: want KEY=V1,V2", dim)
			}
			var next []map[string]string
			for _, s := range settings {
				for _, v := range strings.Split(vs, ",") {
					if err := check(k, v); err != nil {
						return nil, err
					}
					c := clone(s)
					c[k] = v
					next = append(next, c)
				}
			}
			settings = next
		}
	}
	for _, spec := range f.configs {
		c := clone(defaults)
		for _, kv := range strings.Split(spec, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok {
				return nil, usageError("eval: -config %q: want KEY=V,KEY=V", spec)
			}
			if err := check(k, v); err != nil {
				return nil, err
			}
			c[k] = v
		}
		settings = append(settings, c)
	}
	if len(settings) == 0 {
		settings = []map[string]string{defaults}
	}
	var varying []string
	for _, k := range []string{"retriever", "composer"} {
		for _, s := range settings[1:] {
			if s[k] != settings[0][k] {
				varying = append(varying, k)
				break
			}
		}
	}
	if len(varying) == 0 {
		varying = []string{"retriever"}
	}
	configs := make([]evals.Configuration, len(settings))
	for i, s := range settings {
		var parts []string
		for _, k := range varying {
			parts = append(parts, s[k])
		}
		configs[i] = evals.Configuration{Name: strings.Join(parts, "/"), Config: s}
	}
	return configs, nil
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// resolveBaseline finds the configuration -baseline names: by its name, or
// as the only configuration with that setting value.
func resolveBaseline(configs []evals.Configuration, want string) (string, error) {
	if want == "" {
		return configs[0].Name, nil
	}
	var found []string
	for _, c := range configs {
		if c.Name == want {
			return want, nil
		}
		for _, v := range c.Config {
			if v == want {
				found = append(found, c.Name)
				break
			}
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", usageError("eval: -baseline %q matches %d configurations, want one", want, len(found))
}

// readThresholds reads a YAML (or JSON, which YAML includes) thresholds
// file.
func readThresholds(path string) (*evals.Thresholds, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, usageError("eval: %s: %v", path, err)
	}
	t, err := evals.ParseThresholds(doc)
	if err != nil {
		return nil, usageError("eval: %s: %v", path, err)
	}
	return t, nil
}

// evalTarget builds the target a configuration names.
func evalTarget(is *indexStore, cfg map[string]string, llmCfg llm.Config, judge bool) (evals.Target, error) {
	s, err := is.searcher(cfg["retriever"])
	if err != nil {
		return nil, usageError("eval: %v", err)
	}
	if cfg["composer"] == "none" {
		return &evals.Retriever{Searcher: s}, nil
	}
	// Evals keep conversations in memory so runs leave nothing behind.
	stores := assistantStores{
		Conversations: assistanttest.NewConversations(),
		Requests:      assistanttest.NewServiceRequests(),
		Handoffs:      &assistanttest.Handoffs{},
	}
	var model llm.Config
	if cfg["composer"] == "llm" {
		if llmCfg.Provider == "" {
			return nil, usageError("eval: composer=llm needs -llm and -llm-model")
		}
		model = llmCfg
	}
	a, err := newAssistant(is, s, stores, model)
	if err != nil {
		return nil, usageError("eval: %v", err)
	}
	t := &evals.Assistant{Assistant: a}
	if judge {
		t.Evidence = &evals.EvidenceRecorder{Composer: a.Composer, Chunks: is.store.Chunks()}
		a.Composer = t.Evidence
	}
	return t, nil
}
