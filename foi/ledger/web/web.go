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
	"github.com/townhall-civic/townhall/foi/portal"
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
	// Officers shows the portal's officers' links (the case list) in the
	// navigation, as the portal does with portal.Config.Officers: only
	// to requests from a loopback address.
	Officers bool
	// Logger receives errors; nil discards them.
	Logger *slog.Logger
}

// Handler serves the browser's pages. Create it with New.
type Handler struct {
	cfg    Config
	layout portal.Layout
	pages  map[string]*template.Template
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
	h := &Handler{cfg: cfg, layout: portal.Layout{Council: cfg.Council, Stylesheet: cfg.Stylesheet, Script: cfg.Script,
		Officers: cfg.Officers, Logger: cfg.Logger}}
	var err error
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return h, nil
}

// Register adds the browser's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /foi/spending", portal.Secure(h.handleSpending))
	mux.HandleFunc("GET /foi/spending/totals", portal.Secure(h.handleTotals))
	mux.HandleFunc("GET /foi/contracts", portal.Secure(h.handleContracts))
	mux.HandleFunc("GET /foi/budgets", portal.Secure(h.handleBudgets))
	mux.HandleFunc("GET /foi/records/{id...}", portal.Secure(h.handleRecord))
	mux.HandleFunc("GET /foi/ledger.css", portal.Secure(handleStylesheet))
}

func handleStylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(stylesheet)
}

// pageNames are the templates that are whole pages, each parsed with
// parts.html inside the portal's layout (portal.ParsePages).
var pageNames = []string{"spending", "totals", "contracts", "budgets", "record", "error"}

func parsePages() (map[string]*template.Template, error) {
	pages, err := portal.ParsePages(templateFS, funcs, pageNames, "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("ledger web: %w", err)
	}
	return pages, nil
}

// render renders page name in the portal's layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, d portal.Page) {
	h.layout.Render(w, r, status, h.pages[name], d)
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
	h.render(w, r, status, "error", portal.Page{Title: title, Data: msg})
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
