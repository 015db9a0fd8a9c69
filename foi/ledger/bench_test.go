package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// sharedStore is the shared corpus's record store, or a skip.
func sharedStore(b *testing.B) *records.Store {
	b.Helper()
	return ledgertest.SharedStore(b, "../../../shared/corpus", "../../evals/shared-corpus.yaml")
}

// BenchmarkSharedTotals times what the spending page asks of the store
// over the shared corpus's payments (about 117,000): the overall total
// and the totals by supplier, department and month, and a page of rows,
// for a spread of searches, and reports each query's p50 and p95, from
// SQLite (records.Store) and from the in-memory records.Ledger.
func BenchmarkSharedTotals(b *testing.B) {
	for _, impl := range []string{"sql", "memory"} {
		b.Run(impl, func(b *testing.B) {
			st := sharedStore(b)
			var s ledger.Store = st
			if impl == "memory" {
				s = records.NewLedger(st)
			}
			benchTotals(b, s)
		})
	}
}

func benchTotals(b *testing.B, st ledger.Store) {
	ctx := context.Background()
	spend := func(f ledger.Filter) ledger.Filter { f.Kind = corpus.KindSpending; return f }
	filters := []ledger.Filter{
		spend(ledger.Filter{}),
		spend(ledger.Filter{Council: "Oxford City Council", Exact: ledger.FieldSet(ledger.FieldCouncil)}),
		spend(ledger.Filter{Department: "housing"}),
		spend(ledger.Filter{Supplier: "veolia"}),
		spend(ledger.Filter{Category: "repairs", From: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)}),
		spend(ledger.Filter{Text: "consultancy"}),
		spend(ledger.Filter{Month: "2017-03"}),
		{Kind: corpus.KindContracts},
	}
	rows, err := st.SumRows(ctx, filters[0], ledger.GroupNone)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d payments in the store", rows[0].Rows)
	groups := append([]ledger.Group{ledger.GroupNone}, ledger.Groups...)
	lat := map[ledger.Group][]float64{}
	var page []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range filters {
			for _, g := range groups {
				t0 := time.Now()
				if _, err := st.SumRows(ctx, f, g); err != nil {
					b.Fatal(err)
				}
				lat[g] = append(lat[g], ms(time.Since(t0)))
			}
			t0 := time.Now()
			f.Limit = 25
			if _, _, err := st.FindRows(ctx, f); err != nil {
				b.Fatal(err)
			}
			page = append(page, ms(time.Since(t0)))
		}
	}
	b.StopTimer()
	var all []float64
	for _, g := range groups {
		name := "total"
		if g != ledger.GroupNone {
			name = "by_" + string(g)
		}
		b.ReportMetric(ledgertest.Quantile(lat[g], 0.5), name+"_p50_ms")
		b.ReportMetric(ledgertest.Quantile(lat[g], 0.95), name+"_p95_ms")
		all = append(all, lat[g]...)
	}
	b.ReportMetric(ledgertest.Quantile(all, 0.5), "totals_p50_ms")
	b.ReportMetric(ledgertest.Quantile(all, 0.95), "totals_p95_ms")
	b.ReportMetric(ledgertest.Quantile(page, 0.5), "page_p50_ms")
	b.ReportMetric(ledgertest.Quantile(page, 0.95), "page_p95_ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
