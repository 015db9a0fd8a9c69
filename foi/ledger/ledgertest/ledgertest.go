// Package ledgertest fills record stores for tests of foi/ledger and its
// web face.
package ledgertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

// MustDemoStore ingests the spending and contracts CSVs of the manifest
// at manifestPath (the demo council's, testdata/demo/demo.yaml) into a
// record store in a temporary folder, as townhall ingest does, and closes
// it at cleanup.
func MustDemoStore(tb testing.TB, manifestPath string) *records.Store {
	tb.Helper()
	m, err := manifest.Load(manifestPath)
	if err != nil {
		tb.Fatal(err)
	}
	entries, errs := manifest.Files(m)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	var files []corpus.SourceFile
	for _, e := range entries {
		if e.Source.Kind != corpus.KindSpending && e.Source.Kind != corpus.KindContracts {
			continue
		}
		files = append(files, corpus.SourceFile{ID: e.ID, Source: e.Source, Council: e.Council, BaseURL: e.BaseURL,
			Read: func() ([]byte, error) { return os.ReadFile(e.AbsPath) }})
	}
	return MustStore(tb, files)
}

// MustStore ingests files (CSV only) into a new record store.
func MustStore(tb testing.TB, files []corpus.SourceFile) *records.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := records.Open(ctx, filepath.Join(tb.TempDir(), "records.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	sum, err := corpus.Ingest(ctx, files, st, corpus.IngestOptions{Loaders: corpus.Loaders{"csv": tabular.Load}})
	if err != nil {
		tb.Fatal(err)
	}
	if len(sum.Failures) > 0 {
		tb.Fatalf("ingest failures: %v", sum.Failures)
	}
	return st
}
