package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/townhall-civic/townhall/internal/localonly"
)

// Layout is the frame of every page under /foi/: the header, the service
// navigation, the error summary and the footer (templates/layout.html).
// The portal renders its pages in it, and so do the other handlers
// mounted beside it (foi/ledger/web's spending, contracts and budgets
// browser), so that the site has one navigation, kept in one place.
type Layout struct {
	// Council is the council's name, shown in the header.
	Council string
	// Stylesheet is the main stylesheet's path: govuk-frontend's CSS or
	// the portal's fallback (Portal.Stylesheet).
	Stylesheet string
	// Script loads govuk-frontend's JavaScript, for progressive
	// enhancement only.
	Script bool
	// Officers shows the officers' Cases link, to requests from a
	// loopback address without proxy headers only, as the case list
	// itself answers only them (Config.Officers).
	Officers bool
	// Logger receives template errors; nil discards them.
	Logger *slog.Logger
}

// Page is what every page template receives. Handlers set Title, Nav,
// Errors and Data; Layout.Render sets the rest.
type Page struct {
	Title string // the page's own title; "Error: " is put first when there are Errors
	// Nav is the current section, marked in the navigation: "search",
	// "request", "cases", "spending", "contracts" or "budgets".
	Nav    string
	Errors []FieldError // listed in the error summary, each linked to its field
	Data   any          // the page's own data

	Council    string
	Stylesheet string
	Script     bool
	Officers   bool // show the officers' links
}

// FieldError is one problem with one form field, linked from the error
// summary to the field's id.
type FieldError struct {
	Field   string // the input's id
	Message string
}

// ParsePages parses each named page ("templates/<name>.html" in fsys)
// with the shared files (partial templates every page may call) inside
// the portal's layout, with funcs available to them. A page defines
// "content", and may define "head" (elements added to <head>, such as
// its own stylesheet) and "footer-note" (the line under the footer's
// links). The portal's own partials (templates/parts.html: "date-input",
// which shows a DateField) are there for every page.
func ParsePages(fsys fs.FS, funcs template.FuncMap, names []string, shared ...string) (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("portal: layout: %w", err)
	}
	layout.Funcs(funcs)
	if len(shared) > 0 {
		if _, err := layout.ParseFS(fsys, shared...); err != nil {
			return nil, fmt.Errorf("portal: templates %v: %w", shared, err)
		}
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		t, err := template.Must(layout.Clone()).ParseFS(fsys, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("portal: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// Render executes page t (from ParsePages) with p and writes it with
// status. The page is rendered into a buffer first, so that a template
// error becomes a clean 500 rather than half a page.
func (l *Layout) Render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, p Page) {
	p.Council = l.Council
	p.Stylesheet = l.Stylesheet
	p.Script = l.Script
	p.Officers = l.Officers && localonly.Direct(r)
	if len(p.Errors) > 0 && !strings.HasPrefix(p.Title, "Error: ") {
		p.Title = "Error: " + p.Title
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		if l.Logger != nil {
			l.Logger.Error("foi: render", "page", t.Name(), "path", r.URL.Path, "err", err)
		}
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// contentSecurityPolicy allows nothing but the site's own files: no
// inline script or style, so even markup that slipped past escaping
// could not run.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Secure sets the security headers every page under /foi/ carries (a
// content security policy that allows only the site's own files, no
// sniffing, no framing, same-origin referrers) and calls fn.
func Secure(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		fn(w, r)
	}
}
