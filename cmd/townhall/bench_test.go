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

const (
	sharedManifest = "../../evals/shared-corpus.yaml"
	sharedCorpus   = "../../../shared/corpus"
	devSuite       = "../../../shared/evals/dev.jsonl"
)

// benchEnv is the environment extra (nil for the embedded store) with a
// fresh data folder and the GloVe embedder when `make embeddings` has
// built it, as `make bench` does, else the hashing one.
func benchEnv(b *testing.B, extra map[string]string) config {
	vars := map[string]string{"TOWNHALL_DATA": b.TempDir()}
	for k, v := range extra {
		vars[k] = v
	}
	if _, err := os.Stat("../../.cache/embeddings/glove-100k.bin"); err == nil {
		vars["TOWNHALL_EMBEDDINGS_FILE"] = "../../.cache/embeddings/glove-100k.bin"
		delete(vars, "TOWNHALL_EMBEDDER")
	} else {
		vars["TOWNHALL_EMBEDDER"] = "hashing"
	}
	return envConfig(func(k string) string { return vars[k] })
}

// suiteQueries returns the questions of the eval suites at paths, each
// case's turns joined into one.
func suiteQueries(paths ...string) ([]string, error) {
	var queries []string
	for _, path := range paths {
		cases, err := evals.ReadSuiteFile(path)
		if err != nil {
			return nil, err
		}
		for _, c := range cases {
			queries = append(queries, strings.Join(c.Turns, " "))
		}
	}
	return queries, nil
}

// ingestTimed ingests the corpus of is with env and reports the ingest
// rate, time and failures.
func ingestTimed(b *testing.B, is *indexStore, env config) {
	b.Helper()
	start := time.Now()
	sum, err := is.ingest(context.Background(), env, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(sum.Documents)/secs, "ingest_docs/s")
	b.ReportMetric(float64(sum.Bytes)/1e6/secs, "ingest_MB/s")
	b.ReportMetric(secs, "ingest_s")
	b.ReportMetric(float64(len(sum.Failures)), "ingest_failures")
}

// peakRSS returns the process's peak resident set size in bytes, from
// /proc (Linux); 0 elsewhere.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkSharedCorpus ingests ../shared/corpus from scratch, then times
// the dev suite's questions against hybrid and bm25, one and two workers.
// Run it with -benchtime 1x (make bench does).
func BenchmarkSharedCorpus(b *testing.B) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		b.Skip("shared corpus absent")
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		env := benchEnv(b, nil)
		is, err := openIndex(ctx, sharedManifest, filepath.Join(env.DataDir, "shared"), env)
		if err != nil {
			b.Fatal(err)
		}
		ingestTimed(b, is, env)
		b.ReportMetric(peakRSS()/1e6, "peak_RSS_MB")

		queries, err := suiteQueries(devSuite)
		if err != nil {
			b.Fatal(err)
		}
		p50 := map[string]float64{}
		for _, name := range []string{"hybrid", "bm25"} {
			s, err := is.searcher(name)
			if err != nil {
				b.Fatal(err)
			}
			for _, workers := range []int{1, 2} {
				lat := queryLatencies(b, s, queries, workers, 5)
				p50[name+strconv.Itoa(workers)] = percentile(lat, 50)
				b.ReportMetric(percentile(lat, 50), name+"_w"+strconv.Itoa(workers)+"_p50_ms")
				b.ReportMetric(percentile(lat, 99), name+"_w"+strconv.Itoa(workers)+"_p99_ms")
			}
		}
		b.ReportMetric(p50["hybrid1"]/p50["bm251"], "hybrid/bm25_p50_w1")
		b.ReportMetric(p50["hybrid2"]/p50["bm252"], "hybrid/bm25_p50_w2")
		is.Close()
	}
}

// queryLatencies runs every query rounds times over workers goroutines
// and returns the latencies in milliseconds, sorted.
func queryLatencies(b *testing.B, s retrieval.Searcher, queries []string, workers, rounds int) []float64 {
	ctx := context.Background()
	var mu sync.Mutex
	var lat []float64
	jobs := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
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
	for r := 0; r < rounds; r++ {
		for _, q := range queries {
			jobs <- q
		}
	}
	close(jobs)
	wg.Wait()
	sort.Float64s(lat)
	return lat
}

// percentile returns the p-th percentile of lat, sorted.
func percentile(lat []float64, p int) float64 {
	return lat[min(len(lat)-1, len(lat)*p/100)]
}
