package web

import (
	"net/http"

	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/portal"
)

// budgetView is one budget document as listed.
type budgetView struct {
	ledger.BudgetDocument
	Pages    []budgetPageView
	Sections bool // the document has sections, not PDF pages
}

type budgetPageView struct {
	ledger.BudgetPage
	URL string
}

// handleBudgets serves /foi/budgets: the budget documents, each with
// links to its source and to each of its pages.
func (h *Handler) handleBudgets(w http.ResponseWriter, r *http.Request) {
	var docs []ledger.BudgetDocument
	if h.cfg.Budgets != nil {
		var err error
		if docs, err = h.cfg.Budgets(r.Context()); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	views := make([]budgetView, len(docs))
	for i, d := range docs {
		v := budgetView{BudgetDocument: d}
		for _, p := range d.Pages {
			v.Pages = append(v.Pages, budgetPageView{BudgetPage: p, URL: d.PageURL(p)})
			if p.Number == 0 {
				v.Sections = true
			}
		}
		views[i] = v
	}
	h.render(w, r, http.StatusOK, "budgets", portal.Page{Title: "Budgets and accounts", Nav: "budgets", Data: views})
}
