package portal

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
)

// apiResult is one hit in the JSON API: exactly these four fields.
type apiResult struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	URL   string `json:"url"` // the disclosure's permalink on the portal
}

type apiResponse struct {
	Results []apiResult `json:"results"`
	Total   int         `json:"total"`
}

// handleAPISearch answers GET /api/foi/search?q=... with
// {"results": [{"id", "title", "kind", "url"}], "total": N}. It takes
// the search page's parameters, plus limit (at most 100) and from/to as
// YYYY-MM-DD.
func (p *Portal) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	q, _, errs := parseSearch(r.URL.Query())
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": errs[0].Message})
		return
	}
	q.Facets, q.NoSnippets = false, true
	res, err := p.cfg.Search.Search(r.Context(), q)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	out := apiResponse{Results: []apiResult{}, Total: res.Total}
	base := p.baseURL(r)
	for _, h := range res.Hits {
		out.Results = append(out.Results, apiResult{ID: h.ID, Title: h.Title, Kind: h.Kind, URL: base + disclosurePath(h.ID)})
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, out)
}

// exportRecord is one row of a CSV or JSON export.
type exportRecord struct {
	ID         string   `json:"id"`
	Reference  string   `json:"reference"`
	Title      string   `json:"title"`
	Kind       string   `json:"kind"`
	Status     string   `json:"status"`
	Law        string   `json:"law"`
	Exemptions []string `json:"exemptions"`
	Department string   `json:"department"`
	Topic      string   `json:"topic"`
	Received   string   `json:"received"`
	SourceURL  string   `json:"source_url"`
	Permalink  string   `json:"permalink"`
}

// maxExport caps an export: search pages stop at search.MaxOffset.
const maxExport = search.MaxOffset + search.MaxLimit

// export runs the search page by page and returns every matching record
// up to maxExport, and the total.
func (p *Portal) export(ctx context.Context, r *http.Request, q search.Query) ([]exportRecord, int, error) {
	q.Facets, q.NoSnippets = false, true
	q.Limit, q.Offset = search.MaxLimit, 0
	base := p.baseURL(r)
	var out []exportRecord
	for {
		res, err := p.cfg.Search.Search(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range res.Hits {
			rec := exportRecord{ID: h.ID, Reference: h.Reference, Title: h.Title, Kind: h.Kind,
				Status: statusLabel(foi.Status(h.Status)), Law: foi.Law(h.Law).Abbrev(), Exemptions: []string{},
				Department: h.Department, Topic: h.Topic, SourceURL: h.URL, Permalink: base + disclosurePath(h.ID)}
			for _, e := range h.Exemptions {
				rec.Exemptions = append(rec.Exemptions, exemptionLabel(e))
			}
			if !h.Date.IsZero() {
				rec.Received = h.Date.Format(time.DateOnly)
			}
			out = append(out, rec)
		}
		q.Offset += len(res.Hits)
		if len(res.Hits) < q.Limit || q.Offset >= res.Total || q.Offset > search.MaxOffset {
			return out, res.Total, nil
		}
	}
}

func (p *Portal) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	q, _, errs := parseSearch(r.URL.Query())
	if len(errs) > 0 {
		p.writeError(w, r, userError{errs[0].Message})
		return
	}
	recs, total, err := p.export(r.Context(), r, q)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="foi-disclosures.csv"`)
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "reference", "title", "kind", "status", "law", "exemptions", "department", "topic",
		"received", "source_url", "permalink"})
	for _, x := range recs {
		cw.Write([]string{cell(x.ID), cell(x.Reference), cell(x.Title), x.Kind, x.Status, x.Law,
			cell(strings.Join(x.Exemptions, "; ")), cell(x.Department), cell(x.Topic), x.Received, cell(x.SourceURL), x.Permalink})
	}
	cw.Flush()
}

// cell defuses spreadsheet formulas: a cell starting with = + - @ or a
// control character is prefixed with an apostrophe, as OWASP advises for
// CSV exports opened in spreadsheet programs.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (p *Portal) handleExportJSON(w http.ResponseWriter, r *http.Request) {
	q, _, errs := parseSearch(r.URL.Query())
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": errs[0].Message})
		return
	}
	recs, total, err := p.export(r.Context(), r, q)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	if recs == nil {
		recs = []exportRecord{}
	}
	w.Header().Set("Content-Disposition", `attachment; filename="foi-disclosures.json"`)
	writeJSON(w, http.StatusOK, struct {
		Total    int            `json:"total"`
		Exported int            `json:"exported"`
		Results  []exportRecord `json:"results"`
	}{total, len(recs), recs})
}
