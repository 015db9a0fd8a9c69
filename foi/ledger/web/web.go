// Package web is the FOI portal's spending, contracts and budgets
// browser (see foi/ledger): server-rendered pages in the GOV.UK Design
// System style of foi/portal that work without JavaScript.
//
//	GET /foi/spending                 payments: search form, sortable paged table, totals
//	GET /foi/spending/totals?by=G     every total of one grouping (supplier, department, month)
//	GET /foi/contracts                the contracts register: filterable, sortable, paged
//	GET /foi/budgets                  budget documents with links to their pages
//	GET /foi/records/{id...}          one payment or contract with a link to its source
//
// Every list takes format=csv to download the whole result set (up to
// MaxCSVRows rows) with the same query string. CSV cells that a
// spreadsheet would read as a formula (starting with =, +, -, @, a tab or
// a carriage return) are prefixed with an apostrophe; amounts are written
// as plain numbers, which no spreadsheet runs.
//
// Totals are drawn as SVG bar charts hidden from assistive technology
// (aria-hidden), each followed by a table of the same figures, which is
// the real content: every figure in it links to the rows it adds up.
//
// Every value from the record store and every parameter is escaped by
// html/template, so markup in a supplier's name or in the query string
// renders as text. A parameter that cannot be read (31 February, page
// 9999999, sort=evil) is answered 400 with the form and an error summary,
// never 500.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/townhall-civic/townhall/foi/ledger"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/ledger.css
var stylesheet []byte

// BudgetLister lists budget documents; ledger.Budgets over the retrieval
// catalog is one.
type BudgetLister func(ctx context.Context) ([]ledger.BudgetDocument, error)

// Config configures a Handler.
type Config struct {
	// Store holds the payments and contracts; corpus/records.Store is one.
	Store ledger.Store
	// Budgets lists the budget documents; nil shows none.
	Budgets BudgetLister
	// Council is the council's name, shown in the header.
	Council string
	// Stylesheet is the main stylesheet's path, the portal's
	// govuk-frontend CSS or its fallback (portal.Portal serves both).
	Stylesheet string
	// Script loads govuk-frontend's JavaScript, for progressive
	// enhancement only; set it when govuk-frontend is installed.
	Script bool
	// Logger receives errors; nil discards them.
	Logger *slog.Logger
}

// Handler serves the browser's pages. Create it with New.
type Handler struct {
	cfg   Config
	pages map[string]*template.Template
}

// New returns a Handler for cfg. It fails when cfg has no Store or the
// built-in templates do not parse.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("ledger web: Store is required: %w", ledger.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Stylesheet == "" {
		cfg.Stylesheet = "/assets/fallback.css"
	}
	h := &Handler{cfg: cfg}
	var err error
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return h, nil
}

// Register adds the browser's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /foi/spending", secure(h.handleSpending))
	mux.HandleFunc("GET /foi/spending/totals", secure(h.handleTotals))
	mux.HandleFunc("GET /foi/contracts", secure(h.handleContracts))
	mux.HandleFunc("GET /foi/budgets", secure(h.handleBudgets))
	mux.HandleFunc("GET /foi/records/{id...}", secure(h.handleRecord))
	mux.HandleFunc("GET /foi/ledger.css", secure(handleStylesheet))
}

// contentSecurityPolicy is the portal's: the page's own files only, no
// inline script or style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func secure(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		fn(w, r)
	}
}

func handleStylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(stylesheet)
}

// pageNames are the templates that are whole pages, each parsed with
// layout.html.
var pageNames = []string{"spending", "totals", "contracts", "budgets", "record", "error"}

func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("ledger web: layout: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ledger web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// pageData is what every page template receives.
type pageData struct {
	Title      string
	Council    string
	Stylesheet string
	Script     bool
	Nav        string // "spending", "contracts" or "budgets"
	Errors     []fieldError
	Data       any
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, d pageData) {
	d.Council = h.cfg.Council
	d.Stylesheet = h.cfg.Stylesheet
	d.Script = h.cfg.Script
	if len(d.Errors) > 0 && !strings.HasPrefix(d.Title, "Error: ") {
		d.Title = "Error: " + d.Title
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout.html", d); err != nil {
		h.cfg.Logger.Error("foi ledger: render", "page", name, "err", err)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errNotFound is a record or page that does not exist.
var errNotFound = errors.New("not found")

// writeError maps an error to a status and a page that says only what is
// safe; the detail goes to the log.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, title, msg := http.StatusInternalServerError, "Sorry, there is a problem with the service", "Try again later."
	switch {
	case errors.Is(err, errNotFound):
		status, title, msg = http.StatusNotFound, "Page not found", "If you typed the web address, check it is correct."
	case errors.Is(err, ledger.ErrInvalid):
		status, title, msg = http.StatusBadRequest, "There is a problem with the search", "Check the search and try again."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		status, title, msg = http.StatusServiceUnavailable, "Sorry, the search took too long", "Try a narrower search."
	default:
		h.cfg.Logger.Error("foi ledger", "path", r.URL.Path, "err", err)
	}
	h.render(w, status, "error", pageData{Title: title, Data: msg})
}

// recordPath is a record's page. IDs are corpus paths with a "#key"
// ("spending/2024.csv#row-3"); each segment is escaped, so '#' and '?'
// stay part of the ID.
func recordPath(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/foi/records/" + strings.Join(segs, "/")
}
