// Package evalweb is the staff page for evaluation: start a suite against
// the live configuration, watch its progress (server-sent events, with a
// refreshing page as the fallback without script), and browse the JSON and
// HTML reports of past runs.
//
// Like the other staff pages it is off unless cmd/ mounts it, and it
// answers only requests that come straight from a loopback address (not
// through a proxy): anyone who can reach it can make the server work
// through a whole suite. Runs go one at a time.
package evalweb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/internal/localonly"
)

// Config configures the page.
type Config struct {
	// Suites are the suites staff may run: display name to file path.
	Suites map[string]string
	// ReportsDir holds the reports, written as <time>-<suite>.json and
	// .html. It is created if missing.
	ReportsDir string
	// Run plays cases against the live configuration, calling progress
	// after each case. Required.
	Run func(ctx context.Context, cases []evals.Case, progress func(evals.Progress)) (*evals.Matrix, error)
	// Prefix is the path the page is mounted at; "" means /staff/evals.
	Prefix string
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// AllowRemote turns off the loopback check, for tests that cannot
	// dial from a loopback address. Never set it in production.
	AllowRemote bool
}

// Handler serves the page. Create it with New and call Close when the
// server stops, so a running suite is cancelled and waited for.
type Handler struct {
	cfg Config
	mux *http.ServeMux

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	runs []*run // newest last
	seq  int
}

// run is one suite run's state.
type run struct {
	ID       string
	Suite    string
	Started  time.Time
	Finished time.Time
	Progress evals.Progress
	Err      string
	JSON     string // report file names, once written
	HTML     string
	Summary  map[string]float64
}

func (r run) done() bool { return !r.Finished.IsZero() }

// ErrBusy is returned when a run is asked for while another is going.
var ErrBusy = errors.New("evalweb: a run is already in progress")

// keptRuns is how many finished runs the page remembers; their reports
// stay on disk regardless.
const keptRuns = 20

// New returns the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Run == nil {
		return nil, fmt.Errorf("evalweb: Config.Run is required: %w", evals.ErrInvalid)
	}
	if cfg.ReportsDir == "" {
		return nil, fmt.Errorf("evalweb: Config.ReportsDir is required: %w", evals.ErrInvalid)
	}
	if err := os.MkdirAll(cfg.ReportsDir, 0o755); err != nil {
		return nil, fmt.Errorf("evalweb: %w", err)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "/staff/evals"
	}
	cfg.Prefix = strings.TrimSuffix(cfg.Prefix, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	p := cfg.Prefix
	h.mux.HandleFunc("GET "+p+"/{$}", h.handleIndex)
	h.mux.HandleFunc("POST "+p+"/runs", h.handleStart)
	h.mux.HandleFunc("GET "+p+"/runs/{id}", h.handleRun)
	h.mux.HandleFunc("GET "+p+"/runs/{id}/events", h.handleEvents)
	h.mux.HandleFunc("GET "+p+"/reports/{name}", h.handleReport)
	return h, nil
}

// Register mounts the handler on mux at the prefix.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle(h.cfg.Prefix+"/", h)
	mux.Handle("GET "+h.cfg.Prefix, http.RedirectHandler(h.cfg.Prefix+"/", http.StatusMovedPermanently))
}

// ServeHTTP implements http.Handler: loopback requests only.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.cfg.AllowRemote && !localonly.Direct(r) {
		http.Error(w, "The evaluation page is only available on this machine.", http.StatusForbidden)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

// Close cancels a running suite and waits for it to stop.
func (h *Handler) Close() error {
	h.cancel()
	h.wg.Wait()
	return nil
}

// Start begins a run of the named suite and returns its ID. It returns
// ErrBusy while another run is going and an error wrapping
// evals.ErrInvalid for an unknown suite or one that does not parse.
func (h *Handler) Start(suite string) (string, error) {
	path, ok := h.cfg.Suites[suite]
	if !ok {
		return "", fmt.Errorf("evalweb: unknown suite %q: %w", suite, evals.ErrInvalid)
	}
	cases, err := evals.ReadSuiteFile(path)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.runs {
		if !r.done() {
			return "", ErrBusy
		}
	}
	h.seq++
	now := h.cfg.Now()
	r := &run{ID: fmt.Sprintf("%s-%d", now.UTC().Format("20060102T150405"), h.seq), Suite: suite, Started: now,
		Progress: evals.Progress{Total: len(cases)}}
	h.runs = append(h.runs, r)
	if len(h.runs) > keptRuns {
		h.runs = h.runs[len(h.runs)-keptRuns:]
	}
	h.wg.Add(1)
	go h.execute(r.ID, suite, cases)
	return r.ID, nil
}

// execute plays the run and writes its reports.
func (h *Handler) execute(id, suite string, cases []evals.Case) {
	defer h.wg.Done()
	m, err := h.cfg.Run(h.ctx, cases, func(p evals.Progress) {
		h.update(id, func(r *run) { r.Progress = p })
	})
	var jsonName, htmlName string
	if err == nil {
		for _, rep := range m.Reports() {
			if rep.Config == nil {
				rep.Config = map[string]string{}
			}
			rep.Config["suite"] = suite
		}
		jsonName, htmlName, err = h.writeReports(id, suite, m)
	}
	h.update(id, func(r *run) {
		r.Finished = h.cfg.Now()
		if err != nil {
			r.Err = err.Error()
			h.cfg.Logger.Error("eval run failed", "run", id, "suite", suite, "err", err)
			return
		}
		r.JSON, r.HTML, r.Summary = jsonName, htmlName, m.BaselineReport().Summary
	})
}

func (h *Handler) update(id string, fn func(*run)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.runs {
		if r.ID == id {
			fn(r)
		}
	}
}

// snapshot returns a copy of the run with id, or false.
func (h *Handler) snapshot(id string) (run, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.runs {
		if r.ID == id {
			return *r, true
		}
	}
	return run{}, false
}

// recent returns copies of the remembered runs, newest first.
func (h *Handler) recent() []run {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]run, 0, len(h.runs))
	for i := len(h.runs) - 1; i >= 0; i-- {
		out = append(out, *h.runs[i])
	}
	return out
}

// suiteNames returns the configured suites' names, sorted.
func (h *Handler) suiteNames() []string {
	names := make([]string, 0, len(h.cfg.Suites))
	for n := range h.cfg.Suites {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// sameOrigin rejects form posts from other sites: a page elsewhere must
// not be able to start runs through a staff member's browser.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		return strings.TrimPrefix(strings.TrimPrefix(o, "http://"), "https://") == r.Host
	}
	return true
}

// reportName reports whether name is a report file this page wrote: a
// plain file name ending .json or .html.
func reportName(name string) bool {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return false
	}
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".html")
}
