// Package portal is the FOI transparency portal's web face: the public
// disclosure log (search with facets, a permalink page per disclosure,
// a JSON API, CSV and JSON exports, an Atom feed and a sitemap), the FOI
// request form with its "already published?" step, and an officers' case
// list.
//
// Pages are server-rendered with html/template and work without
// JavaScript, in the style of the GOV.UK Design System: govuk-frontend's
// compiled CSS, fonts and images are served from a folder on disk (see
// Config.Assets) at /assets/, and when that folder is missing a small
// built-in stylesheet keeps the pages usable. Every value from a
// disclosure or a form is escaped by the templates, so HTML or script in
// any field renders as text.
//
// The officers' case list (/foi/cases), with each case's "similar
// previous responses" pack, and the redaction preview
// (/foi/cases/redaction?id=..., when Config.Redaction is set: each
// detected item highlighted with its kind, censor rules tried, saved and
// deleted, the disclosure republished, and the audit trail) are off
// unless Config.Officers is set, and even then answer only connections
// from a loopback address
// that carry no proxy headers: it has no login of its own, so it must
// be reached from the council's own machine (an SSH tunnel, say), never
// through a reverse proxy.
package portal

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/internal/localonly"
	"github.com/townhall-civic/townhall/retrieval"
)

// Searcher is the disclosure search the portal needs; foi/search.Index is
// one.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (*search.Result, error)
}

// Config configures a Portal.
type Config struct {
	// Service takes FOI requests and keeps the case list; its Store also
	// serves the disclosure log.
	Service *foi.Service
	// Search is the disclosure search index.
	Search Searcher
	// Related, when set, finds published datasets and pages related to a
	// disclosure or a new request (the main retrieval index).
	Related retrieval.Searcher
	// Assets is the folder holding govuk-frontend's compiled files
	// (node_modules/govuk-frontend/dist/govuk). When it is "" or has no
	// govuk-frontend.min.css, the built-in fallback stylesheet is used.
	Assets string
	// TransportFont serves govuk-frontend's CSS unchanged, with the GDS
	// Transport typeface. The GOV.UK Design System restricts Transport to
	// services on GOV.UK, so by default the portal rewrites the CSS to use
	// Arial, as the Design System advises other public services to.
	TransportFont bool
	// Council is the council's name, shown in the header.
	Council string
	// BaseURL is the portal's public origin, e.g. "https://foi.example.gov.uk",
	// used for absolute links in the feed and sitemap. "" takes the
	// request's Host, which is fine on a workstation but must not be
	// relied on behind a shared cache.
	BaseURL string
	// Officers turns on the case list at /foi/cases (loopback only).
	Officers bool
	// Redaction, when set, turns on the officers' redaction preview at
	// /foi/cases/redaction (loopback only, with Officers): drafts, censor
	// rules, republishing and the audit trail.
	Redaction RedactionStore
	// Detect is what redaction keeps (the council's own email domains,
	// switchboard and address), as at import.
	Detect foi.DetectOptions
	// Logger receives errors; nil discards them.
	Logger *slog.Logger
}

// Portal serves the FOI pages. Create it with New.
type Portal struct {
	cfg    Config
	layout Layout
	pages  map[string]*template.Template
	assets *assets
	csrf   *http.CrossOriginProtection
}

// New returns a portal for cfg. It fails only if the built-in templates
// do not parse; missing govuk-frontend assets are not an error.
func New(cfg Config) (*Portal, error) {
	if cfg.Service == nil || cfg.Search == nil {
		return nil, fmt.Errorf("portal: Service and Search are required: %w", foi.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	p := &Portal{cfg: cfg, csrf: http.NewCrossOriginProtection()}
	var err error
	if p.pages, err = parsePages(); err != nil {
		return nil, err
	}
	p.assets = loadAssets(cfg.Assets, cfg.TransportFont, cfg.Logger)
	p.layout = Layout{Council: cfg.Council, Stylesheet: p.assets.stylesheet(), Script: p.assets.govuk,
		Officers: cfg.Officers, Logger: cfg.Logger}
	return p, nil
}

// AssetsAvailable reports whether govuk-frontend was found; without it
// the portal uses its fallback stylesheet.
func (p *Portal) AssetsAvailable() bool { return p.assets.govuk }

// Register adds the portal's routes to mux: /foi/, /api/foi/ and /assets/.
func (p *Portal) Register(mux *http.ServeMux) {
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, Secure(fn)) }
	h("GET /foi/{$}", p.handleSearch)
	h("GET /foi/disclosures/{id...}", p.handleDisclosure)
	h("GET /foi/export.csv", p.handleExportCSV)
	h("GET /foi/export.json", p.handleExportJSON)
	h("GET /foi/feed.atom", p.handleFeed)
	h("GET /foi/sitemap.xml", p.handleSitemapIndex)
	h("GET /foi/sitemaps/{file}", p.handleSitemap)
	h("GET /foi/request", p.handleRequestForm)
	mux.Handle("POST /foi/request", Secure(p.csrf.Handler(http.HandlerFunc(p.handleRequestSubmit)).ServeHTTP))
	h("GET /api/foi/search", p.handleAPISearch)
	mux.Handle("GET /assets/", p.assets)

	officer := func(pattern string, fn http.HandlerFunc) {
		var hh http.Handler = fn
		if strings.HasPrefix(pattern, "POST") {
			hh = p.csrf.Handler(hh)
		}
		mux.Handle(pattern, Secure(p.officersOnly(hh).ServeHTTP))
	}
	officer("GET /foi/cases", p.handleCases)
	officer("GET /foi/cases/new", p.handleCaseNewForm)
	officer("POST /foi/cases/new", p.handleCaseNew)
	officer("GET /foi/cases/{id}", p.handleCase)
	officer("POST /foi/cases/{id}/status", p.handleCaseStatus)
	officer("POST /foi/cases/{id}/assignee", p.handleCaseAssign)
	officer("GET /foi/cases/{id}/similar.json", p.handleCaseSimilarJSON)
	officer("GET /foi/cases/redaction", p.handleRedaction)
	officer("POST /foi/cases/redaction", p.handleRedactionPost)
}

// officersOnly hides the case list unless Config.Officers is set and the
// request comes straight from a loopback address.
func (p *Portal) officersOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.cfg.Officers {
			p.notFound(w, r)
			return
		}
		if !localonly.Direct(r) {
			p.writeError(w, r, errForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var (
	errForbidden   = errors.New("forbidden")
	errBadRequest  = errors.New("bad request")
	errUnavailable = errors.New("unavailable")
)

// writeError maps an error to a status and a page that says only what is
// safe; the detail goes to the log.
func (p *Portal) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, title, msg := http.StatusInternalServerError, "Sorry, there is a problem with the service",
		"Try again later."
	switch {
	case errors.Is(err, foi.ErrNotFound):
		status, title, msg = http.StatusNotFound, "Page not found", "If you typed the web address, check it is correct."
	case errors.Is(err, errForbidden):
		status, title, msg = http.StatusForbidden, "You cannot see this page", "The case list is only available on the council's own network."
	case errors.Is(err, foi.ErrConflict):
		status, title, msg = http.StatusConflict, "That change could not be made", "Someone may have changed the case first. Go back, reload and try again."
	case errors.Is(err, foi.ErrInvalid), errors.Is(err, errBadRequest):
		status, title, msg = http.StatusBadRequest, "There is a problem with your search", errorDetail(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errUnavailable):
		status = http.StatusServiceUnavailable
	}
	if status >= 500 {
		p.cfg.Logger.Error("foi portal", "path", r.URL.Path, "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasSuffix(r.URL.Path, ".json") {
		writeJSON(w, status, map[string]string{"error": title + ". " + msg})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, status, "error", Page{Title: title, Data: msg})
}

// userError is an error whose message is safe to show.
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }
func (e userError) Unwrap() error { return errBadRequest }

// errorDetail returns the message of a userError in err, or a generic
// sentence.
func errorDetail(err error) string {
	var ue userError
	if errors.As(err, &ue) {
		return ue.msg
	}
	return "Check what you entered and try again."
}

func (p *Portal) notFound(w http.ResponseWriter, r *http.Request) {
	p.writeError(w, r, foi.ErrNotFound)
}

// baseURL is the absolute origin for links that leave the page.
func (p *Portal) baseURL(r *http.Request) string {
	if p.cfg.BaseURL != "" {
		return p.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// now is the service's clock.
func (p *Portal) now() time.Time {
	if p.cfg.Service.Now != nil {
		return p.cfg.Service.Now()
	}
	return time.Now()
}
