package evalweb

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/evals"
)

// headline are the summary metrics the page shows for a finished run.
var headline = []string{"pass_rate", "recall_at_5", "citation_hit", "fact_recall", "intent_accuracy", "latency_ms_p95"}

type metricView struct {
	Name, Value string
}

type runView struct {
	ID, Suite, State, Started, Err, JSON, HTML string
	Done, Total                                int
	Percent                                    int
	Finished                                   bool
	Metrics                                    []metricView
}

func (h *Handler) view(r run) runView {
	v := runView{ID: r.ID, Suite: r.Suite, Started: r.Started.Format("2 Jan 2006 15:04:05"), Err: r.Err, JSON: r.JSON, HTML: r.HTML,
		Done: r.Progress.Done, Total: r.Progress.Total, Finished: r.done()}
	if v.Total > 0 {
		v.Percent = v.Done * 100 / v.Total
	}
	switch {
	case !r.done():
		v.State = "running"
	case r.Err != "":
		v.State = "failed"
	default:
		v.State = "finished"
	}
	for _, k := range headline {
		if x, ok := r.Summary[k]; ok {
			v.Metrics = append(v.Metrics, metricView{Name: k, Value: fmt.Sprint(x)})
		}
	}
	return v
}

func (h *Handler) handleIndex(w http.ResponseWriter, r *http.Request) {
	reports, err := h.listReports()
	if err != nil {
		h.writeError(w, err)
		return
	}
	var runs []runView
	busy := false
	for _, x := range h.recent() {
		runs = append(runs, h.view(x))
		busy = busy || !x.done()
	}
	h.render(w, http.StatusOK, "index", map[string]any{
		"Title": "Evaluation", "Prefix": h.cfg.Prefix, "Suites": h.suiteNames(), "Runs": runs, "Busy": busy, "Reports": reports,
	})
}

func (h *Handler) handleStart(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "Runs can only be started from this page.", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad form.", http.StatusBadRequest)
		return
	}
	id, err := h.Start(r.PostForm.Get("suite"))
	if err != nil {
		h.writeError(w, err)
		return
	}
	http.Redirect(w, r, h.cfg.Prefix+"/runs/"+id, http.StatusSeeOther)
}

func (h *Handler) handleRun(w http.ResponseWriter, r *http.Request) {
	x, ok := h.snapshot(r.PathValue("id"))
	if !ok {
		http.Error(w, "No such run. Runs are forgotten when the server restarts; their reports are kept.", http.StatusNotFound)
		return
	}
	if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(h.view(x))
		return
	}
	h.render(w, http.StatusOK, "run", map[string]any{"Title": "Run of " + x.Suite, "Prefix": h.cfg.Prefix, "Run": h.view(x)})
}

// eventInterval is how often the event stream looks for progress.
const eventInterval = 200 * time.Millisecond

// handleEvents streams a run's progress as server-sent events: a
// "progress" event whenever it changes and a final "done" event.
func (h *Handler) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := h.snapshot(id); !ok {
		http.NotFound(w, r)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a run outlasts the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	tick := time.NewTicker(eventInterval)
	defer tick.Stop()
	last := ""
	for {
		x, _ := h.snapshot(id)
		data, _ := json.Marshal(h.view(x))
		event := "progress"
		if x.done() {
			event = "done"
		}
		if string(data) != last {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
			if err := rc.Flush(); err != nil {
				return
			}
			last = string(data)
		}
		if x.done() {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (h *Handler) handleReport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !reportName(name) {
		http.NotFound(w, r)
		return
	}
	path := filepath.Join(h.cfg.ReportsDir, name)
	if _, err := os.Stat(path); err != nil {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".html") {
		// The report carries its own inline script and styles, nothing
		// else: forbid everything else.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")
	}
	http.ServeFile(w, r, path)
}

// writeError maps an error to a status and a message safe to show.
func (h *Handler) writeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrBusy):
		http.Error(w, "A run is already in progress. Wait for it to finish.", http.StatusConflict)
	case errors.Is(err, evals.ErrInvalid):
		http.Error(w, "That suite cannot be run: "+err.Error(), http.StatusBadRequest)
	default:
		h.cfg.Logger.Error("eval page", "err", err)
		http.Error(w, "Sorry, something went wrong.", http.StatusInternalServerError)
	}
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		h.cfg.Logger.Error("render eval page", "page", name, "err", err)
	}
}

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.Format("2 Jan 2006 15:04") },
}).Parse(pageTemplates))

const pageTemplates = `
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – Townhall staff</title>
<style>
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #0b0c0c; }
header { background: #0b0c0c; color: #fff; padding: 12px 24px; }
header a { color: #fff; }
main { padding: 8px 24px 40px; max-width: 1000px; }
a { color: #1d4f91; }
a:focus, button:focus, select:focus { outline: 3px solid #ffdd00; box-shadow: 0 0 0 5px #0b0c0c; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; }
thead th { background: #f3f2f1; }
button { font: inherit; background: #00703c; color: #fff; border: 0; padding: 6px 14px; box-shadow: 0 2px 0 #002d18; cursor: pointer; }
button[disabled] { background: #505a5f; box-shadow: none; cursor: not-allowed; }
select { font: inherit; padding: 4px; border: 2px solid #0b0c0c; }
label { font-weight: 600; display: block; margin-bottom: 4px; }
progress { width: 100%; max-width: 600px; height: 24px; }
.state-failed { color: #b10e1e; font-weight: 700; }
.state-finished { color: #00703c; font-weight: 700; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.notice { border-left: 6px solid #1d70b8; padding: 8px 12px; background: #f3f2f1; }
</style></head><body>
<header><a href="{{.Prefix}}/">Townhall staff: evaluation</a></header>
<main>{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "index"}}{{template "head" .}}
<h1>Evaluation</h1>
<p>Run a suite of resident questions against the assistant as it is configured now, then read the report. A run takes a few seconds to a few minutes; only one runs at a time.</p>
<h2>Start a run</h2>
{{if .Suites}}
<form method="post" action="{{.Prefix}}/runs">
<label for="suite">Suite</label>
<select id="suite" name="suite">{{range .Suites}}<option>{{.}}</option>{{end}}</select>
<button type="submit"{{if .Busy}} disabled aria-describedby="busy"{{end}}>Run the suite</button>
{{if .Busy}}<p id="busy">A run is in progress; you can start another when it finishes.</p>{{end}}
</form>
{{else}}<p class="notice">No suites are configured. Set TOWNHALL_EVAL_SUITES to suite files or folders of them.</p>{{end}}

{{if .Runs}}<h2>Runs since the server started</h2>
<table><thead><tr><th scope="col">Started</th><th scope="col">Suite</th><th scope="col">State</th><th scope="col">Report</th></tr></thead><tbody>
{{range .Runs}}<tr><td><a href="{{$.Prefix}}/runs/{{.ID}}">{{.Started}}</a></td><td>{{.Suite}}</td>
<td class="state-{{.State}}">{{.State}}{{if not .Finished}} ({{.Done}} of {{.Total}}){{end}}</td>
<td>{{if .HTML}}<a href="{{$.Prefix}}/reports/{{.HTML}}">HTML</a> · <a href="{{$.Prefix}}/reports/{{.JSON}}">JSON</a>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}

<h2>Reports</h2>
{{if .Reports}}<table><thead><tr><th scope="col">Report</th><th scope="col">Written</th><th scope="col">Files</th></tr></thead><tbody>
{{range .Reports}}<tr><td>{{.Name}}</td><td>{{when .Modified}}</td>
<td>{{if .HTML}}<a href="{{$.Prefix}}/reports/{{.HTML}}">HTML<span class="visually-hidden"> report {{.Name}}</span></a>{{end}}{{if and .HTML .JSON}} · {{end}}{{if .JSON}}<a href="{{$.Prefix}}/reports/{{.JSON}}">JSON</a>{{end}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>No reports yet.</p>{{end}}
{{template "foot"}}{{end}}

{{define "run"}}{{template "head" .}}
{{with .Run}}
<h1>Run of {{.Suite}}</h1>
<p>Started {{.Started}}.</p>
<div id="status" role="status" aria-live="polite">
<p><label for="bar">Progress</label>
<progress id="bar" max="{{.Total}}" value="{{.Done}}">{{.Percent}}%</progress></p>
<p id="text" class="state-{{.State}}">{{if .Finished}}{{if .Err}}The run failed: {{.Err}}{{else}}Finished: {{.Done}} of {{.Total}} cases.{{end}}{{else}}{{.Done}} of {{.Total}} cases played.{{end}}</p>
</div>
<div id="result">{{if .HTML}}<p><a href="{{$.Prefix}}/reports/{{.HTML}}">Read the report</a> (or the <a href="{{$.Prefix}}/reports/{{.JSON}}">JSON</a>).</p>
{{if .Metrics}}<table><caption>Headline figures</caption><tbody>{{range .Metrics}}<tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</tbody></table>{{end}}{{end}}</div>
{{if not .Finished}}<noscript><meta http-equiv="refresh" content="2"></noscript>
<script>
(function () {
  var es = new EventSource("{{$.Prefix}}/runs/{{.ID}}/events");
  var bar = document.getElementById("bar"), text = document.getElementById("text");
  function show(v) {
    bar.max = v.Total; bar.value = v.Done;
    text.textContent = v.Done + " of " + v.Total + " cases played.";
  }
  es.addEventListener("progress", function (e) { show(JSON.parse(e.data)); });
  es.addEventListener("done", function () { es.close(); window.location.reload(); });
})();
</script>{{end}}
{{end}}
<p><a href="{{.Prefix}}/">Back to evaluation</a></p>
{{template "foot"}}{{end}}
`
