package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// BenchmarkSharedSpendingPage times whole /foi/spending pages (rows,
// count, totals by supplier, department and month, council list) over
// the shared corpus's payments for a spread of searches, three ways:
// straight from SQLite (records.Store), from the in-memory
// records.Ledger, and through ledger.Cache over it, as townhall serve
// has it (warm). It reports p50 and p95 of each.
func BenchmarkSharedSpendingPage(b *testing.B) {
	st := ledgertest.SharedStore(b, "../../../../shared/corpus", "../../../evals/shared-corpus.yaml")
	paths := []string{
		"/foi/spending",
		"/foi/spending?council=Oxford+City+Council&exact=council",
		"/foi/spending?department=housing",
		"/foi/spending?supplier=veolia",
		"/foi/spending?category=repairs&from=2016-01-01&to=2016-12-31",
		"/foi/spending?q=consultancy&sort=amount",
		"/foi/spending?month=2017-03&page=3",
		"/foi/contracts?sort=amount",
	}
	serve := func(store ledger.Store) *http.ServeMux {
		h, err := New(Config{Store: store})
		if err != nil {
			b.Fatal(err)
		}
		mux := http.NewServeMux()
		h.Register(mux)
		return mux
	}
	measure := func(mux *http.ServeMux) []float64 {
		var lat []float64
		for _, p := range paths {
			t0 := time.Now()
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
			lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: status %d", p, rec.Code)
			}
		}
		return lat
	}
	mem := records.NewLedger(st)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	if err := mem.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	loadMS := float64(time.Since(t0).Milliseconds())
	runtime.GC()
	runtime.ReadMemStats(&m1)
	sql, cold, warm := serve(st), serve(mem), serve(&ledger.Cache{Store: mem})
	measure(warm) // fill the cache
	var sqlLat, coldLat, warmLat []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sqlLat = append(sqlLat, measure(sql)...)
		coldLat = append(coldLat, measure(cold)...)
		warmLat = append(warmLat, measure(warm)...)
	}
	b.StopTimer()
	b.ReportMetric(loadMS, "memory_load_ms")
	b.ReportMetric(float64(m1.HeapAlloc-min(m0.HeapAlloc, m1.HeapAlloc))/1e6, "memory_heap_MB")
	b.ReportMetric(ledgertest.Quantile(sqlLat, 0.5), "sql_p50_ms")
	b.ReportMetric(ledgertest.Quantile(sqlLat, 0.95), "sql_p95_ms")
	b.ReportMetric(ledgertest.Quantile(coldLat, 0.5), "memory_p50_ms")
	b.ReportMetric(ledgertest.Quantile(coldLat, 0.95), "memory_p95_ms")
	b.ReportMetric(ledgertest.Quantile(warmLat, 0.5), "cached_p50_ms")
	b.ReportMetric(ledgertest.Quantile(warmLat, 0.95), "cached_p95_ms")
}
