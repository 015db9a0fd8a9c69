// Package ledgertest fills record stores for tests of foi/ledger and its
// web face.
package ledgertest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

// MustDemoStore ingests the spending and contracts CSVs of the manifest
// at manifestPath (the demo council's, testdata/demo/demo.yaml) into a
// record store in a temporary folder, as townhall ingest does, and closes
// it at cleanup.
func MustDemoStore(tb testing.TB, manifestPath string) *records.Store {
	tb.Helper()
	files, errs := recordFiles(tb, manifestPath)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return MustStore(tb, files)
}

// MustStore ingests files (CSV only) into a new record store.
func MustStore(tb testing.TB, files []corpus.SourceFile) *records.Store {
	tb.Helper()
	st, sum := ingest(tb, files, corpus.Loaders{"csv": tabular.Load})
	if len(sum.Failures) > 0 {
		tb.Fatalf("ingest failures: %v", sum.Failures)
	}
	return st
}

// MustManifestStore ingests the spending and contracts sources of the
// manifest at manifestPath into a record store in a temporary folder,
// with the given loaders (by format name); files no loader reads are
// skipped. It returns the store and the number of files that failed.
func MustManifestStore(tb testing.TB, manifestPath string, loaders corpus.Loaders) (*records.Store, int) {
	tb.Helper()
	files, _ := recordFiles(tb, manifestPath)
	st, sum := ingest(tb, files, loaders)
	return st, len(sum.Failures)
}

// recordFiles lists the spending and contracts files of the manifest at
// manifestPath, read from disk, with the errors listing them met.
func recordFiles(tb testing.TB, manifestPath string) ([]corpus.SourceFile, []error) {
	tb.Helper()
	m, err := manifest.Load(manifestPath)
	if err != nil {
		tb.Fatal(err)
	}
	return RecordFiles(m, func(e manifest.Entry) ([]byte, error) { return os.ReadFile(e.AbsPath) })
}

// RecordFiles lists the files of m's spending and contracts sources, the
// ones a record store holds, each read by read, with the errors listing
// them met.
func RecordFiles(m *corpus.Manifest, read func(manifest.Entry) ([]byte, error)) ([]corpus.SourceFile, []error) {
	entries, errs := manifest.Files(m)
	var files []corpus.SourceFile
	for _, e := range entries {
		if e.Source.Kind != corpus.KindSpending && e.Source.Kind != corpus.KindContracts {
			continue
		}
		files = append(files, corpus.SourceFile{ID: e.ID, Source: e.Source, Council: e.Council, BaseURL: e.BaseURL,
			Read: func() ([]byte, error) { return read(e) }})
	}
	return files, errs
}

// ReadCapped reads a manifest entry as ingest does, refusing files over
// 64 MiB.
func ReadCapped(e manifest.Entry) ([]byte, error) {
	f, err := manifest.ReadFile(e, 64<<20)
	return f.Data, err
}

// ingest ingests files with loaders into a new record store in a
// temporary folder, closed at cleanup.
func ingest(tb testing.TB, files []corpus.SourceFile, loaders corpus.Loaders) (*records.Store, *corpus.Summary) {
	tb.Helper()
	ctx := context.Background()
	st, err := records.Open(ctx, filepath.Join(tb.TempDir(), "records.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	sum, err := corpus.Ingest(ctx, files, st, corpus.IngestOptions{Loaders: loaders})
	if err != nil {
		tb.Fatal(err)
	}
	return st, sum
}

// SharedRecords is where an ingest of the shared corpus may already have
// left its record store (make bench and the retrieval work use it);
// TOWNHALL_BENCH_RECORDS overrides it.
const SharedRecords = "/tmp/th-shared3/records.db"

// SharedStore returns a record store of the shared corpus's payments and
// contracts for benchmarks. It skips when corpusDir is missing. It opens
// a copy of an existing store (SharedRecords), so a benchmark never
// writes to an index someone else uses, and otherwise ingests the
// manifest's spending and contracts sources.
func SharedStore(tb testing.TB, corpusDir, manifestPath string) *records.Store {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skip("shared corpus not found at " + corpusDir)
	}
	src := os.Getenv("TOWNHALL_BENCH_RECORDS")
	if src == "" {
		src = SharedRecords
	}
	if _, err := os.Stat(src); err != nil {
		st, fails := MustManifestStore(tb, manifestPath, corpus.Loaders{
			"csv": tabular.Load, "json": jsondoc.Load, "contractsfinder": jsondoc.Load, "ocds": jsondoc.Load, "pdf": pdf.Load})
		tb.Logf("ingested the shared corpus's spending and contracts (%d files failed)", fails)
		return st
	}
	dst := filepath.Join(tb.TempDir(), "records.db")
	if err := copyFile(dst, src); err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	st, err := records.Open(ctx, dst)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.Warm(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
