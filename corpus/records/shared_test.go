package records_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// sharedManifest declares the shared evaluation corpus, a sibling of the
// repository.
const sharedManifest = "../../evals/shared-corpus.yaml"

// sharedFile is one spending or contracts file of the shared corpus,
// parsed.
type sharedFile struct {
	id, hash string
	docs     []corpus.Document
}

// loadShared parses the shared corpus's spending and contracts files, or
// skips when the corpus is absent.
func loadShared(tb testing.TB) ([]sharedFile, int) {
	tb.Helper()
	m, err := manifest.Load(sharedManifest)
	if err != nil {
		tb.Skipf("shared corpus manifest: %v", err)
	}
	if _, err := os.Stat(m.RootDir()); err != nil {
		tb.Skipf("shared corpus not present: %v", err)
	}
	files, _ := ledgertest.RecordFiles(m, ledgertest.ReadCapped)
	sink := &captureSink{}
	loaders := corpus.Loaders{"csv": tabular.Load, "json": jsondoc.Load, "contractsfinder": jsondoc.Load, "pdf": pdf.Load}
	if _, err := corpus.Ingest(context.Background(), files, sink, corpus.IngestOptions{Loaders: loaders}); err != nil {
		tb.Fatal(err)
	}
	return sink.files, sink.records
}

// captureSink keeps what ingestion puts.
type captureSink struct {
	files   []sharedFile
	records int
}

func (c *captureSink) FileHashes(context.Context) (map[string]string, error) { return nil, nil }
func (c *captureSink) DeleteFiles(context.Context, []string) error           { return nil }
func (c *captureSink) PutFile(_ context.Context, id, hash string, docs []corpus.Document) error {
	c.files = append(c.files, sharedFile{id, hash, docs})
	for _, d := range docs {
		if d.Record != nil {
			c.records++
		}
	}
	return nil
}

// BenchmarkPutFileShared measures how fast the shared corpus's spending
// and contract records are written, in records per second.
func BenchmarkPutFileShared(b *testing.B) {
	files, n := loadShared(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := records.Open(ctx, filepath.Join(b.TempDir(), "records.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		for _, f := range files {
			if err := s.PutFile(ctx, f.id, f.hash, f.docs); err != nil {
				b.Fatal(err)
			}
		}
		// CPU time as well as wall time: the machine is shared, and wall
		// time alone mostly measures the neighbours.
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "records/s")
		b.ReportMetric(float64(n)/(cpuTime()-cpu).Seconds(), "records/cpu-s")
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueryShared measures typical record queries over the shared
// corpus: a fuzzy supplier lookup, a supplier total for a month, the
// largest payments in a quarter and a contract text search.
func BenchmarkQueryShared(b *testing.B) {
	files, _ := loadShared(b)
	ctx := context.Background()
	s, err := records.Open(ctx, filepath.Join(b.TempDir(), "records.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, f := range files {
		if err := s.PutFile(ctx, f.id, f.hash, f.docs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "warmup"}); err != nil {
		b.Fatal(err)
	}
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	b.Run("suppliers", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "Wilmot Dixon", Fuzzy: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sum", func(b *testing.B) {
		ms, _ := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "Civica"})
		var norms []string
		for _, m := range ms {
			norms = append(norms, m.Norm)
		}
		for i := 0; i < b.N; i++ {
			if _, err := s.SumRecords(ctx, assistant.RecordFilter{Suppliers: norms, From: month(2019, 1), To: month(2020, 1)}, assistant.GroupNone); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("largest", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, err := s.FindRecords(ctx, assistant.RecordFilter{Kind: corpus.KindSpending, From: month(2018, 1), To: month(2018, 4), Order: assistant.OrderAmount, Limit: 3}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, err := s.FindRecords(ctx, assistant.RecordFilter{Kind: corpus.KindContracts, Text: "play area park", AnyText: true, Order: assistant.OrderRelevance, Limit: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
