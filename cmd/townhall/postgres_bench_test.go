package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/retrieval"
)

// pgBenchEnv is benchEnv on the postgres store, in a schema of its own
// dropped when the benchmark ends.
func pgBenchEnv(b *testing.B) config {
	vars := pgTestVars(b)
	vars["TOWNHALL_DATA"] = b.TempDir()
	delete(vars, "TOWNHALL_EMBEDDER")
	if _, err := os.Stat("../../.cache/embeddings/glove-100k.bin"); err == nil {
		vars["TOWNHALL_EMBEDDINGS_FILE"] = "../../.cache/embeddings/glove-100k.bin"
	} else {
		vars["TOWNHALL_EMBEDDER"] = "hashing"
	}
	return envConfig(func(k string) string { return vars[k] })
}

// BenchmarkPostgresDemo ingests the demo council into PostgreSQL and
// times the demo suites' questions (suite.jsonl and heldout.jsonl) with
// the hybrid retriever the assistant uses (source priors included), the
// keyword arm and the vector arm, on one and two workers. Run it with
// -benchtime 1x (make bench does); it skips without TEST_DATABASE_URL.
func BenchmarkPostgresDemo(b *testing.B) {
	var queries []string
	for _, suite := range []string{demoSuite, "../../testdata/demo/heldout.jsonl"} {
		cases, err := evals.ReadSuiteFile(suite)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cases {
			queries = append(queries, strings.Join(c.Turns, " "))
		}
	}
	for b.Loop() {
		env := pgBenchEnv(b)
		benchPostgres(b, env, demoManifest, queries, 20)
	}
}

// BenchmarkPostgresSharedCorpus ingests ../shared/corpus into PostgreSQL
// from scratch (reporting the ingest rate and the statistics refresh),
// then times the dev suite's questions as BenchmarkPostgresDemo does. It
// skips when the corpus or TEST_DATABASE_URL is absent.
func BenchmarkPostgresSharedCorpus(b *testing.B) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		b.Skip("shared corpus absent")
	}
	cases, err := evals.ReadSuiteFile(devSuite)
	if err != nil {
		b.Skip("dev suite absent: ", err)
	}
	var queries []string
	for _, c := range cases {
		queries = append(queries, strings.Join(c.Turns, " "))
	}
	for b.Loop() {
		env := pgBenchEnv(b)
		benchPostgres(b, env, sharedManifest, queries, 5)
	}
}

// benchPostgres ingests manifest with env and reports the ingest rate and
// query latencies over queries, rounds times each.
func benchPostgres(b *testing.B, env config, manifest string, queries []string, rounds int) {
	ctx := context.Background()
	is, err := openIndex(ctx, manifest, filepath.Join(env.DataDir, "index"), env)
	if err != nil {
		b.Fatal(err)
	}
	defer is.Close()
	if is.store.Backend != storePostgres {
		b.Fatalf("store %q, want postgres", is.store.Backend)
	}
	start := time.Now()
	sum, err := is.ingest(ctx, env, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(sum.Documents)/secs, "ingest_docs/s")
	b.ReportMetric(float64(sum.Bytes)/1e6/secs, "ingest_MB/s")
	b.ReportMetric(secs, "ingest_s")
	b.ReportMetric(float64(len(sum.Failures)), "ingest_failures")
	// The ingest ended with a statistics refresh; time one on its own.
	start = time.Now()
	if err := is.store.Commit(ctx, false); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "refresh_stats_s")

	for _, name := range []string{"hybrid", "bm25", "vector"} {
		s, err := is.searcher(name)
		if err != nil {
			b.Fatal(err)
		}
		// Warm the pool's connections and the server's caches.
		pgLatencies(b, s, queries[:min(len(queries), 10)], 2, 1)
		for _, workers := range []int{1, 2} {
			p := pgLatencies(b, s, queries, workers, rounds)
			prefix := name + "_w" + strconv.Itoa(workers)
			b.ReportMetric(p[0], prefix+"_p50_ms")
			b.ReportMetric(p[1], prefix+"_p95_ms")
			b.ReportMetric(p[2], prefix+"_p99_ms")
		}
	}
	b.ReportMetric(peakRSS()/1e6, "peak_RSS_MB")
}

// pgLatencies runs every query rounds times over workers goroutines and
// returns the p50, p95 and p99 latency in milliseconds.
func pgLatencies(b *testing.B, s retrieval.Searcher, queries []string, workers, rounds int) [3]float64 {
	ctx := context.Background()
	var mu sync.Mutex
	var lat []float64
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range jobs {
				start := time.Now()
				if _, err := s.Search(ctx, retrieval.Query{Text: q, Limit: 10}); err != nil {
					b.Error(err)
				}
				d := float64(time.Since(start).Microseconds()) / 1000
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	for range rounds {
		for _, q := range queries {
			jobs <- q
		}
	}
	close(jobs)
	wg.Wait()
	sort.Float64s(lat)
	at := func(p int) float64 { return lat[min(len(lat)-1, len(lat)*p/100)] }
	return [3]float64{at(50), at(95), at(99)}
}
