package bleve_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/bleve"
)

var (
	benchIndexChunks  = flag.Int("bench.index", 100_000, "chunks indexed per BenchmarkIndex iteration")
	benchSearchChunks = flag.Int("bench.search", 200_000, "chunks in the BenchmarkSearch* index")
	benchBatch        = flag.Int("bench.batch", 0, "Options.BatchSize for benchmarks (0: default)")
	benchWriters      = flag.Int("bench.writers", 0, "Options.Writers for benchmarks (0: default)")
	benchDir          = flag.String("bench.dir", "", "BenchmarkSearch index directory, built only if missing (default: a fresh temporary one)")
	benchCompact      = flag.Bool("bench.compact", false, "Compact the index before BenchmarkSearch")
	benchZipfQueries  = flag.Bool("bench.zipfq", false, "draw every query word from the corpus Zipf distribution (many very common words)")
)

// synth generates a reproducible synthetic corpus: words drawn from a
// Zipf-distributed vocabulary of made-up words, so term statistics look like
// text without using any real data.
type synth struct {
	r     *rand.Rand
	vocab []string
	zipf  *rand.Zipf
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, 1))
	syl := []string{"ba", "re", "lo", "ti", "mu", "sen", "cor", "wa", "ple", "dra", "ny", "ost", "ker", "vil", "qua", "sho", "fen", "gri"}
	seen := map[string]bool{}
	var vocab []string
	for len(vocab) < 20000 {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return &synth{r: r, vocab: vocab, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))}
}

func (s *synth) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = s.vocab[s.zipf.Uint64()]
	}
	return strings.Join(w, " ")
}

// chunks returns n chunks in documents of 1 to 8 chunks, with minWords to
// maxWords words of text each.
func (s *synth) chunks(n, minWords, maxWords int) []corpus.Chunk {
	out := make([]corpus.Chunk, 0, n)
	kinds := corpus.Kinds
	for d := 0; len(out) < n; d++ {
		docID := fmt.Sprintf("src/file%04d.csv#%d", d/50, d)
		title, kind := s.words(3+s.r.IntN(5)), kinds[s.r.IntN(len(kinds))]
		date := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, s.r.IntN(3650))
		for k := range 1 + s.r.IntN(8) {
			if len(out) == n {
				break
			}
			out = append(out, corpus.Chunk{
				ID: corpus.ChunkID(docID, k), DocID: docID, Kind: kind,
				Title: title, Headings: []string{s.words(2), s.words(3)},
				Text: s.words(minWords + s.r.IntN(maxWords-minWords+1)), URL: "https://example.gov.uk/" + docID,
				Date: date, Council: "Example Council",
			})
		}
	}
	return out
}

// questions returns chatty queries of 3 to 10 content words. A quarter of
// the words follow the corpus distribution (so common words occur); the
// rest are mid-frequency topic words, as in "missed bin collection".
func (s *synth) questions(n int, zipfOnly bool) []string {
	out := make([]string, n)
	for i := range out {
		k := 3 + s.r.IntN(8)
		w := make([]string, k)
		for j := range w {
			if zipfOnly || s.r.IntN(4) == 0 {
				w[j] = s.vocab[s.zipf.Uint64()]
			} else {
				w[j] = s.vocab[30+s.r.IntN(8000)]
			}
		}
		out[i] = "hi how do i " + strings.Join(w, " ") + " please"
	}
	return out
}

func BenchmarkIndex(b *testing.B) {
	chunks := newSynth(1).chunks(*benchIndexChunks, 10, 60) // short: spending rows, notices
	ctx := context.Background()
	var elapsed, cpu time.Duration
	for b.Loop() {
		cpu0 := cpuTime()
		idx, err := bleve.Open(filepath.Join(b.TempDir(), "idx"), bleve.Options{BatchSize: *benchBatch, Writers: *benchWriters})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := idx.Put(ctx, chunks); err != nil {
			b.Fatal(err)
		}
		put := time.Since(start)
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
		b.Logf("put %v, put+close %v", put, time.Since(start))
	}
	b.ReportMetric(float64(b.N*len(chunks))/elapsed.Seconds(), "chunks/s")
	// The machine may be shared: CPU time is the steadier figure.
	b.ReportMetric(float64(b.N*len(chunks))/cpu.Seconds(), "chunks/cpu-s")
}

// cpuTime is the user plus system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSearch builds an on-disk index of -bench.search chunks once,
// reopens it as a server would, and reports per-query latency percentiles
// for each arm.
func BenchmarkSearch(b *testing.B) {
	s := newSynth(2)
	chunks := s.chunks(*benchSearchChunks, 20, 220) // up to corpus.DefaultChunkOptions().MaxWords
	questions := s.questions(500, *benchZipfQueries)
	ctx := context.Background()
	path := *benchDir
	if path == "" {
		path = filepath.Join(b.TempDir(), "idx")
	}
	if _, err := os.Stat(path); err != nil {
		idx, err := bleve.Open(path, bleve.Options{BatchSize: *benchBatch, Writers: *benchWriters})
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), cpuTime()
		if err := idx.Put(ctx, chunks); err != nil {
			b.Fatal(err)
		}
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
		b.Logf("indexed %d chunks in %v (%v CPU)", len(chunks), time.Since(start), cpuTime()-cpu0)
	}
	idx, err := bleve.Open(path, bleve.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	if *benchCompact {
		start := time.Now()
		if err := idx.Compact(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("compacted in %v", time.Since(start))
	}
	b.Logf("%d segments", idx.Segments())

	for _, arm := range []struct {
		name string
		s    retrieval.Searcher
	}{{"Tuned", idx}, {"Plain", idx.Plain()}} {
		b.Run(arm.name, func(b *testing.B) {
			for _, q := range questions[:50] { // warm up
				if _, err := arm.s.Search(ctx, retrieval.Query{Text: q}); err != nil {
					b.Fatal(err)
				}
			}
			var lat []time.Duration
			hits := 0
			for n := 0; b.Loop(); n++ {
				t := time.Now()
				h, err := arm.s.Search(ctx, retrieval.Query{Text: questions[n%len(questions)], Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
				hits += len(h)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(lat)), "hits/op")
		})
	}
}
