package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// pgBenchEnv is benchEnv on the postgres store, in a schema of its own
// dropped when the benchmark ends.
func pgBenchEnv(b *testing.B) config {
	return benchEnv(b, pgTestVars(b))
}

// BenchmarkPostgresDemo ingests the demo council into PostgreSQL and
// times the demo suites' questions (suite.jsonl and heldout.jsonl) with
// the hybrid retriever the assistant uses (source priors included), the
// keyword arm and the vector arm, on one and two workers. Run it with
// -benchtime 1x (make bench does); it skips without TEST_DATABASE_URL.
func BenchmarkPostgresDemo(b *testing.B) {
	queries, err := suiteQueries(demoSuite, "../../testdata/demo/heldout.jsonl")
	if err != nil {
		b.Fatal(err)
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
	queries, err := suiteQueries(devSuite)
	if err != nil {
		b.Skip("dev suite absent: ", err)
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
	ingestTimed(b, is, env)
	// The ingest ended with a statistics refresh; time one on its own.
	start := time.Now()
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
		queryLatencies(b, s, queries[:min(len(queries), 10)], 2, 1)
		for _, workers := range []int{1, 2} {
			lat := queryLatencies(b, s, queries, workers, rounds)
			prefix := name + "_w" + strconv.Itoa(workers)
			b.ReportMetric(percentile(lat, 50), prefix+"_p50_ms")
			b.ReportMetric(percentile(lat, 95), prefix+"_p95_ms")
			b.ReportMetric(percentile(lat, 99), prefix+"_p99_ms")
		}
	}
	b.ReportMetric(peakRSS()/1e6, "peak_RSS_MB")
}
