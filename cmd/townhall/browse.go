package main

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	ledgerweb "github.com/townhall-civic/townhall/foi/ledger/web"
)

// mountBrowse mounts the FOI portal's spending, contracts and budgets
// browser (/foi/spending, /foi/contracts, /foi/budgets, /foi/records/)
// over the index's record store and, for budgets, its catalog. It uses
// the portal's stylesheet, so it is mounted beside the portal.
func (s *Server) mountBrowse(mux *http.ServeMux, env config) {
	govuk := fileExists(filepath.Join(env.FOI.Assets, "govuk-frontend.min.css"))
	css := "/assets/fallback.css"
	if govuk {
		css = "/assets/govuk-frontend.min.css"
	}
	catalog, chunks := s.store.store.Indexer().Catalog, s.store.store.Chunks()
	// The browser adds up and sorts in memory (records.Ledger); load the
	// copy now rather than on the first visitor's request.
	mem := records.NewLedger(s.store.records)
	go func() {
		if err := mem.Warm(context.Background()); err != nil {
			s.cfg.Logger.Warn("spending browser: loading records", "err", err)
		}
	}()
	h, err := ledgerweb.New(ledgerweb.Config{
		// Totals over every payment take tens of milliseconds each; most
		// visitors ask what someone just did. Serving does not ingest, so
		// answers kept for five minutes are current.
		Store: &ledger.Cache{Store: mem, TTL: 5 * time.Minute},
		Budgets: func(ctx context.Context) ([]ledger.BudgetDocument, error) {
			return ledger.Budgets(ctx, catalog, chunks)
		},
		Council:    s.store.manifest.Council,
		Stylesheet: css,
		Script:     govuk,
		Officers:   env.FOI.Officers,
		Logger:     s.cfg.Logger,
	})
	if err != nil {
		// Only the built-in templates can fail, which tests catch; the
		// rest of the service still runs.
		s.cfg.Logger.Error("spending and contracts browser not mounted", "err", err)
		return
	}
	h.Register(mux)
}
