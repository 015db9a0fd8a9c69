package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/portal"
)

// recordView is one payment or contract with links around it.
type recordView struct {
	rowView
	Contract bool
	Back     string // the list this record belongs to
	Others   string // every record of the same supplier
	File     string // the source file's ID
}

// handleRecord serves /foi/records/{id...}: one record's fields and a
// link to its source.
func (h *Handler) handleRecord(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || len(id) > 2000 || !strings.Contains(id, "#") {
		h.writeError(w, r, errNotFound)
		return
	}
	for _, kind := range []corpus.Kind{corpus.KindSpending, corpus.KindContracts} {
		rows, _, err := h.cfg.Store.FindRows(r.Context(), ledger.Filter{Kind: kind, ID: id, Limit: 1})
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if len(rows) == 0 {
			continue
		}
		row := rows[0]
		path := "/foi/spending"
		title := "Payment to " + row.Supplier
		if kind == corpus.KindContracts {
			path, title = "/foi/contracts", row.Title
		}
		if strings.TrimSpace(title) == "" || title == "Payment to " {
			title = row.ID
		}
		v := recordView{rowView: rowViews(rows)[0], Contract: kind == corpus.KindContracts, Back: path, File: row.File()}
		if row.Supplier != "" {
			v.Others = link(path, values(ledger.Filter{Kind: kind, Supplier: row.Supplier, Exact: ledger.FieldSet(ledger.FieldSupplier)}, 1))
		}
		h.render(w, r, http.StatusOK, "record", portal.Page{Title: title, Nav: string(kind), Data: v})
		return
	}
	h.writeError(w, r, errors.Join(errNotFound))
}
