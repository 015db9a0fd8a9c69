package portal

import (
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the templates that are whole pages; each is parsed with
// layout.html.
var pageNames = []string{"search", "disclosure", "request", "confirm", "acknowledgement", "cases", "case", "redaction", "error"}

func parsePages() (map[string]*template.Template, error) {
	return ParsePages(templateFS, funcs, pageNames)
}

// render renders page name in the layout.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, name string, d Page) {
	p.layout.Render(w, r, status, p.pages[name], d)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// disclosurePath is a disclosure's permalink path. IDs are corpus paths
// ("foi/requests/x.json", "log.csv#row-3"): each segment is escaped, so
// '#' and '?' stay part of the ID.
func disclosurePath(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/foi/disclosures/" + strings.Join(segs, "/")
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "Not known"
		}
		return t.Format("2 January 2006")
	},
	"isoDate": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	},
	"status":      func(s string) string { return statusLabel(foi.Status(s)) },
	"statusTag":   func(s string) string { return statusTag(foi.Status(s)) },
	"lawAbbrev":   func(s string) string { return foi.Law(s).Abbrev() },
	"lawTitle":    func(s string) string { return foi.Law(s).Title() },
	"exemption":   exemptionLabel,
	"permalink":   disclosurePath,
	"facetLegend": facetLegend,
	"kindLabel":   kindLabel,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"add": func(a, b int) int { return a + b },
	"dateField": func(name, legend, hint string, in DateInput) DateField {
		return DateField{Name: name, Legend: legend, Hint: hint, Input: in}
	},
	"redactPath": redactionPath,
}

// statusLabel is the words shown for a status; an unknown one is shown
// as stored.
func statusLabel(s foi.Status) string {
	if s == "" {
		return "Not recorded"
	}
	return s.Display()
}

// statusTag is the govuk-tag modifier for a status.
func statusTag(s foi.Status) string {
	switch {
	case s == foi.StatusSuccessful:
		return "govuk-tag--green"
	case s == foi.StatusPartiallySuccessful:
		return "govuk-tag--turquoise"
	case s == foi.StatusRejected || s == foi.StatusVexatious || s == foi.StatusVeryOverdue:
		return "govuk-tag--red"
	case s == foi.StatusOverdue:
		return "govuk-tag--orange"
	case s == foi.StatusNotHeld:
		return "govuk-tag--purple"
	case s == foi.StatusWaitingResponse || s == foi.StatusWaitingClarification || s == foi.StatusInternalReview:
		return "govuk-tag--blue"
	}
	return "govuk-tag--grey"
}

// exemptionLabel turns an exemption key ("foia:40") into its citation
// and plain-English title.
func exemptionLabel(key string) string {
	law, section, ok := strings.Cut(key, ":")
	if !ok {
		return key
	}
	if e, found := foi.LookupExemption(foi.Law(law), section); found {
		return e.Citation() + ": " + e.Title
	}
	return key
}

func facetLegend(f search.Facet) string {
	switch f {
	case search.FacetKind:
		return "Type of information"
	case search.FacetYear:
		return "Year received"
	case search.FacetStatus:
		return "Outcome"
	case search.FacetLaw:
		return "Law"
	case search.FacetExemption:
		return "Exemption applied"
	case search.FacetDepartment:
		return "Department"
	case search.FacetTopic:
		return "Topic"
	}
	return string(f)
}

func kindLabel(k string) string {
	switch k {
	case "foi":
		return "FOI response"
	case "spending":
		return "Spending"
	case "contracts":
		return "Contract"
	case "budget":
		return "Budget"
	}
	return k
}

// facetValueLabel is how a facet value is shown.
func facetValueLabel(f search.Facet, v string) string {
	switch f {
	case search.FacetStatus:
		return statusLabel(foi.Status(v))
	case search.FacetLaw:
		return foi.Law(v).Abbrev()
	case search.FacetExemption:
		return exemptionLabel(v)
	case search.FacetKind:
		return kindLabel(v)
	}
	return v
}
