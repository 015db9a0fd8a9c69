package vector

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"
)

// Options that force each search mode regardless of size.
var (
	exactOpts = Options{ExactBelow: math.MaxInt}
	ivfOpts   = Options{ExactBelow: 1}
)

// buildIndex returns an index holding data under seqIDs, added in one
// batch.
func buildIndex(tb testing.TB, dim int, opts Options, data [][]float32) *Index {
	tb.Helper()
	x := New(dim, opts)
	mustAdd(tb, x, seqIDs(len(data)), data)
	return x
}

func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct{ n, d int }{{20_000, 100}, {100_000, 100}, {250_000, 100}, {100_000, 384}} {
		var data, queries [][]float32
		for _, mode := range []string{"exact", "ivf"} {
			name := fmt.Sprintf("%s/n=%dk/d=%d", mode, tc.n/1000, tc.d)
			b.Run(name, func(b *testing.B) {
				if data == nil {
					data, queries = defaultMixture(tc.n, tc.d).generate(tc.n, 256)
				}
				opts := exactOpts
				if mode == "ivf" {
					opts = ivfOpts
				}
				x := buildIndex(b, tc.d, opts, data)
				i := 0
				for b.Loop() {
					if _, err := x.Search(ctx, queries[i%len(queries)], 10, nil); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkBuild times building an index of 100-dimensional vectors in
// one batch, and in batches of 256 as ingestion adds them, which includes
// every retraining on the way.
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{20_000, 100_000, 250_000} {
		data, _ := defaultMixture(n, 100).generate(n, 0)
		ids := seqIDs(n)
		for _, batch := range []int{n, 256} {
			mode := "batch"
			if batch < n {
				mode = "incremental"
			}
			b.Run(fmt.Sprintf("%s/n=%dk/d=100", mode, n/1000), func(b *testing.B) {
				for b.Loop() {
					x := New(100, Options{})
					for start := 0; start < n; start += batch {
						end := min(start+batch, n)
						if err := x.Add(ctx, ids[start:end], data[start:end]); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "build_s")
			})
		}
	}
}

// BenchmarkRecall measures recall@10 and latency at the default settings
// on data of varying difficulty: the default mixture, a diffuse one whose
// clusters overlap heavily, and uniform random vectors, which have no
// structure for any ANN method to exploit.
func BenchmarkRecall(b *testing.B) {
	const d = 100
	for _, tc := range []struct {
		name   string
		n      int
		adjust func(*mixture)
	}{
		{"clustered", 20_000, nil},
		{"clustered", 100_000, nil},
		{"clustered", 250_000, nil},
		{"diffuse", 100_000, func(m *mixture) { m.clusterSpread = 1.5 }},
		{"uniform", 100_000, func(m *mixture) { m.clusterSpread = 1e6 }},
	} {
		b.Run(fmt.Sprintf("%s/n=%dk/d=%d", tc.name, tc.n/1000, d), func(b *testing.B) {
			m := defaultMixture(tc.n, d)
			if tc.adjust != nil {
				tc.adjust(&m)
			}
			data, queries := m.generate(tc.n, 200)
			var r measurement
			// One round takes seconds, so b.Loop stops after it.
			for b.Loop() {
				x := buildIndex(b, d, Options{}, data)
				exact := buildIndex(b, d, exactOpts, data)
				r = measure(b, x, exact, queries)
			}
			b.ReportMetric(r.recall, "recall@10")
			b.ReportMetric(r.p50, "p50_us")
			b.ReportMetric(r.exactP50, "exact_p50_us")
		})
	}
}

// BenchmarkVector1M is the figure `make bench` reports: one million
// 100-dimensional vectors from the default mixture (fixed seed), built in
// one batch, then 1,000 queries at the default settings, with recall@10
// measured against exact search on 200 of them. It runs once whatever
// -benchtime says, taking about a minute on 2 cores.
func BenchmarkVector1M(b *testing.B) {
	benchmarkLarge(b, 1_000_000, 100)
}

func benchmarkLarge(b *testing.B, n, d int) {
	data, queries := defaultMixture(n, d).generate(n, 1000)
	ids := seqIDs(n)
	// One round takes about a minute, so b.Loop stops after it.
	for b.Loop() {
		before := heapBytes()
		start := time.Now()
		x := New(d, Options{})
		mustAdd(b, x, ids, data)
		build := time.Since(start)
		perVec := float64(heapBytes()-before) / float64(n)

		exact := buildIndex(b, d, exactOpts, data)
		m := measure(b, x, exact, queries)
		b.ReportMetric(build.Seconds(), "build_s")
		b.ReportMetric(m.p50, "p50_us")
		b.ReportMetric(m.p99, "p99_us")
		b.ReportMetric(m.recall, "recall@10")
		b.ReportMetric(m.exactP50, "exact_p50_us")
		b.ReportMetric(perVec, "bytes/vec")
		b.ReportMetric(float64(len(x.lists)), "lists")

		// How the probe count trades recall for latency on this data.
		for _, np := range []int{4, 8, 16, 32, 64} {
			x.opts.NProbe = np
			m := measure(b, x, exact, queries)
			b.Logf("nprobe=%d: recall@10=%.3f p50=%.0fµs p99=%.0fµs", np, m.recall, m.p50, m.p99)
		}
	}
}

type measurement struct {
	recall, p50, p99, exactP50 float64 // latencies in µs
}

// measure times x on every query and compares the first 200 (at most)
// with exact search.
func measure(tb testing.TB, x, exact *Index, queries [][]float32) measurement {
	tb.Helper()
	ctx := context.Background()
	lat := make([]time.Duration, 0, len(queries))
	results := make([][]string, len(queries))
	for i, q := range queries {
		t := time.Now()
		hits, err := x.Search(ctx, q, 10, nil)
		lat = append(lat, time.Since(t))
		if err != nil {
			tb.Fatal(err)
		}
		results[i] = hitIDs(hits)
	}
	var m measurement
	var exactLat []time.Duration
	nr := min(200, len(queries))
	for i, q := range queries[:nr] {
		t := time.Now()
		want, err := exact.Search(ctx, q, 10, nil)
		exactLat = append(exactLat, time.Since(t))
		if err != nil {
			tb.Fatal(err)
		}
		m.recall += overlap(hitIDs(want), results[i])
	}
	m.recall /= float64(nr)
	m.p50, m.p99 = percentile(lat, 0.5), percentile(lat, 0.99)
	m.exactP50 = percentile(exactLat, 0.5)
	return m
}

// overlap is the fraction of want present in got.
func overlap(want, got []string) float64 {
	n := 0
	for _, w := range want {
		if slices.Contains(got, w) {
			n++
		}
	}
	return float64(n) / float64(max(1, len(want)))
}

// percentile returns the p-th latency in microseconds.
func percentile(lat []time.Duration, p float64) float64 {
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[min(len(s)-1, int(p*float64(len(s))))].Nanoseconds()) / 1e3
}

func heapBytes() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
