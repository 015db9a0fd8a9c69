package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/townhall-civic/townhall/assistant/llm"
	"github.com/townhall-civic/townhall/evals"
	evalweb "github.com/townhall-civic/townhall/evals/web"
)

// evalWebEnv is the staff evaluation page's part of the environment. The
// page is off unless TOWNHALL_STAFF_EVALS is set, and then answers only
// loopback connections.
type evalWebEnv struct {
	Enabled bool // TOWNHALL_STAFF_EVALS=1 mounts the page at /staff/evals/
	// Suites is TOWNHALL_EVAL_SUITES, comma-separated: suite files, or
	// folders whose *.jsonl files are suites.
	Suites []string
	// Reports is TOWNHALL_EVAL_REPORTS, the reports folder; "" means
	// eval-reports in the index folder.
	Reports string
}

func evalWebEnvConfig(getenv func(string) string) evalWebEnv {
	e := evalWebEnv{
		Suites:  splitList(strings.TrimSpace(getenv("TOWNHALL_EVAL_SUITES")), ","),
		Reports: strings.TrimSpace(getenv("TOWNHALL_EVAL_REPORTS")),
	}
	switch strings.ToLower(strings.TrimSpace(getenv("TOWNHALL_STAFF_EVALS"))) {
	case "1", "true", "yes", "on":
		e.Enabled = true
	}
	return e
}

// evalSuites names the suite files the page offers: each file by its name
// without extension (with its folder's name in front when two clash).
func evalSuites(paths []string) map[string]string {
	var files []string
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			found, _ := filepath.Glob(filepath.Join(p, "*.jsonl"))
			files = append(files, found...)
		} else {
			files = append(files, p)
		}
	}
	out := map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		if _, clash := out[name]; clash {
			name = filepath.Base(filepath.Dir(f)) + "/" + name
		}
		out[name] = f
	}
	return out
}

// mountEvalWeb mounts the staff evaluation page when e turns it on. It
// runs suites against the server's own index with the configuration the
// eval command uses by default (hybrid retrieval, extractive composer).
// A failure to set it up is logged, not fatal: residents' pages matter
// more than a staff tool.
func (s *Server) mountEvalWeb(mux *http.ServeMux, e evalWebEnv, env config) {
	if !e.Enabled {
		return
	}
	reports := e.Reports
	if reports == "" {
		dir := s.cfg.DataDir
		if dir == "" {
			dir = env.indexDir(s.cfg.Manifest)
		}
		reports = filepath.Join(dir, "eval-reports")
	}
	live := map[string]string{"retriever": "hybrid", "composer": "extractive"}
	h, err := evalweb.New(evalweb.Config{
		Suites:     evalSuites(e.Suites),
		ReportsDir: reports,
		Logger:     s.cfg.Logger,
		Run: func(ctx context.Context, cases []evals.Case, progress func(evals.Progress)) (*evals.Matrix, error) {
			target, err := evalTarget(s.store, live, llm.Config{}, false)
			if err != nil {
				return nil, err
			}
			cfg := map[string]string{"embedder": s.store.embedder, "manifest": s.cfg.Manifest}
			for k, v := range live {
				cfg[k] = v
			}
			return evals.RunMatrix(ctx, cases, []evals.Configuration{{Name: "live", Config: cfg, Target: target}}, "", evals.RunOptions{Progress: progress})
		},
	})
	if err != nil {
		s.cfg.Logger.Error("staff evaluation page not mounted", "err", err)
		return
	}
	h.Register(mux)
	s.cfg.Logger.Info("staff evaluation page at /staff/evals/ (loopback only)", "reports", reports, "suites", len(evalSuites(e.Suites)))
}
