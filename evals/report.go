package evals

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// Outcome is what the system under test did with a case's scored turn.
type Outcome struct {
	// Retrieved holds document IDs best first, as retrieved for the turn.
	Retrieved []string
	// Answered is false for retrieval-only targets, which produce no
	// intent, answer or citations; answer-level metrics then skip the case.
	Answered  bool
	Intent    string
	Service   string
	Answer    string
	Citations []string // cited document IDs
	// Cited describes the citations for reports (title and link); it may
	// be empty when a target knows only the IDs.
	Cited []Cited
	// Evidence is the text the citations point at, for a Judge. Targets
	// fill it only when asked to (Assistant.Evidence).
	Evidence []Evidence
	Grade    float64 // Flesch-Kincaid grade of the answer
	Latency  time.Duration
	// Judge is the LLM judge's verdict on the answer; Run sets it when
	// RunOptions.Judge is set and the case was judged.
	Judge *Verdict
}

// Cited is one citation as a report shows it.
type Cited struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Evidence is text from a cited document.
type Evidence struct {
	DocID string
	Title string
	Text  string
}

// CaseResult is one case's line in a report.
type CaseResult struct {
	ID      string   `json:"id"`
	Tags    []string `json:"tags,omitempty"`
	Channel string   `json:"channel,omitempty"`
	// Turns are what the resident said; the last is the scored one.
	Turns           []string `json:"turns,omitempty"`
	Expected        string   `json:"expected_intent,omitempty"`
	ExpectedSources []string `json:"expected_sources,omitempty"`
	Intent          string   `json:"intent,omitempty"`
	Service         string   `json:"service,omitempty"`
	Retrieved       []string `json:"retrieved"`
	Citations       []string `json:"citations"`
	Cited           []Cited  `json:"cited,omitempty"`
	Answer          string   `json:"answer"`
	Grade           float64  `json:"grade"`
	LatencyMS       float64  `json:"latency_ms"`
	Rank            int      `json:"rank,omitempty"` // rank of first matching document, 0 if none
	Pass            bool     `json:"pass"`
	Failures        []string `json:"failures"`
	Error           string   `json:"error,omitempty"`
	// Judge is the LLM judge's verdict, when a judge ran.
	Judge *Verdict `json:"judge,omitempty"`
}

// Report is the report of one configuration's run. Its JSON is the schema
// of FORMAT.md ("summary" and "cases") with more fields beside.
type Report struct {
	// Name identifies the configuration in a matrix, e.g. "bm25".
	Name string `json:"name,omitempty"`
	// Config is the configuration's settings (retriever, composer, ...).
	Config  map[string]string  `json:"config,omitempty"`
	Summary map[string]float64 `json:"summary"`
	// Slices holds the summary metrics over subsets of the cases, keyed
	// "tag:<tag>", "intent:<expected intent>" and "channel:<channel>".
	// Each slice also has "cases", its number of cases.
	Slices map[string]map[string]float64 `json:"slices,omitempty"`
	Cases  []CaseResult                  `json:"cases"`
	// Timing splits the run's wall time between the target and the
	// harness; it varies from run to run, so comparisons ignore it.
	Timing *Timing `json:"timing,omitempty"`
}

// Timing is where a run's wall time went.
type Timing struct {
	// TargetMS is the time spent inside Target.Run, summed over cases.
	TargetMS float64 `json:"target_ms"`
	// HarnessMS is everything else Run did: judging excluded, scoring
	// and bookkeeping included. Report writing is added by the caller.
	HarnessMS float64 `json:"harness_ms"`
	// JudgeMS is the time spent in the Judge, if any.
	JudgeMS float64 `json:"judge_ms,omitempty"`
}

// Overhead returns the harness's share of the time beyond the target's:
// HarnessMS / TargetMS.
func (t *Timing) Overhead() float64 {
	if t == nil || t.TargetMS == 0 {
		return 0
	}
	return t.HarnessMS / t.TargetMS
}

// Case returns the result for a case id, or nil.
func (r *Report) Case(id string) *CaseResult {
	for i := range r.Cases {
		if r.Cases[i].ID == id {
			return &r.Cases[i]
		}
	}
	return nil
}

// Matrix is the report of one eval run over one or more configurations,
// as townhall eval writes it. Its JSON keeps the FORMAT.md schema at the
// top level for the first configuration, so readers of single runs need
// not change, and lists every configuration under "runs" when there is
// more than one.
type Matrix struct {
	Report
	// Baseline names the configuration ratios are taken against.
	Baseline string `json:"baseline,omitempty"`
	// Runs holds every configuration in order, the first included. It is
	// empty in a single-configuration file.
	Runs []*Report `json:"runs,omitempty"`
}

// NewMatrix builds the report of reps, taking ratios against baseline
// (a configuration name; "" means the first).
func NewMatrix(reps []*Report, baseline string) (*Matrix, error) {
	if len(reps) == 0 {
		return nil, fmt.Errorf("no configurations: %w", ErrInvalid)
	}
	m := &Matrix{Report: *reps[0]}
	if len(reps) > 1 {
		m.Runs = reps
	}
	if baseline == "" {
		baseline = reps[0].Name
	}
	if m.Find(baseline) == nil {
		return nil, fmt.Errorf("baseline %q is not one of the configurations: %w", baseline, ErrInvalid)
	}
	m.Baseline = baseline
	return m, nil
}

// Reports returns every configuration's report, in order.
func (m *Matrix) Reports() []*Report {
	if len(m.Runs) > 0 {
		return m.Runs
	}
	return []*Report{&m.Report}
}

// Find returns the report of the named configuration, or nil. With one
// configuration, "" finds it too.
func (m *Matrix) Find(name string) *Report {
	reps := m.Reports()
	for _, r := range reps {
		if r.Name == name {
			return r
		}
	}
	if name == "" && len(reps) == 1 {
		return reps[0]
	}
	return nil
}

// BaselineReport returns the baseline configuration's report.
func (m *Matrix) BaselineReport() *Report {
	if r := m.Find(m.Baseline); r != nil {
		return r
	}
	return m.Reports()[0]
}

// WriteJSON writes m as indented JSON.
func (m *Matrix) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// ReadMatrix reads a report written by WriteJSON, or any report in the
// FORMAT.md schema.
func ReadMatrix(r io.Reader) (*Matrix, error) {
	var m Matrix
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("report: %v: %w", err, ErrInvalid)
	}
	if m.Summary == nil && len(m.Runs) == 0 {
		return nil, fmt.Errorf("report has no summary: %w", ErrInvalid)
	}
	if len(m.Runs) > 0 {
		// The top level repeats the first run; point at it so edits to one
		// are edits to both.
		m.Report = *m.Runs[0]
	}
	return &m, nil
}

// ReadMatrixFile reads a report file.
func ReadMatrixFile(path string) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadMatrix(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
