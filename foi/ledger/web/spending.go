package web

import (
	"net/http"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/portal"
)

// Chart sizes on the spending page; the totals page lists every group.
const (
	topGroups   = 10 // suppliers and departments, largest first
	chartMonths = 24 // the latest months, in calendar order
)

// handleSpending serves /foi/spending: the payments search, its results
// and its totals by supplier, department and month.
func (h *Handler) handleSpending(w http.ResponseWriter, r *http.Request) {
	v, f, totals, errs, ok := h.list(w, r, corpus.KindSpending, "/foi/spending", ledger.Groups)
	if !ok {
		return
	}
	d := portal.Page{Title: "Council spending", Nav: "spending", Errors: errs, Data: v}
	if len(errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "spending", d)
		return
	}
	if v.Count > 0 {
		for _, by := range ledger.Groups {
			ts := totals[by]
			n := len(ts)
			switch by {
			case ledger.GroupSupplier:
				ts = ts[:min(n, topGroups)]
				v.Charts = append(v.Charts, newChart("by-supplier", "Suppliers paid the most", "Supplier", by, v.Path, f, ts, n))
			case ledger.GroupDepartment:
				ts = ts[:min(n, topGroups)]
				v.Charts = append(v.Charts, newChart("by-department", "Spending by department", "Department", by, v.Path, f, ts, n))
			case ledger.GroupMonth:
				ts = ts[max(0, n-chartMonths):]
				v.Charts = append(v.Charts, newChart("by-month", "Spending by month", "Month", by, v.Path, f, ts, n))
			}
		}
	}
	h.render(w, r, http.StatusOK, "spending", d)
}

// handleContracts serves /foi/contracts, the contracts register.
func (h *Handler) handleContracts(w http.ResponseWriter, r *http.Request) {
	v, _, _, errs, ok := h.list(w, r, corpus.KindContracts, "/foi/contracts", nil)
	if !ok {
		return
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	h.render(w, r, status, "contracts", portal.Page{Title: "Contracts register", Nav: "contracts", Errors: errs, Data: v})
}

// maxTotals bounds the groups the totals page lists; the CSV has all.
const maxTotals = 500

// totalsView is the totals page's data.
type totalsView struct {
	Chart   chartView
	Back    string
	CSV     string
	Count   int
	Shown   int
	ByLabel string
}

// handleTotals serves /foi/spending/totals?by=G: every total of one
// grouping over the search, as a table (and CSV with format=csv).
func (h *Handler) handleTotals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, _, errs := parseFilter(corpus.KindSpending, q)
	by, err := ledger.ParseGroup(q.Get("by"))
	if err != nil {
		errs = append(errs, portal.FieldError{Field: "by", Message: "Choose totals by supplier, department or month"})
	}
	format := q.Get("format")
	if format != "" && format != "csv" && format != "html" {
		errs = append(errs, portal.FieldError{Field: "format", Message: "Format must be csv or html"})
	}
	if len(errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "error", portal.Page{Title: "There is a problem with the search", Errors: errs,
			Data: "Go back to the spending search and check it."})
		return
	}
	ts, err := h.cfg.Store.SumRows(r.Context(), f, by)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if format == "csv" {
		h.writeTotalsCSV(w, by, ts)
		return
	}
	heading := map[ledger.Group]string{ledger.GroupSupplier: "Supplier", ledger.GroupDepartment: "Department", ledger.GroupMonth: "Month"}[by]
	shown := ts[:min(len(ts), maxTotals)]
	v := &totalsView{Count: len(ts), Shown: len(shown), ByLabel: heading}
	v.Chart = chartView{ID: "totals", Title: "Spending by " + lower(heading), Heading: heading, Group: by,
		Totals: totalViews("/foi/spending", f, by, shown)}
	v.Back = link("/foi/spending", values(f, 1))
	cv := values(f, 1)
	cv.Set("by", string(by))
	cv.Set("format", "csv")
	v.CSV = link("/foi/spending/totals", cv)
	h.render(w, r, http.StatusOK, "totals", portal.Page{Title: v.Chart.Title, Nav: "spending", Data: v})
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
